"""Screening a claim's parties, shared by the steps that need list evidence (sanctions, red flags, US).

The engine asks the project's matcher (:func:`exportcheck.matching.get_screener`) directly: for a
date, the index over each source's snapshot that stood on that date (the same index and scores as
``exportcheck screen --as-of``), without the matcher's in-force filter, because a step must *see* a
listing that began after the export to say so. Where a source's snapshot for the date is stale
(:meth:`SnapshotStore.choose`), the latest snapshots are screened too (the same index as a plain
``exportcheck screen``), and their listing dates say what was added when. Indexes are memoised per
snapshot set by the matcher, in memory and on disk, so a second claim, file or run reuses them.

Every hit is a :class:`~exportcheck.matching.Match`, which already carries what evidence cites
(citations, source URL, snapshot and data date, listing dates and the copy they were borrowed
from); :class:`PartyHit` only adds which party it was found for and how it stood on the claim's date
(:mod:`.timing`), and what kind of list it is (:func:`rules.list_category`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from exportcheck.claims import rules
from exportcheck.claims.controls import Controls
from exportcheck.claims.model import Claim, Party, Period
from exportcheck.claims.timing import TimingAnswer, listing_timing
from exportcheck.claims.verdict import Evidence, SnapshotRef
from exportcheck.errors import SnapshotError
from exportcheck.matching import DEFAULT_THRESHOLD, Match, Screener, get_screener
from exportcheck.matching.lists import entity_sources
from exportcheck.settings import Settings
from exportcheck.store import STALE_DAYS, SnapshotChoice, SnapshotStore

#: Near misses down to this far below the match threshold are kept for a reviewer ("possible match").
REVIEW_MARGIN = 0.1


def _version(snapshot: str) -> str:
    """The version part of a Match's ``source@version``."""
    return snapshot.rpartition("@")[2]


@dataclass
class Context:
    """What a verification run works with: the lists folder, its control lists, and per-run caches."""

    lists_dir: Path
    controls: Controls
    threshold: float = DEFAULT_THRESHOLD
    checked: dict[str, SnapshotRef] = field(default_factory=dict)
    _cache: dict[tuple, list[Match]] = field(default_factory=dict)
    _choices: dict[tuple[str, date | None], SnapshotChoice] = field(default_factory=dict)
    _screeners: dict[date | None, Screener] = field(default_factory=dict)

    screener_name = "exportcheck.matching"

    @property
    def store(self) -> SnapshotStore:
        return SnapshotStore(self.lists_dir)

    def choice(self, source: str, as_of: date | None) -> SnapshotChoice:
        """The snapshot(s) of ``source`` read for ``as_of`` (the store's one rule, asked once per run)."""
        key = (source, as_of)
        if key not in self._choices:
            self._choices[key] = self.store.choose(source, as_of)
        return self._choices[key]

    def screen(self, name: str, country: str, sources: Sequence[str] | None, as_of: date | None) -> list[Match]:
        """Candidates for ``name`` in the snapshots chosen for ``as_of``, one per listing, best first."""
        key = (name, country, tuple(sources or ()), as_of)
        if key not in self._cache:
            self._cache[key] = self._screen(name, country or None, sources, as_of)
        return self._cache[key]

    def _screen(self, name: str, country: str | None, sources: Sequence[str] | None, as_of: date | None) -> list[Match]:
        wanted = list(sources) if sources else entity_sources()
        choices = [self.choice(s, as_of) for s in wanted]
        primary = {f"{c.source}@{c.snapshot.version}" for c in choices if c.snapshot is not None}
        later = {f"{c.source}@{c.later.version}" for c in choices if c.later is not None}
        passes = [(as_of, primary)] + ([(None, later)] if later else [])
        best: dict[tuple[str, str, str], tuple[int, Match]] = {}
        for when, allowed in passes:
            try:
                screener = self._screener(when)
            except SnapshotError:  # no entity list held: coverage says so
                return []
            found = screener.screen(name, country=country, sources=wanted, threshold=self.threshold, as_of=None,
                                    min_score=self.threshold - REVIEW_MARGIN)
            rank = 0 if when == as_of else 1  # the copy that stood on the date wins over a later one
            for m in found:
                if m.snapshot not in allowed:
                    continue
                listing = (m.source, m.list, m.name.casefold())
                old = best.get(listing)
                if old is None or (rank, -m.score) < (old[0], -old[1].score):
                    best[listing] = (rank, m)
        return sorted((m for _, m in best.values()), key=lambda m: -m.score)

    def _screener(self, when: date | None) -> Screener:
        """The matcher's screener for ``when``, asked once per run (the matcher memoises it per snapshot set)."""
        if when not in self._screeners:
            self._screeners[when] = get_screener(self.lists_dir, when)
        return self._screeners[when]

    def coverage(self, sources: Sequence[str] | None, as_of: date | None) -> list[SnapshotRef]:
        """The snapshots a :meth:`screen` with the same arguments reads, and the sources with none."""
        refs = []
        for source in (list(sources) if sources else entity_sources()):
            choice = self.choice(source, as_of)
            if choice.snapshot is None:
                refs.append(SnapshotRef(source=source, note="no snapshot held"))
                continue
            for snap in choice.snapshots:
                refs.append(SnapshotRef(source=source, version=snap.version,
                                        data_date=snap.meta.data_date.isoformat() if snap.meta.data_date else "",
                                        source_url=snap.meta.source_url))
        for ref in refs:
            self.checked[f"{ref.source}:{ref.version}"] = ref
        return refs


