"""The two things the claims engine needs from the rest of exportcheck, as small protocols.

* :class:`EntityScreener` — "is this name on these lists, as they stood on this date?"
* :class:`ControlLists` — "what does this code mean in this regime on this date?" and "which entries
  might describe this item?", each answered with the version of the list that was in force (or the
  versions that bracket the date, when the one in force is not held).

Why protocols: the engine's reasoning (dates, traps, verdicts) must not depend on how names are
matched or control texts stored. Two implementations exist: in-memory ones over normalised
:class:`~exportcheck.model.Entity` / :class:`~exportcheck.model.ControlEntry` rows
(:mod:`exportcheck.claims.memory`, also used over snapshot tables), and adapters to the matcher and
control-list packages (:mod:`exportcheck.claims.adapters`).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import date
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from exportcheck.claims.verdict import SnapshotRef


class ScreenHit(BaseModel):
    """One candidate entry for a screened name (the matcher's match, reduced to what evidence needs)."""

    score: float
    is_match: bool
    entity_id: str
    source: str
    list: str = ""
    name: str
    matched_name: str = Field(default="", description="The listed name or alias that matched")
    query_name: str = Field(default="", description="The screened name variant that matched")
    listing_date: str = ""
    end_date: str = ""
    countries: builtins.list[str] = Field(default_factory=builtins.list)
    programs: builtins.list[str] = Field(default_factory=builtins.list)
    licence_requirement: str = ""
    citations: builtins.list[str] = Field(default_factory=builtins.list, description="'89 FR 41888 (2024-05-14)' …")
    parent_name: str = ""
    related: builtins.list[str] = Field(default_factory=builtins.list)
    explanation: str = ""
    source_url: str = ""
    snapshot: SnapshotRef


@runtime_checkable
class EntityScreener(Protocol):
    """Name screening against entity and sanctions lists, date-aware."""

    name: str

    def screen(self, name: str, *, country: str | None = None, sources: Sequence[str] | None = None,
               as_of: date | None = None, limit: int = 10) -> list[ScreenHit]:
        """Candidates for ``name`` from the snapshot of each source that stood on ``as_of``.

        Where a source has only later snapshots, the oldest is searched and the hits keep their
        listing and end dates, so the caller can decide what was in force on ``as_of``.
        """
        ...

    def coverage(self, sources: Sequence[str] | None = None, as_of: date | None = None) -> list[SnapshotRef]:
        """The snapshots a :meth:`screen` with the same arguments searches (to say what was checked)."""
        ...


class ControlVersion(BaseModel):
    """One held version of a control list (an Annex I consolidation, a CCL issue)."""

    version: str
    valid_from: str = ""
    valid_to: str = Field(default="", description="Last day it applied, where a later version is known")
    partial: bool = False
    source: str = ""
    source_url: str = ""


VersionBasis = Literal["in-force", "bracketing", "earlier-only", "later-only", "none"]


class VersionChoice(BaseModel):
    """Which version(s) of a regime's list an answer for a date rests on, and why."""

    regime: str
    as_of: str = ""
    basis: VersionBasis
    versions: list[ControlVersion] = Field(default_factory=list)
    explanation: str = ""


class ControlHit(BaseModel):
    """One control entry found by code or by text."""

    regime: str
    code: str
    heading: str = ""
    text: str = ""
    matched_text: str = ""
    score: float | None = None
    not_used: bool = False
    reasons_for_control: list[str] = Field(default_factory=list)
    country_chart: list[str] = Field(default_factory=list)
    version: str = ""
    valid_from: str = ""
    partial: bool = False
    source: str = ""
    source_url: str = ""
    snapshot: str = Field(default="", description="Snapshot id in the store holding this version, where known")


class ControlAnswer(BaseModel):
    """Entries found (by code or text) in the version(s) chosen for the date."""

    regime: str
    query: str
    version: VersionChoice
    hits: list[ControlHit] = Field(default_factory=list)


@runtime_checkable
class ControlLists(Protocol):
    """Control-list look-up and search, answered from the version in force on a date."""

    name: str

    def lookup(self, code: str, regime: str, as_of: date | None = None) -> ControlAnswer:
        """The entry for ``code`` (and its sub-entries) in the version(s) that applied on ``as_of``."""
        ...

    def search(self, text: str, regime: str, limit: int = 5, as_of: date | None = None) -> ControlAnswer:
        """Entries whose text best matches ``text`` (candidates for a human to read, not a classification)."""
        ...
