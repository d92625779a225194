"""What every route needs: the lists the request answers from, the server settings, JSON responses."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from exportcheck.server.problems import Problem
from exportcheck.server.service import dumps
from exportcheck.server.state import ListsHolder, LoadedLists
from exportcheck.settings import ServerSettings

#: Documented in the OpenAPI schema of every route that can refuse input.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"description": "Invalid input: an RFC 9457 problem document naming the field",
          "content": {"application/problem+json": {}}},
    503: {"description": "The lists are still loading, or none is held", "content": {"application/problem+json": {}}},
}


def holder(request: Request) -> ListsHolder:
    return request.app.state.holder


def server_settings(request: Request) -> ServerSettings:
    return request.app.state.server_settings


def current(request: Request) -> LoadedLists:
    """The lists this request answers from: read once, so a reload during the request changes nothing."""
    return current_of(holder(request))


def current_of(lists_holder: ListsHolder) -> LoadedLists:
    loaded = lists_holder.current
    if loaded is None:
        detail = lists_holder.error or "the lists are still loading"
        raise Problem(503, detail, headers={"Retry-After": "5"})
    return loaded


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(data), status_code=status, media_type="application/json", headers=headers)


def json_bytes(body: bytes, headers: dict[str, str] | None = None) -> Response:
    return Response(body, media_type="application/json", headers=headers)
