"""Safe defaults as plain ASGI middleware: a bearer token when one is configured, size limits, CORS.

Why plain ASGI (not ``BaseHTTPMiddleware``): these run on every request, and the load target (1,000
requests/s on two cores) leaves no room for a task per request. The order (outermost first) is
CORS → limits → token, so a browser's CORS pre-flight is answered without a token and an oversized
request is refused before anything reads it.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from exportcheck.server.problems import problem_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Paths anyone may read even when a token is set: liveness probes and the page's own files (no data).
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/", "/static/app.js", "/static/app.css", "/favicon.ico"})


async def _send_problem(send: Send, status: int, detail: str, kind: str, path: str,
                        headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = problem_body(status, detail, kind=kind, instance=path)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class TokenAuth:
    """Every request but :data:`OPEN_PATHS` must carry ``Authorization: Bearer <EXPORTCHECK_API_TOKEN>``."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS or scope.get("method") == "OPTIONS":
            await self.app(scope, receive, send)
            return
        given = b""
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, given = value.partition(b" ")
                if scheme.lower() != b"bearer":
                    given = b""
                break
        if not given or not hmac.compare_digest(given.strip(), self.token):
            await _send_problem(send, 401, "this server needs 'Authorization: Bearer <token>' "
                                "(the EXPORTCHECK_API_TOKEN it was started with)", "unauthorized", scope["path"],
                                [(b"www-authenticate", b'Bearer realm="exportcheck"')])
            return
        await self.app(scope, receive, send)


class Limits:
    """Refuse request bodies over ``max_body`` bytes (413) and query strings over ``max_query`` bytes (414).

    A body without a Content-Length is read up to the limit and handed on; one that goes over is refused
    without being read further.
    """

    def __init__(self, app: ASGIApp, max_body: int, max_query: int) -> None:
        self.app, self.max_body, self.max_query = app, max_body, max_query

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if len(scope.get("query_string", b"")) > self.max_query:
            await _send_problem(send, 414, f"query string longer than {self.max_query} bytes", "too-long", path)
            return
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        length = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _send_problem(send, 400, "Content-Length is not a number", "bad-request", path)
                return
            if declared > self.max_body:
                await _send_problem(send, 413, f"request body of {declared} bytes is over the limit of "
                                    f"{self.max_body} bytes (EXPORTCHECK_MAX_BODY_BYTES)", "too-large", path)
                return
            await self.app(scope, self._counting(receive), send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await _send_problem(send, 413, f"request body is over the limit of {self.max_body} bytes "
                                    "(EXPORTCHECK_MAX_BODY_BYTES)", "too-large", path)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)

    def _counting(self, receive: Receive) -> Receive:
        """A receive that stops a body longer than its Content-Length said (a lying client)."""
        seen = 0
        limit = self.max_body

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    return {"type": "http.disconnect"}
            return message

        return counted
