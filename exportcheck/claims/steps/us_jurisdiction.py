"""Step 6: US jurisdiction — is the item subject to the EAR, and what US end-user rules applied?

"No US parts" does not prove "not subject to the EAR" (foreign direct product rules, 15 CFR 734.9,
need no US content), and "some US parts" does not prove "subject" (de minimis, 734.4). The step
therefore says what would settle the question and lists the Entity List entries, their licence
requirement, footnotes and date, and whether the Affiliates Rule was in force on the date. Where the
claim states a US ECCN and a destination, the Part 738 determination (with Part 746, 744.21 and
744.23 by date) is applied: an item exported from the United States whose ECCN needs a licence to
the destination contradicts "no licence required"; an item only possibly subject to the EAR leaves
the claim undetermined and names the missing facts (trap 4).
"""

from __future__ import annotations

from datetime import date

from exportcheck.claims import rules
from exportcheck.claims.model import Claim
from exportcheck.claims.screening import Context, PartyHit, describe, screen_parties, stale_sources
from exportcheck.claims.steps.classification import classify, control_evidence, version_sentence
from exportcheck.claims.steps.us_ccl import licence_check
from exportcheck.claims.verdict import Status, Step
from exportcheck.controls.us_licence import entity_list_finding


def _entity_list(claim: Claim, ctx: Context) -> list[PartyHit]:
    hits = screen_parties(ctx, claim.parties, claim.date, None)
    return [h for h in hits if h.category == "end-user" and h.jurisdiction == "us"]


def _affiliates_sentence(when: date) -> str:
    """Whether the Affiliates Rule counted on the date: in force from its start, except while suspended."""
    aff, pause = rules.AFFILIATES_RULE, rules.AFFILIATES_SUSPENSION
    head = f"{aff.label()} ({aff.citation}): "
    if rules.affiliates_rule_applies(when):
        after = (f" The suspension ({pause.start} to {pause.end}) had ended; whether it was extended is not known "
                 "here." if pause.end and when > pause.end else "")
        return head + ("in force on the date — entities ≥50% owned by listed parties counted as listed "
                       "(subsidiaries only, never parents)." + after)
    if pause.in_force(when):
        return head + f"suspended on the date ({pause.label()}, {pause.start} to {pause.end})."
    return head + f"not in force on the date (it applies from {aff.start}; suspended {pause.start} to {pause.end})."


