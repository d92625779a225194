"""Which listed parties a screening runs against: every entity source's snapshot, as of a date.

Data comes from the snapshot store (``SnapshotStore(lists_dir)``): for each entity source with a
snapshot, the latest one, or with ``as_of`` the one whose data stood on that date
(:meth:`SnapshotStore.choose`, the one rule for that). Listings are then kept only if they may have
been in force on the date (:func:`exportcheck.dates.in_force`, the one rule for that), and a note says
when a snapshot is newer than the date (entries removed before the snapshot cannot be seen) or older
(later additions are missing) — a screening for a 2024 shipment must say what it could not see.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from exportcheck.errors import ConfigError, SnapshotError
from exportcheck.store import Snapshot, SnapshotStore

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class LoadedLists:
    """The entity table of every chosen snapshot, and what a reader must know about them."""

    entities: pd.DataFrame
    snapshots: list[Snapshot]
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Identifies the set of snapshots (the index cache is keyed by it)."""
        return ",".join(sorted(f"{s.meta.source}@{s.version}" for s in self.snapshots))


def entity_sources(lists_dir: Path | None = None) -> list[str]:
    """Ids of the declared entity sources, in the registry's order.

    The registry imports every source declaration and, with it, every parser (pandas, lxml, …): most
    of a one-name screening's start-up. So, where the registry has not been built yet in this process
    (:func:`exportcheck.sources.all_sources` not called) and a lists folder
    is given, the answer is kept in ``<lists>/.cache/entity-sources.json`` under a fingerprint of the
    declaration files (names, sizes, mtimes): any change to a declaration asks the registry again.
    """
    registry = sys.modules.get("exportcheck.sources")
    if lists_dir is None or (registry is not None and registry.all_sources.cache_info().currsize):
        return _declared()
    cache = lists_dir / ".cache" / "entity-sources.json"
    stamp = _declarations_fingerprint()
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored.get("fingerprint") == stamp and isinstance(stored.get("sources"), list):
            return [str(s) for s in stored["sources"]]
    except (OSError, ValueError, AttributeError):
        pass
    found = _declared()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{cache.name}.{os.getpid()}")
        tmp.write_text(json.dumps({"fingerprint": stamp, "sources": found}), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass  # read-only folder: the registry is asked each time
    return found


def _declared() -> list[str]:
    from exportcheck.sources import entity_source_ids

    return entity_source_ids()


def _declarations_fingerprint() -> str:
    folder = Path(__file__).resolve().parent.parent / "sources"
    parts = sorted(f"{e.name}:{e.stat().st_size}:{e.stat().st_mtime_ns}" for e in os.scandir(folder)
                   if e.name.endswith(".py"))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def choose_snapshots(store: SnapshotStore, sources: Sequence[str] | None = None,
                     as_of: date | None = None) -> tuple[list[Snapshot], list[str]]:
    """The snapshot of each entity source to screen against, and notes on how they relate to ``as_of``."""
    known = entity_sources(store.root)
    wanted = list(sources) if sources else known
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise ConfigError(f"unknown entity source(s): {', '.join(unknown)}; known: {', '.join(known)}")
    chosen: list[Snapshot] = []
    notes: list[str] = []
    for source_id in wanted:
        choice = store.choose(source_id, as_of)
        if choice.snapshot is None:
            if sources:
                raise SnapshotError(f"{source_id}: no snapshot yet (run `exportcheck refresh {source_id}`)")
            continue
        chosen.append(choice.snapshot)
        if choice.note():
            notes.append(choice.note())
    if not chosen:
        raise SnapshotError("no entity list snapshots to screen against (run `exportcheck refresh` first)")
    return chosen, notes


def load_lists(store: SnapshotStore, sources: Sequence[str] | None = None, as_of: date | None = None,
               columns: list[str] | None = None) -> LoadedLists:
    """Every chosen snapshot's entity table, concatenated, with a ``snapshot`` column for provenance.

    ``columns``: read only these (the matcher needs a dozen of the table's columns; the nested
    addresses, identifiers and citations cost most of the reading time and memory).
    """
    snaps, notes = choose_snapshots(store, sources, as_of)
    return LoadedLists(snapshot_entities(snaps, columns), snaps, notes)


def snapshot_entities(snaps: Sequence[Snapshot], columns: list[str] | None = None) -> pd.DataFrame:
    """The entity tables of these snapshots, concatenated, each row with its ``snapshot`` ("source@version")
    and ``snapshot_date`` (the data date evidence cites)."""
    import pandas as pd

    frames = []
    for snap in snaps:
        frame = snap.load(columns=columns)
        frame["snapshot"] = f"{snap.meta.source}@{snap.version}"
        frame["snapshot_date"] = snap.meta.data_date.isoformat() if snap.meta.data_date else ""
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)

