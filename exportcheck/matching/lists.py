"""Which listed parties a screening runs against: every entity source's snapshot, as of a date.

Data comes from the snapshot store (``SnapshotStore(lists_dir)``): for each entity source with a
snapshot, the latest one, or with ``as_of`` the one whose data stood on that date
(:meth:`SnapshotStore.as_of`). Listings are then kept only if they were in force on the date
(``listing_date`` on or before it, no ``end_date`` on or before it), and a note says when a snapshot
is newer than the date (entries removed before the snapshot cannot be seen) or older (later
additions are missing) — a screening for a 2024 shipment must say what it could not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from exportcheck.errors import ConfigError, SnapshotError
from exportcheck.sources import all_sources
from exportcheck.store import Snapshot, SnapshotStore


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


def entity_sources() -> list[str]:
    return [sid for sid, src in all_sources().items() if src.spec.kind == "entities"]


def choose_snapshots(store: SnapshotStore, sources: Sequence[str] | None = None,
                     as_of: date | None = None) -> tuple[list[Snapshot], list[str]]:
    """The snapshot of each entity source to screen against, and notes on how they relate to ``as_of``."""
    known = entity_sources()
    wanted = list(sources) if sources else known
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise ConfigError(f"unknown entity source(s): {', '.join(unknown)}; known: {', '.join(known)}")
    chosen: list[Snapshot] = []
    notes: list[str] = []
    for source_id in wanted:
        snap = store.as_of(source_id, as_of) if as_of else store.latest(source_id)
        if snap is None:
            if sources:
                raise SnapshotError(f"{source_id}: no snapshot yet (run `exportcheck refresh {source_id}`)")
            continue
        chosen.append(snap)
        if as_of and snap.meta.data_date:
            if snap.meta.data_date > as_of:
                notes.append(f"{source_id}: the oldest snapshot ({snap.meta.data_date}) is newer than {as_of}; "
                             f"listings are filtered by listing/end dates, but entries removed before "
                             f"{snap.meta.data_date} cannot be seen")
            elif (as_of - snap.meta.data_date).days > 31:
                notes.append(f"{source_id}: snapshot data date {snap.meta.data_date} is older than {as_of}; "
                             "listings added after it are missing")
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
    frames = []
    for snap in snaps:
        frame = snap.load(columns=columns)
        frame["snapshot"] = f"{snap.meta.source}@{snap.version}"
        frames.append(frame)
    entities = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    return LoadedLists(entities, snaps, notes)


def in_force(listing_date: str, end_date: str, when: date) -> bool:
    """Was a listing in force on ``when``? Partial dates ("2021", "2021-06") count from their first day.

    An empty listing date means the source does not say (the CSL compact file keeps no dates), so the
    listing is kept; callers note that the date could not be checked.
    """
    day = when.isoformat()
    if listing_date and listing_date[: len(day)] > day:
        return False
    return not (end_date and end_date[: len(day)] <= day)
