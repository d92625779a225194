"""Step 3: Dutch national measures (Art. 9/10 of Regulation 2021/821) in force on the export date.

Data: the dated rules in :mod:`exportcheck.claims.rules` (Regeling geavanceerde productieapparatuur
voor halfgeleiders, Stcrt. 2023-18212, and its amendments) and any Dutch control entries the control
lists hold. The regulation's annex is not held as text here, so the step can only decide from a
claimed Dutch code, or from the machine model where the scope is public (immersion DUV: NXT:2000i and
newer from 1 Sept 2023; NXT:1970i/1980i only from 7 Sept 2024).
"""

from __future__ import annotations

import re
from datetime import date

from exportcheck import law
from exportcheck.claims import rules
from exportcheck.claims.model import Claim
from exportcheck.claims.screening import Context
from exportcheck.claims.steps.classification import classification_status, classify, version_sentence
from exportcheck.claims.verdict import Evidence, Status, Step

_NXT = re.compile(r"NXT\s*:?\s*(\d{4})\s*([a-z]?)", re.I)
_DUV = re.compile(r"\b(DUV|immersion|TWINSCAN|NXT)\b", re.I)


def _rule_evidence(rule: rules.Rule, note: str) -> Evidence:
    return Evidence(kind="rule", source=rule.key, list=rule.title, name=rule.citation, citation=rule.cite(),
                    listing_date=rule.start.isoformat() if rule.start else "", source_url=rule.url,
                    note=note + ("" if rule.confirmed else law.UNCONFIRMED))


def _from(rule: rules.Rule) -> str:
    """The rule's start date, marked where the date is not confirmed from the primary text."""
    return f"{rule.start}" + ("" if rule.confirmed else " (date not confirmed from the primary text)")


def machine_rule(text: str, when: date) -> tuple[Status, str, list[Evidence]] | None:
    """Decide from a TWINSCAN NXT model number where the Dutch scope for that model is public."""
    m = _NXT.search(text)
    if not m:
        return None
    model, suffix = int(m.group(1)), m.group(2).lower()
    name = f"NXT:{m.group(1)}{suffix}"
    if suffix != "i":
        return ("consistent", f"{name} is not an immersion (i) system; the Dutch measures' DUV scope covers "
                "immersion systems only.", [])
    if model >= 2000:
        rule = rules.NL_SEMICONDUCTOR
        if rule.in_force(when):
            return ("contradicted", f"{name} is an immersion DUV system of the NXT:2000i generation or newer, "
                    f"which needs a Dutch licence since {_from(rule)}.", [_rule_evidence(rule, rule.scope)])
        return ("consistent", f"{name} was not yet under Dutch measures on {when} (they apply from {_from(rule)}).",
                [_rule_evidence(rule, rule.scope)])
    if model in (1970, 1980):
        rule = rules.NL_SEMICONDUCTOR_2024
        if rule.in_force(when):
            return ("contradicted", f"{name} needs a Dutch licence since {_from(rule)} (amendment BZ2404162).",
                    [_rule_evidence(rule, rule.scope)])
        return ("consistent", f"{name} was added to the Dutch measures only on {_from(rule)}, after the export "
                f"({when}).", [_rule_evidence(rule, rule.scope)])
    return ("consistent", f"{name} is older than the immersion systems the Dutch measures name.", [])


def run(claim: Claim, ctx: Context) -> Step:
    when = claim.date.start if claim.date else date.today()
    end = claim.date.end if claim.date else when
    in_force = rules.nl_rules_in_force(when)
    later = [r for r in rules.NL_RULES if r.start and when < r.start <= end]
    c = classify(claim, ctx, "nl", when)
    status: Status = classification_status(c)
    evidence = list(c.evidence)
    parts = ["In force on " + str(when) + ": " + ("; ".join(f"{r.label()} (from {r.start})" for r in in_force)
                                                  if in_force else "no Dutch national measure for these items") + "."]
    if later:
        parts.append("Changed within the export period: " + "; ".join(f"{r.label()} from {r.start}" for r in later)
                     + " — whether these applied depends on the exact shipment date.")
    exporter_nl = claim.exporter is None or claim.exporter.country in ("", "NL")
    if not exporter_nl:
        parts.append(f"The exporter is in {claim.exporter.country if claim.exporter else '?'}: Dutch measures apply to "
                     "exports from the Netherlands, and other member states only if they adopted them (Art. 10).")
    text = " ".join(x for x in [claim.item.description, claim.item.parent_machine, claim.item.part_number]
                    if x) if claim.item else ""
    decided = machine_rule(text, when) if text else None
    if c.listed:
        parts.append("The claim's own Dutch code is a listed entry: " + ", ".join(h.code for _, h in c.listed) + ".")
    elif decided is not None:
        status, sentence, rule_ev = decided
        if later and status == "consistent":
            status = "undetermined"
        parts.append(sentence)
        evidence.extend(rule_ev)
    elif text and _DUV.search(text):
        parts.append("The item is (for) a DUV lithography system but its model is not given: immersion systems "
                     f"NXT:2000i and newer needed a Dutch licence from {_from(rules.NL_SEMICONDUCTOR)}, NXT:1970i/1980i "
                     f"from {_from(rules.NL_SEMICONDUCTOR_2024)}; dry and older systems did not.")
        status = "undetermined"
    elif not c.claimed:
        parts.append("The claim gives no Dutch classification, and the annex of the Dutch regulation is not held as "
                     "text here; only the exporter or the authority can place the item.")
        status = "undetermined"
    if c.choice is not None and c.choice.basis != "none":
        parts.append(version_sentence(c.choice))
    if not exporter_nl and status == "contradicted":
        status = "undetermined"
    return Step(
        number=3, key="nl-national", title="Dutch national measures",
        question=f"Did a Dutch national measure require a licence for this item on {claim.date.label() if claim.date else 'today'}?",
        rule=rules.NL_SEMICONDUCTOR.label() + " (as amended)", citation=rules.NL_SEMICONDUCTOR.cite() + "; "
        + rules.EU_NATIONAL_LISTS.cite(),
        decides="the exporter; the Dutch Minister (licensing via CDIU) on request",
        finding=" ".join(parts), status=status, evidence=evidence,
        settle="" if status != "undetermined" else
        "the machine model / part number and its place in the annex of the Dutch regulation as it stood on the date, "
        "or the Dutch authority's answer to the exporter",
    )
