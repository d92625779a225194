"""What the engine says about a claim: a status, the steps that led to it, and the evidence of each step.

Why every step carries its own evidence and "checked" list: a journalist must be able to publish
"not on the Entity List as it stood on 5 Feb 2024 (snapshot …, data date …)" and a reader must be
able to find the entry. A verdict without the snapshot and date it rests on cannot be published.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Literal

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
    score: float | None = None
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
