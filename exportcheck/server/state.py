"""The lists a running server answers from, loaded once and replaced whole when a new snapshot appears.

Why a swap: a request must never see a half-loaded index. :class:`ListsHolder` builds a complete
:class:`LoadedLists` (match index, control lists, search index, entity rows) aside, in a background
thread, and only then replaces its one ``current`` reference; a request reads that reference once and
keeps using the object it got, old or new. Snapshots are immutable folders, so an old object stays
valid for as long as a request holds it.

Detecting a new snapshot is cheap: the ``versions.json`` of each source is stat-ed every
``EXPORTCHECK_RELOAD_SECONDS``; only when one changed are the latest versions read and compared.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from exportcheck.api import Lists
from exportcheck.errors import ExportcheckError
from exportcheck.sources import all_sources
from exportcheck.store import SnapshotStore

log = logging.getLogger("exportcheck.server")

#: The line every answer carries (REST, MCP, the page).
NOT_ADVICE = "exportcheck shows what public lists and rules say; it is not legal advice."


@dataclass(frozen=True)
class SnapshotInfo:
    """The snapshot of one source an answer comes from: cite it with its data date."""

    source: str
    kind: str
    version: str
    data_date: str
    retrieved_at: str

    def as_dict(self) -> dict[str, str]:
        return {"version": self.version, "data_date": self.data_date, "retrieved_at": self.retrieved_at,
                "kind": self.kind}


def latest_snapshots(store: SnapshotStore) -> dict[str, SnapshotInfo]:
    """The latest snapshot of every declared source that has one."""
    out: dict[str, SnapshotInfo] = {}
    for source_id, source in sorted(all_sources().items()):
        try:
            snap = store.latest(source_id)
        except ExportcheckError:
            snap = None
        if snap is None:
            continue
        meta = snap.meta
        out[source_id] = SnapshotInfo(source=source_id, kind=source.spec.kind, version=snap.version,
                                      data_date=meta.data_date.isoformat() if meta.data_date else "",
                                      retrieved_at=meta.retrieved_at.isoformat())
    return out


class AnswerCache:
    """A bounded LRU of finished answers (serialised bytes) for one :class:`LoadedLists`.

    Why: the same names are screened again and again (a newsroom's list, a spreadsheet re-run); the
    answer cannot change until a new snapshot is loaded, and then the whole cache goes with its lists.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[Any, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: Any) -> bytes | None:
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def recent(self, count: int) -> list[Any]:
        """Up to ``count`` keys, the most recently used first."""
        with self._lock:
            keys = list(self._data)
        return keys[:-count - 1:-1] if count > 0 else []

    def put(self, key: Any, value: bytes) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)


@dataclass
class LoadedLists:
    """Everything one set of snapshots needs to answer, fully built before anyone sees it."""

    generation: int
    lists_dir: Path
    snapshots: dict[str, SnapshotInfo]
    lists: Lists
    screener: Any  # exportcheck.matching.Screener over the latest entity snapshots (None: no entity list held)
    screener_notes: list[str]
    controls: Any  # exportcheck.controls.ControlData of every held control-list version (None: none held)
    loaded_at: str
    load_seconds: float
    cache: AnswerCache
    problems: list[str] = field(default_factory=list)  # what could not be loaded (no control list, ...)
    _rows: dict[str, EntityRows] = field(default_factory=dict)
    _rows_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(f"{s.source}@{s.version}" for s in self.snapshots.values())

    def snapshot_dates(self, kind: str | None = None) -> dict[str, dict[str, str]]:
        """``{source: {version, data_date, retrieved_at, kind}}`` of the loaded snapshots (of one kind)."""
        return {sid: info.as_dict() for sid, info in self.snapshots.items() if kind is None or info.kind == kind}

    def entity_row(self, snapshot: str, entity_id: str) -> dict[str, Any] | None:
        """The full stored row of a listed party (``snapshot`` is ``source@version``); the snapshot's table is
        read once, and a row becomes a dict only when asked for."""
        return self.entity_rows(snapshot).get(entity_id)

    def entity_rows(self, snapshot: str) -> EntityRows:
        rows = self._rows.get(snapshot)
        if rows is None:
            with self._rows_lock:
                rows = self._rows.get(snapshot)
                if rows is None:
                    rows = EntityRows.read(self.lists, snapshot)
                    self._rows[snapshot] = rows
        return rows


