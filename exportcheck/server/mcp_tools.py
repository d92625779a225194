"""MCP (Model Context Protocol) tools over the same answers as the REST API, with the official SDK.

``exportcheck mcp`` serves them on stdio (Claude Desktop and other MCP clients start it as a
subprocess); ``exportcheck serve`` mounts the streamable HTTP transport at ``/mcp``. Each tool answers
with its snapshot dates and the line "exportcheck shows what public lists and rules say; it is not
legal advice." Bad arguments come back as tool errors (``isError``) naming the field, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from pydantic import Field

from exportcheck.server import service
from exportcheck.server.problems import Problem
from exportcheck.server.state import NOT_ADVICE, ListsHolder, LoadedLists

INSTRUCTIONS = (
    "Tools to check what companies say about their exports against public control and sanctions lists "
    "(US Entity List, OFAC, UN, EU, UK, 1260H; EU/US/Dutch control lists). Screen names with `screen`, look a "
    "control code up with `control` (the regime matters: EU 3B001 is not US 3B001), verify a claims file with "
    "`verify`, classify an item with `classify`, and cite the snapshot dates each answer gives. " + NOT_ADVICE
)
MAX_CHARS = 2000


def _loaded(get_holder: Callable[[], ListsHolder]) -> LoadedLists:
    from mcp.server.mcpserver.exceptions import ToolError

    holder = get_holder()
    loaded = holder.current
    if loaded is None:
        raise ToolError(holder.error or "the lists are still loading; try again in a few seconds")
    return loaded


def _call(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one answer; a :class:`Problem` becomes a tool error with its one-line detail."""
    from mcp.server.mcpserver.exceptions import ToolError

    try:
        return fn()
    except Problem as exc:
        raise ToolError(exc.detail) from None


def _day(value: str | None, field: str = "as_of") -> date | None:
    return service.check_day(value, field)


