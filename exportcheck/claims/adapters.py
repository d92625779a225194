"""Adapters from the claims engine's protocols to the matcher and control-list packages.

ADAPTER POINT. :func:`default_context` prefers ``exportcheck.matching.screen`` and
``exportcheck.controls`` when those packages are importable, and otherwise falls back to the
in-memory implementations over the snapshot store (:mod:`exportcheck.claims.memory`), which read the
same snapshots with a plainer name matcher. Either way every hit carries its snapshot id and data
date, and the report's ``backends`` says which implementation answered.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from exportcheck.claims.memory import STALE_DAYS, controls_from_store, screener_from_store
from exportcheck.claims.protocols import (
    ControlAnswer,
    ControlHit,
    ControlLists,
    ControlVersion,
    EntityScreener,
    ScreenHit,
    VersionBasis,
    VersionChoice,
)
from exportcheck.claims.screening import Context
from exportcheck.claims.verdict import SnapshotRef
from exportcheck.errors import InputError, SnapshotError
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
    """:class:`EntityScreener` over the project's matcher (``exportcheck.matching``).

    The matcher's ``screen(..., as_of=...)`` drops listings not in force on the date; the claims engine
    must instead *see* them ("listed on 14 May 2024, after the export") and decide itself, so this
    adapter asks the matcher for the snapshots that stood on the date (``get_screener(lists_dir,
    as_of)``) and screens them without the in-force filter. Where a source's snapshot for the date is
    stale (more than :data:`STALE_DAYS` older than it), the latest snapshots are screened too, as the
    in-memory screener does. Near misses down to ``threshold - REVIEW_MARGIN`` are kept for review.
    Federal Register citations and source URLs, which the matcher does not return, are read from the
    snapshot table of each hit (once per snapshot).
    """

    name = "exportcheck.matching"
    REVIEW_MARGIN = 0.1

    def __init__(self, matching: Any, settings: Settings) -> None:
        self.matching, self.settings = matching, settings
        self.store = SnapshotStore(settings.lists_dir)
        self.threshold = float(getattr(matching, "DEFAULT_THRESHOLD", 0.8))
        self._extras: dict[str, dict[str, dict[str, Any]]] = {}

    def _as_ofs(self, as_of: date | None, sources: Sequence[str] | None) -> list[date | None]:
        if as_of is None:
            return [None]
        refs = self._refs(sources, as_of, stale_extra=False)
        stale = [r for r in refs if r.data_date and (as_of - date.fromisoformat(r.data_date[:10])).days > STALE_DAYS]
        return [as_of, None] if stale else [as_of]

    def screen(self, name: str, *, country: str | None = None, sources: Sequence[str] | None = None,
               as_of: date | None = None, limit: int = 10) -> list[ScreenHit]:
        hits: dict[str, ScreenHit] = {}
        for when in self._as_ofs(as_of, sources):
            try:
                screener = self.matching.get_screener(self.settings.lists_dir, when)
            except SnapshotError:
                return []
            matches = screener.screen(name, country=country, sources=list(sources) if sources else None, limit=limit,
                                      threshold=self.threshold, as_of=None,
                                      min_score=self.threshold - self.REVIEW_MARGIN)
            for m in matches:
                hit = self._hit(m, name)
                key = f"{hit.source}:{hit.list}:{hit.name}"
                if key not in hits or hits[key].score < hit.score:
                    hits[key] = hit
        return sorted(hits.values(), key=lambda h: -h.score)[:limit]

    def _extra(self, ref: SnapshotRef, entity_id: str) -> dict[str, Any]:
        """citations / source_url / parent_name of one entity, from its snapshot table (read once)."""
        key = f"{ref.source}@{ref.version}"
        if key not in self._extras:
            try:
                snap = self.store.get(ref.source, ref.version)
                table = pq.read_table(snap.table_path("entities"),
                                      columns=["entity_id", "citations", "source_url", "parent_name"])
                self._extras[key] = {row["entity_id"]: row for row in table.to_pylist()}
            except (SnapshotError, OSError, KeyError):
                self._extras[key] = {}
        return self._extras[key].get(entity_id, {})

    def _hit(self, m: Any, query: str) -> ScreenHit:
        source = _get(m, "source")
        ref = self._snapshot(_get(m, "snapshot", ""), source)
        extra = self._extra(ref, _get(m, "entity_id"))
        cites = extra.get("citations") or []
        score = float(_get(m, "score", 0.0))
        related = [f"{_get(r, 'relation')}: {_get(r, 'name')} ({_get(r, 'list')})" for r in _get(m, "related", []) or []]
        return ScreenHit(
            score=round(score * 100.0 if score <= 1.0 else score, 1), is_match=bool(_get(m, "is_match", False)),
            entity_id=_get(m, "entity_id"), source=source, list=_get(m, "list"), name=_get(m, "name"),
            matched_name=_get(m, "matched_name"), query_name=query, listing_date=_iso(_get(m, "listing_date")),
            end_date=_iso(_get(m, "end_date")), countries=list(_get(m, "countries", []) or []),
            programs=list(_get(m, "programs", []) or []), licence_requirement=_get(m, "licence_requirement") or "",
            citations=[f"{c['citation']} ({c['date']})" if c.get("date") else c["citation"] for c in cites],
            parent_name=extra.get("parent_name") or "", related=related,
            explanation=str(_get(m, "explanation") or ""), source_url=extra.get("source_url") or ref.source_url,
            snapshot=ref)

    def _snapshot(self, value: str, source: str) -> SnapshotRef:
        """The matcher's ``snapshot`` ("source@version" or a version) as a SnapshotRef with its data date."""
        sid, _, version = value.rpartition("@") if "@" in value else (source, "", value)
        sid = sid or source
        try:
            snap = self.store.get(sid, version or None)
        except SnapshotError:
            return _snapshot_ref(version, sid)
        return SnapshotRef(source=sid, version=snap.version, data_date=_iso(snap.meta.data_date),
                           source_url=snap.meta.source_url)

    def _refs(self, sources: Sequence[str] | None, as_of: date | None, *, stale_extra: bool) -> list[SnapshotRef]:
        from exportcheck.sources import all_sources

        refs = []
        for sid, source in sorted(all_sources().items()):
            if source.spec.kind != "entities" or (sources and sid not in sources):
                continue
            snaps = [self.store.as_of(sid, as_of) if as_of else self.store.latest(sid)]
            first = snaps[0]
            if (stale_extra and as_of and first is not None and first.meta.data_date
                    and (as_of - first.meta.data_date).days > STALE_DAYS):
                snaps.append(self.store.latest(sid))
            if first is None:
                refs.append(SnapshotRef(source=sid, note="no snapshot held"))
                continue
            for snap in {s.version: s for s in snaps if s is not None}.values():
                refs.append(SnapshotRef(source=sid, version=snap.version, data_date=_iso(snap.meta.data_date),
                                        source_url=snap.meta.source_url))
        return refs

    def coverage(self, sources: Sequence[str] | None = None, as_of: date | None = None) -> list[SnapshotRef]:
        return self._refs(sources, as_of, stale_extra=True)


