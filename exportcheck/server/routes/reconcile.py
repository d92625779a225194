"""OpenRefine reconciliation (Reconciliation Service API v0.2): manifest, queries, suggest, preview.

A researcher adds ``http://127.0.0.1:8000/reconcile`` as a service in OpenRefine and reconciles a
column of company names against every entity list. Types are FollowTheMoney schemata (Organization,
Company, Person, LegalEntity); the one property is ``country`` (ISO-2 code or name, a hint). A candidate is marked
``match: true`` (OpenRefine then accepts it without review) only when it is the only candidate at or
above the threshold and scores at least :data:`AUTO_MATCH`: a wrong automatic match is worse than a
row left for a person to review.
"""

from __future__ import annotations

import json
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from exportcheck.server import ftm, service
from exportcheck.server.problems import Problem
from exportcheck.server.routes._common import current, json_response, server_settings
from exportcheck.server.state import NOT_ADVICE, LoadedLists

router = APIRouter(tags=["OpenRefine reconciliation"])

TYPES = [{"id": "Organization", "name": "Organization"}, {"id": "Company", "name": "Company"},
         {"id": "Person", "name": "Person"}, {"id": "LegalEntity", "name": "Legal entity (any party)"}]
PROPERTIES = [{"id": "country", "name": "Country (ISO-2 code or name, a hint)"}]
COUNTRY_PIDS = ("country", "jurisdiction", "nationality", "mainCountry")
AUTO_MATCH = 0.95
THRESHOLD = 0.8


def manifest(base: str) -> dict[str, Any]:
    from exportcheck import __version__

    return {
        "versions": ["0.1", "0.2"],
        "name": "exportcheck — sanctions and export-control entity lists",
        "identifierSpace": "https://github.com/exportcheck/exportcheck/entity",
        "schemaSpace": "https://followthemoney.tech/explorer/schemata/",
        "documentation": "https://github.com/exportcheck/exportcheck#openrefine",
        "serviceVersion": __version__,
        "defaultTypes": TYPES,
        "view": {"url": base + "/reconcile/preview?id={{id}}"},
        "preview": {"url": base + "/reconcile/preview?id={{id}}", "width": 430, "height": 320},
        "suggest": {
            "entity": {"service_url": base, "service_path": "/reconcile/suggest/entity"},
            "type": {"service_url": base, "service_path": "/reconcile/suggest/type"},
            "property": {"service_url": base, "service_path": "/reconcile/suggest/property"},
        },
        "batchSize": 10,
    }


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _schema_ok(entity_schema: str, wanted: list[str]) -> bool:
    from followthemoney import model

    if not wanted:
        return True
    for name in wanted:
        schema = model.get(name)
        if schema is not None and entity_schema in {s.name for s in schema.matchable_schemata}:
            return True
    return False


def _description(match: dict[str, Any]) -> str:
    parts = [match["list"], match["source"]]
    if match.get("countries"):
        parts.append(", ".join(match["countries"]))
    if match.get("listing_date"):
        parts.append(f"listed {match['listing_date']}")
    return " · ".join(parts)


def reconcile_one(loaded: LoadedLists, key: str, query: Any, max_chars: int) -> dict[str, Any]:
    if not isinstance(query, dict):
        raise Problem(422, f"queries.{key}: expected an object with 'query'", field=f"queries.{key}")
    text = query.get("query")
    if not isinstance(text, str) or not text.strip():
        raise Problem(422, f"queries.{key}.query: give the name to reconcile", field=f"queries.{key}.query")
    if len(text) > max_chars:
        raise Problem(422, f"queries.{key}.query: {len(text)} characters; at most {max_chars}",
                      field=f"queries.{key}.query")
    wanted = query.get("type") or []
    wanted = [wanted] if isinstance(wanted, str) else [str(t) for t in wanted] if isinstance(wanted, list) else []
    limit = query.get("limit", 5)
    if not isinstance(limit, int | float) or limit < 1:
        raise Problem(422, f"queries.{key}.limit: a positive number", field=f"queries.{key}.limit")
    country = None
    for prop in query.get("properties") or []:
        if isinstance(prop, dict) and prop.get("pid") in COUNTRY_PIDS:
            value = prop.get("v")
            value = value[0] if isinstance(value, list) and value else value
            if isinstance(value, str) and value.strip():
                country = service.check_country(value, f"queries.{key}.properties.country")
    results = []
    above = 0
    for m in ftm.best_matches(loaded, [text.strip()], country, None, int(min(limit, 25)), THRESHOLD):
        entity = ftm.entity_dict(loaded, m)
        if not _schema_ok(entity["schema"], wanted):
            continue
        above += m["score"] >= THRESHOLD
        results.append({"id": m["entity_id"], "name": m["name"], "score": round(m["score"] * 100, 1),
                        "match": False, "description": _description(m),
                        "type": [{"id": entity["schema"], "name": entity["schema"]}],
                        "features": [{"id": "name_match", "value": m["score"]}]})
        if len(results) >= limit:
            break
    if results and above == 1 and results[0]["score"] >= AUTO_MATCH * 100:
        results[0]["match"] = True
    return {"result": results}


