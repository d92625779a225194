"""``GET /controls/{regime}/{code}`` and ``GET /controls/search``: the control lists, dated."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from exportcheck.server import service
from exportcheck.server.routes._common import PROBLEM_RESPONSES, current, json_response, server_settings

router = APIRouter(tags=["Control lists"])


@router.get("/controls/search", responses=PROBLEM_RESPONSES)
def search(
    request: Request,
    q: Annotated[str, Query(description="A product description, e.g. '193 nm immersion lithography scanner'")],
    regime: Annotated[str | None, Query(description="eu | us | nl (default: all)")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    as_of: Annotated[str | None, Query(description="The versions in force on this date (YYYY-MM-DD)")] = None,
) -> Response:
    """Control entries ranked for a product description, each with matched terms and compared parameters."""
    loaded = current(request)
    text = service.check_text(q, "q", server_settings(request).max_query_chars)
    return json_response(service.search_controls(loaded, text, regime, limit, service.check_day(as_of)))


@router.get("/controls/{regime}/{code}", responses={**PROBLEM_RESPONSES, 404: {"description": "No such regime"}})
def control(
    request: Request,
    regime: Annotated[str, Path(description="eu | us | nl: the same code means different things in each")],
    code: Annotated[str, Path(description="e.g. 3B001.f or 3A001.a.1")],
    as_of: Annotated[str | None, Query(description="The version in force on this date (YYYY-MM-DD)")] = None,
) -> Response:
    """A control-list entry: its text, notes, ancestors and children, the version in force, other regimes."""
    loaded = current(request)
    service.check_text(code, "code", 64)
    return json_response(service.control(loaded, regime, code, service.check_day(as_of)))


class Item(BaseModel):
    """An item to classify: what it is, and the technical facts known about it."""

    description: str = Field(default="", description="What the item is, e.g. '193 nm immersion lithography scanner'")
    parameters: dict[str, Any] | None = Field(default=None, description="Stated facts, e.g. {'wavelength': '193 nm'}")
    regime: str = Field(default="eu", description="eu | us | nl")
    as_of: str | None = Field(default=None, description="The versions in force on this date (YYYY-MM-DD)")
    codes: list[str] | None = Field(default=None, description="Codes claimed for the item, checked first")


@router.post("/classify", responses=PROBLEM_RESPONSES)
def classify(request: Request, body: Item) -> Response:
    """Candidate control entries for an item on a date, each met / excluded / open against its stated facts.

    An "open" entry names the facts that would decide it (``missing_facts``): classification is the
    exporter's to make; this shows what the published criteria say about the facts given.
    """
    loaded = current(request)
    limit = server_settings(request).max_query_chars
    description = service.check_text(body.description, "description", limit, required=False)
    return json_response(service.classify(loaded, description, body.parameters, body.regime,
                                          service.check_day(body.as_of), body.codes))
