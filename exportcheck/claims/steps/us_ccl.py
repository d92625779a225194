"""The US Commerce Control List check for the item-not-controlled kind.

Reads the CCL (15 CFR 774 Supp. 1) version held for the date. Not being on the CCL (EAR99) does not
put an item outside the EAR, and a CCL entry matters to a foreign exporter only if the item is
subject to the EAR (see the US jurisdiction step); an ECCN shares its string with an EU code but not
its meaning (trap 2).
"""

from __future__ import annotations

from exportcheck.claims.model import Claim
from exportcheck.claims.screening import Context
from exportcheck.claims.steps.classification import classification_status, classify, version_sentence
from exportcheck.claims.verdict import Step


def run(claim: Claim, ctx: Context) -> Step:
    as_of = claim.date.start if claim.date else None
    c = classify(claim, ctx, "us", as_of)
    parts = []
    if c.listed:
        parts.append("The claim's own ECCN is a CCL entry: " + ", ".join(
            f"{h.code} {h.heading!r} (reasons for control: {', '.join(h.reasons_for_control) or 'n/a'})"
            for _, h in c.listed) + ".")
    if c.unlisted_claims:
        parts.append("The exporter classifies the item EAR99 / not listed (self-assessed); EAR99 items remain subject "
                     "to the EAR where US jurisdiction applies.")
    if c.unknown_codes:
        parts.append("Claimed ECCN(s) not found in the version read: " + ", ".join(x.code for x in c.unknown_codes) + ".")
    if not c.claimed:
        parts.append("No ECCN given; candidate CCL entries: " + (", ".join(h.code for h in c.candidates) or "none") + ".")
    parts.append(version_sentence(c.choice))
    status = classification_status(c)
    return Step(
        number=6, key="us-ccl", title="US Commerce Control List",
        question="Was the item on the Commerce Control List on the date?",
        rule="EAR Commerce Control List", citation="15 CFR 774, Supplement No. 1",
        decides="the exporter (self-classification); BIS on request (CCATS)",
        finding=" ".join(parts), status=status, evidence=c.evidence,
        settle="" if status != "undetermined" else "the exporter's ECCN for the part number, or a BIS classification (CCATS)",
    )
