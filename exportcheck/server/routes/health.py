"""``/healthz`` (the process answers), ``/readyz`` (lists loaded) and ``/sources`` (what is loaded)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from exportcheck.server import service
from exportcheck.server.problems import Problem
from exportcheck.server.routes._common import current, holder, json_response

router = APIRouter(tags=["Service"])


@router.get("/healthz")
def healthz() -> Response:
    """Liveness: the process answers (lists may still be loading)."""
    return json_response({"status": "ok"})


@router.get("/readyz")
def readyz(request: Request) -> Response:
    """Readiness: 200 once lists are loaded, with their generation and snapshots; else a 503 problem."""
    lists_holder = holder(request)
    loaded = lists_holder.current
    if loaded is None:
        raise Problem(503, lists_holder.error or "loading the lists", headers={"Retry-After": "5"})
    if loaded.screener is None and loaded.controls is None:
        raise Problem(503, "; ".join(loaded.problems) or "no list held", headers={"Retry-After": "30"})
    return json_response({"status": "ready", "generation": loaded.generation, "loaded_at": loaded.loaded_at,
                          "load_seconds": loaded.load_seconds, "reloading": lists_holder.loading,
                          "last_reload_error": lists_holder.error or None, "problems": loaded.problems,
                          "snapshots": loaded.snapshot_dates(),
                          "cache": {"hits": loaded.cache.hits, "misses": loaded.cache.misses,
                                    "entries": len(loaded.cache), "max_entries": loaded.cache.size},
                          "screeners": _screeners()})


def _screeners() -> dict[str, int]:
    """How many screeners (one per snapshot set asked about) this process keeps in memory, and the bound."""
    from exportcheck import matching

    return {"in_memory": len(matching.screeners_held()), "max": matching.MAX_SCREENERS}


@router.get("/sources")
def sources(request: Request) -> Response:
    """Every declared source, its latest snapshot (data date, retrieved at, records, sha256), and what is loaded."""
    return json_response(service.sources(current(request)))
