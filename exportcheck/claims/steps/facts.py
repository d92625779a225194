"""Step 1: pin the facts — exporter, date, item, parties with their name variants.

Why a step of its own: every later step is only as good as the facts it is given, and a reader must
see which facts the claim left open (an export "in 2024" is a period, not a date).
"""

from __future__ import annotations

from exportcheck.claims.model import KIND_MEANING, Claim
from exportcheck.claims.screening import Context
from exportcheck.claims.verdict import Status, Step

#: Facts a kind cannot be checked without.
_NEEDS = {
    "no-licence-required": ("item", "parties", "date"),
    "party-not-listed": ("parties",),
    "item-not-controlled": ("item",),
    "sanctions-compliant": ("parties",),
    "customer-judgement": ("parties",),
}


def run(claim: Claim, ctx: Context) -> Step:
    pinned, missing, notes = [], [], []
    if claim.exporter:
        pinned.append(f"exporter {claim.exporter.name}" + (f" ({claim.exporter.country})" if claim.exporter.country else ""))
    else:
        notes.append("no exporter given: the exporter's country decides which national rules apply; Dutch rules assumed only if stated")
    if claim.date:
        pinned.append(f"export date {claim.date.label()}")
        if not claim.date.exact:
            notes.append(f"the export date is a period ({claim.date.start} to {claim.date.end}); listings and rules that "
                         "changed within it are reported as depending on the exact shipment date")
    else:
        notes.append("no export date: lists are read as they stand in the latest snapshots")
    if claim.destination:
        pinned.append(f"destination {claim.destination}")
    for p in claim.parties:
        variants = f" (also: {', '.join(p.aliases)})" if p.aliases else ""
        pinned.append(f"{p.role} {p.name}{variants}" + (f", {p.country}" if p.country else ""))
    if claim.item:
        item = claim.item
        desc = item.description or "(no description)"
        extra = [f"part number {item.part_number}" if item.part_number else "",
                 f"for {item.parent_machine}" if item.parent_machine else "",
                 f"claimed codes {', '.join(c.label() for c in item.control_codes)}" if item.control_codes else "no control code given",
                 f"US content: {item.us_content}"]
        pinned.append(f"item {desc} ({'; '.join(e for e in extra if e)})")
    for need in _NEEDS.get(claim.kind, ()):
        if not getattr(claim, need):
            missing.append(need)
    finding = f"The claim says {KIND_MEANING[claim.kind]}. Facts pinned: " + "; ".join(pinned) + "."
    if notes:
        finding += " " + " ".join(n[0].upper() + n[1:] + "." for n in notes)
    status: Status = "undetermined" if missing else "consistent"
    return Step(
        number=1, key="facts", title="Facts of the export",
        question="Which export, by whom, when, of what, to whom (with every name variant)?",
        rule="Decision procedure step 1 (DOMAIN.md): judge against the lists as they stood on the export date",
        decides="the claims file author (from the statement and reporting)",
        finding=finding + (f" Missing: {', '.join(missing)}." if missing else ""),
        status=status,
        settle=f"add {', '.join(missing)} to the claim" if missing else "",
    )
