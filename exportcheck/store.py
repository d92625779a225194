"""The snapshot store: one immutable folder per successful refresh of a source, never overwritten.

Layout under the lists directory::

    <source-id>/versions.json            history of runs + ``last_successful`` pointer
    <source-id>/<version>/meta.json       SnapshotMeta: URL, retrieval time, data date, sha256, counts
    <source-id>/<version>/entities.parquet (or controls.parquet, plus any extra tables)
    <source-id>/<version>/raw/<files>     the files as downloaded (git-ignored; CI keeps them as artifacts)

A version id is ``<data date>_<first 10 hex of the combined sha256>`` (plus ``-p<parser version>``
when a newer parser re-reads files an older one published): the same files always give the same id, so importing them again is recorded as "checked, unchanged" rather than a new snapshot.
Publishing writes into a hidden temporary folder and renames it into place (atomic on one file
system); ``versions.json`` is replaced atomically too, so a crash never leaves a half snapshot that
looks complete (zavod's run folders + ``last_successful``). A snapshot only exists once
``versions.json`` names it: a folder left by a crash between the two renames is an orphan, removed
when the same version is published again.

``versions.json`` lists snapshots oldest data first (ties: retrieval order), and ``last_successful``
points at the newest data a successful run produced. Importing an older file later (backfilling
history from a mirror) therefore adds history without moving the pointer back in time.

Which snapshot is read (one rule, :func:`read_order`, used by :meth:`SnapshotStore.choose`,
:meth:`~SnapshotStore.latest` and the ``last_successful`` pointer): snapshots are ordered by their data
date (the edition they hold), then by when they were retrieved; a snapshot is passed over where a
snapshot of a *fuller* format of the same source (``Format.fullness``) holds the same edition: the same
data date, or one within the source's declared ``same_edition_days``. So a partial copy refreshed after
the full transcription of the same edition never becomes the latest (the nsfreg 1260H JSON, 80 entries
dated by the Federal Register two days after the 376-entry OpenSanctions transcription of that edition).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from exportcheck.errors import SnapshotError
from exportcheck.model import SnapshotMeta, VersionEntry, VersionIndex
from exportcheck.tables import read_parquet, write_parquet

if TYPE_CHECKING:  # pandas comes in with the first table read: screening a stored index needs none
    import pandas as pd
    import pyarrow as pa

    from exportcheck.sources import Source

VERSIONS_FILE = "versions.json"
META_FILE = "meta.json"
RAW_DIR = "raw"


@dataclass(frozen=True)
class Snapshot:
    """A published snapshot: its metadata and folder."""

    meta: SnapshotMeta
    path: Path

    @property
    def version(self) -> str:
        return self.meta.version

    def table_path(self, table: str) -> Path:
        return self.path / f"{table}.parquet"

    def load(self, table: str | None = None, columns: list[str] | None = None) -> pd.DataFrame:
        """The snapshot's normalised table (``entities`` or ``controls`` by default)."""
        name = table or self.meta.kind
        path = self.table_path(name)
        if not path.exists():
            raise SnapshotError(f"{self.meta.source} {self.version}: no table {name!r} in {self.path}")
        return read_parquet(path, columns=columns)

    def citation(self) -> str:
        """How evidence from this snapshot is cited in reports."""
        when = self.meta.data_date.isoformat() if self.meta.data_date else "undated"
        return f"{self.meta.source} snapshot {self.version} (data date {when}; {self.meta.source_url})"


#: A snapshot more than this many days older than the date asked for is "stale": listings added in
#: between are missing from it. The lists exportcheck reads are republished at least monthly, so 45
#: days leaves room for one missed publication before a reader is warned.
STALE_DAYS = 45


