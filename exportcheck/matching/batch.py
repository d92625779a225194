"""Screening many names: one partition function, run in this process, on all local cores or on Dask.

Why one function: a file screened in this process, with ``--workers N`` or on a ``dask.distributed``
cluster must give the same rows. Every scale cuts the input into chunks of :data:`CHUNK_ROWS` rows
(cut the same way whatever the number of workers) and runs :func:`screen_partition` on each; only the
way the chunks reach a process differs.

Why a worker cache: the match index is the expensive part (tens of MB built from every list). Each
worker process loads it once, by lists folder and date (:func:`worker_screener`), and every chunk it
is given after that reuses it. Tasks carry names and a small :class:`BatchSpec`, never the index; a
Dask worker needs only the package and the path of the lists folder.

Output of a file screening (:func:`flat_rows`): one row per match (at most ``limit`` per input row)
and one empty row for an input row with no candidate, with the reviewer's decision beside each hit,
list cells as ``"; "``-joined text and the same column types in every chunk, so the chunks of a
partitioned Parquet folder share one schema.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pandas as pd

from exportcheck.countries import row_country_hint
from exportcheck.matching.score import DEFAULT_THRESHOLD
from exportcheck.matching.screener import Match, Screener
from exportcheck.screenlog import sha256_text

#: Rows per chunk. Fixed (not derived from the number of workers) so that the parts of an output folder
#: and the log's result hash are the same for any ``--workers`` or cluster.
CHUNK_ROWS = 2000
RESULT_COLUMNS = ["row", "query", *Match.model_fields]
_LIST_FIELDS = ("countries", "programs", "citations")
_TEXT_FIELDS = [c for c, f in Match.model_fields.items() if f.annotation is str]

_LOCK = threading.Lock()


@dataclass(frozen=True)
class BatchSpec:
    """What to screen a chunk with: everything but the names (small, sent with every task)."""

    column: str
    country_column: str | None = None
    sources: tuple[str, ...] | None = None
    limit: int = 3
    threshold: float = DEFAULT_THRESHOLD
    as_of: date | None = None
    lists_dir: str | None = None
    # (normalised query, entity id) -> reviewer's decision, shown beside hits in file output
    reviews: dict[tuple[str, str], str] = field(default_factory=dict, compare=False, hash=False)


def worker_screener(lists_dir: str | None, as_of: date | None) -> Screener:
    """This process's screener for the lists folder and date (loaded on first use, then reused).

    :func:`exportcheck.matching.get_screener` keeps one per process already; the lock keeps two threads
    of one Dask worker from loading it twice.
    """
    from exportcheck.matching import get_screener

    with _LOCK:
        return get_screener(lists_dir, as_of)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _empty_row(row: Any, query: str) -> dict[str, Any]:
    """The one line of an input row with no candidate: every field present, empty (the same types as a hit)."""
    return {"row": row, "query": query, **{c: "" for c in _TEXT_FIELDS}, "score": 0.0, "is_match": False,
            **{c: [] for c in _LIST_FIELDS}, "related": ""}


def meta_frame(row_dtype: Any) -> pd.DataFrame:
    """An empty result with the column types :func:`screen_partition` returns (what Dask needs to plan)."""
    frame = pd.DataFrame([_empty_row(0, "")], columns=RESULT_COLUMNS).iloc[:0]
    return frame.astype({"row": row_dtype})


def screen_rows(screener: Screener, names: Sequence[Any], countries: Sequence[Any] | None, rows: Sequence[Any],
                spec: BatchSpec, progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Screen ``names`` (input row numbers ``rows``): the matches of each, best first, as one table."""
    records: list[dict[str, Any]] = []
    wanted = list(spec.sources) if spec.sources else None
    for i, name in enumerate(names):
        text = _text(name)
        code = row_country_hint(_text(countries[i])) if countries is not None else None
        matches = screener.screen(text, country=code, sources=wanted, limit=spec.limit,
                                  threshold=spec.threshold, as_of=spec.as_of)
        if not matches:
            records.append(_empty_row(rows[i], text))
        for m in matches:
            data = m.model_dump()
            data["related"] = "; ".join(f"{r.relation}: {r.name} ({r.list}, {r.source})" for r in m.related)
            records.append({"row": rows[i], "query": text, **data})
        if progress:
            progress(i + 1)
    return pd.DataFrame(records, columns=RESULT_COLUMNS)


