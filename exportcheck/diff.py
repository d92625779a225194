"""What changed in a source between two snapshots: entries added, removed and changed.

Entries are matched by their stable id. Where the two snapshots were read from different file shapes
(the 2022 official CSV and a 2026 third-party JSON copy have no ids in common), they are matched by
list + normalised name instead, and the result says which key was used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from normality import normalize

from exportcheck.errors import SnapshotError
from exportcheck.sources import get_source
from exportcheck.store import Snapshot, SnapshotStore

KeyKind = Literal["id", "name"]
#: Columns compared to call an entry "changed"; provenance columns (ids, URLs) are left out on purpose.
COMPARED = {
    "entities": ["name", "aliases", "addresses", "countries", "identifiers", "programs", "listing_date",
                 "end_date", "citations", "licence_requirement", "licence_policy", "remarks", "parent_name"],
    "controls": ["heading", "text", "notes", "not_used", "reasons_for_control", "country_chart", "parent_code"],
}


@dataclass
class Change:
    key: str
    name: str
    fields: list[str] = field(default_factory=list)


@dataclass
class SnapshotDiff:
    source: str
    from_version: str
    to_version: str
    key: KeyKind
    added: list[Change]
    removed: list[Change]
    changed: list[Change]

    def summary(self) -> str:
        return (f"{self.source} {self.from_version} → {self.to_version}: "
                f"+{len(self.added)} added, -{len(self.removed)} removed, ~{len(self.changed)} changed")

    def to_dict(self) -> dict[str, Any]:
        def rows(items: list[Change]) -> list[dict[str, Any]]:
            return [{"key": c.key, "name": c.name, **({"fields": c.fields} if c.fields else {})} for c in items]

        return {"source": self.source, "from": self.from_version, "to": self.to_version, "key": self.key,
                "counts": {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed)},
                "added": rows(self.added), "removed": rows(self.removed), "changed": rows(self.changed)}


def _name_key(frame: pd.DataFrame) -> pd.Series:
    label = "list" if "list" in frame.columns else "regime"
    title = "name" if "name" in frame.columns else "code"
    return frame[label].astype(str) + "|" + frame[title].map(lambda v: normalize(str(v)) or str(v))


def _keyed(frame: pd.DataFrame, key: KeyKind) -> pd.DataFrame:
    id_col = "entity_id" if "entity_id" in frame.columns else "entry_id"
    keys = frame[id_col] if key == "id" else _name_key(frame)
    out = frame.assign(_key=keys.values)
    return out.drop_duplicates("_key").set_index("_key")


def _cells_as_json(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Each cell of a column as canonical JSON text, so nested values (aliases, addresses) compare by content.

    Why JSON through pandas: its C serialiser handles a whole column at once (cell-by-cell ``.at``
    lookups took ~25 s for the 14,000-row CSL); ``force_ascii`` keeps every row on one ``\\n`` line.
    """
    text = frame[[column]].to_json(orient="records", lines=True, force_ascii=True, date_format="iso")
    lines = text.rstrip("\n").split("\n") if len(frame) else []
    if len(lines) != len(frame):  # never expected: JSON escapes newlines
        raise SnapshotError(f"cannot compare column {column!r}: {len(lines)} JSON lines for {len(frame)} rows")
    return np.asarray(lines, dtype=object)


def _choose_key(old: Snapshot, new: Snapshot, a: pd.DataFrame, b: pd.DataFrame) -> KeyKind:
    """Ids when both snapshots come from the same file shape and share ids; names otherwise."""
    if old.meta.format != new.meta.format:
        return "name"
    id_col = "entity_id" if "entity_id" in a.columns else "entry_id"
    shared = len(set(a[id_col]) & set(b[id_col]))
    return "id" if shared >= 0.5 * min(len(a), len(b)) else "name"


def _ever_filled(column: pd.Series) -> bool:
    """True where at least one row has a value (a non-empty string, list or true flag)."""
    return bool(column.map(lambda v: bool(len(v)) if hasattr(v, "__len__") else bool(v)).any())


def diff_snapshots(old: Snapshot, new: Snapshot, key: KeyKind | None = None) -> SnapshotDiff:
    a, b = old.load(), new.load()
    kind = old.meta.kind
    chosen = key or _choose_key(old, new, a, b)
    ka, kb = _keyed(a, chosen), _keyed(b, chosen)
    title = "name" if kind == "entities" else "code"
    added = [Change(k, str(kb.at[k, title])) for k in kb.index.difference(ka.index, sort=False)]
    removed = [Change(k, str(ka.at[k, title])) for k in ka.index.difference(kb.index, sort=False)]
    common = ka.index.intersection(kb.index, sort=False)
    columns = [c for c in COMPARED[kind] if c in ka.columns and c in kb.columns]
    if old.meta.format != new.meta.format:
        # Different file shapes keep different fields (the compact CSL copy drops addresses and dates):
        # a field one shape never fills is not a change, so compare only fields both shapes fill.
        columns = [c for c in columns if _ever_filled(ka[c]) and _ever_filled(kb[c])]
    old_rows, new_rows = ka.loc[common], kb.loc[common]
    differs = {c: _cells_as_json(old_rows, c) != _cells_as_json(new_rows, c) for c in columns}
    names = new_rows[title].astype(str).tolist()
    keys = [str(k) for k in common]
    changed = []
    for i in np.flatnonzero(np.logical_or.reduce([differs[c] for c in columns])).tolist() if columns else []:
        changed.append(Change(keys[i], names[i], [c for c in columns if differs[c][i]]))
    return SnapshotDiff(old.meta.source, old.version, new.version, chosen, added, removed, changed)


def diff_source(store: SnapshotStore, source_id: str, from_version: str | None = None,
                to_version: str | None = None, key: KeyKind | None = None) -> SnapshotDiff:
    """Diff two snapshots of a source; by default the last two by data date that readers read
    (:meth:`SnapshotStore.readable`: a read of the same files by an older parser, or a less full copy of the same
    edition, is left out, so the default diff says what changed in the list, not in the parser). Explicit versions
    may name any snapshot held."""
    get_source(source_id)  # an unknown id is a ConfigError naming the known ones, not "no snapshot"
    snaps = store.readable(source_id)  # by data date, then retrieval
    if not snaps:
        raise SnapshotError(f"{source_id}: no snapshot yet (run `exportcheck refresh {source_id}`)")
    new = store.get(source_id, to_version) if to_version else snaps[-1]
    if from_version:
        old = store.get(source_id, from_version)
    else:
        earlier = [s for s in snaps if s.version != new.version and
                   (s.meta.data_date or s.meta.retrieved_at.date()) <= (new.meta.data_date or new.meta.retrieved_at.date())]
        if not earlier:
            raise SnapshotError(f"{source_id}: only one snapshot ({new.version}); nothing to diff against")
        old = earlier[-1]
    return diff_snapshots(old, new, key)