def build_mcp(get_holder: Callable[[], ListsHolder]) -> Any:
    """The MCP server with the tools ``screen``, ``control``, ``search_controls``, ``classify``, ``verify``, ``sources``."""
    from mcp.server.mcpserver import MCPServer
    from mcp.types import ToolAnnotations

    from exportcheck import __version__

    mcp = MCPServer("exportcheck", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")
    read_only = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)

    @mcp.tool(annotations=read_only)
    def screen(
        name: Annotated[str, Field(description="The name to screen: a company, institute, person or vessel")],
        country: Annotated[str | None, Field(description="Country of the party: ISO-2 code, three-letter code or name (a hint, not a filter)")] = None,
        as_of: Annotated[str | None, Field(description="Only listings in force on this date, YYYY-MM-DD")] = None,
        sources: Annotated[list[str] | None, Field(description="Only these entity sources, e.g. ['us-csl']")] = None,
        limit: Annotated[int, Field(ge=1, le=50, description="Results at most")] = 10,
    ) -> dict[str, Any]:
        """Is this party on any sanctions or export-control entity list? Matches with score, reason and snapshot."""
        def answer() -> dict[str, Any]:
            loaded = _loaded(get_holder)
            text = service.check_text(name, "name", MAX_CHARS)
            return service.screen(loaded, text, country=service.check_country(country), as_of=_day(as_of),
                                  sources=service.check_sources(sources, loaded, "sources"), limit=limit)
        return _call(answer)

    @mcp.tool(annotations=read_only)
    def control(
        code: Annotated[str, Field(description="Control code, e.g. 3B001.f or 3A001.a.1")],
        regime: Annotated[str | None, Field(description="eu | us | nl (the same code differs per regime)")] = None,
        as_of: Annotated[str | None, Field(description="The version in force on this date, YYYY-MM-DD")] = None,
    ) -> dict[str, Any]:
        """A control-list entry as of a date: text, notes, ancestors, children, version, other regimes."""
        return _call(lambda: service.control(_loaded(get_holder), regime, service.check_text(code, "code", 64),
                                             _day(as_of)))

    @mcp.tool(annotations=read_only)
    def search_controls(
        description: Annotated[str, Field(description="Product description, e.g. '193 nm immersion scanner'")],
        regime: Annotated[str | None, Field(description="eu | us | nl (default: all)")] = None,
        limit: Annotated[int, Field(ge=1, le=50)] = 10,
        as_of: Annotated[str | None, Field(description="The versions in force on this date, YYYY-MM-DD")] = None,
    ) -> dict[str, Any]:
        """Control entries ranked for a product description, with matched terms and compared parameters."""
        return _call(lambda: service.search_controls(
            _loaded(get_holder), service.check_text(description, "description", MAX_CHARS), regime, limit, _day(as_of)))

    @mcp.tool(annotations=read_only)
    def classify(
        description: Annotated[str, Field(description="What the item is, e.g. '193 nm immersion lithography scanner'")],
        parameters: Annotated[dict[str, Any] | None, Field(description="Stated facts, e.g. {'wavelength': '193 nm'}")] = None,
        regime: Annotated[str, Field(description="eu | us | nl")] = "eu",
        as_of: Annotated[str | None, Field(description="The versions in force on this date, YYYY-MM-DD")] = None,
        codes: Annotated[list[str] | None, Field(description="Codes claimed for the item, checked first")] = None,
    ) -> dict[str, Any]:
        """Candidate control entries for an item, each met / excluded / open against its facts (and what is missing)."""
        return _call(lambda: service.classify(_loaded(get_holder), service.check_text(description, "description",
                                              MAX_CHARS, required=False), parameters, regime, _day(as_of), codes))

    @mcp.tool(annotations=read_only)
    def verify(
        claims: Annotated[dict[str, Any] | str, Field(description="A claims file: an object as `exportcheck schema "
                                                      "claims` describes, or its YAML/JSON text")],
    ) -> dict[str, Any]:
        """Verify a company's claims about an export: each claim consistent, contradicted or undetermined, with steps."""
        def answer() -> dict[str, Any]:
            loaded = _loaded(get_holder)
            parsed = (service.parse_claims_text(claims, "application/yaml") if isinstance(claims, str)
                      else service.claims_from_json(claims))
            report = service.verify(loaded, parsed)
            data = json.loads(report.model_dump_json())
            return {**service.report_summary(report), "report": data,
                    "snapshots": {s["source"]: {"version": s["version"], "data_date": s["data_date"]}
                                  for s in data.get("snapshots", [])},
                    "disclaimer": NOT_ADVICE}
        return _call(answer)

    @mcp.tool(annotations=read_only)
    def sources() -> dict[str, Any]:
        """Every list exportcheck knows, its publisher, and the snapshot loaded (version, data date, records)."""
        def answer() -> dict[str, Any]:
            data = service.sources(_loaded(get_holder))
            slim = [{k: row.get(k) for k in ("id", "title", "publisher", "kind", "url", "snapshot")}
                    for row in data["sources"]]
            return {"sources": slim, "snapshots": data["loaded"], "generation": data["generation"],
                    "disclaimer": NOT_ADVICE}
        return _call(answer)

    return mcp


def http_routes(mcp: Any, host: str) -> list[Any]:
    """The streamable HTTP endpoint's route(s), to add to the FastAPI app (its session manager runs in the app's lifespan)."""
    from mcp.server.transport_security import TransportSecuritySettings

    security = None
    if host not in ("127.0.0.1", "localhost", "::1"):  # a token guards non-loopback binds; Host may be any name
        security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    sub = mcp.streamable_http_app(streamable_http_path="/mcp", host=host, transport_security=security,
                                  stateless_http=True, json_response=True)
    return [r for r in sub.routes if getattr(r, "path", "") == "/mcp"]


def run_stdio(holder: ListsHolder) -> None:
    """Serve the tools on stdin/stdout until the client closes them (the lists are loaded first)."""
    mcp = build_mcp(lambda: holder)
    mcp.run("stdio")
