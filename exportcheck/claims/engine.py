"""Step 7 and the run: which steps each claim kind needs, and how their statuses become a verdict.

A claim is **contradicted** when a step finds a public list or rule that says otherwise, **consistent**
when nothing checked contradicts it (the steps list what was checked), and **undetermined** when the
answer depends on classification or knowledge that is not public; and it is always marked
self-assessed unless the claims file cites an authority's decision (trap 8: an exporter's "not
licensable" is not an authority's finding, even when the statement invokes the government).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

from exportcheck.claims import rules
from exportcheck.claims.model import Claim, ClaimsFile
from exportcheck.claims.screening import Context
from exportcheck.claims.steps import (
    catch_all,
    eu_annex,
    facts,
    listing,
    national,
    sanctions,
    us_ccl,
    us_jurisdiction,
)
from exportcheck.claims.verdict import ClaimResult, Report, SnapshotRef, Step, worst
from exportcheck.errors import InputError

StepFn = Callable[[Claim, Context], Step]

_INVOKES_AUTHORITY = re.compile(
    r"overheid|regering|minister|government|authorit|besloten|decided|vergunning\w* .{0,40}afgegeven|"
    r"licen[cs]e\w* .{0,20}(issued|granted)", re.I)


def steps_for(claim: Claim) -> list[StepFn]:
    """The decision procedure's steps that a claim of this kind needs."""
    if claim.kind == "no-licence-required":
        return [facts.run, eu_annex.run, national.run, sanctions.run, catch_all.run, us_jurisdiction.run]
    if claim.kind == "party-not-listed":
        return [facts.run, listing.run]
    if claim.kind == "sanctions-compliant":
        return [facts.run, lambda c, ctx: sanctions.run(c, ctx, strict=True)]
    if claim.kind == "customer-judgement":
        return [facts.run, catch_all.run_judgement]
    regimes = claim.regimes or ["eu", "nl", "us"]
    chosen: list[StepFn] = [facts.run]
    chosen += [eu_annex.run] if "eu" in regimes else []
    chosen += [national.run] if "nl" in regimes else []
    chosen += [us_ccl.run] if "us" in regimes else []
    return chosen


def _assessment(claim: Claim) -> tuple[str, str]:
    if claim.authority is not None:
        a = claim.authority
        return "authority-backed", (f"The claims file cites a decision by {a.body}"
                                    + (f" ({a.reference})" if a.reference else "")
                                    + (f": {a.decision}" if a.decision else "")
                                    + ". exportcheck cannot see the decision itself; check it at the source.")
    if _INVOKES_AUTHORITY.search(claim.text or ""):
        return "self-assessed", ("The statement invokes a government decision, but no decision is cited or public; "
                                 "it is treated as the exporter's own assessment.")
    return "self-assessed", "The claim rests on the exporter's own assessment; no authority decision is cited."


def _summary(status: str, steps: list[Step]) -> str:
    by = {s: [st.title for st in steps if st.status == s] for s in ("contradicted", "undetermined")}
    if status == "contradicted":
        text = "Contradicted by: " + "; ".join(by["contradicted"]) + "."
        if by["undetermined"]:
            text += " Also open: " + "; ".join(by["undetermined"]) + "."
        return text
    if status == "undetermined":
        return ("Nothing public contradicts it, but it depends on facts that are not public: "
                + "; ".join(by["undetermined"]) + ".")
    return "Consistent: nothing in the lists and rules checked contradicts it (see each step for what was checked)."


def verify_claim(claim: Claim, ctx: Context) -> ClaimResult:
    steps = [fn(claim, ctx) for fn in steps_for(claim)]
    status = worst([s.status for s in steps])
    assessment, note = _assessment(claim)
    return ClaimResult(claim_id=claim.id, kind=claim.kind, text=claim.text, said_by=claim.said_by,
                       date=claim.date.label() if claim.date else "", status=status, assessment=assessment,  # type: ignore[arg-type]
                       assessment_note=note, summary=_summary(status, steps), steps=steps)


def _exportcheck_version() -> str:
    try:
        return version("exportcheck")
    except PackageNotFoundError:
        return "0+unknown"


def check_sources(claims: ClaimsFile, label: str = "claims") -> None:
    """Every ``lists`` entry must be a declared entity source: a typo must not read as "not listed"."""
    from exportcheck.sources import all_sources

    known = sorted(sid for sid, src in all_sources().items() if src.spec.kind == "entities")
    for i, claim in enumerate(claims.claims):
        for j, sid in enumerate(claim.lists):
            if sid not in known:
                raise InputError(f"{label}: claims[{i}].lists[{j}]: unknown list {sid!r} (known: {', '.join(known)})")


def verify(claims: ClaimsFile, ctx: Context, *, claims_file: str = "") -> Report:
    """Verify every claim of a claims file; the report names every snapshot any step searched."""
    check_sources(claims, claims_file or "claims")
    results = [verify_claim(c, ctx) for c in claims.claims]
    snapshots: dict[str, SnapshotRef] = dict(ctx.checked)
    for result in results:
        for step in result.steps:
            for ref in step.checked:
                snapshots.setdefault(f"{ref.source}:{ref.version}", ref)
            for ev in step.evidence:  # control-list versions are cited through their evidence
                if ev.kind == "control" and ev.snapshot:
                    snapshots.setdefault(f"{ev.source}:{ev.snapshot}", SnapshotRef(
                        source=ev.source, version=ev.snapshot, data_date=ev.data_date, source_url=ev.source_url))
    for key, ref in snapshots.items():
        snapshots[key] = ref.model_copy(update={"official_url": rules.public_url(ref.source, "")})
    return Report(
        title=claims.title, claims_file=claims_file, source=claims.source, generated_at=datetime.now(UTC),
        exportcheck_version=_exportcheck_version(),
        backends={"screener": ctx.screener_name, "controls": ctx.controls.name},
        snapshots=sorted(snapshots.values(), key=lambda r: (r.source, r.data_date)), results=results,
    )