#: Loaded control data per lists folder and set of snapshots (snapshots are immutable, so the same
#: set always loads the same data; a refresh changes the key).
_CONTROL_DATA: dict[tuple[str, ...], Any] = {}


def _control_key(settings: Settings) -> tuple[str, ...]:
    from exportcheck.sources import all_sources

    store = SnapshotStore(settings.lists_dir)
    versions = [f"{sid}@{v.version}" for sid, src in sorted(all_sources().items()) if src.spec.kind == "controls"
                for v in store.index(sid).versions]
    return (str(Path(settings.lists_dir).resolve()), *versions)


class PackageControls:
    """:class:`ControlLists` over the project's control-list package (``exportcheck.controls``).

    ``lookup`` there answers for the version in force on the date and, where that version is not
    held, says which held versions bracket it (``bracket``) without showing an entry; this adapter then
    reads the entry of each bracketing version (a lookup on that version's own first day) so the
    engine can show both texts and tell an entry that only a later version has.
    """

    name = "exportcheck.controls"

    def __init__(self, module: Any, settings: Settings) -> None:
        self.module, self.settings = module, settings
        self._data: Any = None

        self._missing = ""

    @property
    def data(self) -> Any:
        if self._data is None and not self._missing:
            key = _control_key(self.settings)
            if key in _CONTROL_DATA:
                self._data = _CONTROL_DATA[key]
                return self._data
            try:
                self._data = self.module.load_controls(str(self.settings.lists_dir))
            except SnapshotError as exc:  # no control list refreshed yet: steps say so, screening still runs
                self._missing = str(exc)
            else:
                _CONTROL_DATA[key] = self._data  # its search indexes are cached on it too
        return self._data

    def _none(self, regime: str, query: str, as_of: date | None) -> ControlAnswer:
        return ControlAnswer(regime=regime, query=query, version=VersionChoice(
            regime=regime, as_of=_iso(as_of), basis="none", explanation=self._missing or "no control list held"))

    def _hit(self, entry: dict[str, Any], matched: str = "", score: float | None = None) -> ControlHit:
        snapshot = self._snapshot_id(entry.get("source") or "", _iso(entry.get("valid_from")))
        return ControlHit(snapshot=snapshot, regime=entry.get("regime") or "", code=entry.get("code") or "",
                          heading=(entry.get("text") or "").split("\n", 1)[0][:200], text=entry.get("text") or "",
                          matched_text=matched, score=score, not_used=bool(entry.get("not_used")),
                          reasons_for_control=list(entry.get("reasons_for_control") or []),
                          country_chart=list(entry.get("country_chart") or []), version=entry.get("version") or "",
                          valid_from=_iso(entry.get("valid_from")), partial=bool(entry.get("partial")),
                          source=entry.get("source") or "", source_url=entry.get("source_url") or "")

    def _origin(self, regime: str, version: str, code: str) -> dict[str, Any]:
        """source, source_url and partial of one entry (search hits do not carry them)."""
        frame = self.data.entries
        row = frame[(frame.regime == regime) & (frame.version == version) & (frame.code == code)]
        if row.empty:
            return {}
        first = row.iloc[0]
        source = str(first.get("source") or "")
        return {"source": source, "source_url": str(first.get("source_url") or ""),
                "partial": bool(first.get("partial")), "snapshot": self._snapshot_id(source, str(first.get("valid_from")))}

    def _snapshot_id(self, source: str, valid_from: str) -> str:
        """The store's snapshot id for a control-list version (matched on its data date)."""
        for snap in SnapshotStore(self.settings.lists_dir).snapshots(source) if source else []:
            if snap.meta.data_date and snap.meta.data_date.isoformat() == valid_from[:10]:
                return snap.version
        return ""

    def lookup(self, code: str, regime: str, as_of: date | None = None) -> ControlAnswer:
        if self.data is None:
            return self._none(regime, code, as_of)
        try:
            result = self.module.lookup(code, regime, as_of, data=self.data)
        except InputError as exc:
            choice = VersionChoice(regime=regime, as_of=_iso(as_of), basis="none", explanation=str(exc))
            return ControlAnswer(regime=regime, query=code, version=choice)
        hits = [self._hit(result.entry)] if result.entry else []
        versions = []
        sides = set()
        for check in result.bracket:
            sides.add(check.side)
            versions.append(ControlVersion(version=check.version, valid_from=check.valid_from))
            if check.exists:
                held = self.module.lookup(code, regime, check.valid_from, data=self.data)
                if held.entry:
                    hits.append(self._hit(held.entry))
        if result.entry:
            basis: VersionBasis = "in-force"
            versions.insert(0, ControlVersion(version=result.entry.get("version") or result.applicable_version,
                                              valid_from=_iso(result.entry.get("valid_from")),
                                              partial=bool(result.entry.get("partial"))))
        elif sides == {"before", "after"}:
            basis = "bracketing"
        elif sides:
            basis = "earlier-only" if sides == {"before"} else "later-only"
        else:
            basis = "in-force" if result.version_held and result.applicable_version else "none"
        choice = VersionChoice(regime=regime, as_of=_iso(as_of), basis=basis, versions=versions,
                               explanation="; ".join([*result.messages, *result.warnings]).rstrip(".")
                               or f"version {result.applicable_version}")
        return ControlAnswer(regime=regime, query=code, version=choice, hits=hits)

    def search(self, text: str, regime: str, limit: int = 5, as_of: date | None = None) -> ControlAnswer:
        if self.data is None:
            return self._none(regime, text, as_of)
        found = self.module.search(text, regime, limit, as_of, data=self.data) if text.strip() else []
        notes = [n for n in self.module.version_notes(self.data, as_of) if n.upper().startswith(regime.upper())]
        joined = " ".join(notes)
        basis: VersionBasis = ("later-only" if "is newer than" in joined else
                               "earlier-only" if "is not held" in joined else "in-force")
        held = self.data.entries
        if held.empty or not bool((held.regime == regime).any()):
            basis, notes = "none", [f"no {regime.upper()} control list is held"]
            return ControlAnswer(regime=regime, query=text, version=VersionChoice(
                regime=regime, as_of=_iso(as_of), basis=basis, explanation=notes[0]))
        if basis == "earlier-only" and as_of is not None and text.strip():
            # trap 3: the version in force is not held; show the next held version's candidates beside the
            # earlier one's, each marked with its own date, so the reader sees both sides of the date
            sub = held[held.regime == regime]
            later = sorted(v for v in set(sub.valid_from.astype(str)) if v > as_of.isoformat())
            if later:
                found = found + [h for h in self.module.search(text, regime, limit, date.fromisoformat(later[0][:10]),
                                                                data=self.data)
                                 if (h.code, h.version) not in {(f.code, f.version) for f in found}]
                basis = "bracketing"
                notes.append(f"candidates from the next held version (from {later[0][:10]}) are shown too, "
                             "marked as later")
        versions = {h.version: ControlVersion(version=h.version, valid_from=h.valid_from) for h in found}
        choice = VersionChoice(regime=regime, as_of=_iso(as_of), basis=basis, versions=list(versions.values()),
                               explanation="; ".join(notes).rstrip(".") or
                               ("searched the version in force on the date" if as_of else "searched the latest version"))
        hits = [ControlHit(regime=h.regime, code=h.code, heading=h.text.split("\n", 1)[0][:200], text=h.text,
                           matched_text=", ".join(h.matched_terms) or h.explanation, score=round(float(h.score), 2),
                           version=h.version, valid_from=h.valid_from, **self._origin(h.regime, h.version, h.code))
                for h in found]
        return ControlAnswer(regime=regime, query=text, version=choice, hits=hits)


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
        if matching is not None and hasattr(matching, "get_screener"):
            screener = MatcherScreener(matching, settings)
        ctl = _optional("exportcheck.controls")
        if ctl is not None and all(hasattr(ctl, n) for n in ("lookup", "search", "load_controls", "version_notes")):
            controls = PackageControls(ctl, settings)
    return Context(screener, controls)
