"""The match index on disk: one folder per snapshot set, Arrow IPC and ``.npy`` files, loaded by memory map.

Layout, under ``<lists dir>/.cache/matching/``::

    index-<digest of INDEX_VERSION and the snapshot set>/
        manifest.json      key (the snapshot set), index version, counts, per-source undated rows
        entities.arrow     the result columns of every listed party (Arrow IPC file)
        <name>.arrow       string lists (names as listed, postings keys, vocabulary), one column each
        <name>.npy         integer and float arrays (postings, token ids, weights, totals)
    segments/segment-<digest of INDEX_VERSION, the snapshot and its table file>/
        the same kinds of files for one snapshot's share of an index (:mod:`.segment`), from which the
        index of any set holding the snapshot is assembled

Why this format: loading is a memory map, not a decode (the old pickle took 2.5 s to load), and no
file here can run code in the reader — ``np.load`` is called with ``allow_pickle=False`` and Arrow IPC
holds data only — so a lists folder written by a scheduled job cannot attack the process reading it.

Why a folder per set, written under a temporary name and renamed: a reader either finds the complete
folder of exactly its snapshot set or none (and assembles it); it never sees a half-written or a stale
index, and a newer snapshot published means a new key, hence a new folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from exportcheck.matching.index import INDEX_VERSION, IndexParts, LazyColumn, MatchIndex, NameTable, Postings

FORMAT = "exportcheck-match-index"
MANIFEST = "manifest.json"
ENTITIES = "entities.arrow"
POSTINGS = ("postings", "acronyms", "grams", "units", "group_parents")
# Temporary build folders older than this are a killed run's leftovers and are removed.
STALE_BUILD_SECONDS = 6 * 3600
# String lists read into Python lists at load (small); the others stay memory-mapped Arrow arrays read a
# cell at a time (a query bisects the sorted keys and reads a few dozen names) until read often.
_AS_LISTS = {"note_texts"}


def folder_for(cache_dir: Path, key: str) -> Path:
    """Where the index of this snapshot set lives (its name changes with the set and :data:`INDEX_VERSION`)."""
    digest = hashlib.sha256(f"{INDEX_VERSION}|{key}".encode()).hexdigest()[:20]
    return cache_dir / f"index-{digest}"


# --- writing -------------------------------------------------------------------------------------
def write(cache_dir: Path, parts: IndexParts) -> MatchIndex | None:
    """Store ``parts`` atomically and return the index memory-mapped from disk; ``None`` if the folder is
    not writable (the caller then uses the parts in memory)."""
    stored = write_folder(cache_dir, folder_for(cache_dir, parts.key), FORMAT, parts.entities, parts.arrays,
                          parts.strings, parts.manifest, lambda: read(cache_dir, parts.key) is not None)
    return read(cache_dir, parts.key) if stored else None


def write_folder(cache_dir: Path, final: Path, fmt: str, entities: pa.Table, arrays: dict[str, np.ndarray],
                 strings: dict[str, Any], manifest: dict[str, Any], readable: Callable[[], bool]) -> bool:
    """Write one folder of Arrow IPC and ``.npy`` files under a temporary name in ``cache_dir`` and rename it to
    ``final`` (the manifest last): a reader sees the whole folder or none. ``readable``: whether a complete
    folder is already at ``final`` (a damaged one is moved aside, one another process just stored is kept).
    False where the folder is not writable."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        _clean(cache_dir)
        tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=cache_dir))
        try:
            os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; other readers of the lists need it
            _write_files(tmp, fmt, entities, arrays, strings, manifest)
            if final.exists() and not readable():
                # a damaged folder under the final name: moved aside (a reader mapping its files keeps them)
                os.rename(final, Path(tempfile.mkdtemp(prefix=".building-damaged-", dir=cache_dir)) / "old")
            try:
                os.rename(tmp, final)
            except OSError:
                if not readable():  # not "another process stored it first"
                    raise
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    except OSError:
        return False  # a read-only lists folder still screens, only without the stored files
    return True


