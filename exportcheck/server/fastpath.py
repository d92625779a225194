"""``GET /screen`` answered in front of the framework: from the cache of recent answers, else computed directly.

Why: screening is the request a server gets thousands of a second, and the framework's share of it is
large. On this machine FastAPI's parameter machinery (dependency solving, validation) costs ~0.6 ms per
``/screen`` and its middleware stack ~35 µs around a cached answer, against ~10 µs for the lookup here;
the matcher itself takes ~2-5 ms for a new name and nothing for a repeated one.

What it answers: only a well-formed request it can answer exactly as the route would, with the same
checks (:mod:`.service`), the same JSON and the same cache. Everything else goes on to the full app
unchanged: other paths and methods, a query string over the size limit, a missing or wrong bearer token
when one is set, a cross-origin request when CORS is configured (the CORS middleware adds its headers),
and every request with a parameter it would refuse or cannot parse strictly (the route then answers
with its problem document naming the field). So the route stays the one place that defines
``/screen``'s errors and its OpenAPI description, and this is only a faster way to its 200 answers.

The cache key is the exact query string within one loaded set of snapshots (the cache belongs to the
:class:`~exportcheck.server.state.LoadedLists`, so a new snapshot starts an empty one): the same bytes
of question get the same bytes of answer.
"""

from __future__ import annotations

import hmac
import re
import time
import urllib.parse
from functools import partial
from typing import Any

import anyio
import anyio.to_thread
from starlette.concurrency import run_in_threadpool

from exportcheck.server import service
from exportcheck.server.problems import Problem
from exportcheck.server.security import ASGIApp, Receive, Scope, Send
from exportcheck.server.state import ListsHolder, LoadedLists
from exportcheck.settings import ServerSettings

#: New names of up to this many characters are screened on the event loop; longer ones in threads. Why: handing a
#: name to a thread and its answer back cost ~0.6 ms of CPU a request, as much as screening it (bench serve, one
#: worker, 16 clients asking new names: 687 req/s and 1.58 ms of server CPU a request in threads, 1,086 req/s and
#: 0.92 ms inline; p99 30-36 ms either way). Names this short take 0.4-3 ms and at most ~10 ms (30,000 listed names
#: and typos; adversarial ones: many common words, one word repeated, mixed scripts), so none holds the loop for
#: long. A longer query (up to the 2,000-character limit) could, and goes to a thread: there the interpreter
#: switches between it and the loop every few milliseconds. (The matcher of round 1 took up to a second for some
#: names; inline, that put p99 at 2.5-3.8 s at 64 clients.)
INLINE_CHARS = 200
#: Threads that screen the longer names (see ``INLINE_CHARS``).
MATCHING_THREADS = 4
#: At a reload, the recent questions answered anew with the new lists before the swap: at most this many,
#: in at most this long (a few milliseconds each).
PREFILL_ANSWERS, PREFILL_SECONDS = 1024, 3.0
_LIMIT = re.compile(r"^[0-9]{1,3}$")
_THRESHOLD = re.compile(r"^(?:0(?:\.[0-9]{1,6})?|1(?:\.0{1,6})?|\.[0-9]{1,6})$")


class ScreenFrontDoor:
    """The outermost ASGI app: ``GET /screen`` from here (see the module docstring), all else to ``app``."""

    def __init__(self, app: ASGIApp, holder: ListsHolder, settings: ServerSettings, max_query: int) -> None:
        self.app = app  # the full app (FastAPI, with its middleware)
        self.holder = holder
        self.token = settings.api_token.encode() if settings.api_token else b""
        self.cors = bool(settings.cors_origins)
        self.max_query = max_query  # the Limits middleware's: a longer query string gets its 414
        self.max_chars = settings.max_query_chars
        self._limiter: anyio.CapacityLimiter | None = None  # made in the event loop that serves

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/screen" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        loaded = self.holder.current
        query: bytes = scope.get("query_string", b"")
        if loaded is None or len(query) > self.max_query or not self._passes(scope):
            await self.app(scope, receive, send)
            return
        key = ("raw-screen", query)
        body = loaded.cache.get(key)
        if body is None:
            body = await self._answer(loaded, query)
            if body is None:
                await self.app(scope, receive, send)
                return
            loaded.cache.put(key, body)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    def prefill(self, new: LoadedLists, old: LoadedLists) -> None:
        """Answer the old lists' most recent ``/screen`` questions with the new lists, before they are swapped in.

        Why: without it every repeated question misses the new, empty cache at once after a refresh (a
        newsroom's list of names, asked all day, turns slow at the moment of the swap). Runs in the reload
        thread; at most :data:`PREFILL_ANSWERS` questions and :data:`PREFILL_SECONDS`, dated ones left out
        (a date may need a screener built). Answers come from the new lists only: nothing old is copied.
        """
        if new.screener is None:
            return
        deadline = time.monotonic() + PREFILL_SECONDS
        for key in old.cache.recent(PREFILL_ANSWERS):
            if time.monotonic() > deadline:
                break
            if not (isinstance(key, tuple) and key[0] == "raw-screen"):
                continue
            params = _parse(key[1])
            if params is None or params["as_of"]:
                continue
            try:
                new.cache.put(key, service.screen_answer(new, self.max_chars, **params))
            except Problem:  # e.g. a source no longer held: the route answers it when asked
                continue

    def _matching(self) -> anyio.CapacityLimiter:
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(MATCHING_THREADS)
        return self._limiter

    def _passes(self, scope: Scope) -> bool:
        """The token matches (when one is set) and no CORS handling is needed."""
        given = b""
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, given = value.partition(b" ")
                if scheme.lower() != b"bearer":
                    given = b""
            elif name == b"origin" and self.cors:
                return False
        return not self.token or (bool(given) and hmac.compare_digest(given.strip(), self.token))

    async def _answer(self, loaded: LoadedLists, query: bytes) -> bytes | None:
        """The route's 200 answer, or None where the route must answer (a refusal, an unexpected failure)."""
        params = _parse(query)
        if params is None:
            return None
        try:
            if params["as_of"]:  # a dated screener may have to be built (seconds): Starlette's thread pool
                return await run_in_threadpool(service.screen_answer, loaded, self.max_chars, **params)
            if len(params["q"]) <= INLINE_CHARS:
                return service.screen_answer(loaded, self.max_chars, **params)
            return await anyio.to_thread.run_sync(partial(service.screen_answer, loaded, self.max_chars, **params),
                                                  limiter=self._matching())
        except Problem:
            return None
        except Exception:  # the route runs it again and answers its problem document (and logs it)
            return None


def _parse(query: bytes) -> dict[str, Any] | None:
    """The route's parameters as it would read them (Starlette's parsing: the last value of a repeated one),
    or None where any is missing or not strictly well-formed."""
    values: dict[str, str] = {}
    sources: list[str] = []
    for name, value in urllib.parse.parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if name == "source":
            sources.append(value)
        else:
            values[name] = value
    if "q" not in values:
        return None
    limit = values.get("limit", str(service.SCREEN_LIMIT))
    threshold = values.get("threshold")
    if not _LIMIT.match(limit) or not 1 <= int(limit) <= service.SCREEN_LIMIT_MAX:
        return None
    if threshold is not None and not _THRESHOLD.match(threshold):
        return None
    return {"q": values["q"], "country": values.get("country"), "as_of": values.get("as_of"),
            "source": sources or None, "limit": int(limit),
            "threshold": float(threshold) if threshold is not None else None}
