"""The US Commerce Control List check for the item-not-controlled kind.

Reads the CCL (15 CFR 774 Supp. 1) version held for the date. Not being on the CCL (EAR99) does not
put an item outside the EAR, and a CCL entry matters to a foreign exporter only if the item is
subject to the EAR (see the US jurisdiction step); an ECCN shares its string with an EU code but not
its meaning (trap 2). :func:`licence_check` applies the Part 738 procedure (and Part 746, 744.21,
744.23 by date) to a stated ECCN and destination; the US jurisdiction step uses it for licence claims.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exportcheck.claims.model import Claim
from exportcheck.claims.screening import Context
from exportcheck.claims.steps.classification import classification_status, classify, version_sentence
from exportcheck.claims.verdict import Evidence, Step
from exportcheck.controls.data import ControlData
from exportcheck.controls.us_licence import UsLicenceDetermination, determine
from exportcheck.errors import InputError


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
    if c.listed or c.later_only:  # where the item goes matters too: show what the Country Chart says (the status stays the listing's)
        parts += licence_check(claim, ctx).sentences
    return Step(
        number=6, key="us-ccl", title="US Commerce Control List",
        question="Was the item on the Commerce Control List on the date?",
        rule="EAR Commerce Control List", citation="15 CFR 774, Supplement No. 1",
        decides="the exporter (self-classification); BIS on request (CCATS)",
        finding=" ".join(parts), status=status, evidence=c.evidence,
        settle="" if status != "undetermined" else "the exporter's ECCN for the part number, or a BIS classification (CCATS)",
    )


# --- the licence determination for a claim's stated ECCN (15 CFR 738.4, Part 746, 744.21/744.23) ----------------
@dataclass
class LicenceCheck:
    """The US licence determinations for a claim's stated ECCN(s) and destination, as a step reports them."""

    destination: str = ""
    determinations: list[UsLicenceDetermination] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    required: bool = False  # the text read requires a licence on every day of the claim's period
    missing: str = ""  # why no determination could be made


def _destination(claim: Claim) -> str:
    """The claim's destination, else the country of its end user (or consignee)."""
    if claim.destination:
        return claim.destination
    for role in ("end-user", "consignee"):
        for party in claim.parties:
            if party.role == role and party.country:
                return party.country
    return ""


def licence_data(ctx: Context) -> ControlData | None:
    """The CCL with its Country Chart tables, where a held control snapshot carries them."""
    data = ctx.controls.data
    if data is not None and not data.table("licence_requirements").empty:
        return data
    return None


def licence_check(claim: Claim, ctx: Context) -> LicenceCheck:
    """Determine the licence need of each stated US ECCN to the destination on the claim's first and last day."""
    check = LicenceCheck(destination=_destination(claim))
    codes = [c for c in (claim.item.control_codes if claim.item else []) if c.regime == "us" and not c.states_unlisted]
    if not codes:
        check.missing = "no US ECCN is stated for the item"
        return check
    if not check.destination:
        check.missing = "no destination is stated"
        return check
    data = licence_data(ctx)
    if data is None:
        check.missing = "no CCL with its Country Chart is held in this context"
        check.sentences.append("The licence requirement of the stated ECCN cannot be read: " + check.missing + ".")
        return check
    days = [claim.date.start, claim.date.end] if claim.date and not claim.date.exact else \
        [claim.date.start] if claim.date else [None]
    required_all = True
    for code in codes:
        try:
            found = [determine(code.code, check.destination, day, data=data) for day in days]
        except InputError as exc:
            check.sentences.append(f"US {code.code}: {exc}.")
            required_all = False
            continue
        first = found[0]
        check.determinations.append(first)
        same = all(f.outcome == first.outcome for f in found)
        when = f" on {claim.date.label()}" if claim.date else ""
        check.sentences.append(f"US licence for {first.code} to {first.destination}{when} (Part 738 procedure): "
                               + first.summary)
        if not same:
            check.sentences.append("The answer differs within the claim's period (" + "; ".join(
                f"{f.as_of}: {f.outcome}" for f in found) + "): the exact shipment date decides.")
        check.sentences += first.messages + [e.sentence for e in first.end_use]
        if first.licence_exceptions:
            named = ", ".join(x["exception"] for x in first.exceptions_named)
            check.sentences.append(first.licence_exceptions + (f" (the ECCN names: {named})" if named else "") + ".")
        check.sentences.append("Text used: " + first.text_note + ".")
        unconfirmed = sorted({f["name"] for d in found for f in d.facts if not f["verified"]})
        if unconfirmed:
            check.sentences.append("Dated facts not confirmed from a primary text here: " + "; ".join(unconfirmed) + ".")
        required_all = required_all and same and first.required is True
        check.evidence.append(Evidence(
            kind="rule", source="us-ccl", list="Commerce Country Chart (15 CFR 738 Supp. 1) and Part 746",
            control_code=first.code, name=f"US licence for {first.code} to {first.destination}: {first.outcome}",
            matched_text=first.summary[:300], data_date=first.text_issue_date, snapshot=f"eCFR {first.text_issue_date}",
            source_url="https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-738",
            note=first.text_note))
    check.required = required_all and bool(check.determinations)
    return check