def run_queries(request: Request, raw: str) -> Response:
    loaded = current(request)
    settings = server_settings(request)
    service.need_entities(loaded)
    try:
        batch = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise Problem(422, f"queries: not valid JSON ({exc.msg} at character {exc.pos})", field="queries") from None
    if not isinstance(batch, dict) or not batch:
        raise Problem(422, "queries: expected an object of queries, e.g. {\"q0\": {\"query\": \"...\"}}", field="queries")
    if len(batch) > settings.max_batch:
        raise Problem(422, f"queries: {len(batch)} queries; at most {settings.max_batch} in one batch", field="queries")
    return json_response({key: reconcile_one(loaded, str(key), q, settings.max_query_chars) for key, q in batch.items()})


@router.get("/reconcile")
def reconcile_get(
    request: Request,
    queries: Annotated[str | None, Query(description="JSON reconciliation queries (else: the manifest)")] = None,
) -> Response:
    """The service manifest; with ``queries=`` (JSON), the reconciliation candidates."""
    if queries is not None:
        return run_queries(request, queries)
    return json_response(manifest(_base(request)))


@router.post("/reconcile")
def reconcile_post(
    request: Request,
    queries: Annotated[str | None, Form(description="JSON reconciliation queries")] = None,
) -> Response:
    """Reconciliation queries (form field ``queries``), as OpenRefine sends them."""
    if queries is None:
        raise Problem(422, "queries: send the form field 'queries' (JSON); data extension is not offered",
                      field="queries")
    return run_queries(request, queries)


@router.get("/reconcile/suggest/entity")
def suggest_entity(
    request: Request,
    prefix: Annotated[str, Query(description="What the user typed")],
    cursor: Annotated[int, Query(ge=0, le=100)] = 0,
) -> Response:
    """Listed parties for an auto-complete box."""
    loaded = current(request)
    text = service.check_text(prefix, "prefix", server_settings(request).max_query_chars)
    matches = ftm.best_matches(loaded, [text], None, None, 10 + cursor, 0.5) if loaded.screener else []
    result = [{"id": m["entity_id"], "name": m["name"], "description": _description(m)}
              for m in matches[cursor:cursor + 10]]
    return json_response({"result": result})


@router.get("/reconcile/suggest/type")
def suggest_type(prefix: Annotated[str, Query()] = "") -> Response:
    return json_response({"result": [t for t in TYPES if prefix.lower() in t["name"].lower() or
                                     prefix.lower() in t["id"].lower()]})


@router.get("/reconcile/suggest/property")
def suggest_property(prefix: Annotated[str, Query()] = "") -> Response:
    return json_response({"result": [p for p in PROPERTIES if prefix.lower() in p["name"].lower()]})


@router.get("/reconcile/preview")
def preview(request: Request, id: Annotated[str, Query(description="An entity id from a candidate")]) -> Response:
    """A small HTML card of a listed party (OpenRefine shows it in a pop-up)."""
    loaded = current(request)
    source = id.split(":", 1)[0]
    info = loaded.snapshots.get(source)
    row = loaded.entity_row(f"{source}@{info.version}", id) if info and info.kind == "entities" else None
    if row is None or info is None:
        raise Problem(404, f"id: no listed party {id!r} in the loaded snapshots", field="id")
    aliases = ", ".join(a["name"] for a in (row.get("aliases") or [])[:8])
    cells = [("List", row["list"]), ("Source", f"{source} (snapshot {info.version}, data date {info.data_date})"),
             ("Countries", ", ".join(row.get("countries") or [])), ("Programmes", ", ".join(row.get("programs") or [])),
             ("Listed", row.get("listing_date") or ""), ("Ended", row.get("end_date") or ""),
             ("Licence requirement", row.get("licence_requirement") or ""), ("Also known as", aliases)]
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in cells if v)
    html = (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(row['name'])}</title>"
            "<style>body{font:13px sans-serif;margin:8px}th{text-align:left;vertical-align:top;padding-right:8px}"
            "small{color:#555}</style></head>"
            f"<body><h3>{escape(row['name'])}</h3><table>{rows}</table><p><small>{escape(NOT_ADVICE)}</small></p>"
            "</body></html>")
    return Response(html, media_type="text/html; charset=utf-8")
