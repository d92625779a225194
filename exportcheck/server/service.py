"""The answers the server gives, shared by the REST routes, the MCP tools and the page.

Each function takes the :class:`~exportcheck.server.state.LoadedLists` a request got (one reference,
read once) and plain arguments, validates them, and returns JSON-ready data with the snapshot dates it
rests on and :data:`~exportcheck.server.state.NOT_ADVICE`. Bad input raises
:class:`~exportcheck.server.problems.Problem` naming the field. Only public functions of
:mod:`exportcheck.api`, :mod:`exportcheck.matching`, :mod:`exportcheck.controls` and
:mod:`exportcheck.claims` are called, so those packages can change underneath.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from exportcheck.countries import country_hint
from exportcheck.dates import as_date
from exportcheck.errors import InputError
from exportcheck.server.problems import Problem
from exportcheck.server.state import NOT_ADVICE, LoadedLists
from exportcheck.sources import entity_source_ids

REGIMES = ("eu", "us", "nl")
#: Only one thread builds a dated screener at a time (each takes seconds and memory; later ones reuse it).
_DATED = threading.Lock()
#: Control searches share one cache of search indexes per control data; one thread at a time fills or trims it.
_SEARCH = threading.Lock()
#: Dated control-search indexes kept per loaded control data (each is built for one date).
MAX_DATED_SEARCH_INDEXES = 8
#: ``/screen``'s results per answer: by default, and at most.
SCREEN_LIMIT, SCREEN_LIMIT_MAX = 10, 100


def check_text(value: str | None, field: str, max_chars: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Problem(422, f"{field}: required (a non-empty text)", field=field)
    if len(text) > max_chars:
        raise Problem(422, f"{field}: {len(text)} characters; at most {max_chars} (EXPORTCHECK_MAX_QUERY_CHARS)",
                      field=field)
    return text


def check_country(value: str | None, field: str = "country") -> str | None:
    """A party's country hint (ISO-2, three-letter code or name, :func:`exportcheck.countries.country_hint`) as ISO-2."""
    try:
        return country_hint(value, field)
    except InputError as exc:
        raise Problem(422, str(exc), field=field) from None


def check_day(value: str | None, field: str = "as_of") -> date | None:
    try:
        return as_date(value, field)
    except InputError as exc:
        raise Problem(422, str(exc), field=field) from None


def check_sources(values: Sequence[str] | None, loaded: LoadedLists, field: str = "source") -> list[str] | None:
    """Entity source ids, each known and held; None for every source."""
    wanted = [v.strip() for v in values or [] if v and v.strip()]
    if not wanted:
        return None
    known = entity_source_ids()
    for value in wanted:
        if value not in known:
            raise Problem(422, f"{field}: unknown entity source {value!r}; known: {', '.join(known)}", field=field)
        if value not in loaded.snapshots:
            raise Problem(404, f"{field}: no snapshot of {value} is held (run `exportcheck refresh {value}`)",
                          field=field, kind="no-snapshot")
    return wanted


def need_entities(loaded: LoadedLists) -> Any:
    if loaded.screener is None:
        raise Problem(503, "no entity list is held in the lists folder: run `exportcheck refresh`",
                      headers={"Retry-After": "60"})
    return loaded.screener


# --- screening -----------------------------------------------------------------------------------
def screener_for(loaded: LoadedLists, as_of: date | None) -> tuple[Any, list[str]]:
    """The latest screener, or the one over the snapshots that stood on ``as_of`` (built once, then reused)."""
    screener = need_entities(loaded)
    if as_of is None:
        return screener, list(loaded.screener_notes)
    from exportcheck.matching import dated_screener

    with _DATED:
        screener, notes = dated_screener(loaded.lists_dir, as_of)  # notes of this date: the screener is shared
    return screener, notes


