"""Each snapshot's names, normalised once: the costly half of building a match index, kept per snapshot.

A match index is built per *set* of snapshots (the lists standing on a date), but most of its cost —
normalising every name, alias and derived name of every listed party — depends on one snapshot
only. So that part is stored per snapshot (``<lists>/.cache/matching/names/``), written when the
snapshot is first indexed (refresh indexes every snapshot it publishes), and any set containing the
snapshot later only assembles postings from it: a ``verify`` of a 2024 claim needs the index of the
lists as they stood in 2024, which no refresh built.

Stored as Arrow IPC (data only; see :mod:`.indexfile` for why never pickle), written to a temporary
name and renamed, keyed by :data:`~.index.INDEX_VERSION`, the snapshot and a digest of its entity ids.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.ipc as ipc

from exportcheck.matching.groups import GROUP_TOKENS
from exportcheck.matching.index import INDEX_VERSION, KINDS, _entity_names, entity_parent
from exportcheck.matching.normalise import name_form, normalise

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class SnapshotNames:
    """The indexed names of some entity rows, in row order, and what each row needs beyond its names."""

    counts: list[int]  # per row: how many names it has
    kinds: list[int]  # per name: position in KINDS
    notes: list[str]
    originals: list[str]
    tokens: list[tuple[str, ...]]
    contexts: list[str]  # per name: groups its list ties it to without naming them, space-separated
    parents: list[str]  # per row: the parent the list names (entity_parent)
    parent_texts: list[str]  # per row: that parent normalised ("" where none)
    name_keys: list[str]  # per row: the listed name normalised (for borrowing dates from a twin)


def compute(names: list[Any], aliases: list[Any], parent_names: list[Any]) -> SnapshotNames:
    """Normalise every name of these rows (the loop :func:`.index.build_parts` used to run over a whole set)."""
    out = SnapshotNames([], [], [], [], [], [], [], [], [])
    for raw, alias_list, parent_name in zip(names, aliases, parent_names, strict=True):
        name = str(raw or "")
        parent = entity_parent(name, str(parent_name or ""))
        out.parents.append(parent)
        out.parent_texts.append(" ".join(normalise(parent).split()) if parent else "")
        out.name_keys.append(normalise(str(raw)))
        context = GROUP_TOKENS.intersection(normalise(name).split())
        if parent:
            context |= GROUP_TOKENS.intersection(normalise(parent).split())
        seen: set[tuple[str, ...]] = set()
        count = 0
        for text, kind, note in _entity_names(name, alias_list):
            form = name_form(text, context)
            if not form.tokens or form.tokens in seen:
                continue
            seen.add(form.tokens)
            out.kinds.append(KINDS.index(kind))
            out.notes.append(note)
            out.originals.append(form.original)
            out.tokens.append(form.tokens)
            out.contexts.append(" ".join(sorted(form.context)))
            count += 1
        out.counts.append(count)
    return out


def for_rows(frame: pd.DataFrame, cache_dir: Path | None) -> SnapshotNames:
    """The names of ``frame``'s rows (one snapshot's, or several in order), from the per-snapshot store
    where held, computed (and stored) otherwise."""
    snapshots = frame["snapshot"].tolist() if "snapshot" in frame else [""] * len(frame)
    whole = SnapshotNames([], [], [], [], [], [], [], [], [])
    start = 0
    while start < len(frame):
        end = start
        while end < len(frame) and snapshots[end] == snapshots[start]:
            end += 1
        part = frame.iloc[start:end]
        found = _load_or_compute(part, str(snapshots[start] or ""), cache_dir)
        for field in SnapshotNames.__dataclass_fields__:
            getattr(whole, field).extend(getattr(found, field))
        start = end
    return whole


def _load_or_compute(part: pd.DataFrame, snapshot: str, cache_dir: Path | None) -> SnapshotNames:
    path = None
    if cache_dir is not None and snapshot:
        ids = hashlib.sha256("\n".join(map(str, part["entity_id"].tolist())).encode()).hexdigest()
        digest = hashlib.sha256(f"{INDEX_VERSION}|{snapshot}|{ids}".encode()).hexdigest()[:24]
        path = cache_dir / "names" / f"{digest}.arrow"
        found = _read(path, len(part))
        if found is not None:
            return found
    found = compute(part["name"].tolist(), part["aliases"].tolist(), part["parent_name"].tolist())
    if path is not None:
        _write(path, found)
    return found


def _read(path: Path, rows: int) -> SnapshotNames | None:
    try:
        reader = ipc.open_file(pa.memory_map(str(path), "r"))
        per_name, per_row = reader.get_batch(0), reader.get_batch(1)
        if per_row.num_rows != rows:
            return None
        n = per_name.to_pydict()
        r = per_row.to_pydict()
        return SnapshotNames(counts=r["count"], kinds=n["kind"], notes=n["note"], originals=n["original"],
                             tokens=[tuple(t.split()) for t in n["tokens"]], contexts=n["context"],
                             parents=r["parent"], parent_texts=r["parent_text"], name_keys=r["name_key"])
    except (OSError, ValueError, KeyError, IndexError, pa.ArrowException):
        return None


def _write(path: Path, names: SnapshotNames) -> None:
    """Two record batches in one IPC file (per name, then per row), under a temporary name renamed at the end."""
    schema = pa.schema([("kind", pa.int8()), ("note", pa.string()), ("original", pa.string()),
                        ("tokens", pa.string()), ("context", pa.string()), ("count", pa.int32()),
                        ("parent", pa.string()), ("parent_text", pa.string()), ("name_key", pa.string())])
    n_names, n_rows = len(names.kinds), len(names.counts)

    def batch(columns: dict[str, list[Any]], length: int) -> pa.RecordBatch:
        return pa.record_batch([pa.array(columns.get(f.name, [None] * length), type=f.type) for f in schema],
                               schema=schema)

    per_name = batch({"kind": names.kinds, "note": names.notes, "original": names.originals,
                      "tokens": [" ".join(t) for t in names.tokens], "context": names.contexts}, n_names)
    per_row = batch({"count": names.counts, "parent": names.parents, "parent_text": names.parent_texts,
                     "name_key": names.name_keys}, n_rows)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".names-", dir=path.parent)
        os.close(fd)
        try:
            with pa.OSFile(tmp, "wb") as sink, ipc.new_file(sink, schema) as writer:
                writer.write_batch(per_name)
                writer.write_batch(per_row)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only lists folder: computed again next time