@dataclass(frozen=True)
class SnapshotChoice:
    """The snapshot of one source that applies on a date, and a later one where that snapshot is stale."""

    source: str
    when: date | None
    snapshot: Snapshot | None
    later: Snapshot | None = None

    @property
    def snapshots(self) -> list[Snapshot]:
        """Every snapshot to read: the chosen one, then the later one where it is stale."""
        return [s for s in (self.snapshot, self.later) if s is not None]

    @property
    def newer_than_date(self) -> bool:
        """Only snapshots from after the date are held: entries removed before them cannot be seen."""
        data = self.snapshot.meta.data_date if self.snapshot else None
        return bool(self.when and data and data > self.when)

    @property
    def stale(self) -> bool:
        """The chosen snapshot is more than :data:`STALE_DAYS` older than the date."""
        data = self.snapshot.meta.data_date if self.snapshot else None
        return bool(self.when and data and (self.when - data).days > STALE_DAYS)

    def note(self) -> str:
        """What a reader must know about reading this snapshot for the date ("" when nothing)."""
        if self.snapshot is None or self.when is None:
            return ""
        data = self.snapshot.meta.data_date
        if self.newer_than_date:
            return (f"{self.source}: the oldest snapshot ({data}) is newer than {self.when}; listings are placed by "
                    f"their listing/end dates, but entries removed before {data} cannot be seen")
        if self.stale:
            return (f"{self.source}: snapshot data date {data} is older than {self.when}; listings added after it are "
                    "missing")
        return ""


#: Modes of published files and folders: readable by everyone, like a checkout (mkstemp/mkdtemp
#: would leave 0600/0700, which breaks a lists folder shared between users or served by a mirror).
FILE_MODE = 0o644
DIR_MODE = 0o755


def _write_json_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def combined_sha(files: Sequence[tuple[str, str]]) -> str:
    """One digest for a set of files: the file's own sha256 for one file, else a digest of name:sha lines."""
    if len(files) == 1:
        return files[0][1]
    lines = "\n".join(f"{name}:{sha}" for name, sha in sorted(files))
    return hashlib.sha256(lines.encode()).hexdigest()


def snapshot_sha(meta: SnapshotMeta) -> str:
    """The combined sha256 of a snapshot's raw files (what its version id abbreviates)."""
    return combined_sha([(f.name, f.sha256) for f in meta.files])


def _data_order(entry: VersionEntry) -> tuple[date, datetime]:
    """Snapshots sort by the date their data stands for, then by when they were retrieved."""
    return (entry.data_date or entry.retrieved_at.date(), entry.retrieved_at)


@dataclass(frozen=True)
class EditionRule:
    """What a source declares about choosing between its snapshots (see :func:`read_order`)."""

    same_edition_days: int = 0
    fullness: dict[str, int] = field(default_factory=dict)  # format name → declared fullness

    @classmethod
    def of(cls, source_id: str) -> EditionRule:
        """The rule a source declares; the plain data-date order for an undeclared source."""
        source = _declaration(source_id)
        if source is None:
            return cls()
        return cls(source.spec.same_edition_days, {f.name: f.fullness for f in source.formats})


def _declaration(source_id: str) -> Source | None:
    """A source's declaration: from the registry where it is loaded, else from its own module alone.

    The registry imports every declaration and with it every parser (pandas, lxml, …), most of a
    one-name screening's start-up; a source's module is named after its id (``us-1260h`` →
    ``us_1260h``). Anything else (an id without such a module) asks the registry.
    """
    registry = sys.modules.get("exportcheck.sources")
    if registry is None or not registry.all_sources.cache_info().currsize:
        try:
            module = importlib.import_module(f"exportcheck.sources.{source_id.replace('-', '_')}")
        except ImportError:
            module = None
        found = getattr(module, "SOURCE", None)
        if found is not None and getattr(found, "id", None) == source_id:
            return found
    from exportcheck.sources import all_sources

    return all_sources().get(source_id)