def screen_answer(loaded: LoadedLists, max_chars: int, *, q: str | None, country: str | None = None,
                  as_of: str | None = None, source: Sequence[str] | None = None, limit: int = SCREEN_LIMIT,
                  threshold: float | None = None) -> bytes:
    """``GET /screen``'s answer as JSON bytes, from its raw parameters (checked here, :class:`Problem` if not).

    The one definition of what ``/screen`` checks and answers, shared by the route and by the fast path in
    front of it (:mod:`exportcheck.server.fastpath`); ``limit`` and ``threshold`` come already in range.
    """
    name = check_text(q, "q", max_chars)
    code = check_country(country)
    when = check_day(as_of)
    sources = check_sources(source, loaded)
    return dumps(screen(loaded, name, country=code, as_of=when, sources=sources, limit=limit, threshold=threshold))


def dumps(data: Any) -> bytes:
    """JSON bytes of an answer (UTF-8, not ASCII-escaped; dates and other values as their text)."""
    return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")


def screen(loaded: LoadedLists, q: str, *, country: str | None = None, as_of: date | None = None,
           sources: list[str] | None = None, limit: int = 10, threshold: float | None = None) -> dict[str, Any]:
    """Who on the lists could ``q`` be? Matches best first, with why, and the snapshots searched."""
    from exportcheck.matching import DEFAULT_THRESHOLD

    cut = DEFAULT_THRESHOLD if threshold is None else threshold
    screener, notes = screener_for(loaded, as_of)
    matches = screener.screen(q, country=country, sources=sources, limit=limit, threshold=cut, as_of=as_of)
    related = screener.query_related(q, sources, as_of)
    searched = loaded.snapshot_dates("entities")
    if sources:
        searched = {k: v for k, v in searched.items() if k in sources}
    return {
        "query": q, "country": country, "as_of": as_of.isoformat() if as_of else None, "threshold": cut,
        "matches": [m.model_dump() for m in matches],
        "related_to_query": [r.model_dump() for r in related],
        "notes": notes, "snapshots": searched, "disclaimer": NOT_ADVICE,
    }


# --- control lists -------------------------------------------------------------------------------
def need_controls(loaded: LoadedLists) -> Any:
    if loaded.controls is None:
        raise Problem(503, "no control list is held: run `exportcheck refresh eu-dual-use us-ccl nl-national`",
                      headers={"Retry-After": "60"})
    return loaded.controls


def check_regime(value: str | None, field: str = "regime", *, required: bool = False) -> str | None:
    if value is None or not value.strip():
        if required:
            raise Problem(422, f"{field}: required, one of {', '.join(REGIMES)}", field=field)
        return None
    regime = value.strip().lower()
    if regime not in REGIMES:
        raise Problem(422, f"{field}: unknown regime {value!r}; use one of {', '.join(REGIMES)}", field=field)
    return regime


def control(loaded: LoadedLists, regime: str | None, code: str, as_of: date | None) -> dict[str, Any]:
    """A control entry as of a date: its text, notes, ancestors, children, version and other regimes."""
    from exportcheck.controls import lookup

    chosen = check_regime(regime)
    data = need_controls(loaded)
    try:
        found = lookup(code, chosen, as_of, data=data)
    except InputError as exc:
        raise Problem(422, f"code: {exc}", field="code") from None
    return {**found.model_dump(), "snapshots": loaded.snapshot_dates("controls"), "disclaimer": NOT_ADVICE}


def search_controls(loaded: LoadedLists, q: str, regime: str | None, limit: int, as_of: date | None) -> dict[str, Any]:
    """Control entries ranked for a product description, with matched terms and compared parameters."""
    from exportcheck.controls import search, version_notes

    chosen = check_regime(regime)
    data = need_controls(loaded)
    with _SEARCH:
        hits = search(q, chosen, limit, as_of, data=data)
        dated = [k for k in data.cache if str(k).startswith("search-index:") and k != "search-index:latest"]
        for key in dated[:-MAX_DATED_SEARCH_INDEXES]:  # bound the memory a server asked about many dates uses
            data.cache.pop(key, None)
    return {"query": q, "regime": chosen, "as_of": as_of.isoformat() if as_of else None,
            "results": [h.model_dump() for h in hits], "notes": version_notes(data, as_of),
            "snapshots": loaded.snapshot_dates("controls"), "disclaimer": NOT_ADVICE}


