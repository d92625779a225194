"""The fact-checkers' page at ``/``: its HTML, script and style, served from the package (nothing external).

Each file has its own fixed route; no request parameter ever becomes a file name.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter
from starlette.responses import Response

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parent.parent / "static"
_SECURITY = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                        "script-src 'self'; connect-src 'self' blob:; frame-ancestors 'none'",
             "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


@cache
def _read(name: str) -> bytes:
    return (STATIC / name).read_bytes()


@router.get("/")
def index() -> Response:
    return Response(_read("index.html"), media_type="text/html; charset=utf-8", headers=_SECURITY)


@router.get("/static/app.js")
def script() -> Response:
    return Response(_read("app.js"), media_type="text/javascript; charset=utf-8", headers=_SECURITY)


@router.get("/static/app.css")
def style() -> Response:
    return Response(_read("app.css"), media_type="text/css; charset=utf-8", headers=_SECURITY)


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)
