"""The control-list tables the lookups and searches read: every held version of EU, US and Dutch lists.

Data comes from the snapshot store (``exportcheck refresh --all-dates`` keeps each EU Annex I
version as its own snapshot); tests and notebooks can pass DataFrames directly instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from exportcheck.errors import SnapshotError
from exportcheck.model import ControlEntry
from exportcheck.settings import get_settings
from exportcheck.store import SnapshotStore
from exportcheck.tables import empty_frame

CONTROL_SOURCES = ("eu-dual-use", "us-ccl", "nl-national")
EXTRA_TABLES = ("coverage", "definitions", "country_chart", "licence_requirements", "documents", "chart_footnotes",
                "all_destinations", "licence_exceptions")


@dataclass
class ControlData:
    """All held control entries (every version) plus the side tables, and the warnings of their snapshots."""

    entries: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)  # source id -> snapshot warnings
    cache: dict[str, Any] = field(default_factory=dict, repr=False)  # search indexes built on these entries

    def table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, pd.DataFrame())

    @classmethod
    def from_frames(cls, *frames: pd.DataFrame, **tables: pd.DataFrame) -> ControlData:
        """Build from control-entry DataFrames (e.g. ``records_to_frame(parsed.records, ControlEntry)``)."""
        entries = pd.concat(frames, ignore_index=True) if frames else empty_frame(ControlEntry)
        return cls(entries=entries, tables=dict(tables))


def load_controls(lists_dir: Path | str | None = None) -> ControlData:
    """Every snapshot of every control source in the store, all versions side by side."""
    store = SnapshotStore(get_settings(lists_dir).lists_dir)
    frames: list[pd.DataFrame] = []
    tables: dict[str, list[pd.DataFrame]] = {}
    warnings: dict[str, list[str]] = {}
    for source_id in CONTROL_SOURCES:
        for snap in store.snapshots(source_id):
            frame = snap.load()
            frame["snapshot"] = snap.version
            frames.append(frame)
            warnings.setdefault(source_id, []).extend(snap.meta.warnings)
            for name in EXTRA_TABLES:
                if snap.table_path(name).exists():
                    extra = snap.load(name)
                    extra["source"] = source_id
                    extra["snapshot"] = snap.version
                    tables.setdefault(name, []).append(extra)
    if not frames and not warnings:
        raise SnapshotError("no control-list snapshot yet: run `exportcheck refresh eu-dual-use us-ccl nl-national --all-dates`")
    entries = pd.concat(frames, ignore_index=True) if frames else empty_frame(ControlEntry)
    return ControlData(entries=entries, tables={k: pd.concat(v, ignore_index=True) for k, v in tables.items()},
                       warnings=warnings)
