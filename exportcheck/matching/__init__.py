"""Find a party on every list under any spelling, explain why, and do it fast.

The Python API::

    from exportcheck.matching import screen, screen_frame
    screen("24th Research Institute of CETC")            # DataFrame, best first
    screen_frame(customers, "name", country_column="cc")  # one block of rows per input row

Data: the entity table of every entity source's snapshot in the lists folder (see :mod:`.lists`),
indexed once per snapshot set — at refresh time for the latest set (:func:`build_current`), on first
use for any other — and stored to load by memory map (:mod:`.index`, :mod:`.indexfile`). How names are compared is in
:mod:`.normalise` and :mod:`.score`; :data:`DEFAULT_THRESHOLD` is the score at which ``is_match``
is true.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from exportcheck.countries import country_hint
from exportcheck.errors import InputError, SnapshotError
from exportcheck.matching.index import MatchIndex, load_or_assemble
from exportcheck.matching.lists import choose_snapshots, entity_sources
from exportcheck.matching.normalise import name_form, normalise
from exportcheck.matching.registry import matchers
from exportcheck.matching.score import DEFAULT_THRESHOLD, compare
from exportcheck.matching.screener import Match, Related, Screener
from exportcheck.settings import get_settings
from exportcheck.store import SnapshotStore

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_THRESHOLD",
    "DatedScreener",
    "Match",
    "MatchIndex",
    "Related",
    "Screener",
    "build_current",
    "compare",
    "dated_screener",
    "forget_screener",
    "get_screener",
    "load",
    "matchers",
    "name_form",
    "normalise",
    "screen",
    "screen_frame",
    "screeners_held",
]

#: Screeners kept in memory per (lists folder, snapshot set), least recently used first. Why a bound: each
#: holds its index's memory map and, once it has answered a few thousand names, its name columns as Python
#: lists (about 250 MB for the real lists), and a long-running ``serve`` asked about many dates would
#: otherwise keep one per snapshot set it ever met. A dropped one is mapped again when next asked (the
#: index stays stored on disk).
MAX_SCREENERS = 4
_SCREENERS: dict[tuple[str, str], Screener] = {}
_SCREENERS_LOCK = threading.Lock()


def index_dir(lists_dir: Path) -> Path:
    """Where a lists folder keeps its match indexes (one sub-folder per snapshot set, see :mod:`.indexfile`)."""
    return lists_dir / ".cache" / "matching"


def _index(store: SnapshotStore, as_of: date | None) -> tuple[MatchIndex, list[str]]:
    snaps, notes = choose_snapshots(store, None, as_of)
    key = ",".join(sorted(f"{s.meta.source}@{s.version}" for s in snaps))
    return load_or_assemble(snaps, key, index_dir(store.root)), notes


def load(lists_dir: Path | str | None = None, as_of: date | None = None) -> MatchIndex:
    """The match index of the snapshots that stand on ``as_of`` (default: the latest), memory-mapped.

    Cheap where the index is stored (a memory map and a few lists), and built and stored otherwise.
    Meant for worker processes: each calls this once instead of receiving a pickled index.
    """
    return _index(SnapshotStore(get_settings(lists_dir).lists_dir), as_of)[0]


def build_current(lists_dir: Path | str | None = None, published: Sequence[tuple[str, str]] = ()) -> MatchIndex | None:
    """Build and store the index of the latest snapshots, unless stored already; ``None`` where no entity
    list is held. Refresh calls this after publishing, so the next screening only maps the index.

    ``published``: (source, version) of the entity snapshots the refresh published. Each one's segment
    (its names normalised, tokens, acronyms, 3-grams: :mod:`.segment`) is stored now, also for the older
    ones of an ``--all-dates`` run, so that the index of any date's set (a ``verify`` of a 2024 claim)
    is assembled from them by array operations.
    """
    from exportcheck.matching.segment import of_snapshot

    folder = get_settings(lists_dir).lists_dir
    store = SnapshotStore(folder)
    for source, version in published:
        of_snapshot(store.get(source, version), index_dir(folder))
    try:
        return load(folder)
    except SnapshotError:
        return None


class DatedScreener(NamedTuple):
    """The screener for a date and this call's notes on it (see :func:`dated_screener`)."""

    #: Shared with every caller whose date chose the same snapshot set (the index is never copied).
    screener: Screener
    #: This call's own list: which snapshots ``as_of`` chose and how they stand on it.
    notes: list[str]


def dated_screener(lists_dir: Path | str | None = None, as_of: date | None = None) -> DatedScreener:
    """The screener over every entity source's snapshot as of ``as_of``, with the notes on that choice.

    Why the notes come apart from the screener: the screener is kept per snapshot set and shared, and two
    dates that choose the same set need different notes (a list not yet published on one of them; the
    date itself in the text). Notes set on the shared object would be read by whichever caller came
    next, or by another thread.
    """
    settings = get_settings(lists_dir)
    store = SnapshotStore(settings.lists_dir)
    snaps, notes = choose_snapshots(store, None, as_of)
    key = ",".join(sorted(f"{s.meta.source}@{s.version}" for s in snaps))
    memo = (str(settings.lists_dir.resolve()), key)
    with _SCREENERS_LOCK:
        screener = _SCREENERS.pop(memo, None)
        if screener is not None:
            _SCREENERS[memo] = screener  # now the most recently used
    if screener is None:
        index = load_or_assemble(snaps, key, index_dir(settings.lists_dir))
        screener = Screener(index)
        with _SCREENERS_LOCK:
            screener = _SCREENERS.pop(memo, screener)  # another thread's, if it stored one meanwhile
            _SCREENERS[memo] = screener
            while len(_SCREENERS) > MAX_SCREENERS:
                del _SCREENERS[next(iter(_SCREENERS))]
    if as_of:
        notes += [f"{source}: {count} listings have no listing dates in this file; they are kept for {as_of} unchecked"
                  for source, count in sorted(screener.undated.items())]
    return DatedScreener(screener, notes)


