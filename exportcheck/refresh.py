"""fetch → parse → check bounds → publish, per source, with failures isolated to their source.

Inputs come from the publishers (official URLs, conditional GET), or from a mirror (folder or server)
laid out like ``shared/data/raw``. A failure in one source never stops the others, and never touches
that source's last good snapshot: everything is parsed and checked before anything is published.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import pyarrow as pa

from exportcheck.errors import BoundsError, ExportcheckError, FetchError, ParseError
from exportcheck.http import ProgressFn, download, is_html_name
from exportcheck.mirror import Mirror, open_mirror
from exportcheck.model import ControlEntry, Entity, FileManifest, SnapshotMeta, VersionEntry
from exportcheck.screenlog import sha256_file
from exportcheck.settings import Settings
from exportcheck.sources import Format, Parsed, Source, all_sources, get_source
from exportcheck.sources.base import date_from_key, date_key
from exportcheck.store import Snapshot, SnapshotStore, combined_sha, snapshot_sha
from exportcheck.tables import records_to_arrow

Status = Literal["published", "unchanged", "skipped", "failed"]


@dataclass
class Outcome:
    """What happened to one source (or one dated file set of it) in a refresh run."""

    source: str
    status: Status
    message: str
    version: str | None = None
    records: int | None = None
    data_date: date | None = None


@dataclass
class InputSet:
    """Files of one source that belong together (same shape, same date) and where they came from."""

    format: Format
    names: list[str]
    key: str
    folder: str = ""
    urls: dict[str, str] = field(default_factory=dict)


def find_sets(source: Source, names: Sequence[str], folder: str = "") -> tuple[list[InputSet], list[str]]:
    """Group a mirror folder's files into input sets, oldest date first.

    A set is one file matching a format's ``primary`` glob plus the companions carrying the same date
    key. Companion files with no primary of their date are reported, not silently used.
    """
    sets: list[InputSet] = []
    used: set[str] = set()
    for fmt in source.formats:
        for name in names:
            if name in used or not fmt.matches_primary(name):
                continue
            key = date_key(name)
            members = [name] + [n for n in names if n != name and fmt.matches_companion(n) and date_key(n) == key]
            used.update(members)
            sets.append(InputSet(fmt, members, key, folder))
    notes = []
    for fmt in source.formats:
        orphans = [n for n in names if n not in used and fmt.matches_companion(n)]
        if orphans:
            notes.append(f"ignored {', '.join(orphans)}: no {fmt.primary} of the same date to join them to")
    sets.sort(key=lambda s: (s.key, s.format.official))
    return sets, notes


def _check_bounds(source: Source, fmt: Format, parsed: Parsed, label: str) -> None:
    """Raise :class:`BoundsError` when the record count, or a country's, is outside the declared bounds.

    Why per country: a file whose country column broke, or that lost one country's rows, can keep its
    total within bounds; the Entity List's Chinese rows dropping to zero must fail loudly (zavod's
    ``assertions``).
    """
    count = len(parsed.records)
    low = fmt.min_records if fmt.min_records is not None else source.spec.min_records
    high = fmt.max_records if fmt.max_records is not None else source.spec.max_records
    if not low <= count <= high:
        raise BoundsError(source.id, f"{label} parsed to {count} records, outside the expected {low}-{high}; "
                                     "kept the previous snapshot")
    bounds = fmt.country_bounds if fmt.country_bounds is not None else source.spec.country_bounds
    if not bounds:
        return
    per_country: Counter[str] = Counter()
    for record in parsed.records:
        if isinstance(record, Entity):
            per_country.update(set(record.countries))
    for country, (low, high) in sorted(bounds.items()):
        found = per_country[country]
        if not low <= found <= high:
            raise BoundsError(source.id, f"{label} parsed to {found} records with country {country}, outside the "
                                         f"expected {low}-{high}; kept the previous snapshot")


def _parse(source: Source, fmt: Format, paths: list[Path]) -> Parsed:
    try:
        return fmt.read(paths)
    except ExportcheckError:
        raise
    except Exception as exc:  # a parser bug or an unforeseen file shape: fail this source with the file named
        names = ", ".join(p.name for p in paths)
        raise ParseError(source.id, f"cannot parse {names} as {fmt.name}: {exc.__class__.__name__}: {exc}") from exc


def file_manifests(paths: Sequence[Path]) -> list[FileManifest]:
    return [FileManifest(name=p.name, sha256=sha256_file(p), size=p.stat().st_size) for p in paths]


def _same_files(store: SnapshotStore, source: Source, fmt: Format, sha: str) -> Snapshot | None:
    """A snapshot already made from exactly these files by this parser version, if any.

    Why: re-importing unchanged files (a daily mirror run, a 200 where a 304 was hoped for) is then
    recorded as "unchanged" without parsing, which is the slow step.
    """
    for entry in store.index(source.id).versions:
        if entry.sha256[:10] != sha[:10]:
            continue
        snap = store.get(source.id, entry.version)
        if (snapshot_sha(snap.meta) == sha and snap.meta.format == fmt.name
                and snap.meta.parser_version == fmt.parser_version):
            return snap
    return None


def _unchanged(store: SnapshotStore, snap: Snapshot, retrieved_at: datetime, why: str) -> Outcome:
    meta = snap.meta
    store.record_check(meta.source, VersionEntry(
        version=meta.version, retrieved_at=retrieved_at, data_date=meta.data_date, record_count=meta.record_count,
        sha256=snapshot_sha(meta), status="unchanged", message=why))
    return Outcome(meta.source, "unchanged", f"checked, unchanged ({why}): snapshot {meta.version}",
                   meta.version, meta.record_count, meta.data_date)


def import_files(
    store: SnapshotStore,
    source: Source,
    fmt: Format,
    paths: list[Path],
    *,
    origin_url: str,
    key: str,
    retrieved_at: datetime,
    etag: str | None = None,
    last_modified: str | None = None,
    notes: Sequence[str] = (),
    key_basis: str = "filename",
) -> Outcome:
    """Files on disk → a published snapshot, or "unchanged" when a snapshot of the same files exists."""
    manifests = file_manifests(paths)
    same = _same_files(store, source, fmt, combined_sha([(m.name, m.sha256) for m in manifests]))
    if same is not None:
        return _unchanged(store, same, retrieved_at, "same files as an existing snapshot")
    meta, tables = build_snapshot(source, fmt, paths, origin_url=origin_url, key=key, retrieved_at=retrieved_at,
                                  etag=etag, last_modified=last_modified, manifests=manifests,
                                  key_basis=key_basis)
    meta.warnings.extend(notes)
    return _publish(store, meta, paths, tables)


def build_snapshot(
    source: Source,
    fmt: Format,
    paths: list[Path],
    *,
    origin_url: str,
    key: str,
    retrieved_at: datetime,
    etag: str | None = None,
    last_modified: str | None = None,
    manifests: list[FileManifest] | None = None,
    key_basis: str = "filename",
) -> tuple[SnapshotMeta, dict[str, pa.Table]]:
    """Parse and validate one input set into a snapshot ready to publish (nothing written yet)."""
    parsed = _parse(source, fmt, paths)
    _check_bounds(source, fmt, parsed, ", ".join(p.name for p in paths))
    model = Entity if source.spec.kind == "entities" else ControlEntry
    try:
        tables: dict[str, pa.Table] = {source.spec.kind: records_to_arrow(parsed.records, model)}
        for name, frame in parsed.extra_tables.items():
            tables[name] = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise ParseError(source.id, f"{fmt.name} parser output does not fit the table schema: {exc}") from exc
    manifests = manifests or file_manifests(paths)
    sha = combined_sha([(m.name, m.sha256) for m in manifests])
    data_date, basis = parsed.data_date, parsed.data_date_basis
    if data_date is None and key:
        data_date, basis = date_from_key(key), key_basis
    if data_date is None:
        data_date, basis = retrieved_at.date(), "retrieval"
    aliases = sum(len(r.aliases) for r in parsed.records if isinstance(r, Entity))
    meta = SnapshotMeta(
        source=source.id,
        version=f"{data_date.isoformat()}_{sha[:10]}",
        kind=source.spec.kind,
        source_url=origin_url,
        retrieved_at=retrieved_at,
        data_date=data_date,
        data_date_basis=basis,
        files=manifests,
        record_count=len(parsed.records),
        alias_count=aliases,
        parser=f"{source.id}:{fmt.name}",
        parser_version=fmt.parser_version,
        format=fmt.name,
        verified_on_real_file=fmt.verified,
        warnings=parsed.warnings,
        etag=etag,
        last_modified=last_modified,
    )
    return meta, tables


def _publish(store: SnapshotStore, meta: SnapshotMeta, paths: list[Path], tables: dict[str, pa.Table]) -> Outcome:
    if store.has_version(meta.source, meta.version):
        # The same files and data date, read by another parser version: a new snapshot, told apart.
        meta = meta.model_copy(update={"version": f"{meta.version}-p{meta.parser_version}"})
        if store.has_version(meta.source, meta.version):
            return _unchanged(store, store.get(meta.source, meta.version), meta.retrieved_at,
                              "same files as an existing snapshot")
    snap = store.publish(meta, paths, tables)
    note = "" if meta.verified_on_real_file else " (parser not verified on a real file)"
    if meta.record_count == 0 and meta.warnings:
        note += f" — {meta.warnings[0]}"  # an empty snapshot must say why where the user looks
    return Outcome(meta.source, "published", f"published {snap.version}: {meta.record_count} records{note}",
                   snap.version, meta.record_count, meta.data_date)


def _without_prefix(message: str, source_id: str) -> str:
    prefix = f"{source_id}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def refresh_from_mirror(source: Source, mirror: Mirror, store: SnapshotStore, *, all_dates: bool) -> list[Outcome]:
    """Import the newest (or, with ``all_dates``, every) dated input set a mirror holds for a source.

    Sets are imported oldest first; one set failing does not stop the later ones.
    """
    sets: list[InputSet] = []
    notes: list[str] = []
    for folder in source.mirror_dir_names():
        names = mirror.list(folder, source.id)
        found, why = find_sets(source, names, folder)
        sets.extend(found)
        notes.extend(why)
    if not sets:
        return [Outcome(source.id, "skipped", f"no file of a known format in mirror {mirror.location}")]
    sets.sort(key=lambda s: (s.key, s.format.official))
    chosen = sets if all_dates else [sets[-1]]
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="exportcheck-") as work:
        for input_set in chosen:
            workdir = Path(work) / f"{input_set.folder}-{input_set.key}-{input_set.format.name}"
            workdir.mkdir(parents=True, exist_ok=True)
            label = ", ".join(input_set.names)
            try:
                paths = [mirror.get(input_set.folder, n, workdir, source.id) for n in input_set.names]
                outcome = import_files(
                    store, source, input_set.format, paths,
                    origin_url=mirror.url(input_set.folder, input_set.names[0]),
                    key=input_set.key, retrieved_at=datetime.now(UTC), notes=notes,
                )
            except ExportcheckError as exc:  # one dated set failing must not lose the others
                outcome = Outcome(source.id, "failed", _without_prefix(str(exc), source.id))
            if len(chosen) > 1 and label not in outcome.message:
                outcome.message = f"{label}: {outcome.message}"
            outcomes.append(outcome)
    return outcomes


def refresh_official(
    source: Source, store: SnapshotStore, settings: Settings, progress: Callable[[str], ProgressFn] | None = None
) -> list[Outcome]:
    """Download a source's official files (conditional GET on the last snapshot) and publish them.

    The first file's ``ETag``/``Last-Modified`` from the latest snapshot read in the same format make
    the GET conditional; a 304 is recorded in ``versions.json`` ``checks`` as "checked, unchanged".
    """
    fmt = source.official_format()
    if fmt is None or not source.spec.downloads:
        return [Outcome(source.id, "skipped", "no parser for the official format yet")]
    urls = settings.official_urls(source.id, [d.url for d in source.spec.downloads])
    previous: Snapshot | None = store.latest(source.id)
    prev_meta = previous.meta if previous and previous.meta.format == fmt.name else None
    retrieved_at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="exportcheck-") as work:
        paths: list[Path] = []
        first = None
        for i, (official, url) in enumerate(zip(source.spec.downloads, urls, strict=True)):
            conditional = prev_meta if i == 0 else None
            result = download(
                url, Path(work) / official.name, settings=settings, source_id=source.id,
                etag=conditional.etag if conditional else None,
                last_modified=conditional.last_modified if conditional else None,
                expect_html=is_html_name(official.name),
                progress=progress(f"{source.id} {official.name}") if progress else None,
            )
            if result.not_modified and previous is not None:
                return [_unchanged(store, previous, retrieved_at, "HTTP 304 Not Modified")]
            if result.path is None:
                raise FetchError(source.id, f"{url}: no body received")
            paths.append(result.path)
            first = first or result
        assert first is not None  # a source with downloads fetched at least one file
        stated = first.last_modified_date
        outcome = import_files(
            store, source, fmt, paths, origin_url=urls[0], key=stated.date().isoformat() if stated else "",
            retrieved_at=retrieved_at, etag=first.etag, last_modified=first.last_modified,
            key_basis="http Last-Modified",
        )
        return [outcome]


def refresh(
    source_ids: Sequence[str],
    settings: Settings,
    *,
    mirror: str | None = None,
    all_dates: bool = False,
    progress: Callable[[str], ProgressFn] | None = None,
) -> list[Outcome]:
    """Refresh the named sources (all when empty); one source's failure never stops the others.

    Sources with no parser, or (from a mirror) no file, are skipped unless named explicitly, in which
    case that is a failure: a user who asked for a list and did not get it must see a non-zero exit.
    """
    explicit = bool(source_ids)
    sources = [get_source(s) for s in source_ids] if explicit else list(all_sources().values())
    store = SnapshotStore(settings.lists_dir)
    where = mirror or settings.mirror
    opened = open_mirror(where, settings) if where else None
    outcomes: list[Outcome] = []
    try:
        for source in sources:
            results = _refresh_one(source, store, settings, opened, all_dates, progress)
            if explicit:
                results = [Outcome(o.source, "failed", o.message) if o.status == "skipped" else o
                           for o in results]
            outcomes.extend(results)
    finally:
        if opened is not None:
            opened.close()
    published = [(o.source, o.version) for o in outcomes
                 if o.status == "published" and o.version and get_source(o.source).spec.kind == "entities"]
    if published:
        build_match_index(store, published)
    precompute_controls_after_refresh(store)
    return outcomes


def build_match_index(store: SnapshotStore, published: Sequence[tuple[str, str]] = ()) -> None:
    """Build the match index of the latest entity snapshots now, so the next screening only maps it, and
    store the segment of every entity snapshot just published (its names normalised, tokens, 3-grams), from
    which the index of any other date's set is assembled (:mod:`exportcheck.matching.segment`).

    A failure only costs that speed (screening builds it on first use, as for a lists folder refreshed
    by an older version), so it is logged and never fails the refresh.
    """
    from exportcheck.matching import build_current

    try:
        build_current(store.root, published)
    except Exception as exc:  # a cache must never fail a refresh that published fine
        logging.getLogger(__name__).warning("match index not built (screening builds it on first use): %s: %s",
                                            exc.__class__.__name__, exc)


def precompute_controls_after_refresh(store: SnapshotStore) -> None:
    """Write the control data derived from the control snapshots now held (tables, criteria trees), once per set.

    Why here: the first ``verify``/``classify`` after a refresh then reads them instead of deriving
    them (:mod:`exportcheck.controls.precompute`). A failure only costs that speed (readers derive
    from the snapshots as before), so it is logged and never fails the refresh.
    """
    from exportcheck.controls.precompute import precompute_controls

    try:
        precompute_controls(store.root)
    except Exception as exc:  # a cache must never fail a refresh that published fine
        logging.getLogger(__name__).warning("control data not precomputed (readers derive it instead): %s: %s",
                                            exc.__class__.__name__, exc)


def _refresh_one(source: Source, store: SnapshotStore, settings: Settings, mirror: Mirror | None, all_dates: bool,
                 progress: Callable[[str], ProgressFn] | None) -> list[Outcome]:
    if not source.has_parser:
        return [Outcome(source.id, "skipped", "no parser yet")]
    try:
        clear_tmp(store, source.id)
        if mirror is not None:
            return refresh_from_mirror(source, mirror, store, all_dates=all_dates)
        return refresh_official(source, store, settings, progress)
    except ExportcheckError as exc:
        return [Outcome(source.id, "failed", _without_prefix(str(exc), source.id))]
    except Exception as exc:  # a bug in one source must not stop the others; the message names it
        return [Outcome(source.id, "failed", f"internal error: {exc.__class__.__name__}: {exc}")]


def clear_tmp(store: SnapshotStore, source_id: str) -> None:
    """Remove temporary folders a killed run left behind (never a published snapshot)."""
    source_dir = store.source_dir(source_id)
    if source_dir.is_dir():
        for path in source_dir.glob(".tmp-*"):
            shutil.rmtree(path, ignore_errors=True)
