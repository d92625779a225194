"""Screening a claim's parties, shared by the steps that need list evidence (sanctions, red flags, US).

Every name variant of every party is screened once per run (results are cached on the
:class:`Context`), each hit is placed against the claim's date (:mod:`.timing`) and tagged with what
kind of list it is (:func:`rules.list_category`), so a step can say "on the Entity List since …" or
"on the 1260H list, a red flag, not an export ban" without re-deriving either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from exportcheck.claims import rules
from exportcheck.claims.model import Claim, Party, Period
from exportcheck.claims.protocols import ControlLists, EntityScreener, ScreenHit
from exportcheck.claims.timing import TimingAnswer, listing_timing
from exportcheck.claims.verdict import Evidence, SnapshotRef


@dataclass
class Context:
    """What a verification run has to work with: a screener, control lists, and a per-run cache."""

    screener: EntityScreener
    controls: ControlLists
    _cache: dict[tuple, list[ScreenHit]] = field(default_factory=dict)
    checked: dict[str, SnapshotRef] = field(default_factory=dict)

    def screen(self, name: str, country: str, sources: Sequence[str] | None, as_of: date | None) -> list[ScreenHit]:
        key = (name, country, tuple(sources or ()), as_of)
        if key not in self._cache:
            self._cache[key] = self.screener.screen(name, country=country or None, sources=sources, as_of=as_of)
        return self._cache[key]

    def coverage(self, sources: Sequence[str] | None, as_of: date | None) -> list[SnapshotRef]:
        refs = self.screener.coverage(sources, as_of)
        for ref in refs:
            self.checked[f"{ref.source}:{ref.version}"] = ref
        return refs


@dataclass(frozen=True)
class PartyHit:
    """One list entry found for one party, placed against the claim's date."""

    party: Party
    hit: ScreenHit
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
            matched_text=f"{who}{h.query_name} → {h.matched_name or h.name}", score=h.score,
            listing_date=h.listing_date, end_date=h.end_date, citation="; ".join(h.citations),
            licence_requirement=h.licence_requirement, programs=list(h.programs), snapshot=h.snapshot.version,
            data_date=h.snapshot.data_date, source_url=rules.public_url(h.source, h.source_url or h.snapshot.source_url),
            timing=self.timing.sentence,
            note=("" if h.is_match else "possible match only (below the match threshold); ") + h.explanation,
        )


def screen_party(ctx: Context, party: Party, period: Period | None, sources: Sequence[str] | None = None,
                 *, parent: bool = False) -> list[PartyHit]:
    """Every list entry matching any name of ``party`` (or of its parent), best hit per entry."""
    as_of = period.end if period else None
    names = [party.parent] if parent else party.names()
    best: dict[str, ScreenHit] = {}
    for name in names:
        if not name:
            continue
        for hit in ctx.screen(name, party.country, sources, as_of):
            if hit.entity_id not in best or best[hit.entity_id].score < hit.score:
                best[hit.entity_id] = hit
    dated = {(h.list, h.name.casefold()): h for h in best.values() if h.listing_date}
    found = []
    for hit in sorted(best.values(), key=lambda h: -h.score):
        timing = listing_timing(hit.listing_date, hit.end_date, hit.snapshot.data_date, period)
        twin = dated.get((hit.list, hit.name.casefold()))
        if not hit.listing_date and twin is not None and twin is not hit:
            # the same entry of the same list, held undated in one copy (the CSL compact file keeps no
            # dates) and dated in another: the dated copy says when it was listed
            base = listing_timing(twin.listing_date, twin.end_date, twin.snapshot.data_date, period)
            timing = TimingAnswer(base.timing, f"{base.sentence} (date from the {twin.source} copy of the same entry)")
        found.append(PartyHit(party, hit, timing, rules.list_category(hit.source, hit.list, hit.programs), parent))
    return found


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
            dated = {(h.list, h.name.casefold()) for h in hits if h.listing_date}
            for hit in hits:
                if not hit.listing_date and (hit.list, hit.name.casefold()) in dated:
                    continue  # an undated copy of an entry shown with its date
                timing = listing_timing(hit.listing_date, hit.end_date, hit.snapshot.data_date, claim.date)
                sentences.append(f"Not the same party: {hit.name!r} ({hit.list or hit.source}) is a different "
                                 f"organisation from {party.name}; {timing.sentence}.")
                ev = PartyHit(party, hit, timing, rules.list_category(hit.source, hit.list, hit.programs)).evidence()
                ev.note = f"a DIFFERENT organisation from {party.name}, shown so it is not confused with it"
                evidence.append(ev)
    return sentences, evidence


def stale_sources(checked: Sequence[SnapshotRef], period: Period | None, max_days: int = 45) -> list[SnapshotRef]:
    """Sources read only in a snapshot from well before the export date.

    Such a snapshot cannot show that a party was *not* listed on the date: anything listed in between
    is missing from it. Steps turn "nothing found" into "undetermined" for these.
    """
    if period is None:
        return []
    newest: dict[str, SnapshotRef] = {}
    for ref in checked:
        if ref.version and (ref.source not in newest or ref.data_date > newest[ref.source].data_date):
            newest[ref.source] = ref
    return [ref for ref in newest.values()
            if ref.data_date and (period.start - date.fromisoformat(ref.data_date[:10])).days > max_days]


def coverage_sentences(checked: Sequence[SnapshotRef], period: Period | None) -> list[str]:
    """What was read and what was not, for a finding."""
    held = [c for c in checked if c.version]
    parts = [f"Read {len(held)} snapshot(s): " + ", ".join(c.label() for c in held) + "." if held
             else "No snapshot of these lists is held."]
    missing = sorted({c.source for c in checked if not c.version})
    if missing:
        parts.append("Not checked (no snapshot held): " + ", ".join(missing) + ".")
    stale = stale_sources(checked, period)
    if stale:
        parts.append("Only snapshots from well before the export date are held for " + ", ".join(
            f"{r.source} ({r.data_date})" for r in stale) + ": parties listed between then and the export date "
            "would not be seen.")
    return parts
