"""The party-not-listed check: is the party on any of the given lists (default: all) on the date?

Which lists the claim is about, and what each hit is:

- A claim that names its lists (``claim.lists``) is about exactly those: only they are screened, and a
  hit on any of them that stood on the date contradicts it, whatever the list's legal nature; the finding
  still says what each list is (a 1260H designation is a red flag, not a sanction).
- A claim that names none ("on any list") is about every list: listings (sanctions, export-control
  end-user lists) and red-flag lists (1260H, 1286, UFLPA, FCC, State nonproliferation, METI, China's
  lists) alike. Each red-flag hit is labelled with its declared one-line effect, so being on the 1286
  list is never read as an export ban.
- A research dataset (ASPI's tracker, nature ``research``) is not a list anyone was placed on: a hit in
  it is reported as a red flag and never contradicts the claim.
- Only sources that decide the claim can leave it undetermined for lack of a snapshot near the date: the
  named lists, or for "any list" the sources holding listings. A red-flag dataset with no dated copy for
  the export date (ASPI's 2020 tracker, the FY2024 1286 list parsed in 2026) is reported, not a gap.
"""

from __future__ import annotations

from exportcheck.claims import rules
from exportcheck.claims.model import Claim
from exportcheck.claims.screening import (
    Context,
    PartyHit,
    coverage_sentences,
    describe,
    lookalikes,
    screen_parties,
    stale_sources,
)
from exportcheck.claims.verdict import Status, Step


def _label(hit: PartyHit) -> str:
    """`` [sanctions list].`` for a listing; `` — a red flag … Effect: ….`` for anything else."""
    if rules.is_listing(hit.hit.source, hit.hit.list):
        return f" [{hit.category} list]."
    return f" — {rules.red_flag_label(hit.hit.source, hit.hit.list)}"


def _counts(hit: PartyHit) -> bool:
    """Whether a hit can decide the claim: any list does, a research dataset never does."""
    return not rules.is_research(hit.hit.source, hit.hit.list)


def _status(hits: list[PartyHit]) -> Status:
    deciding = [h for h in hits if _counts(h)]
    if any(h.hit.is_match and h.timing.in_force for h in deciding):
        return "contradicted"
    if any(h.timing.uncertain or not h.hit.is_match for h in deciding
           if h.timing.timing not in ("listed-after", "removed-before")):
        return "undetermined"
    return "consistent"


def run(claim: Claim, ctx: Context) -> Step:
    as_of = claim.date.end if claim.date else None
    sources = claim.lists or None
    checked = ctx.coverage(sources, as_of)
    hits = screen_parties(ctx, claim.parties, claim.date, sources)
    status = _status(hits)
    # the sources whose coverage decides: the named lists (a research dataset never decides), else the listings
    deciding = {c.source for c in checked if (c.source in claim.lists and not rules.is_research(c.source))
                or (not claim.lists and rules.may_decide(c.source))}
    held = [c for c in checked if c.version and c.source in deciding]
    if not held or (status == "consistent" and stale_sources(checked, claim.date, deciding)):
        status = "undetermined"
    parts = [describe(h) + _label(h) for h in hits] or [
        f"No name variant of {', '.join(p.name for p in claim.parties)} matched any list entry."]
    if any(not _counts(h) and h.hit.is_match for h in hits):
        parts.append("A research dataset is not a list anyone is placed on: its hits are red flags and do not "
                     "decide whether the party was listed.")
    others, other_evidence = lookalikes(ctx, claim)
    parts.extend(others)
    parts.extend(coverage_sentences(checked, claim.date, deciding))
    return Step(
        number=4, key="lists", title="Listed parties",
        question=f"Was any party on {'the lists ' + ', '.join(claim.lists) if claim.lists else 'any list'} "
                 f"on {claim.date.label() if claim.date else 'today'}?",
        rule="Entity, end-user, red-flag and sanctions lists held by exportcheck (research datasets reported, "
             "never deciding)",
        citation="; ".join(sorted({c.source for c in checked if c.version})),
        decides="public lists", finding=" ".join(parts), status=status,
        evidence=[h.evidence() for h in hits] + other_evidence, checked=checked,
        settle="" if status != "undetermined" else
        "a snapshot of the lists as they stood on the export date, the exact shipment date, or identifiers (address, registration) that confirm or rule out the possible match",
    )
