"""RFC 9457 problem documents: every error the server returns, as ``application/problem+json``.

Why: a client (a newsroom script, OpenRefine, an MCP bridge) must be able to tell which field of its
request was wrong without parsing prose, and must never receive a traceback. Bad input is a 4xx naming
the field (``field`` and, for validation errors, ``errors`` with each location); an unexpected failure
is a 500 that says only that, and is logged on the server.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from exportcheck.errors import ConfigError, ExportcheckError, InputError, SnapshotError

log = logging.getLogger("exportcheck.server")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://github.com/exportcheck/exportcheck#problem-"
TITLES = {400: "Bad request", 401: "Unauthorized", 404: "Not found", 405: "Method not allowed",
          406: "Not acceptable", 413: "Request too large", 414: "Query too long", 415: "Unsupported media type",
          422: "Invalid input", 500: "Internal error", 503: "Not ready"}


class Problem(Exception):
    """Raise anywhere in a route to answer with a problem document."""

    def __init__(self, status: int, detail: str, *, field: str | None = None, kind: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.field = status, detail, field
        self.kind = kind or {400: "bad-request", 401: "unauthorized", 404: "not-found", 413: "too-large",
                             414: "too-long", 415: "unsupported-media-type", 422: "invalid-input",
                             503: "not-ready"}.get(status, "error")
        self.headers = headers or {}
        self.extra = extra


def problem_body(status: int, detail: str, *, kind: str, instance: str = "", field: str | None = None,
                 **extra: Any) -> bytes:
    doc: dict[str, Any] = {"type": TYPE_BASE + kind, "title": TITLES.get(status, "Error"), "status": status,
                           "detail": detail}
    if instance:
        doc["instance"] = instance
    if field:
        doc["field"] = field
    doc.update({k: v for k, v in extra.items() if v is not None})
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def problem_response(status: int, detail: str, *, kind: str, instance: str = "", field: str | None = None,
                     headers: dict[str, str] | None = None, **extra: Any) -> Response:
    return Response(problem_body(status, detail, kind=kind, instance=instance, field=field, **extra),
                    status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    """``('query', 'as_of')`` → ``as_of``; ``('body', 'queries', 'q1', 'schema')`` → ``queries.q1.schema``."""
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "header", "form")]
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else ("." if out else "") + part
    return out or "(body)"


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_response(exc.status, exc.detail, kind=exc.kind, instance=request.url.path, field=exc.field,
                                headers=exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = []
        for err in exc.errors():
            message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
            field = _loc(err.get("loc", ()))
            if err.get("type") == "json_invalid":
                field, message = "body", f"not valid JSON ({(err.get('ctx') or {}).get('error', 'decode error')})"
            errors.append({"field": field, "message": message})
        first = errors[0] if errors else {"field": "(request)", "message": "invalid request"}
        detail = f"{first['field']}: {first['message']}"
        if len(errors) > 1:
            detail += f" (and {len(errors) - 1} more)"
        return problem_response(422, detail, kind="invalid-input", instance=request.url.path, field=first["field"],
                                errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such endpoint: {request.method} {request.url.path}"
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        return problem_response(exc.status_code, detail, kind=TITLES.get(exc.status_code, "error").lower().replace(" ", "-"),
                                instance=request.url.path, headers=getattr(exc, "headers", None))

    @app.exception_handler(InputError)
    @app.exception_handler(ConfigError)
    async def _input(request: Request, exc: ExportcheckError) -> Response:
        return problem_response(422, str(exc), kind="invalid-input", instance=request.url.path)

    @app.exception_handler(SnapshotError)
    async def _snapshot(request: Request, exc: SnapshotError) -> Response:
        return problem_response(404, str(exc), kind="no-snapshot", instance=request.url.path)

    @app.exception_handler(ExportcheckError)
    async def _library(request: Request, exc: ExportcheckError) -> Response:
        return problem_response(422, str(exc), kind="invalid-input", instance=request.url.path)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return problem_response(500, "internal error; the server log has the details", kind="internal-error",
                                instance=request.url.path)
