"""What the engine says about a claim: a status, the steps that led to it, and the evidence of each step.

Why every step carries its own evidence and "checked" list: a journalist must be able to publish
"not on the Entity List as it stood on 5 Feb 2024 (snapshot …, data date …)" and a reader must be
able to find the entry. A verdict without the snapshot and date it rests on cannot be published.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from html import escape
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field

Status = Literal["contradicted", "consistent", "undetermined"]
Assessment = Literal["self-assessed", "authority-backed"]
#: Severity order used to combine step statuses into a claim status.
STATUS_ORDER: dict[str, int] = {"consistent": 0, "undetermined": 1, "contradicted": 2}

DISCLAIMER = (
    "exportcheck shows what public control and sanctions lists and rules say, and where an answer depends "
    "on facts that are not public (classification, what an authority told the exporter, what the exporter "
    "knew). It is not legal advice, and a 'consistent' result is not a finding that an export was lawful."
)


class SnapshotRef(BaseModel):
    """The snapshot a piece of evidence comes from: cite this, not "the list"."""

    source: str
    version: str = ""
    data_date: str = ""
    source_url: str = ""
    official_url: str = Field(default="", description="The publisher's address for the list (the snapshot may come from a mirror)")
    note: str = ""

    def label(self) -> str:
        when = self.data_date or "undated"
        return f"{self.source} {self.version or '(no snapshot)'} (data date {when})"


class Evidence(BaseModel):
    """One list entry (a listed party or a control entry) that a step relies on."""

    kind: Literal["entity", "control", "rule"] = "entity"
    source: str
    list: str = ""
    entity_id: str = ""
    control_code: str = ""
    name: str = Field(default="", description="The entry's own name or heading")
    matched_text: str = Field(default="", description="The words that matched: query name → listed name or control text")
    score: float | None = Field(default=None, ge=0.0, le=1.0, description=(
        "0..1: the matcher's score for a listed party; for a control-text candidate, its rank relative to the best "
        "candidate (1 = best); none for a claimed code or a rule"))
    listing_date: str = ""
    end_date: str = ""
    citation: str = Field(default="", description="Federal Register / OJ citation of the listing or entry")
    licence_requirement: str = ""
    programs: builtins.list[str] = Field(default_factory=builtins.list)
    snapshot: str = ""
    data_date: str = ""
    source_url: str = ""
    timing: str = Field(default="", description="How the listing stood on the claim's date: in-force, listed-after, ...")
    note: str = ""


class Step(BaseModel):
    """One question of the decision procedure (DOMAIN.md), answered with evidence."""

    number: int
    key: str
    title: str
    question: str
    rule: str = Field(description="The rule or list the step rests on")
    citation: str = Field(default="", description="Legal citation of that rule")
    decides: str = Field(default="", description="Who settles this question: exporter, national authority, BIS …")
    finding: str
    status: Status
    settle: str = Field(default="", description="What would settle an undetermined step")
    evidence: list[Evidence] = Field(default_factory=list)
    checked: list[SnapshotRef] = Field(default_factory=list, description="Every list and snapshot searched")


class ClaimResult(BaseModel):
    claim_id: str
    kind: str
    text: str = ""
    said_by: str = ""
    date: str = ""
    status: Status
    assessment: Assessment
    assessment_note: str = ""
    summary: str
    steps: list[Step]

    def steps_frame(self) -> pd.DataFrame:
        """One row per step: question, status, finding, what would settle it."""
        return pd.DataFrame([{"claim_id": self.claim_id, "step": s.number, "title": s.title, "status": s.status,
                              "question": s.question, "finding": s.finding, "rule": s.rule, "settle": s.settle,
                              "evidence": len(s.evidence)} for s in self.steps])

    def evidence_frame(self) -> pd.DataFrame:
        """One row per piece of evidence, with the step it belongs to and its snapshot."""
        return pd.DataFrame([{"claim_id": self.claim_id, "step": s.number, **e.model_dump()}
                             for s in self.steps for e in s.evidence])

    def _repr_html_(self) -> str:
        """Jupyter: the verdict line and the steps as a table."""
        head = (f"<p><b>{escape(self.claim_id)}</b> — <b>{self.status.upper()}</b> ({self.assessment})<br>"
                f"{escape(self.summary)}</p>")
        table = self.steps_frame()[["step", "title", "status", "finding", "evidence"]].to_html(index=False)
        return head + table


class Report(BaseModel):
    """Everything ``exportcheck verify`` writes; the JSON renderer dumps exactly this."""

    title: str = ""
    claims_file: str = ""
    source: str = ""
    generated_at: datetime
    exportcheck_version: str
    backends: dict[str, str] = Field(default_factory=dict, description="Which screener / control lists were used")
    snapshots: list[SnapshotRef] = Field(default_factory=list, description="Every snapshot any step searched")
    disclaimer: str = DISCLAIMER
    results: list[ClaimResult]

    def to_frame(self) -> pd.DataFrame:
        """One row per claim: id, kind, status, assessment, summary, number of steps and evidence."""
        return pd.DataFrame([{"claim_id": r.claim_id, "kind": r.kind, "status": r.status,
                              "assessment": r.assessment, "date": r.date, "summary": r.summary,
                              "steps": len(r.steps), "evidence": sum(len(s.evidence) for s in r.steps)}
                             for r in self.results])

    def steps_frame(self) -> pd.DataFrame:
        """Every step of every claim, one row each."""
        frames = [r.steps_frame() for r in self.results]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def evidence_frame(self) -> pd.DataFrame:
        """Every piece of evidence of every claim, one row each, with its snapshot and data date."""
        frames = [r.evidence_frame() for r in self.results]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def _repr_html_(self) -> str:
        """Jupyter: the counts and one row per claim."""
        counts = ", ".join(f"{n} {k}" for k, n in self.counts().items())
        return f"<p><b>{escape(self.title or 'exportcheck report')}</b>: {counts}</p>" + self.to_frame().to_html(index=False)

    def counts(self) -> dict[str, int]:
        out = {"contradicted": 0, "consistent": 0, "undetermined": 0}
        for r in self.results:
            out[r.status] += 1
        return out


def worst(statuses: list[Status]) -> Status:
    """The claim status from its steps: any contradiction wins, then anything undetermined."""
    if not statuses:
        return "undetermined"
    return max(statuses, key=lambda s: STATUS_ORDER[s])
