"""Step 4: is any party sanctioned (EU, UN, UK, OFAC SDN) as the lists stood on the export date?

Data: every entity source whose entries are sanctions (see :func:`rules.list_category`). Red-flag
lists (1260H, NS-CMIC) and export-control end-user lists (Entity List) found on the way are named
but not treated as sanctions (trap 7).
"""

from __future__ import annotations

from exportcheck.claims import rules
from exportcheck.claims.model import Claim
from exportcheck.claims.screening import (
    Context,
    PartyHit,
    coverage_sentences,
    describe,
    screen_parties,
    stale_sources,
)
from exportcheck.claims.verdict import Status, Step

BINDING_ON_EU_EXPORTER = {"eu", "un"}


def _timing_status(hits: list[PartyHit], binding: bool) -> Status:
    if any(h.hit.is_match and h.timing.in_force for h in hits):
        return "contradicted" if binding else "undetermined"
    if any(h.timing.uncertain or (not h.hit.is_match and not h.timing.timing.startswith(("listed-after", "removed-before")))
           for h in hits):
        return "undetermined"
    return "consistent"


def run(claim: Claim, ctx: Context, *, strict: bool = False) -> Step:
    """``strict`` (the sanctions-compliant kind): any sanctions listing in force contradicts "no party is
    sanctioned", whoever imposed it; otherwise only EU/UN listings bind a Dutch exporter outright."""
    as_of = claim.date.end if claim.date else None
    sources = [s for s in claim.lists if s in rules.SANCTIONS_SOURCES] if claim.lists else list(rules.SANCTIONS_SOURCES)
    checked = ctx.coverage(sources, as_of)
    hits = screen_parties(ctx, claim.parties, claim.date, sources)
    sanctions = [h for h in hits if h.category == "sanctions"]
    others = [h for h in hits if h.category != "sanctions" and h.hit.is_match]
    binding = [h for h in sanctions if strict or h.jurisdiction in BINDING_ON_EU_EXPORTER]
    foreign = [h for h in sanctions if h not in binding]
    status = _timing_status(binding, True)
    if status == "consistent" and foreign:
        status = _timing_status(foreign, False)
    parts: list[str] = []
    if sanctions:
        parts.extend(describe(h) + "." for h in sanctions)
        if foreign:
            parts.append("Listings by a jurisdiction other than the EU/UN bind a Dutch exporter only where that "
                         "jurisdiction's law reaches the export (e.g. a US nexus).")
    else:
        parts.append(f"No party matched a sanctions list as the lists stood on "
                     f"{claim.date.label() if claim.date else 'today'}.")
    if others:
        parts.append("Also found, but not sanctions: " + "; ".join(
            f"{h.hit.name} on {h.hit.list or h.hit.source} ("
            + (h.category if rules.is_listing(h.hit.source, h.hit.list) else rules.red_flag_label(h.hit.source, h.hit.list))
            + ")" for h in others) + " — see the catch-all and US steps.")
    parts.extend(coverage_sentences(checked, claim.date))
    held = {c.source for c in checked if c.version}
    if not held or (status == "consistent" and stale_sources(checked, claim.date)):
        status = "undetermined"
    elif status == "consistent" and not held & set(rules.EU_BINDING_SANCTIONS) and not claim.lists:
        status = "undetermined"
        parts.append("Neither the EU consolidated sanctions list nor the UN list, which bind an exporter in the EU, "
                     "is held: the claim cannot be confirmed for them.")
    return Step(
        number=4, key="sanctions", title="Sanctions on any party",
        question="Was any party on a sanctions list (EU, UN, UK, OFAC SDN) on the export date?",
        rule=rules.SANCTIONS.label(), citation=rules.SANCTIONS.cite(),
        decides="public lists (no classification involved)", finding=" ".join(parts), status=status,
        evidence=[h.evidence() for h in sanctions], checked=checked,
        settle="" if status != "undetermined" else
        "a snapshot of the lists as they stood on the export date, the exact shipment date, the full identifiers of the party, or whether the listing jurisdiction's law reached the export",
    )
