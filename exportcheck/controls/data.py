"""The control-list tables the lookups and searches read: every held version of EU, US and Dutch lists.

Data comes from the snapshot store (``exportcheck refresh --all-dates`` keeps each EU Annex I
version as its own snapshot); tests and notebooks can pass DataFrames directly instead.

Why two ways in: reading every control snapshot's Parquet tables and concatenating them is the
reference (:func:`load_from_snapshots`); a refresh also writes the same tables, already concatenated,
as Arrow IPC files next to the snapshots (:mod:`exportcheck.controls.precompute`), which load by memory
map in a fraction of the time. Both go through :func:`_frame` so they give the same frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from exportcheck.errors import SnapshotError
from exportcheck.model import ControlEntry
from exportcheck.settings import get_settings
from exportcheck.store import SnapshotStore
from exportcheck.tables import arrow_schema, empty_frame

CONTROL_SOURCES = ("eu-dual-use", "us-ccl", "nl-national")
EXTRA_TABLES = ("coverage", "definitions", "country_chart", "licence_requirements", "documents", "chart_footnotes",
                "all_destinations", "licence_exceptions", "merged_entries")


@dataclass
class ControlData:
    """All held control entries (every version) plus the side tables, and the warnings of their snapshots.

    ``derived`` is the folder of precomputed data (criteria trees) these tables were read from, if any;
    ``cache`` holds what is built on the tables in this process (search indexes, criteria trees).
    """

    entries: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)  # source id -> snapshot warnings
    cache: dict[str, Any] = field(default_factory=dict, repr=False)  # search indexes built on these entries
    derived: Path | None = None

    def table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, pd.DataFrame())

    @classmethod
    def from_frames(cls, *frames: pd.DataFrame, **tables: pd.DataFrame) -> ControlData:
        """Build from control-entry DataFrames (e.g. ``records_to_frame(parsed.records, ControlEntry)``)."""
        entries = pd.concat(frames, ignore_index=True) if frames else empty_frame(ControlEntry)
        return cls(entries=plain_strings(entries), tables={k: plain_strings(v) for k, v in tables.items()})


def plain_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """String columns as Python ``str`` objects rather than Arrow-backed strings.

    Why: lookups, search and criteria read the table row by row (``frame.at``, ``iloc``, ``zip`` over
    columns); each access to an Arrow-backed string column goes through pyarrow and costs about ten
    times a plain object column's, which made one ``verify`` spend most of its control time there.
    The values are the same strings (and the same missing values).
    """
    cols = {c: object for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)}
    return frame.astype(cols) if cols else frame


def control_versions(store: SnapshotStore) -> list[str]:
    """``source@version`` of every held control snapshot, in load order: what the loaded data depends on."""
    return [f"{sid}@{snap.version}" for sid in CONTROL_SOURCES for snap in store.readable(sid)]


def _concat(tables: Sequence[pa.Table]) -> pa.Table:
    """One Arrow table of same-kind snapshot tables (columns missing from one are null there)."""
    return pa.concat_tables(tables, promote_options="default") if len(tables) > 1 else tables[0]


def snapshot_tables(store: SnapshotStore) -> tuple[dict[str, pa.Table], dict[str, list[str]]]:
    """Every readable control snapshot's tables as Arrow (:meth:`SnapshotStore.readable`: a re-read by a newer parser
    replaces the older read of the same files), concatenated per table name (``controls`` = the entries).

    Each row carries its ``snapshot`` version (and the side tables their ``source``), so an answer can
    name the snapshot it came from.
    """
    import pyarrow.parquet as pq

    parts: dict[str, list[pa.Table]] = {}
    warnings: dict[str, list[str]] = {}
    for source_id in CONTROL_SOURCES:
        for snap in store.readable(source_id):
            path = snap.table_path(snap.meta.kind)
            if not path.exists():
                raise SnapshotError(f"{source_id} {snap.version}: no table {snap.meta.kind!r} in {snap.path}")
            entries = pq.read_table(path)
            parts.setdefault("controls", []).append(
                entries.append_column("snapshot", pa.array([snap.version] * entries.num_rows, pa.string())))
            warnings.setdefault(source_id, []).extend(snap.meta.warnings)
            for name in EXTRA_TABLES:
                if snap.table_path(name).exists():
                    extra = pq.read_table(snap.table_path(name))
                    for col, value in (("source", source_id), ("snapshot", snap.version)):
                        column = pa.array([value] * extra.num_rows, pa.string())
                        at = extra.schema.get_field_index(col)
                        extra = extra.set_column(at, col, column) if at >= 0 else extra.append_column(col, column)
                    parts.setdefault(name, []).append(extra)
    return {name: _concat(tables).replace_schema_metadata(None) for name, tables in parts.items()}, warnings


def _frame(table: pa.Table) -> pd.DataFrame:
    return plain_strings(table.to_pandas())


def from_tables(tables: dict[str, pa.Table], warnings: dict[str, list[str]], derived: Path | None = None) -> ControlData:
    """ControlData from the Arrow tables of :func:`snapshot_tables` (read from snapshots or precomputed)."""
    if not tables and not warnings:
        raise SnapshotError("no control-list snapshot yet: run `exportcheck refresh eu-dual-use us-ccl nl-national --all-dates`")
    entries = _frame(tables["controls"]) if "controls" in tables else plain_strings(
        arrow_schema(ControlEntry).append(pa.field("snapshot", pa.string())).empty_table().to_pandas())
    return ControlData(entries=entries, tables={k: _frame(v) for k, v in tables.items() if k != "controls"},
                       warnings=warnings, derived=derived)


def load_from_snapshots(lists_dir: Path | str | None = None) -> ControlData:
    """Every snapshot of every control source, read from the snapshots' own Parquet tables (the reference)."""
    store = SnapshotStore(get_settings(lists_dir).lists_dir)
    return from_tables(*snapshot_tables(store))


def load_controls(lists_dir: Path | str | None = None) -> ControlData:
    """Every snapshot of every control source in the store, all versions side by side.

    Read from the precomputed copy a refresh wrote for exactly these snapshots where there is one
    (memory-mapped Arrow, criteria trees as JSON), else from the snapshots themselves.
    """
    from exportcheck.controls.precompute import load_precomputed

    root = get_settings(lists_dir).lists_dir
    return load_precomputed(root) or load_from_snapshots(root)