def _parser_rank(version: str) -> tuple[int, ...]:
    """A parser version as numbers ("5" > "4", "10" > "9"); a version that is not numeric ranks lowest."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (-1,)


def read_order(metas: Sequence[SnapshotMeta], rule: EditionRule) -> list[SnapshotMeta]:
    """The snapshots a reader may choose from, oldest edition first: every one, minus those a snapshot of a
    fuller format of the same edition supersedes (data dates at most ``rule.same_edition_days`` apart), and minus
    a read of files that a later parser version of the same format read again (``refresh`` publishes that read as
    ``<version>-p<parser version>`` beside the old one: both are kept, immutable, but only the newer is read).

    The caller passes only the snapshots that stood on its date, so a fuller copy published after the
    date never hides the partial one that was all there was.
    """

    def when(meta: SnapshotMeta) -> date:
        return meta.data_date or meta.retrieved_at.date()

    def files(meta: SnapshotMeta) -> frozenset[str]:
        return frozenset(f.sha256 for f in meta.files)

    def reread(meta: SnapshotMeta, other: SnapshotMeta) -> bool:
        return (other.format == meta.format and _parser_rank(other.parser_version) > _parser_rank(meta.parser_version)
                and files(other) == files(meta))

    def superseded(meta: SnapshotMeta) -> bool:
        mine = rule.fullness.get(meta.format, 0)
        return any((rule.fullness.get(o.format, 0) > mine and abs((when(o) - when(meta)).days) <= rule.same_edition_days)
                   or reread(meta, o) for o in metas)

    return sorted((m for m in metas if not superseded(m)), key=lambda m: (when(m), m.retrieved_at))


class SnapshotStore:
    """Read and publish snapshots under one lists directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def source_dir(self, source_id: str) -> Path:
        return self.root / source_id

    # --- reading -----------------------------------------------------------------------------
    def index(self, source_id: str) -> VersionIndex:
        path = self.source_dir(source_id) / VERSIONS_FILE
        if not path.exists():
            return VersionIndex(source=source_id)
        try:
            return VersionIndex.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise SnapshotError(f"{path}: damaged versions file ({exc.__class__.__name__})") from exc

    def snapshots(self, source_id: str) -> list[Snapshot]:
        """Every published snapshot of a source, oldest data first."""
        return [self.get(source_id, entry.version) for entry in self.index(source_id).versions]

    def get(self, source_id: str, version: str | None = None) -> Snapshot:
        """One snapshot; ``None`` means the latest (:meth:`latest`)."""
        index = self.index(source_id)
        if not version and index.last_successful:
            latest = self.latest(source_id)
            if latest is not None:
                return latest
        chosen = version or index.last_successful
        if not chosen:
            raise SnapshotError(f"{source_id}: no snapshot yet (run `exportcheck refresh {source_id}`)")
        if chosen not in {v.version for v in index.versions}:
            known = ", ".join(v.version for v in index.versions) or "none"
            raise SnapshotError(f"{source_id}: no snapshot {chosen!r} (known: {known})")
        folder = self.source_dir(source_id) / chosen
        meta_path = folder / META_FILE
        if not meta_path.exists():
            raise SnapshotError(f"{source_id}: snapshot folder {folder} has no {META_FILE}")
        return Snapshot(SnapshotMeta.model_validate_json(meta_path.read_text(encoding="utf-8")), folder)

    def readable(self, source_id: str) -> list[Snapshot]:
        """Every snapshot a reader reads side by side (all dated versions of a control list), oldest first: those of
        :meth:`snapshots` minus the superseded (:func:`read_order`)."""
        return self._ordered(source_id, self.snapshots(source_id))

    def latest(self, source_id: str) -> Snapshot | None:
        """The snapshot a reader reads today: the last in :func:`read_order` of every snapshot held."""
        readable = self.readable(source_id)
        return readable[-1] if readable else None

    def _ordered(self, source_id: str, snaps: Sequence[Snapshot]) -> list[Snapshot]:
        """``snaps`` in :func:`read_order` under the source's declared rule (superseded copies left out).

        Snapshots all of one format supersede none by fullness (declared per format; a re-read by a newer parser
        needs no declaration), so their order needs no declaration: the source's rule is looked up only where formats differ.
        """
        by_meta = {id(s.meta): s for s in snaps}
        metas = [s.meta for s in snaps]
        rule = EditionRule.of(source_id) if len({m.format for m in metas}) > 1 else EditionRule()
        return [by_meta[id(m)] for m in read_order(metas, rule)]

    def choose(self, source_id: str, when: date | None = None) -> SnapshotChoice:
        """Which snapshot(s) of a source to read for ``when`` (the latest where ``when`` is None).

        The one rule every reader uses (screening, ``load(as_of=...)``, the claims engine): the newest
        snapshot whose data date is on or before ``when``; where every snapshot is newer, the oldest
        (callers then filter by listing and end dates, and say so). Where the chosen snapshot is more
        than :data:`STALE_DAYS` older than ``when`` and a newer one is held, the latest snapshot is
        named too (``later``): a list read long before the date misses everything listed in between,
        and the later copy's listing dates say what was added when. Between copies of the same edition the
        fuller format is read (:func:`read_order`).
        """
        if when is None:
            return SnapshotChoice(source_id, None, self.latest(source_id))
        snaps = self.snapshots(source_id)
        if not snaps:
            return SnapshotChoice(source_id, when, None)
        latest = self._ordered(source_id, snaps)[-1]
        before = self._ordered(source_id, [s for s in snaps if (s.meta.data_date or date.min) <= when])
        if not before:
            return SnapshotChoice(source_id, when, self._ordered(source_id, snaps)[0])
        chosen = before[-1]
        later = None
        if chosen.meta.data_date and (when - chosen.meta.data_date).days > STALE_DAYS and chosen.version != latest.version:
            later = latest
        return SnapshotChoice(source_id, when, chosen, later)

    def as_of(self, source_id: str, when: date) -> Snapshot | None:
        """The snapshot whose data stood on ``when`` (see :meth:`choose`); ``None`` only where none is held."""
        return self.choose(source_id, when).snapshot

    # --- writing -----------------------------------------------------------------------------
    def has_version(self, source_id: str, version: str) -> bool:
        return any(v.version == version for v in self.index(source_id).versions)

    def publish(
        self,
        meta: SnapshotMeta,
        raw_files: list[Path],
        tables: dict[str, pa.Table],
    ) -> Snapshot:
        """Write a new snapshot atomically and, if it holds the newest data, move ``last_successful`` to it.

        Any failure (disk full, permissions) leaves the source folder as it was and is raised as a
        :class:`SnapshotError` naming the cause.
        """
        source_dir = self.source_dir(meta.source)
        index = self.index(meta.source)
        if any(v.version == meta.version for v in index.versions):
            raise SnapshotError(f"{meta.source}: snapshot {meta.version} exists already; snapshots are immutable")
        final = source_dir / meta.version
        try:
            source_dir.mkdir(parents=True, exist_ok=True)
            if final.exists():  # an orphan of a run that died between the two renames: never published
                shutil.rmtree(final)
            self._write_folder(meta, raw_files, tables, final)
        except OSError as exc:
            raise SnapshotError(f"{meta.source}: cannot write snapshot {meta.version} "
                                f"({exc.strerror or exc.__class__.__name__}: {exc.filename or final})") from exc
        meta = meta.model_copy(update={"tables": sorted(tables)})
        entry = VersionEntry(version=meta.version, retrieved_at=meta.retrieved_at, data_date=meta.data_date,
                             record_count=meta.record_count, sha256=snapshot_sha(meta))
        metas = [meta]
        for old in index.versions:
            try:
                metas.append(self.get(meta.source, old.version).meta)
            except SnapshotError:  # a damaged older snapshot: it cannot be read, so it cannot be the latest
                continue
        index.versions.append(entry)
        index.versions.sort(key=_data_order)
        index.last_successful = read_order(metas, EditionRule.of(meta.source))[-1].version
        try:
            _write_json_atomic(source_dir / VERSIONS_FILE, index.model_dump_json(indent=2))
        except BaseException as exc:
            shutil.rmtree(final, ignore_errors=True)  # unnamed by versions.json: take it back
            if isinstance(exc, OSError):
                raise SnapshotError(f"{meta.source}: cannot update {VERSIONS_FILE} "
                                    f"({exc.strerror or exc.__class__.__name__})") from exc
            raise
        return Snapshot(meta, final)

    @staticmethod
    def _write_folder(meta: SnapshotMeta, raw_files: list[Path], tables: dict[str, pa.Table], final: Path) -> None:
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{meta.version}-", dir=final.parent))
        try:
            os.chmod(tmp, DIR_MODE)
            raw_dir = tmp / RAW_DIR
            raw_dir.mkdir()
            for path in raw_files:
                shutil.copyfile(path, raw_dir / path.name)
            for name, table in tables.items():
                write_parquet(table, tmp / f"{name}.parquet")
            meta = meta.model_copy(update={"tables": sorted(tables)})
            (tmp / META_FILE).write_text(meta.model_dump_json(indent=2), encoding="utf-8")
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def record_check(self, source_id: str, entry: VersionEntry) -> None:
        """Note a run that found the data unchanged (HTTP 304, or the same files again).

        Failed runs are not written here: a failure leaves the source folder exactly as it was.
        """
        source_dir = self.source_dir(source_id)
        index = self.index(source_id)
        index.checks.append(entry)
        index.checks = index.checks[-200:]  # keep the file small; snapshots hold the real history
        try:
            source_dir.mkdir(parents=True, exist_ok=True)
            _write_json_atomic(source_dir / VERSIONS_FILE, index.model_dump_json(indent=2))
        except OSError as exc:
            raise SnapshotError(f"{source_id}: cannot update {VERSIONS_FILE} "
                                f"({exc.strerror or exc.__class__.__name__})") from exc
