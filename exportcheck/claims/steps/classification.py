"""Shared by the control-list steps: look up the item's claimed codes, or search candidates for it.

Why candidates and never a classification: only the exporter (self-classification) or the
authority can classify an item against a control entry's technical parameters. exportcheck shows
the entries a reader should compare the item with, in the version of the list that applied on the
export date (or the versions that bracket it), and says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from exportcheck.claims.controls import ControlAnswer, ControlHit, VersionChoice
from exportcheck.claims.model import Claim, ControlCode
from exportcheck.claims.screening import Context
from exportcheck.claims.verdict import Evidence, Status


@dataclass
class Classification:
    """What the lists say about the item in one regime."""

    regime: str
    choice: VersionChoice | None = None
    listed: list[tuple[ControlCode, ControlHit]] = field(default_factory=list)  # claimed code is an entry in force
    later_only: list[tuple[ControlCode, ControlHit]] = field(default_factory=list)  # entry only in a later version
    unlisted_claims: list[ControlCode] = field(default_factory=list)  # EAR99 / not-listed stated
    unknown_codes: list[ControlCode] = field(default_factory=list)  # claimed code not found in the version(s)
    candidates: list[ControlHit] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def claimed(self) -> bool:
        return bool(self.listed or self.later_only or self.unlisted_claims or self.unknown_codes)


def _after(hit: ControlHit, as_of: date | None) -> bool:
    return bool(as_of and hit.valid_from and hit.valid_from[:10] > as_of.isoformat())


def control_evidence(hit: ControlHit, as_of: date | None, note: str = "") -> Evidence:
    later = _after(hit, as_of)
    timing = (f"entry of a version applying from {hit.valid_from}, after the export date: did not apply then"
              if later else (f"version applying from {hit.valid_from}" if hit.valid_from else ""))
    return Evidence(
        kind="control", source=hit.source, list=f"{hit.regime.upper()} control list", control_code=hit.code,
        name=hit.heading or hit.text[:120], matched_text=hit.matched_text or hit.text[:300], score=hit.score,
        snapshot=hit.snapshot or hit.version, data_date=hit.valid_from, source_url=hit.source_url, timing=timing,
        note="; ".join(x for x in [note, f"version {hit.version}" if hit.snapshot else "", "version held only in part" if hit.partial else "",
                                    "entry not used" if hit.not_used else "",
                                    f"reasons for control: {', '.join(hit.reasons_for_control)}" if hit.reasons_for_control else ""] if x),
    )


def classify(claim: Claim, ctx: Context, regime: str, as_of: date | None) -> Classification:
    result = Classification(regime)
    item = claim.item
    if item is None:
        return result
    codes = [c for c in item.control_codes if c.regime == regime]
    answer: ControlAnswer | None = None
    for code in codes:
        if code.states_unlisted:
            result.unlisted_claims.append(code)
            continue
        answer = ctx.controls.lookup(code.code, regime, as_of)
        result.choice = answer.version
        exact = [h for h in answer.hits if h.code.upper() == code.code.upper()] or answer.hits[:1]
        if not exact:
            result.unknown_codes.append(code)
            continue
        current = [h for h in exact if not _after(h, as_of) and not h.not_used]
        if current:
            result.listed.extend((code, h) for h in current)
        else:
            result.later_only.extend((code, h) for h in exact if _after(h, as_of))
        result.evidence.extend(control_evidence(h, as_of, f"the claim's own code {code.label()}") for h in exact)
    text = " ".join(x for x in [item.description, item.parent_machine] if x)
    if text and not result.listed:
        answer = ctx.controls.search(text, regime, 5, as_of)
        result.choice = result.choice or answer.version
        result.candidates = answer.hits
        result.evidence.extend(control_evidence(h, as_of, "candidate entry (text search), not a classification")
                               for h in answer.hits)
    if result.choice is None:
        result.choice = ctx.controls.search("", regime, 1, as_of).version
    return result


def classification_status(c: Classification) -> Status:
    """contradicted: the claim's own code is an entry in force; consistent: the exporter states the item
    is unlisted (self-assessed) and no claimed code is listed; undetermined otherwise."""
    if c.listed:
        return "contradicted"
    if c.unlisted_claims and not c.unknown_codes and not c.later_only:
        return "consistent"
    return "undetermined"


def version_sentence(choice: VersionChoice | None) -> str:
    if choice is None:
        return "No version of this list is held."
    return {"in-force": "Read in the version in force: ", "bracketing": "Read in the bracketing versions: ",
            "earlier-only": "Read in the latest earlier version only: ", "later-only": "Read in a later version only: ",
            "none": ""}[choice.basis] + (choice.explanation[:1].upper() + choice.explanation[1:]) + "."


def candidates_sentence(candidates: list[ControlHit], as_of: date | None) -> str:
    """Candidate codes grouped by the version they come from, later versions marked as such."""
    if not candidates:
        return "no candidate entry matched the item's description."
    groups: dict[tuple[str, str], list[str]] = {}
    for h in candidates:
        codes = groups.setdefault((h.version, h.valid_from), [])
        if h.code not in codes:
            codes.append(h.code)
    parts = []
    for (version, valid_from), codes in groups.items():
        later = bool(as_of and valid_from and valid_from[:10] > as_of.isoformat())
        label = f"{version} (from {valid_from}{', later than the export: for comparison only' if later else ''})"
        parts.append(f"in {label}: {', '.join(codes)}")
    return "candidate entries to compare it with — " + "; ".join(parts) + "."


@dataclass
class ItemJudgement:
    """The item's stated facts judged against the entries' criteria (exportcheck.controls.classify)."""

    status: Status
    finding: str
    missing: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def judge_item(claim: Claim, ctx: Context, regime: str) -> ItemJudgement | None:
    """Criteria verdict for an item claim; for a period, the same verdict must hold on its first and last day.

    Only the item's own description and stated parameters are read, never the parent machine's: a
    part of an ArF scanner does not have the scanner's wavelength.
    """
    from exportcheck.controls.classifier import classify as classify_item
    from exportcheck.controls.eu_licence import item_verdict

    item, data = claim.item, ctx.controls.data
    if item is None or data is None or claim.date is None or (not item.description and not item.parameters):
        return None
    codes = [c.code for c in item.control_codes if c.regime == regime and not c.states_unlisted]
    days = [claim.date.start] if claim.date.exact else [claim.date.start, claim.date.end]
    verdicts = []
    for day in days:
        result = classify_item(item.description, dict(item.parameters), regime, day, codes=codes, data=data)
        verdicts.append((result, *item_verdict(result, claim.kind, claim.destination)))
    statuses = {v[1] for v in verdicts}
    first = verdicts[0]
    status: Status = first[1] if len(statuses) == 1 else "undetermined"  # type: ignore[assignment]
    finding = first[2] if len(verdicts) == 1 else " ".join(
        f"On {day.isoformat()}: {why}" for day, (_r, _s, why) in zip(days, verdicts, strict=True))
    if len(statuses) > 1:
        finding += " The answer differs within the export period, so it depends on the exact date."
    evidence = []
    for result, _s, _w in verdicts:
        for e in result.entries:
            if e.status == "meets" or (e.status == "excluded" and e.kind_matched):
                evidence.append(Evidence(
                    kind="control", source=f"{'eu-dual-use' if regime == 'eu' else regime}",
                    list=f"{regime.upper()} control list", control_code=e.code, name=e.text[:120],
                    matched_text="; ".join(e.met if e.status == "meets" else e.failing)[:600], data_date=e.valid_from,
                    snapshot=e.version, timing=f"version applying from {e.valid_from}",
                    note=("stated facts meet its criteria" if e.status == "meets" else "stated facts exclude it")
                    + (f"; {result.read_from_description}" if result.read_from_description else "")))
    return ItemJudgement(status=status, finding=finding, missing=first[0].missing(), evidence=evidence)