class EntityRows:
    """The entity table of one snapshot as Arrow columns, with a position per entity id.

    Why not a dict per row: 60,000 rows as Python dicts are ~800,000 objects that every full garbage
    collection walks (a quarter of a second, stalling every request in flight) and ~270 MB; Arrow
    buffers are neither. Converting the one row a ``/match`` or ``/reconcile`` answer needs costs
    microseconds.
    """

    def __init__(self, table: Any) -> None:
        self.table = table
        ids = table.column("entity_id").to_pylist() if table is not None and table.num_rows else []
        self._position = {entity_id: i for i, entity_id in enumerate(ids)}

    def __len__(self) -> int:
        return len(self._position)

    def get(self, entity_id: str) -> dict[str, Any] | None:
        position = self._position.get(entity_id)
        if position is None:
            return None
        rows: list[dict[str, Any]] = self.table.slice(position, 1).to_pylist()
        return rows[0]

    @classmethod
    def read(cls, lists: Lists, snapshot: str) -> EntityRows:
        import pyarrow.parquet as pq

        source, _, version = snapshot.partition("@")
        try:
            snap = lists.store.get(source, version or None)
            return cls(pq.read_table(snap.table_path("entities")))
        except (ExportcheckError, OSError):
            return cls(None)


def build(lists_dir: Path, generation: int, cache_entries: int, *, previous: LoadedLists | None = None,
          changed: frozenset[str] | None = None) -> LoadedLists:
    """Load every list of ``lists_dir`` and warm what the first request would otherwise wait for.

    ``previous``: the lists served until now, and ``changed``: the sources whose ``versions.json`` changed
    since they were loaded (None: unknown). What did not change is taken over rather than loaded again:
    the control data when no control source changed, and the entity rows of every snapshot still served
    (snapshots never change once published). Why: a reload runs beside the requests being answered, in
    the same process; the less it does, the less it delays them, and the less memory two generations
    take while the old one finishes its requests.
    """
    import time

    from exportcheck.matching import dated_screener

    started = time.perf_counter()
    store = SnapshotStore(lists_dir)
    snapshots = latest_snapshots(store)
    lists = Lists(store)
    problems: list[str] = []
    screener = None
    notes: list[str] = []
    if any(s.kind == "entities" for s in snapshots.values()):
        screener, notes = dated_screener(lists_dir, None)  # the index the refresh stored, memory-mapped
        # its tables made now, not in the first requests; a reload runs beside live requests, so it leaves the
        # result fields (a second of pure Python) to be read as parties are shown
        screener.prepare(result_fields=previous is None)
    else:
        problems.append("no entity list held: run `exportcheck refresh`")
    loaded = LoadedLists(generation=generation, lists_dir=lists_dir, snapshots=snapshots, lists=lists,
                         screener=screener, screener_notes=notes, controls=None, loaded_at="", load_seconds=0.0,
                         cache=AnswerCache(cache_entries), problems=problems)
    control_ids = {sid for sid, s in all_sources().items() if s.spec.kind == "controls"}
    if any(s.kind == "controls" for s in snapshots.values()):
        if previous is not None and previous.controls is not None and changed is not None \
                and not changed & control_ids:
            loaded.controls = previous.controls  # every control version is as it was: same data, same indexes
        else:
            from exportcheck.controls import load_controls, search

            try:
                loaded.controls = load_controls(str(lists_dir))
                search("semiconductor", None, 1, None, data=loaded.controls)  # builds the search index now
                _warm_classify(loaded.controls)
            except ExportcheckError as exc:
                problems.append(f"control lists: {exc}")
    else:
        problems.append("no control list held: run `exportcheck refresh eu-dual-use us-ccl nl-national`")
    for info in snapshots.values():  # entity rows for FollowTheMoney answers (/match, /reconcile)
        if info.kind == "entities":
            name = f"{info.source}@{info.version}"
            kept = previous._rows.get(name) if previous is not None else None
            if kept is not None:
                loaded._rows[name] = kept
            else:
                loaded.entity_rows(name)
    loaded.loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
    loaded.load_seconds = round(time.perf_counter() - started, 2)
    return loaded