def _write_files(folder: Path, fmt: str, entities: pa.Table, arrays: dict[str, np.ndarray], strings: dict[str, Any],
                 manifest: dict[str, Any]) -> None:
    with pa.OSFile(str(folder / ENTITIES), "wb") as sink, ipc.new_file(sink, entities.schema) as writer:
        writer.write_table(entities)
    for name, values in strings.items():
        column = values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(values, type=pa.string())
        table = pa.table({"value": column})
        with pa.OSFile(str(folder / f"{name}.arrow"), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
    content = {"format": fmt, **manifest, "arrays": sorted(arrays), "strings": sorted(strings)}
    (folder / MANIFEST).write_text(json.dumps(content, indent=1, sort_keys=True), encoding="utf-8")  # last


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _clean(cache_dir: Path) -> None:
    """Remove what older versions and killed runs left: pickled indexes (never read again) and stale builds."""
    for old in cache_dir.glob("index-*.pkl"):
        old.unlink(missing_ok=True)
    now = time.time()
    for tmp in cache_dir.glob(".building-*"):
        try:
            if now - tmp.stat().st_mtime > STALE_BUILD_SECONDS:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError:
            continue


# --- reading -------------------------------------------------------------------------------------
def read(cache_dir: Path, key: str) -> MatchIndex | None:
    """The stored index of this snapshot set, memory-mapped; ``None`` when absent, of another version or damaged."""
    found = read_folder(folder_for(cache_dir, key), FORMAT)
    if found is None or found[0]["key"] != key:
        return None
    manifest, arrays, columns, entities = found
    strings = {name: column.to_pylist() if name in _AS_LISTS else LazyColumn(column) for name, column in columns.items()}
    try:
        return _assemble(key, entities, arrays, strings, manifest)
    except (KeyError, TypeError, ValueError):
        return None  # rebuilt by the caller


def read_folder(folder: Path, fmt: str) -> tuple[dict[str, Any], dict[str, np.ndarray], dict[str, pa.ChunkedArray],
                                               pa.Table] | None:
    """A folder :func:`write_folder` wrote, memory-mapped: manifest, arrays, string columns, entity table;
    ``None`` when absent, of another format or index version, or damaged."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != fmt or manifest.get("index_version") != INDEX_VERSION:
            return None
        # plain ndarray views of the maps: slicing a np.memmap costs ~50x more (subclass bookkeeping)
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray)
                  for name in manifest["arrays"]}
        columns = {name: _read_arrow(folder / f"{name}.arrow").column("value") for name in manifest["strings"]}
        return manifest, arrays, columns, _read_arrow(folder / ENTITIES)
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError, pa.ArrowException):
        return None


def _read_arrow(path: Path) -> pa.Table:
    return ipc.open_file(pa.memory_map(str(path), "r")).read_all()


def from_parts(parts: IndexParts) -> MatchIndex:
    """An index straight from freshly built parts (no disk)."""
    strings = {name: LazyColumn(v) if isinstance(v, pa.Array | pa.ChunkedArray) and name not in _AS_LISTS
               else v.to_pylist() if isinstance(v, pa.Array | pa.ChunkedArray) else v
               for name, v in parts.strings.items()}
    return _assemble(parts.key, parts.entities, parts.arrays, strings, parts.manifest)


def _assemble(key: str, entities: pa.Table, arrays: dict[str, np.ndarray], strings: dict[str, Any],
              manifest: dict[str, Any]) -> MatchIndex:
    post = {label: Postings(strings[f"{label}_keys"], arrays[f"{label}_offsets"], arrays[f"{label}_data"])
            for label in POSTINGS}
    names = NameTable(rows=arrays["name_rows"], kinds=arrays["name_kinds"], notes=arrays["name_notes"],
                      note_texts=strings["note_texts"], originals=strings["name_originals"],
                      contexts=strings["name_contexts"], tokens=arrays["name_tokens"],
                      token_offsets=arrays["name_token_offsets"], row_offsets=arrays["row_offsets"],
                      vocabulary=post["postings"].keys)
    return MatchIndex(key=key, names=names, entities=entities, postings=post["postings"], acronyms=post["acronyms"],
                      grams=post["grams"], vocab=strings["vocab"], token_weights=arrays["token_weights"],
                      name_totals=arrays["name_totals"], vocab_lens=arrays["vocab_lens"],
                      gram_bounds=arrays["gram_bounds"], group_units=post["units"],
                      group_parents=post["group_parents"],
                      subsidiary_offsets=arrays["subsidiary_offsets"], subsidiary_names=arrays["subsidiary_names"],
                      subsidiary_rows=arrays["subsidiary_rows"], records=strings["records"],
                      undated={str(k): int(v) for k, v in manifest["undated"].items()},
                      build_seconds=float(manifest.get("build_seconds", 0.0)))