# --- claims --------------------------------------------------------------------------------------
def parse_claims_text(text: str, media: str) -> Any:
    """A claims file given as JSON or YAML text, validated by the claims package's own loader.

    The text goes through :func:`exportcheck.claims.load_claims` so that dates, unknown fields and
    error messages are exactly those of ``exportcheck verify``; the temporary file is ours (no request
    parameter names a path) and its name is replaced by "body" in messages.
    """
    from exportcheck.claims import load_claims

    suffix = ".json" if "json" in media else ".yaml"
    with tempfile.TemporaryDirectory(prefix="exportcheck-claims-") as folder:
        path = Path(folder) / f"body{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            return load_claims(path)
        except InputError as exc:
            message = str(exc).replace(str(path), "body")
            field = _field_of(message)
            raise Problem(422, message, field=field) from None


def _field_of(message: str) -> str | None:
    """``body: claims[0].date: invalid date`` → ``claims[0].date``."""
    parts = message.split(": ")
    if len(parts) >= 3 and re.match(r"^[A-Za-z_][\w.\[\]]*$", parts[1]):
        return parts[1]
    return None


def claims_from_json(data: Any) -> Any:
    """A claims file already parsed from JSON (the page and MCP send objects)."""
    return parse_claims_text(json.dumps(data, ensure_ascii=False), "application/json")


def verify(loaded: LoadedLists, claims: Any) -> Any:
    """The verification report (a :class:`exportcheck.claims.Report`) for validated claims."""
    return loaded.lists.verify(claims)


def report_summary(report: Any) -> dict[str, Any]:
    """Counts and one line per claim: what an MCP client or a log needs before the full report."""
    return {"counts": report.counts(),
            "claims": [{"id": r.claim_id, "kind": r.kind, "status": r.status, "summary": r.summary}
                       for r in report.results]}


def extract(text: str, lang: str | None) -> dict[str, Any]:
    """Checkable claims in a statement (English or Dutch), and a claims-file skeleton quoting them."""
    from exportcheck.claims.extract import detect_language, exporter_name, extract_claims, skeleton_yaml

    if lang not in (None, "", "en", "nl"):
        raise Problem(422, f"lang: {lang!r}; use en or nl (or leave it out to detect)", field="lang")
    language = lang or detect_language(text)
    found = extract_claims(text, language)
    return {"language": language, "exporter": exporter_name(found),
            "claims": [{"kind": f.kind, "text": f.sentence, "matched": f.matched, "said_by": f.said_by,
                        "lang": f.lang} for f in found],
            "skeleton": skeleton_yaml(found, source="statement"), "disclaimer": NOT_ADVICE}


# --- sources -------------------------------------------------------------------------------------
def sources(loaded: LoadedLists) -> dict[str, Any]:
    from exportcheck.catalogue import source_statuses

    return {"generation": loaded.generation, "loaded_at": loaded.loaded_at,
            "sources": source_statuses(loaded.lists.store), "loaded": loaded.snapshot_dates(),
            "problems": loaded.problems, "disclaimer": NOT_ADVICE}


# --- classification ------------------------------------------------------------------------------
def classify(loaded: LoadedLists, description: str, parameters: dict[str, Any] | None, regime: str | None,
             as_of: date | None, codes: list[str] | None) -> dict[str, Any]:
    """Candidate control entries for an item on a date, each met / excluded / open against its stated facts."""
    from exportcheck.controls import classify as classify_item

    chosen = check_regime(regime) or "eu"
    data = need_controls(loaded)
    try:
        result = classify_item(description, parameters, chosen, as_of, codes=codes, data=data)
    except InputError as exc:
        message = str(exc)
        field = "description" if message.startswith("give a description") or "parameter" not in message else "parameters"
        raise Problem(422, f"{field}: {message}", field=field) from None
    return {**result.model_dump(), "missing_facts": result.missing(),
            "snapshots": loaded.snapshot_dates("controls"), "disclaimer": NOT_ADVICE}