def _warm_classify(data: Any) -> None:
    """Build the criteria trees of the latest EU and US versions now, not in the first /classify request."""
    try:
        from exportcheck.controls import classify
    except ImportError:  # an exportcheck without classification
        return
    for regime in ("eu", "us"):
        with contextlib.suppress(ExportcheckError):
            classify("lithography", None, regime, None, data=data)


def _versions_stamp(lists_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """(source, mtime, size) of every ``versions.json``: changes whenever a snapshot is published."""
    stamp = []
    for source_id in sorted(all_sources()):
        path = lists_dir / source_id / "versions.json"
        try:
            st = path.stat()
        except OSError:
            continue
        stamp.append((source_id, st.st_mtime_ns, st.st_size))
    return tuple(stamp)


class ListsHolder:
    """Holds the current :class:`LoadedLists` and replaces it when the lists folder gets a new snapshot."""

    def __init__(self, lists_dir: Path, *, reload_seconds: float = 10.0, cache_entries: int = 4096,
                 builder: Callable[..., LoadedLists] = build,
                 prefill: Callable[[LoadedLists, LoadedLists], None] | None = None) -> None:
        self.lists_dir = lists_dir
        self.reload_seconds = reload_seconds
        self.cache_entries = cache_entries
        self._builder = builder
        #: Called with (new, old) lists before the swap: answers the old ones' recent questions anew (see
        #: :meth:`exportcheck.server.fastpath.ScreenFrontDoor.prefill`); None: the new lists start empty.
        self.prefill = prefill
        self.current: LoadedLists | None = None
        self.error: str = ""  # why the last load failed ("" when it did not)
        self.loading = False
        self._generation = 0
        self._stamp: tuple[tuple[str, int, int], ...] | None = None  # versions.json as last checked
        self._loaded_stamp: tuple[tuple[str, int, int], ...] | None = None  # ... as when current was loaded
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._reload_lock = threading.Lock()

    def load_now(self) -> LoadedLists | None:
        """Load (or reload) synchronously if the snapshots changed; returns the current lists."""
        with self._reload_lock:
            stamp = _versions_stamp(self.lists_dir)
            if self.current is not None and stamp == self._stamp:
                return self.current
            latest = latest_snapshots(SnapshotStore(self.lists_dir))
            key = tuple(f"{s.source}@{s.version}" for s in latest.values())
            if self.current is not None and key == self.current.key:
                self._stamp = stamp  # versions.json touched (a check recorded), no new snapshot
                return self.current
            changed = None if self._loaded_stamp is None else frozenset(
                source for source, *_ in set(stamp).symmetric_difference(self._loaded_stamp))
            self.loading = True
            try:
                loaded = self._builder(self.lists_dir, self._generation + 1, self.cache_entries,
                                       previous=self.current, changed=changed)
            except ExportcheckError as exc:
                self.error = str(exc)
                log.warning("loading %s failed: %s", self.lists_dir, exc)
                return self.current
            finally:
                self.loading = False
            previous = self.current
            if self.prefill is not None and previous is not None:
                try:
                    self.prefill(loaded, previous)
                except Exception:  # an empty cache is only slower; the new lists are still served
                    log.exception("answering recent questions with the new lists failed")
            self._generation = loaded.generation
            self._stamp = self._loaded_stamp = stamp
            self.error = ""
            self.current = loaded  # the one atomic swap: requests pick up the new lists from here on
            _release(self.lists_dir, previous, loaded)
            log.info("loaded generation %d (%d snapshots) in %.1f s", loaded.generation, len(loaded.snapshots),
                     loaded.load_seconds)
            return loaded

    def start(self) -> None:
        """Load in the background now, then check for new snapshots every ``reload_seconds``."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="exportcheck-reload", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.load_now()
            except Exception as exc:  # a broken snapshot must not kill the reloader; the old lists stay
                self.error = f"{exc.__class__.__name__}: {exc}"
                log.exception("reload failed")
            self._stop.wait(self.reload_seconds)


def _release(lists_dir: Path, previous: LoadedLists | None, loaded: LoadedLists) -> None:
    """Forget the screener the previous lists answered from, when the new ones use another: requests still
    holding the previous lists keep it until they finish, and then its memory goes (not at the LRU's pace)."""
    old = getattr(previous.screener, "index", None) if previous is not None else None
    new = getattr(loaded.screener, "index", None)
    if old is not None and (new is None or new.key != old.key):
        from exportcheck.matching import forget_screener

        forget_screener(lists_dir, old.key)