def default_context(settings: Settings) -> Context:
    """A Context over the snapshot store of ``settings`` (the matcher and control lists read it directly)."""
    return Context(lists_dir=Path(settings.lists_dir), controls=Controls(Path(settings.lists_dir)))


@dataclass(frozen=True)
class PartyHit:
    """One listing found for one party: the match, the name variant that found it, how it stood on the date."""

    party: Party
    hit: Match
    query_name: str
    timing: TimingAnswer
    category: str
    via_parent: bool = False

    @property
    def jurisdiction(self) -> str:
        return rules.jurisdiction(self.hit.source, self.hit.list)

    def evidence(self) -> Evidence:
        h = self.hit
        who = f"(parent of {self.party.name}) " if self.via_parent else ""
        return Evidence(
            kind="entity", source=h.source, list=h.list, entity_id=h.entity_id, name=h.name,
            matched_text=f"{who}{self.query_name} → {h.matched_name or h.name}", score=h.score,
            listing_date=h.listing_date, end_date=h.end_date,
            citation="; ".join(f"{c.citation} ({c.date})" if c.date else c.citation for c in h.citations),
            licence_requirement=h.licence_requirement, programs=list(h.programs), snapshot=_version(h.snapshot),
            data_date=h.snapshot_date, source_url=rules.public_url(h.source, h.source_url),
            timing=self.timing.sentence,
            note=("" if h.is_match else "possible match only (below the match threshold); ") + h.explanation,
        )


def place(match: Match, period: Period | None) -> TimingAnswer:
    """How a match's listing stood on the claim's date, naming the copy its dates come from if borrowed."""
    timing = listing_timing(match.listing_date, match.end_date, match.snapshot_date, period)
    if match.dates_borrowed_from:
        twin = match.dates_borrowed_from.split(":", 1)[0]
        return TimingAnswer(timing.timing, f"{timing.sentence} (date from the {twin} copy of the same entry, "
                                           f"{match.dates_borrowed_from})")
    return timing


def screen_party(ctx: Context, party: Party, period: Period | None, sources: Sequence[str] | None = None,
                 *, parent: bool = False) -> list[PartyHit]:
    """Every listing matching any name of ``party`` (or of its parent), best name variant per listing."""
    as_of = period.end if period else None
    names = [party.parent] if parent else party.names()
    best: dict[tuple[str, str], tuple[str, Match]] = {}
    for name in names:
        if not name:
            continue
        for match in ctx.screen(name, party.country, sources, as_of):
            key = (match.snapshot, match.entity_id)
            if key not in best or best[key][1].score < match.score:
                best[key] = (name, match)
    return [PartyHit(party, match, name, place(match, period), rules.list_category(match.source, match.list,
                                                                                  match.programs), parent)
            for name, match in sorted(best.values(), key=lambda nm: -nm[1].score)]


def screen_parties(ctx: Context, parties: Sequence[Party], period: Period | None,
                   sources: Sequence[str] | None = None, *, with_parents: bool = False) -> list[PartyHit]:
    hits = []
    for party in parties:
        hits.extend(screen_party(ctx, party, period, sources))
        if with_parents and party.parent:
            hits.extend(screen_party(ctx, party, period, sources, parent=True))
    return hits


def describe(hit: PartyHit) -> str:
    """One line for a finding: who, which list, since when, how that stood on the date."""
    h = hit.hit
    who = f"{hit.party.name} (parent {hit.party.parent})" if hit.via_parent else hit.party.name
    match = "matches" if h.is_match else "possibly matches"
    return f"{who} {match} {h.name!r} on {h.list or h.source} ({h.source}): {hit.timing.sentence}"


