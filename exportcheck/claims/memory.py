"""In-memory implementations of the claims engine's protocols, over normalised list rows.

:class:`MemoryScreener` screens names against :class:`~exportcheck.model.Entity` rows grouped by
snapshot; :class:`MemoryControls` answers code look-ups and text searches over
:class:`~exportcheck.model.ControlEntry` rows grouped by version. Both can be filled from the
snapshot store (:func:`screener_from_store`, :func:`controls_from_store`), so ``exportcheck verify``
works on whatever lists have been refreshed even before the full matcher and control-list packages
are in place; :mod:`exportcheck.claims.adapters` prefers those packages when they exist.

Matching here is deliberately plain (rapidfuzz token-sort ratio on normalised names, with a guard
that numbers must agree so "CETC 24" never matches "CETC 26"): it is a fallback and a test double
with real rows, not the project's matcher.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import pyarrow.parquet as pq
from rapidfuzz import fuzz, process

from exportcheck import law
from exportcheck.claims.protocols import (
    ControlAnswer,
    ControlHit,
    ControlVersion,
    ScreenHit,
    VersionBasis,
    VersionChoice,
)
from exportcheck.claims.verdict import SnapshotRef
from exportcheck.model import ControlEntry, Entity

#: A score at or above this is reported as a match; below it, down to CANDIDATE, as a possible match
#: for a human to look at. 90 on token-sort ratio tolerates punctuation and word order ("Co., Ltd."
#: vs "Co Ltd") but not a different word.
MATCH = 90.0
CANDIDATE = 80.0
#: A snapshot more than this many days older than the export date is "stale": listings added in
#: between are invisible in it (see :meth:`MemoryScreener._picks`).
STALE_DAYS = 45
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"the", "and", "for", "with", "used", "part", "parts", "item", "items", "machine", "machines", "of", "to",
         "a", "an", "or", "in", "on", "as", "by", "set", "up", "from", "that", "this", "chip"}


_NON_WORD = re.compile(r"[\W_]+")


def norm_name(text: str) -> str:
    """Case-folded, NFKC, punctuation to single spaces; CJK and other scripts kept as they are.

    Plainer than normality.normalize on purpose: it runs over every alias of every snapshot when a
    store is loaded, and this fallback only needs to compare names written in the same script.
    """
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()


@dataclass
class EntitySet:
    """The entities of one snapshot of one source."""

    snapshot: SnapshotRef
    entities: list[Entity]
    _names: list[str] = field(default_factory=list, repr=False)
    _owners: list[tuple[int, str]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        for i, entity in enumerate(self.entities):
            for name in [entity.name, *(a.name for a in entity.aliases)]:
                # trade.gov joins several aliases with ';' and no space: split them here too
                for part in name.split(";"):
                    normed = norm_name(part)
                    if normed:
                        self._names.append(normed)
                        self._owners.append((i, part.strip()))

    @property
    def data_date(self) -> date:
        return date.fromisoformat(self.snapshot.data_date) if self.snapshot.data_date else date.min


def _listing_date(entity: Entity) -> str:
    if entity.listing_date:
        return entity.listing_date
    dated = sorted(c.date for c in entity.citations if c.date)
    return dated[0] if dated else ""


def entity_hit(entity: Entity, snap: SnapshotRef, score: float, matched: str, query: str,
               is_match: bool, explanation: str) -> ScreenHit:
    return ScreenHit(
        score=round(score, 1), is_match=is_match, entity_id=entity.entity_id, source=entity.source,
        list=entity.list, name=entity.name, matched_name=matched, query_name=query,
        listing_date=_listing_date(entity), end_date=entity.end_date, countries=list(entity.countries),
        programs=list(entity.programs), licence_requirement=entity.licence_requirement,
        citations=[f"{c.citation} ({c.date})" if c.date else c.citation for c in entity.citations],
        parent_name=entity.parent_name, explanation=explanation,
        source_url=entity.source_url or snap.source_url, snapshot=snap)


class MemoryScreener:
    """Name screening over Entity rows held in memory, one :class:`EntitySet` per snapshot."""

    name = "in-memory screener (exportcheck.claims.memory)"

    def __init__(self, sets: Iterable[EntitySet], match: float = MATCH, candidate: float = CANDIDATE,
                 declared: Sequence[str] = ()) -> None:
        """``declared``: every source id that *should* be screened, so coverage can name those not held."""
        self.by_source: dict[str, list[EntitySet]] = {}
        for s in sets:
            self.by_source.setdefault(s.snapshot.source, []).append(s)
        for group in self.by_source.values():
            group.sort(key=lambda s: s.data_date)
        self.match, self.candidate = match, candidate
        self.declared = sorted(set(declared) | set(self.by_source))

    def _picks(self, source: str, as_of: date | None) -> list[EntitySet]:
        """The snapshots to read for ``as_of``.

        The newest snapshot on or before the date (SnapshotStore.as_of's rule); where that one is more
        than :data:`STALE_DAYS` older than the date, also the first later snapshot, because a list read
        long before the export misses everything listed in between (the later one's listing dates then
        say what was in force). Where only later snapshots exist, the oldest of them.
        """
        group = self.by_source.get(source) or []
        if not group:
            return []
        if as_of is None:
            return [group[-1]]
        before = [s for s in group if s.data_date <= as_of]
        after = [s for s in group if s.data_date > as_of]
        if not before:
            return [after[0]]
        if (as_of - before[-1].data_date).days > STALE_DAYS and after:
            return [before[-1], after[0]]
        return [before[-1]]

    def coverage(self, sources: Sequence[str] | None = None, as_of: date | None = None) -> list[SnapshotRef]:
        chosen = sources or self.declared
        refs: list[SnapshotRef] = []
        for source in chosen:
            picked = self._picks(source, as_of)
            refs.extend(p.snapshot for p in picked)
            if not picked:
                refs.append(SnapshotRef(source=source, note="no snapshot held"))
        return refs

    def screen(self, name: str, *, country: str | None = None, sources: Sequence[str] | None = None,
               as_of: date | None = None, limit: int = 10) -> list[ScreenHit]:
        query = norm_name(name)
        if not query:
            return []
        q_digits = set(_DIGITS.findall(query))
        hits: dict[str, ScreenHit] = {}
        for source, picked in ((src, p) for src in (sources or sorted(self.by_source))
                               for p in self._picks(src, as_of)):
            found = process.extract(query, picked._names, scorer=fuzz.token_sort_ratio,
                                    score_cutoff=self.candidate - 10, limit=limit * 5)
            for _, score, idx in found:
                ent_idx, matched = picked._owners[idx]
                entity = picked.entities[ent_idx]
                notes = [f"token-sort ratio {score:.0f} between {norm_name(name)!r} and {norm_name(matched)!r}"]
                if set(_DIGITS.findall(norm_name(matched))) != q_digits:
                    score = min(score, 60.0)
                    notes.append("numbers differ, so not the same party")
                if country and entity.countries and country.upper() not in entity.countries:
                    score = min(score, self.candidate - 1) if score < 97 else score
                    notes.append(f"listed countries {', '.join(entity.countries)} differ from {country.upper()}")
                if score < self.candidate:
                    continue
                key = f"{source}:{entity.list}:{entity.name}"  # one hit per listing even when two snapshots hold it
                previous = hits.get(key)
                if previous is None or previous.score < score:
                    hits[key] = entity_hit(entity, picked.snapshot, score, matched, name,
                                                        score >= self.match, "; ".join(notes))
        return sorted(hits.values(), key=lambda h: -h.score)[:limit]


#: The columns screening and evidence use; addresses, identifiers and remarks are not read.
_SCREEN_COLUMNS = ["entity_id", "source", "list", "schema", "name", "aliases", "countries", "programs",
                   "listing_date", "end_date", "citations", "licence_requirement", "parent_name", "source_url"]


def _entity_row(row: dict) -> Entity:
    """An Entity from a snapshot row (nulls dropped so the model's defaults apply)."""
    return Entity.model_validate({k: v for k, v in row.items() if v is not None})


@lru_cache(maxsize=64)
def _entity_set(folder: str, source: str, version: str, data_date: str, source_url: str) -> EntitySet:
    """One snapshot's entities, read once per process: snapshots are immutable, so caching by folder is safe."""
    table = pq.read_table(Path(folder) / "entities.parquet")
    rows = table.select([c for c in _SCREEN_COLUMNS if c in table.column_names]).to_pylist()
    ref = SnapshotRef(source=source, version=version, data_date=data_date, source_url=source_url)
    return EntitySet(ref, [_entity_row(row) for row in rows])


def screener_from_store(store: object, sources: Sequence[str] | None = None) -> MemoryScreener:
    """A :class:`MemoryScreener` over every snapshot of every entity source in a SnapshotStore."""
    from exportcheck.sources import all_sources
    from exportcheck.store import SnapshotStore

    assert isinstance(store, SnapshotStore)
    sets = []
    declared = []
    for source in all_sources().values():
        if source.spec.kind != "entities" or (sources and source.id not in sources):
            continue
        declared.append(source.id)
        for snap in store.snapshots(source.id):
            sets.append(_entity_set(str(snap.path), source.id, snap.version,
                                    snap.meta.data_date.isoformat() if snap.meta.data_date else "",
                                    snap.meta.source_url))
    return MemoryScreener(sets, declared=declared)


def _plain(row: dict) -> dict:
    """A parquet row as plain Python for pydantic: nulls dropped so model defaults apply."""
    return {key: value for key, value in row.items() if value is not None}


# --- control lists ------------------------------------------------------------------------------


@dataclass
class _Version:
    info: ControlVersion
    entries: list[ControlEntry]

    @property
    def start(self) -> date:
        return date.fromisoformat(self.info.valid_from[:10]) if self.info.valid_from else date.min


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(norm_name(text)) if len(w) > 2 and w not in _STOP]


class MemoryControls:
    """Control-list look-up and search over ControlEntry rows, one group per held version.

    Which version answers a date: the edition in force on that date (from :func:`exportcheck.law.edition_in_force`,
    which also knows editions that are not held); if that edition is held, it alone; if not, the held
    versions just before and just after it ("bracketing"), and the answer says so.
    """

    name = "in-memory control lists (exportcheck.claims.memory)"

    def __init__(self, entries: Iterable[ControlEntry]) -> None:
        groups: dict[tuple[str, str], list[ControlEntry]] = {}
        for e in entries:
            groups.setdefault((e.regime, e.version or e.valid_from), []).append(e)
        self.versions: dict[str, list[_Version]] = {}
        for (regime, version), rows in groups.items():
            first = rows[0]
            info = ControlVersion(version=version, valid_from=first.valid_from, partial=any(r.partial for r in rows),
                                  source=first.source, source_url=first.source_url)
            self.versions.setdefault(regime, []).append(_Version(info, rows))
        for group in self.versions.values():
            group.sort(key=lambda v: v.start)
            for older, newer in itertools.pairwise(group):
                older.info.valid_to = (newer.start - timedelta(days=1)).isoformat()

    def choose(self, regime: str, as_of: date | None) -> tuple[VersionChoice, list[_Version]]:
        held = self.versions.get(regime, [])
        when = as_of.isoformat() if as_of else ""
        if not held:
            return VersionChoice(regime=regime, as_of=when, basis="none",
                                 explanation=f"no version of the {regime.upper()} list is held"), []
        if as_of is None:
            return VersionChoice(regime=regime, basis="in-force", versions=[held[-1].info],
                                 explanation=f"latest held version {held[-1].info.version}"), [held[-1]]
        edition = law.edition_in_force(regime, as_of)
        before = [v for v in held if v.start <= as_of]
        after = [v for v in held if v.start > as_of]
        if before and (edition is None or before[-1].start >= edition.start):
            v = before[-1]
            return VersionChoice(regime=regime, as_of=when, basis="in-force", versions=[v.info],
                                 explanation=f"version {v.info.version} (from {v.info.valid_from}) was in force on "
                                             f"{when}" + (" — held only in part" if v.info.partial else "")), [v]
        missing = (f"the edition in force on {when} ({edition.label()}, applying from {edition.start}"
                   ") is not held" if edition else
                   f"no held version was in force on {when}")
        chosen = ([before[-1]] if before else []) + ([after[0]] if after else [])
        basis: VersionBasis = "bracketing" if before and after else ("earlier-only" if before else "later-only")
        named = "; ".join(f"{v.info.version} (from {v.info.valid_from}{', partial' if v.info.partial else ''})"
                          for v in chosen)
        return VersionChoice(regime=regime, as_of=when, basis=basis, versions=[v.info for v in chosen],
                             explanation=f"{missing}; answering from the held version(s) that bracket it: {named}"), chosen

    @staticmethod
    def _hit(e: ControlEntry, v: _Version, matched: str = "", score: float | None = None) -> ControlHit:
        return ControlHit(regime=e.regime, code=e.code, heading=e.heading, text=e.text, matched_text=matched,
                          score=score, not_used=e.not_used, reasons_for_control=list(e.reasons_for_control),
                          country_chart=list(e.country_chart), version=v.info.version, valid_from=e.valid_from,
                          partial=e.partial, source=e.source, source_url=e.source_url)

    def lookup(self, code: str, regime: str, as_of: date | None = None) -> ControlAnswer:
        choice, versions = self.choose(regime, as_of)
        wanted = code.strip().upper()
        hits = [self._hit(e, v) for v in versions for e in v.entries
                if e.code.upper() == wanted or e.code.upper().startswith(wanted + ".")]
        return ControlAnswer(regime=regime, query=code, version=choice, hits=hits)

    def search(self, text: str, regime: str, limit: int = 5, as_of: date | None = None) -> ControlAnswer:
        choice, versions = self.choose(regime, as_of)
        query = set(_words(text))
        scored: list[tuple[float, int, ControlHit]] = []
        if query:
            for v in versions:
                for e in v.entries:
                    words = set(_words(f"{e.heading} {e.text}"))
                    common = sorted(w for w in query if any(x.startswith(w[:6]) for x in words))
                    if not common:
                        continue
                    score = 100.0 * len(common) / len(query)
                    scored.append((score, e.depth, self._hit(e, v, ", ".join(common), round(score, 1))))
        scored.sort(key=lambda t: (-t[0], t[1], t[2].code))
        return ControlAnswer(regime=regime, query=text, version=choice, hits=[h for _, _, h in scored[:limit]])


def controls_from_store(store: object) -> MemoryControls:
    """A :class:`MemoryControls` over every snapshot of every control-list source in a SnapshotStore."""
    from exportcheck.sources import all_sources
    from exportcheck.store import SnapshotStore

    assert isinstance(store, SnapshotStore)
    entries: list[ControlEntry] = []
    for source in all_sources().values():
        if source.spec.kind != "controls":
            continue
        for snap in store.snapshots(source.id):
            rows = pq.read_table(snap.table_path("controls")).to_pylist()
            entries.extend(ControlEntry.model_validate(_plain(r)) for r in rows)
    return MemoryControls(entries)
