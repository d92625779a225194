"""``POST /verify`` (a claims file → the report) and ``POST /extract`` (a statement → claims)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from exportcheck.server import service
from exportcheck.server.problems import Problem
from exportcheck.server.routes._common import PROBLEM_RESPONSES, current, json_response

router = APIRouter(tags=["Claims"])

JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")
FORMATS = {"json": "application/json", "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}
_EXAMPLE = """title: Example
claims:
  - id: c1
    kind: party-not-listed
    text: "Our customer is not on any sanctions list."
    date: 2025
    destination: CN
    parties: [{name: 24th Research Institute of CETC, country: CN}]
"""


def report_format(fmt: str | None, accept: str) -> str:
    """``?format=`` wins; else the Accept header (text/html → html, text/markdown → md); else JSON."""
    if fmt:
        if fmt not in FORMATS:
            raise Problem(422, f"format: {fmt!r}; use one of {', '.join(FORMATS)}", field="format")
        return fmt
    accept = accept.lower()
    if not accept or "*/*" in accept or "application/json" in accept or "application/*" in accept:
        return "json"
    if "text/html" in accept:
        return "html"
    if "text/markdown" in accept or "text/*" in accept:
        return "md"
    raise Problem(406, f"cannot answer with {accept!r}; the report is application/json, text/html or text/markdown",
                  kind="not-acceptable")


@router.post("/verify", responses={**PROBLEM_RESPONSES, 415: {"description": "Not JSON or YAML"}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/yaml": {"schema": {"type": "string"}, "example": _EXAMPLE},
                 "application/json": {"schema": {"$ref": "#/components/schemas/ClaimsFile"}}}}})
async def verify(
    request: Request,
    fmt: Annotated[str | None, Query(alias="format", description="json | html | md (default: from Accept, else json)")] = None,
) -> Response:
    """Verify a claims file (the body, JSON or YAML, as ``exportcheck schema claims`` describes).

    Answers the report as JSON, HTML (one self-contained page) or Markdown, each claim consistent,
    contradicted or undetermined, with every step, its rule, evidence, snapshot and date. The
    ``X-Exportcheck-Contradicted`` header gives the number of contradicted claims.
    """
    from exportcheck.reports import render

    chosen = report_format(fmt, request.headers.get("accept", ""))
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in JSON_TYPES + YAML_TYPES:
        raise Problem(415, f"body: send the claims file as application/json or application/yaml, not {media or 'no type'!r}",
                      field="body")
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(422, f"body: not UTF-8 text ({exc.reason} at byte {exc.start})", field="body") from None
    if not text.strip():
        raise Problem(422, "body: empty; send a claims file (see GET /openapi.json, schema ClaimsFile)", field="body")
    loaded = current(request)
    claims = await run_in_threadpool(service.parse_claims_text, text, media)
    report = await run_in_threadpool(service.verify, loaded, claims)
    counts = report.counts()
    headers = {"X-Exportcheck-Contradicted": str(counts["contradicted"]),
               "X-Exportcheck-Counts": ", ".join(f"{k}={v}" for k, v in counts.items())}
    if chosen == "html":
        headers["Content-Disposition"] = 'inline; filename="exportcheck-report.html"'
    return Response(render(report, chosen), media_type=FORMATS[chosen], headers=headers)


class Statement(BaseModel):
    text: str = Field(description="The statement or correspondence, plain text (English or Dutch)")
    lang: str | None = Field(default=None, description="en | nl (default: detected)")


@router.post("/extract", responses=PROBLEM_RESPONSES)
def extract(request: Request, body: Statement) -> Response:
    """Find checkable claims in a company statement; each quotes its sentence. The facts are left to you."""
    if not body.text.strip():
        raise Problem(422, "text: empty; paste the statement", field="text")
    return json_response(service.extract(body.text, body.lang))
