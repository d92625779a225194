"""Adapters from the claims engine's protocols to the matcher and control-list packages.

ADAPTER POINT. :func:`default_context` prefers ``exportcheck.matching.screen`` and
``exportcheck.controls`` when those packages are importable, and otherwise falls back to the
in-memory implementations over the snapshot store (:mod:`exportcheck.claims.memory`), which read the
same snapshots with a plainer name matcher. Either way every hit carries its snapshot id and data
date, and the report's ``backends`` says which implementation answered.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, cast, get_args

from exportcheck.claims.memory import controls_from_store, screener_from_store
from exportcheck.claims.protocols import (
    ControlAnswer,
    ControlHit,
    ControlLists,
    EntityScreener,
    ScreenHit,
    VersionBasis,
    VersionChoice,
)
from exportcheck.claims.screening import Context
from exportcheck.claims.verdict import SnapshotRef
from exportcheck.settings import Settings
from exportcheck.store import SnapshotStore


def _get(obj: Any, name: str, default: Any = "") -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _iso(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _snapshot_ref(value: Any, source: str) -> SnapshotRef:
    """The matcher's ``snapshot`` (a version string, a Snapshot, SnapshotMeta or dict) as a SnapshotRef."""
    if isinstance(value, SnapshotRef):
        return value
    if isinstance(value, str):
        return SnapshotRef(source=source, version=value, data_date=value.split("_")[0] if "_" in value else "")
    meta = _get(value, "meta", None) or value
    return SnapshotRef(source=_get(meta, "source", source) or source, version=_get(meta, "version", ""),
                       data_date=_iso(_get(meta, "data_date", "")), source_url=_get(meta, "source_url", ""))


class MatcherScreener:
    """:class:`EntityScreener` over ``exportcheck.matching.screen`` (the project's matcher)."""

    name = "exportcheck.matching"

    def __init__(self, screen: Callable[..., Any], store: SnapshotStore, **options: Any) -> None:
        self._screen, self.store, self.options = screen, store, options

    def screen(self, name: str, *, country: str | None = None, sources: Sequence[str] | None = None,
               as_of: date | None = None, limit: int = 10) -> list[ScreenHit]:
        result = self._screen(name, country=country, sources=list(sources) if sources else None, as_of=as_of,
                              **self.options)
        matches = _get(result, "matches", result)
        hits = []
        for m in list(matches)[:limit]:
            source = _get(m, "source")
            cites = _get(m, "citations", []) or []
            hits.append(ScreenHit(
                score=float(_get(m, "score", 0.0)) * (100.0 if float(_get(m, "score", 0.0)) <= 1.0 else 1.0),
                is_match=bool(_get(m, "is_match", False)), entity_id=_get(m, "entity_id"), source=source,
                list=_get(m, "list"), name=_get(m, "name"), matched_name=_get(m, "matched_name"), query_name=name,
                listing_date=_iso(_get(m, "listing_date")), end_date=_iso(_get(m, "end_date")),
                countries=list(_get(m, "countries", []) or []), programs=list(_get(m, "programs", []) or []),
                licence_requirement=_get(m, "licence_requirement") or "",
                citations=[c if isinstance(c, str) else f"{_get(c, 'citation')} ({_get(c, 'date')})" for c in cites],
                parent_name=_get(m, "parent_name") or "",
                related=[str(r) for r in (_get(m, "related", []) or [])], explanation=str(_get(m, "explanation") or ""),
                source_url=_get(m, "source_url") or "", snapshot=_snapshot_ref(_get(m, "snapshot", None), source)))
        return hits

    def coverage(self, sources: Sequence[str] | None = None, as_of: date | None = None) -> list[SnapshotRef]:
        from exportcheck.sources import all_sources

        refs = []
        for sid, source in sorted(all_sources().items()):
            if source.spec.kind != "entities" or (sources and sid not in sources):
                continue
            snap = self.store.as_of(sid, as_of) if as_of else self.store.latest(sid)
            refs.append(SnapshotRef(source=sid, note="no snapshot held") if snap is None else SnapshotRef(
                source=sid, version=snap.version, data_date=_iso(snap.meta.data_date), source_url=snap.meta.source_url))
        return refs


def _control_hit(e: Any, regime: str) -> ControlHit:
    return ControlHit(regime=_get(e, "regime", regime) or regime, code=_get(e, "code"), heading=_get(e, "heading") or "",
                      text=_get(e, "text") or "", matched_text=_get(e, "matched_text") or "",
                      score=_get(e, "score", None), not_used=bool(_get(e, "not_used", False)),
                      reasons_for_control=list(_get(e, "reasons_for_control", []) or []),
                      country_chart=list(_get(e, "country_chart", []) or []), version=_get(e, "version") or "",
                      valid_from=_iso(_get(e, "valid_from")), partial=bool(_get(e, "partial", False)),
                      source=_get(e, "source") or "", source_url=_get(e, "source_url") or "")


class PackageControls:
    """:class:`ControlLists` over ``exportcheck.controls.lookup`` / ``search``."""

    name = "exportcheck.controls"

    def __init__(self, module: Any, fallback: ControlLists, **options: Any) -> None:
        self.module, self.fallback, self.options = module, fallback, options

    def _answer(self, result: Any, query: str, regime: str, as_of: date | None) -> ControlAnswer:
        if isinstance(result, ControlAnswer):
            return result
        entries = _get(result, "entries", None) or _get(result, "hits", None) or (
            result if isinstance(result, list) else [])
        hits = [_control_hit(_get(e, "entry", e), regime) for e in entries]
        raw_basis = _get(result, "basis", "") or "in-force"
        basis = cast(VersionBasis, raw_basis if raw_basis in get_args(VersionBasis) else "in-force")
        versions = _get(result, "versions", []) or []
        choice = VersionChoice(regime=regime, as_of=_iso(as_of), basis=basis,
            explanation=str(_get(result, "explanation", "") or _get(result, "note", "") or
                            f"versions: {', '.join(str(_get(v, 'version', v)) for v in versions) or 'as returned'}"))
        return ControlAnswer(regime=regime, query=query, version=choice, hits=hits)

    def lookup(self, code: str, regime: str, as_of: date | None = None) -> ControlAnswer:
        return self._answer(self.module.lookup(code, regime, as_of=as_of, **self.options), code, regime, as_of)

    def search(self, text: str, regime: str, limit: int = 5, as_of: date | None = None) -> ControlAnswer:
        if not text:
            return self.fallback.search(text, regime, limit, as_of)
        return self._answer(self.module.search(text, regime, limit=limit, as_of=as_of, **self.options),
                            text, regime, as_of)


def _optional(module: str) -> Any | None:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def default_context(settings: Settings, *, prefer_packages: bool = True) -> Context:
    """A Context over the snapshot store: the matcher/controls packages where present, else in-memory."""
    store = SnapshotStore(settings.lists_dir)
    screener: EntityScreener = screener_from_store(store)
    controls: ControlLists = controls_from_store(store)
    if prefer_packages:
        matching = _optional("exportcheck.matching")
        if matching is not None and hasattr(matching, "screen"):
            screener = MatcherScreener(matching.screen, store)
        ctl = _optional("exportcheck.controls")
        if ctl is not None and hasattr(ctl, "lookup") and hasattr(ctl, "search"):
            controls = PackageControls(ctl, controls)
    return Context(screener, controls)