def screen_partition(part: pd.DataFrame, spec: BatchSpec) -> pd.DataFrame:
    """Screen one partition of an input table with this process's screener; ``row`` is the partition's index.

    The function every scale runs (a local chunk, a Dask partition).
    """
    screener = worker_screener(spec.lists_dir, spec.as_of)
    countries = part[spec.country_column].tolist() if spec.country_column else None
    return screen_rows(screener, part[spec.column].tolist(), countries, part.index.tolist(), spec)


# --- file output -----------------------------------------------------------------------------
def _joined(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(_citation(v) if isinstance(v, dict) else str(v) for v in value)
    return _text(value)


def _citation(value: dict[str, Any]) -> str:
    cited, when = str(value.get("citation") or ""), str(value.get("date") or "")
    return f"{cited} ({when})" if when else cited


def flat_rows(result: pd.DataFrame, reviews: dict[tuple[str, str], str]) -> pd.DataFrame:
    """A screened chunk as a file shows it: list cells joined, the reviewer's decision beside each hit."""
    from exportcheck.review import query_key

    out = result.copy()
    for col in _LIST_FIELDS:
        out[col] = [_joined(v) for v in out[col].tolist()]
    out["review"] = [reviews.get((query_key(q), e), "") if e else ""
                     for q, e in zip(out["query"].tolist(), out["entity_id"].tolist(), strict=True)]
    return out


def chunk_hash(flat: pd.DataFrame) -> str:
    """The hash of one chunk's rows (the log's result hash combines them in order: :func:`result_hash`)."""
    return sha256_text(json.dumps(flat.to_dict(orient="records"), sort_keys=True, ensure_ascii=False, default=str))


def result_hash(chunk_hashes: Sequence[str]) -> str:
    """The result hash of a whole file: its chunks' hashes in input order (the same for any number of workers)."""
    return sha256_text("\n".join(chunk_hashes))


@dataclass
class ChunkDone:
    """What a task reports back: the chunk's counts and hash, its rows (unless written to a part file), and
    the worker's pid and peak memory (for the benchmark)."""

    number: int
    rows: int
    hits: int
    matched_rows: int
    sha256: str
    frame: pd.DataFrame | None
    pid: int
    peak_mb: float
    started: float = 0.0  # wall clock (time.time) when the worker began and ended the chunk
    ended: float = 0.0
    cpu_s: float = 0.0  # the worker's CPU seconds on it (what a loaded machine does not inflate)


def peak_mb() -> float:
    """This process's peak resident memory in MB (``VmHWM``; 0 where /proc is absent)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def part_path(folder: Path, number: int) -> Path:
    return folder / f"part-{number:06d}.parquet"


def screen_chunk(number: int, part: pd.DataFrame, spec: BatchSpec, dest: str | None) -> ChunkDone:
    """One task: screen a chunk, flatten it, and write it to ``dest/part-NNNNNN.parquet`` (or return it)."""
    started, cpu = time.time(), time.process_time()
    flat = flat_rows(screen_partition(part, spec), spec.reviews)
    is_match = flat["is_match"].astype(bool)
    done = ChunkDone(number=number, rows=len(part), hits=int(is_match.sum()),
                     matched_rows=int(flat.loc[is_match, "row"].nunique()), sha256=chunk_hash(flat), frame=None,
                     pid=os.getpid(), peak_mb=0.0)
    if dest is None:
        done.frame = flat
    else:
        write_part(flat, part_path(Path(dest), number))
    done.peak_mb = peak_mb()
    done.started, done.ended, done.cpu_s = started, time.time(), time.process_time() - cpu
    return done


def write_part(flat: pd.DataFrame, path: Path) -> None:
    """Write one part file with the one schema every part has (an all-empty chunk must not change it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = [pa.field("row", pa.int64()) if pd.api.types.is_integer_dtype(flat["row"]) else pa.field("row", pa.string())]
    for col in flat.columns[1:]:
        kind = pa.float64() if col == "score" else pa.bool_() if col == "is_match" else pa.string()
        fields.append(pa.field(col, kind))
    schema = pa.schema(fields)
    table = pa.Table.from_pandas(flat.astype({"row": "int64" if fields[0].type == pa.int64() else str}),
                                 schema=schema, preserve_index=False)
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def chunks(frame: pd.DataFrame, size: int = CHUNK_ROWS) -> Iterator[tuple[int, pd.DataFrame]]:
    for number, start in enumerate(range(0, len(frame), size)):
        yield number, frame.iloc[start:start + size]


# --- the three ways of running the chunks ------------------------------------------------------
def _init_worker(lists_dir: str | None, as_of: date | None) -> None:
    """Pool initializer: load the index once and prepare it (:meth:`.Screener.prepare`), before the first chunk
    arrives."""
    worker_screener(lists_dir, as_of).prepare()


def run_chunks(frame: pd.DataFrame, spec: BatchSpec, *, workers: int = 1, dask: str | None = None,
               dest: Path | None = None, on_chunk: Callable[[ChunkDone], None] | None = None,
               chunk_rows: int = CHUNK_ROWS, in_process: bool | None = None) -> list[ChunkDone]:
    """Screen every chunk of ``frame`` here (``workers=1``), on ``workers`` local processes, or on the Dask
    scheduler at ``dask``; return what each chunk reported, in input order.

    ``dest``: a folder for the part files (written by the workers; not with Dask, whose workers need not
    share a disk with this process: their rows come back and are written here by the caller).
    """
    parts = list(chunks(frame, chunk_rows))
    done: list[ChunkDone] = []

    def finished(item: ChunkDone) -> None:
        done.append(item)
        if on_chunk:
            on_chunk(item)

    target = str(dest) if dest is not None else None
    if dask:
        _run_dask(dask, parts, spec, finished)
    elif in_process if in_process is not None else workers <= 1:
        for number, part in parts:
            finished(screen_chunk(number, part, spec, target))
    else:
        _run_pool(workers, parts, spec, target, finished)
    return sorted(done, key=lambda d: d.number)


def _run_pool(workers: int, parts: list[tuple[int, pd.DataFrame]], spec: BatchSpec, target: str | None,
              finished: Callable[[ChunkDone], None]) -> None:
    # spawn: a fresh interpreter per worker (no inherited threads or locks; the same on every platform);
    # at most 2 chunks per worker in flight, so a big input is not pickled into the queue all at once
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=_init_worker,
                             initargs=(spec.lists_dir, spec.as_of)) as pool:
        pending: set[Future[ChunkDone]] = set()
        queue = iter(parts)
        for number, part in queue:
            pending.add(pool.submit(screen_chunk, number, part, spec, target))
            if len(pending) >= 2 * workers:
                finished_now, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished_now:
                    finished(future.result())
        for future in _as_done(pending):
            finished(future.result())


def _as_done(pending: set[Future[ChunkDone]]) -> Iterator[Future[ChunkDone]]:
    while pending:
        finished_now, pending = wait(pending, return_when=FIRST_COMPLETED)
        yield from finished_now


def _run_dask(address: str, parts: list[tuple[int, pd.DataFrame]], spec: BatchSpec,
              finished: Callable[[ChunkDone], None]) -> None:
    from exportcheck.errors import InputError

    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise InputError("--dask needs dask.distributed: pip install 'exportcheck[dask]'") from exc
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"--dask {address}: cannot reach the scheduler ({exc})") from exc
    with client:
        futures = [client.submit(screen_chunk, number, part, spec, None, pure=False) for number, part in parts]
        for future in as_completed(futures):
            finished(future.result())
