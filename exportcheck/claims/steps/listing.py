"""The party-not-listed check: is the party on any of the given lists (default: all) on the date?

Unlike the sanctions step this counts every kind of list (end-user, red-flag, sanctions), because
the claim is about being listed at all; the category of each hit is still named so a reader does
not mistake a 1260H designation for a sanction.
"""

from __future__ import annotations

from exportcheck.claims.model import Claim
from exportcheck.claims.screening import (
    Context,
    coverage_sentences,
    describe,
    lookalikes,
    screen_parties,
    stale_sources,
)
from exportcheck.claims.verdict import Status, Step


def run(claim: Claim, ctx: Context) -> Step:
    as_of = claim.date.end if claim.date else None
    sources = claim.lists or None
    checked = ctx.coverage(sources, as_of)
    hits = screen_parties(ctx, claim.parties, claim.date, sources)
    status: Status = "consistent"
    if any(h.hit.is_match and h.timing.in_force for h in hits):
        status = "contradicted"
    elif any(h.timing.uncertain or not h.hit.is_match for h in hits
             if h.timing.timing not in ("listed-after", "removed-before")):
        status = "undetermined"
    held = [c for c in checked if c.version]
    if not held or (status == "consistent" and stale_sources(checked, claim.date)):
        status = "undetermined"
    parts = [describe(h) + f" [{h.category} list]." for h in hits] or [
        f"No name variant of {', '.join(p.name for p in claim.parties)} matched any list entry."]
    others, other_evidence = lookalikes(ctx, claim)
    parts.extend(others)
    parts.extend(coverage_sentences(checked, claim.date))
    return Step(
        number=4, key="lists", title="Listed parties",
        question=f"Was any party on {'the lists ' + ', '.join(claim.lists) if claim.lists else 'any list'} "
                 f"on {claim.date.label() if claim.date else 'today'}?",
        rule="Entity, end-user, red-flag and sanctions lists held by exportcheck",
        citation="; ".join(sorted({c.source for c in held})),
        decides="public lists", finding=" ".join(parts), status=status,
        evidence=[h.evidence() for h in hits] + other_evidence, checked=checked,
        settle="" if status != "undetermined" else
        "a snapshot of the lists as they stood on the export date, the exact shipment date, or identifiers (address, registration) that confirm or rule out the possible match",
    )
