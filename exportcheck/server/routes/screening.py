"""``GET /screen`` (exportcheck's own answer) and ``POST /match/{dataset}`` (yente's shape)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from exportcheck.server import ftm, service
from exportcheck.server.routes._common import (
    PROBLEM_RESPONSES,
    current,
    json_bytes,
    json_response,
    server_settings,
)

router = APIRouter(tags=["Screening"])


@router.get("/screen", responses=PROBLEM_RESPONSES)
async def screen(
    request: Request,
    q: Annotated[str, Query(description="The name to screen (a company, institute, person, vessel)")],
    country: Annotated[str | None, Query(description="Country of the party: ISO-2 code, three-letter code or name; a hint, not a filter")] = None,
    as_of: Annotated[str | None, Query(description="Only listings in force on this date (YYYY-MM-DD), "
                                       "searched in the snapshots that stood then")] = None,
    source: Annotated[list[str] | None, Query(description="Only these entity sources (repeatable), e.g. us-csl")] = None,
    limit: Annotated[int, Query(ge=1, le=service.SCREEN_LIMIT_MAX, description="Results at most")] = service.SCREEN_LIMIT,
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0, description="Score from which a result is a match")] = None,
) -> Response:
    """Is this party listed? Every entity list, any spelling, each result with its score, why, and its snapshot.

    Near misses below the threshold are returned with ``is_match: false`` for review. Repeated
    questions are answered from a cache that is dropped whenever a new snapshot is loaded.
    """
    loaded = current(request)
    settings = server_settings(request)
    key = ("screen", q, country, as_of, tuple(source or ()), limit, threshold)
    cached = loaded.cache.get(key)
    if cached is not None:
        return json_bytes(cached)
    params: dict[str, Any] = {"q": q, "country": country, "as_of": as_of, "source": source, "limit": limit, "threshold": threshold}
    if as_of is None or not as_of.strip():
        body = service.screen_answer(loaded, settings.max_query_chars, **params)
    else:  # a dated screener may have to be built (seconds): off the event loop
        body = await run_in_threadpool(service.screen_answer, loaded, settings.max_query_chars, **params)
    loaded.cache.put(key, body)
    return json_bytes(body)


@router.post("/match/{dataset}", responses=PROBLEM_RESPONSES)
def match(
    request: Request,
    body: ftm.MatchRequest,
    dataset: Annotated[str, Path(description="default (every entity list held) or one source id, e.g. us-csl")],
    limit: Annotated[int, Query(ge=1, le=100, description="Results per query")] = 5,
    threshold: Annotated[float, Query(ge=0.0, le=1.0, description="Score from which a result is a match")] = 0.8,
    cutoff: Annotated[float | None, Query(ge=0.0, le=1.0, deprecated=True, description="yente's old name for threshold")] = None,
    algorithm: Annotated[str | None, Query(description="Accepted for yente clients; exportcheck's matcher answers")] = None,
    include_dataset: Annotated[list[str] | None, Query(description="Only these sources")] = None,
    exclude_dataset: Annotated[list[str] | None, Query(description="Not these sources")] = None,
    exclude_schema: Annotated[list[str] | None, Query(description="Leave out results of these FtM schemata")] = None,
) -> Response:
    """Match FollowTheMoney example entities, in the request and response shape of yente's ``/match``.

    ``{"queries": {"q1": {"schema": "Company", "properties": {"name": ["..."], "country": ["cn"]}}}}`` →
    ``{"responses": {"q1": {"status": 200, "results": [{"id", "caption", "schema", "properties", "datasets",
    "score", "match", "features", ...}], "total": {...}, "query": {...}}}, "matcher": {...}, "limit": N}``.
    """
    loaded = current(request)
    settings = server_settings(request)
    answer = ftm.match(loaded, body, dataset=dataset, limit=limit, threshold=threshold,
                       include_dataset=include_dataset or [], exclude_dataset=exclude_dataset or [],
                       exclude_schema=exclude_schema or [], max_batch=settings.max_batch,
                       max_chars=settings.max_query_chars)
    return json_response(answer, headers={"x-batch-size": str(len(answer["responses"]))})