def get_screener(lists_dir: Path | str | None = None, as_of: date | None = None) -> Screener:
    """The shared screener over every entity source's snapshot (as of ``as_of``), kept in memory and stored on
    disk. Where the notes on the snapshots chosen are wanted too, ask :func:`dated_screener`."""
    return dated_screener(lists_dir, as_of).screener


def screeners_held() -> list[str]:
    """The snapshot sets whose screeners are in memory, least recently used first (at most :data:`MAX_SCREENERS`)."""
    with _SCREENERS_LOCK:
        return [key for _, key in _SCREENERS]


def forget_screener(lists_dir: Path | str | None, key: str) -> None:
    """Drop the screener of one snapshot set from memory (a server that stopped serving it frees it at once)."""
    memo = (str(get_settings(lists_dir).lists_dir.resolve()), key)
    with _SCREENERS_LOCK:
        _SCREENERS.pop(memo, None)


def _check_sources(lists_dir: Path | str | None, sources: Sequence[str] | None, as_of: date | None) -> None:
    if sources:
        choose_snapshots(SnapshotStore(get_settings(lists_dir).lists_dir), sources, as_of)


def screen_matches(name: str, *, country: str | None = None, sources: Sequence[str] | None = None, limit: int = 10,
                   threshold: float = DEFAULT_THRESHOLD, as_of: date | None = None,
                   lists_dir: Path | str | None = None) -> list[Match]:
    """Like :func:`screen`, as :class:`Match` models (what the CLI's JSON is made of)."""
    _check_sources(lists_dir, sources, as_of)
    screener = get_screener(lists_dir, as_of)
    return screener.screen(name, country=country_hint(country), sources=sources, limit=limit, threshold=threshold, as_of=as_of)


def screen(name: str, *, country: str | None = None, sources: Sequence[str] | None = None, limit: int = 10,
           threshold: float = DEFAULT_THRESHOLD, as_of: date | None = None,
           lists_dir: Path | str | None = None) -> pd.DataFrame:
    """Screen one name against every list: one row per candidate party, best first.

    Columns are the fields of :class:`Match` (``related`` as text) plus ``query``. Rows below
    ``threshold`` are near misses shown for review (``is_match`` False). ``attrs["notes"]``: the notes on
    the snapshots chosen for ``as_of`` (see :func:`dated_screener`).
    """
    _check_sources(lists_dir, sources, as_of)
    screener, notes = dated_screener(lists_dir, as_of)
    matches = screener.screen(name, country=country_hint(country), sources=sources, limit=limit, threshold=threshold, as_of=as_of)
    frame = screener.frame(matches, name)
    frame.attrs["notes"] = notes
    return frame


def screen_frame(df: Any, column: str, *, country_column: str | None = None,
                 sources: Sequence[str] | None = None, limit: int = 3, threshold: float = DEFAULT_THRESHOLD,
                 as_of: date | None = None, lists_dir: Path | str | None = None,
                 progress: Callable[[int], None] | None = None) -> Any:
    """Screen every row of ``df[column]``: the input row number (``row``), the query and its matches.

    A row with no candidate gets one line with empty match fields, so every input row is accounted for.
    ``df`` may be a pandas DataFrame (screened here) or a dask DataFrame: then a dask DataFrame is
    returned, each partition screened by :func:`.batch.screen_partition` on whichever worker holds it
    (each worker loads the index once; it needs the package and the lists folder at the same path).
    ``row`` is the input's index (a dask DataFrame read from files restarts it per partition: give it a
    global index first where row numbers matter). A pandas result's ``attrs["notes"]`` are the notes on the
    snapshots chosen for ``as_of`` (see :func:`dated_screener`).
    """
    import pandas as pd

    from exportcheck.matching.batch import BatchSpec, meta_frame, screen_partition, screen_rows

    if column not in df.columns:
        raise InputError(f"no column {column!r} in the input (columns: {', '.join(map(str, df.columns))})")
    if country_column and country_column not in df.columns:
        raise InputError(f"no column {country_column!r} in the input")
    _check_sources(lists_dir, sources, as_of)
    spec = BatchSpec(column=column, country_column=country_column, sources=tuple(sources) if sources else None,
                     limit=limit, threshold=threshold, as_of=as_of,
                     lists_dir=str(get_settings(lists_dir).lists_dir.resolve()))
    if not isinstance(df, pd.DataFrame):
        if not hasattr(df, "map_partitions"):
            raise InputError(f"screen_frame needs a pandas or dask DataFrame, not {type(df).__name__}")
        return df.map_partitions(screen_partition, spec, meta=meta_frame(df.index.dtype))
    screener, notes = dated_screener(lists_dir, as_of)
    countries = df[country_column].tolist() if country_column else None
    result = screen_rows(screener, df[column].tolist(), countries, df.index.tolist(), spec, progress)
    result.attrs["notes"] = notes
    return result


def sources_available() -> list[str]:
    return entity_sources()