def lookalikes(ctx: Context, claim: Claim) -> tuple[list[str], list[Evidence]]:
    """Listings of organisations the claims file says are *different* from a party (trap 5: name variants).

    Shown so a reader does not mistake them for the party; they never change a status.
    """
    as_of = claim.date.end if claim.date else None
    sentences, evidence = [], []
    for party in claim.parties:
        for other in party.distinct_from:
            hits = [h for h in ctx.screen(other, party.country, claim.lists or None, as_of) if h.is_match]
            shown = {h.entity_id for h in hits}
            for hit in hits:
                if hit.dates_borrowed_from in shown:
                    continue  # an undated copy of an entry shown with its own dates
                timing = place(hit, claim.date)
                sentences.append(f"Not the same party: {hit.name!r} ({hit.list or hit.source}) is a different "
                                 f"organisation from {party.name}; {timing.sentence}.")
                ev = PartyHit(party, hit, other, timing, rules.list_category(hit.source, hit.list, hit.programs)).evidence()
                ev.note = f"a DIFFERENT organisation from {party.name}, shown so it is not confused with it"
                evidence.append(ev)
    return sentences, evidence


def stale_sources(checked: Sequence[SnapshotRef], period: Period | None,
                  deciding: Collection[str] | None = None) -> list[SnapshotRef]:
    """Sources read only in a snapshot from more than :data:`STALE_DAYS` before the export date.

    Such a snapshot cannot show that a party was *not* listed on the date: anything listed in between
    is missing from it. Steps turn "nothing found" into "undetermined" for these. (Where a later
    snapshot is held, :meth:`SnapshotStore.choose` has it read too, and the source is not stale.)

    Only sources that can decide the claim count (``deciding``; by default those holding listings,
    :func:`rules.may_decide`): a red-flag dataset with no copy near the date (ASPI's 2020 tracker) is
    reported for awareness, and its age never makes a claim undetermined (:func:`stale_red_flags`).
    """
    return [ref for ref in _stale(checked, period) if _decides(ref.source, deciding)]


def stale_red_flags(checked: Sequence[SnapshotRef], period: Period | None,
                    deciding: Collection[str] | None = None) -> list[SnapshotRef]:
    """The stale sources :func:`stale_sources` leaves out: red-flag datasets read in an old copy."""
    return [ref for ref in _stale(checked, period) if not _decides(ref.source, deciding)]


def _decides(source: str, deciding: Collection[str] | None) -> bool:
    return source in deciding if deciding is not None else rules.may_decide(source)


def _stale(checked: Sequence[SnapshotRef], period: Period | None) -> list[SnapshotRef]:
    if period is None:
        return []
    newest: dict[str, SnapshotRef] = {}
    for ref in checked:
        if ref.version and (ref.source not in newest or ref.data_date > newest[ref.source].data_date):
            newest[ref.source] = ref
    return [ref for ref in newest.values()
            if ref.data_date and (period.end - date.fromisoformat(ref.data_date[:10])).days > STALE_DAYS]


def _after_date(checked: Sequence[SnapshotRef], period: Period | None) -> list[SnapshotRef]:
    """Sources whose oldest copy held is dated after the export: what they say is not read back to the date."""
    if period is None:
        return []
    oldest: dict[str, SnapshotRef] = {}
    for ref in checked:
        if ref.version and (ref.source not in oldest or ref.data_date < oldest[ref.source].data_date):
            oldest[ref.source] = ref
    return [ref for ref in oldest.values() if ref.data_date and date.fromisoformat(ref.data_date[:10]) > period.end]


def coverage_sentences(checked: Sequence[SnapshotRef], period: Period | None,
                       deciding: Collection[str] | None = None) -> list[str]:
    """What was read and what was not, for a finding."""
    held = [c for c in checked if c.version]
    parts = [f"Read {len(held)} snapshot(s): " + ", ".join(c.label() for c in held) + "." if held
             else "No snapshot of these lists is held."]
    missing = sorted({c.source for c in checked if not c.version})
    if missing:
        parts.append("Not checked (no snapshot held): " + ", ".join(missing) + ".")
    stale = stale_sources(checked, period, deciding)
    if stale:
        parts.append("Only snapshots from well before the export date are held for " + ", ".join(
            f"{r.source} ({r.data_date})" for r in stale) + ": parties listed between then and the export date "
            "would not be seen.")
    old_flags = stale_red_flags(checked, period, deciding)
    if old_flags:
        parts.append("Red-flag datasets held only in a copy from well before the export date: " + ", ".join(
            f"{r.source} ({r.data_date})" for r in old_flags) + "; they are reported for awareness as they stood "
            "then and do not decide the claim.")
    later = _after_date(checked, period)
    if later:
        parts.append("Held only in editions from after the export date: " + ", ".join(
            f"{r.source} ({r.data_date})" for r in later) + "; an entry with its own listing date is placed by it, "
            "one without is not read back to the export date, and an entry removed before the edition is not seen.")
    return parts
