"""Step 2: is the item in EU Annex I (Regulation 2021/821) as it stood on the export date?

Data: the Annex I versions held by the control lists (EU consolidated texts). A 2024 export is read
against the annex in force in 2024, never the 2025 one (trap 3); if that version is not held, the
held versions that bracket the date are read and the answer says so.
"""

from __future__ import annotations

from datetime import date

from exportcheck import law
from exportcheck.claims import rules
from exportcheck.claims.model import Claim
from exportcheck.claims.screening import Context
from exportcheck.claims.steps.classification import (
    candidates_sentence,
    classification_status,
    classify,
    judge_item,
    version_sentence,
)
from exportcheck.claims.verdict import Status, Step
from exportcheck.controls.eu_licence import licence_needed

SETTLE = ("the exporter's classification of the item (part number, technical parameters) against the candidate "
          "entries, or a ruling by the Dutch authority (Ministry of Foreign Affairs / CDIU)")


def edition_sentence(as_of: date | None) -> str:
    """The Annex I edition in force on the date, named exactly as ``control show --as-of`` names it."""
    when = as_of or date.today()
    edition = law.edition_in_force("eu", when)
    if edition is None:
        first = law.editions("eu")[0]
        return (f"No Annex I edition of Regulation (EU) 2021/821 was in force on {when.isoformat()}: the first, "
                f"{first.label()}, applies from {first.start.isoformat()}.")
    held = "" if edition.held else " Its text is not held here."
    return f"Annex I edition in force on {when.isoformat()}: {edition.describe()}.{held}"


def _licence_for_listed(claim: Claim, parts: list[str], settle: str) -> tuple[Status, str]:
    """A listed item contradicts "no licence required" only where Art. 3 needs an authorisation for the destination.

    Inside the EU there is no export; to an EU001 country the Union general export authorisation may
    cover it; with no destination stated the claim cannot be judged. Only the remaining destinations
    make the claim's own listed code a contradiction.
    """
    needed, why = licence_needed(claim.destination)
    parts.append(why[:1].upper() + why[1:] + ".")
    if needed:
        return "contradicted", settle
    return "undetermined", ("the destination of the export" if needed is None else
                            "whether the export used a Union general export authorisation (EU001) and met its conditions")


def run(claim: Claim, ctx: Context) -> Step:
    as_of = claim.date.start if claim.date else None
    c = classify(claim, ctx, "eu", as_of)
    parts = []
    if claim.date and not claim.date.exact:
        during = law.editions_during("eu", claim.date.start, claim.date.end)
        if len(during) > 1:
            parts.append("Annex I changed during the export period (" + "; ".join(
                f"{e.label()} from {e.start}" for e in during) + "); read as at the start of the period.")
    if c.listed:
        parts.append("The claim's own classification puts the item in Annex I: " + ", ".join(
            f"{code.label()} = {hit.code} {hit.heading or hit.text[:80]!r}" for code, hit in c.listed)
            + ". Art. 3 of Regulation 2021/821 requires an authorisation to export Annex I items.")
    if c.later_only:
        parts.append("Claimed entries exist only in a later version of Annex I and did not apply on the export date: "
                     + ", ".join(h.code for _, h in c.later_only) + ".")
    if c.unknown_codes:
        parts.append("Claimed code(s) not found in the version(s) read: " + ", ".join(x.code for x in c.unknown_codes) + ".")
    if c.unlisted_claims:
        parts.append("The exporter states the item is not listed (" + ", ".join(x.code for x in c.unlisted_claims)
                     + "); that is its own classification.")
    if not c.claimed:
        parts.append("The claim gives no EU classification for the item. Only the exporter or the authority "
                     "classifies;")
        parts.append(candidates_sentence(c.candidates, as_of))
    parts.append(version_sentence(c.choice))
    parts.append(edition_sentence(as_of))
    status = classification_status(c)
    settle = SETTLE
    if status == "contradicted" and claim.kind == "no-licence-required":
        status, settle = _licence_for_listed(claim, parts, settle)
    judged = judge_item(claim, ctx, "eu") if claim.kind in ("item-not-controlled", "no-licence-required") else None
    if judged is not None:
        parts.append("Criteria: " + judged.finding)
        c.evidence.extend(judged.evidence)
        if status != "contradicted" and judged.status != "undetermined":
            status = judged.status  # stated facts meet an entry needing a licence, or exclude every candidate of the kind
        if judged.missing:
            settle = f"the item's {', '.join(judged.missing[:5])} (stated), or " + SETTLE
    return Step(
        number=2, key="eu-annex-i", title="EU dual-use list (Annex I)",
        question=f"Was the item listed in Annex I to Regulation (EU) 2021/821 on {claim.date.label() if claim.date else 'today'}?",
        rule=rules.EU_DUAL_USE.label(), citation=rules.EU_DUAL_USE.cite(),
        decides="the exporter (self-classification); the national authority on request",
        finding=" ".join(parts), status=status,
        settle="" if status != "undetermined" else settle, evidence=c.evidence,
    )