def run(claim: Claim, ctx: Context) -> Step:
    when = claim.date.start if claim.date else date.today()
    content = claim.item.us_content if claim.item else "unknown"
    listed = _entity_list(claim, ctx)
    active = [h for h in listed if h.hit.is_match and (h.timing.in_force or h.timing.uncertain)]
    parts: list[str] = []
    status: Status
    el_checked = [c for c in ctx.coverage(["us-entity-list", "us-csl"], claim.date.end if claim.date else None)
                  if c.version]
    el_blind = not el_checked or len(stale_sources(el_checked, claim.date)) == len({c.source for c in el_checked})
    from_us = bool(claim.exporter and claim.exporter.country == "US")
    if from_us:
        parts.append("The exporter is in the United States: items in the United States are subject to the EAR "
                     "(15 CFR 734.3(a)(1)) unless 734.3(b) excludes them (e.g. published information), which the "
                     "claim does not say.")
        # only an entry whose requirement covers every item subject to the EAR settles it without the item's ECCN
        certain = [h for h in listed if h.hit.is_match and h.timing.in_force
                   and entity_list_finding(h.hit.licence_requirement).all_items]
        stated = [x for x in (claim.item.control_codes if claim.item else []) if x.regime == "us"]
        status = "contradicted" if certain else "undetermined" if active or el_blind or not stated else "consistent"
        if not stated:
            parts.append("No US classification (ECCN or EAR99) is stated, so what the EAR requires for the item "
                         "cannot be read.")
        if certain:
            parts.append("A party was on the Entity List on the date, whose licence requirement reaches items subject "
                         "to the EAR.")
    elif content == "no":
        parts.append("The claim says the item has no US content. That does not show it is outside the EAR: the "
                     "foreign direct product rules (15 CFR 734.9) reach foreign-made items with no US parts, made "
                     "with US technology, software or equipment, for certain ECCNs and Entity List footnotes.")
        status = "undetermined" if active or el_blind else "consistent"
        if el_blind and not active:
            parts.append("The Entity List as it stood on the date is not held (or only a much older snapshot), so "
                         "whether a party was listed then cannot be told here.")
        elif not active:
            parts.append("No party was on the Entity List on the date, so the end-user-based foreign direct product "
                         "rules did not reach this export; the ECCN-based rules depend on the item's classification "
                         "(self-assessed).")
    elif content == "yes":
        parts.append("The claim says the item has US content. That alone does not make it subject to the EAR: the "
                     "de minimis rule (15 CFR 734.4) counts only controlled US content above 25% (10% for some "
                     "destinations; 0% for some semiconductor equipment).")
        status = "undetermined"
    else:
        parts.append("Whether the item has US content, and whether a foreign direct product rule reaches it, is "
                     "not stated; neither is public.")
        status = "undetermined"
    for h in listed:
        req = f" Licence requirement: {h.hit.licence_requirement}." if h.hit.licence_requirement else ""
        parts.append(describe(h) + "." + req)
        footnotes = entity_list_finding(h.hit.licence_requirement, when) if h.hit.licence_requirement else None
        if footnotes is not None and footnotes.footnotes:
            parts.append("Entity List footnotes of this entry: " + footnotes.sentence.split("; ", 1)[-1])
    if active:
        parts.append("If the item was subject to the EAR, the Entity List licence requirement applied to this export.")
    fdp = rules.EAR_SME_FDP
    if fdp.in_force(when):
        parts.append(f"{fdp.label()} ({fdp.citation}) were in force on the date.")
    else:
        parts.append(f"{fdp.label()} ({fdp.citation}) came later than the export and did not apply.")
    parts.append(_affiliates_sentence(when))
    c = classify(claim, ctx, "us", when) if claim.item and any(x.regime == "us" for x in claim.item.control_codes) else None
    evidence = [h.evidence() for h in listed]
    licence = licence_check(claim, ctx)
    missing_subject = ""
    if licence.determinations:
        parts += licence.sentences
        evidence += licence.evidence
        if licence.required and from_us:
            status = "contradicted"
            parts.append("The stated ECCN needs a licence to this destination under the EAR text read, so a claim "
                         "that no licence was required is contradicted (a Part 740 licence exception, which the claim "
                         "does not name, authorises an export that would otherwise need a licence; it does not "
                         "remove the requirement).")
        elif licence.required:
            missing_subject = ("whether the item is subject to the EAR at all: its US-origin controlled content by "
                               "value against the de minimis levels (15 CFR 734.4), and whether it is the direct "
                               "product of US technology, software or plant (15 CFR 734.9)")
            parts.append("If the item is subject to the EAR, the stated ECCN needs a licence to this destination; "
                         "whether it is subject is not stated (" + missing_subject + "), so this stays open.")
            status = "contradicted" if status == "contradicted" else "undetermined"
    elif licence.sentences:
        parts += licence.sentences
    if c is not None:
        for code, hit in c.listed:
            parts.append(f"The claim's ECCN {code.code}: {hit.heading or hit.text[:80]} (reasons for control: "
                         f"{', '.join(hit.reasons_for_control) or 'n/a'}).")
        if c.unlisted_claims:
            parts.append("EAR99 items are still subject to the EAR when US jurisdiction applies, and need a licence "
                         "to Entity List parties.")
        parts.append(version_sentence(c.choice))
        evidence.extend(control_evidence(h, when) for _, h in c.listed)
    return Step(
        number=6, key="us-ear", title="US jurisdiction (EAR)",
        question="Was the item subject to the EAR, and did a US end-user or end-use rule require a licence?",
        rule="EAR: de minimis, foreign direct product rules, Entity List, end-use controls",
        citation="; ".join([rules.EAR_DE_MINIMIS.cite(), rules.EAR_FDP.cite(), rules.EAR_ENTITY_LIST.cite(),
                            rules.EAR_MILITARY_END_USE.cite(), rules.EAR_SEMICONDUCTOR_END_USE.cite()]),
        decides="the exporter (US content and FDP analysis); BIS on request",
        finding=" ".join(parts), status=status, evidence=evidence,
        settle="" if status != "undetermined" else
        (missing_subject + "; " if missing_subject else "") +
        "the item's US-origin content by value and ECCN, whether it is the direct product of US technology, software "
        "or equipment, and the exact shipment date against Entity List dates (exporter's records; BIS on request)",
    )
