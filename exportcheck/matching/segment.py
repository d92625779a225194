"""One snapshot's share of a match index, computed once and stored: a *segment*; and an index made of segments.

A match index is built per *set* of snapshots (the lists standing on a date), but nearly all of its cost
— normalising every name, alias and derived name of every listed party, and finding each name's tokens,
acronym, groups and each word's 3-grams — depends on one snapshot only. That part is a segment, stored
per snapshot (``<lists>/.cache/matching/segments/``) when the snapshot is published (refresh stores one
for every snapshot it publishes, older ones of an ``--all-dates`` run too). The index of any set — a
``verify`` of a 2024 claim needs the lists as they stood in 2024, which no refresh built — is then
:func:`assemble`-d from its segments with array operations only: the union of the segments' sorted
vocabularies, token ids mapped into it, postings by one stable sort, weights from the set's document
frequencies. No name is normalised again and no Python loop runs per name. What is left per set in
Python is small (group relations, parents, dates borrowed between lists).

The index assembled is the one :func:`exportcheck.matching.index.build_parts` gives for the
concatenated rows (it is the same code: a frame is cut into segments and assembled), array for array:
postings in name order, weights by the same formula, per-name totals summed left to right.

A segment is stored like an index (:mod:`.indexfile`: Arrow IPC and ``.npy``, memory-mapped, never
pickle; a temporary folder renamed at the end), keyed by :data:`~.index.INDEX_VERSION`, the snapshot and
its entity table file's size and modification time (a republished table is a new segment).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from exportcheck.matching.groups import GROUP_TOKENS
from exportcheck.matching.index import (
    GRAM_LENGTHS,
    INDEX_COLUMNS,
    INDEX_VERSION,
    KINDS,
    RESULT_COLUMNS,
    IndexParts,
    Postings,
    _entity_names,
    _grams,
    borrow_dates,
    entity_parent,
    result_records,
)
from exportcheck.matching.normalise import name_form, normalise, token_class
from exportcheck.matching.score import ACRONYM_SKIP, CLASS_WEIGHTS

if TYPE_CHECKING:
    import pandas as pd

    from exportcheck.store import Snapshot

FORMAT = "exportcheck-match-segment"
SEGMENTS = "segments"
#: Segment fields that are string columns (Arrow); every other field but ``entities`` is a numpy array.
_STRINGS = ("keys", "acronym_keys", "gram_keys", "originals", "contexts", "note_texts", "parents", "parent_texts",
            "name_keys", "group_tokens")


@dataclass
class Segment:
    """The part of a match index that depends on one snapshot's rows only (names in row order).

    Token, acronym and gram ids point into the segment's own sorted ``keys``, ``acronym_keys`` and
    ``gram_keys``; :func:`assemble` maps them into the set's.
    """

    entities: pa.Table  # RESULT_COLUMNS; listing/end dates as text, not yet borrowed from a twin
    counts: np.ndarray  # per row: how many names it has
    parents: pa.Array  # per row: the parent the list names (entity_parent)
    parent_texts: pa.Array  # per row: that parent normalised ("" where none)
    name_keys: pa.Array  # per row: the listed name normalised (for borrowing dates from a twin)
    kinds: np.ndarray  # per name: position in KINDS
    notes: np.ndarray  # per name: position in note_texts
    note_texts: pa.Array
    originals: pa.Array  # per name: the text as indexed
    contexts: pa.Array  # per name: groups its list ties it to without naming them, space-separated
    tokens: np.ndarray  # per name, its tokens as positions in keys (token_offsets: where each name's start)
    token_offsets: np.ndarray
    compacts: np.ndarray  # per name: its tokens written together ("hua wei" → "huawei") in keys, or -1
    acronyms: np.ndarray  # per name: its initials in acronym_keys, or -1
    keys: pa.Array  # sorted: every token and compact form (the postings keys)
    key_classes: np.ndarray  # per key: its class weight (CLASS_WEIGHTS)
    key_vocab: np.ndarray  # per key: searched for typos (a name word of 4+ characters)
    acronym_keys: pa.Array
    gram_keys: pa.Array  # sorted 3-grams of the typo vocabulary
    gram_grams: np.ndarray  # pairs (gram, key): the key has the gram
    gram_keys_of: np.ndarray
    group_names: np.ndarray  # triples (name, group token, whether the name is just the group)
    group_tokens: pa.Array
    group_parent: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.counts)


# --- computing one segment ----------------------------------------------------------------------------
def compute(part: pd.DataFrame) -> Segment:
    """Normalise every name of these rows and derive what the index needs of each (the costly part, in Python)."""
    parents: list[str] = []
    parent_texts: list[str] = []
    name_keys: list[str] = []
    counts: list[int] = []
    kinds: list[int] = []
    notes: list[str] = []
    originals: list[str] = []
    token_lists: list[tuple[str, ...]] = []
    contexts: list[str] = []
    for raw, alias_list, parent_name in zip(part["name"].tolist(), part["aliases"].tolist(),
                                            part["parent_name"].tolist(), strict=True):
        name = str(raw or "")
        parent = entity_parent(name, str(parent_name or ""))
        parents.append(parent)
        parent_texts.append(" ".join(normalise(parent).split()) if parent else "")
        name_keys.append(normalise(str(raw)))
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
            kinds.append(KINDS.index(kind))
            notes.append(note)
            originals.append(form.original)
            token_lists.append(form.tokens)
            contexts.append(" ".join(sorted(form.context)))
            count += 1
        counts.append(count)
    compact_texts: list[str | None] = []
    acronym_texts: list[str | None] = []
    groups: list[tuple[int, str, int]] = []
    for i, toks in enumerate(token_lists):
        compact = "".join(t for t in toks if not t.startswith("#"))
        compact_texts.append(compact if len(toks) > 1 and compact not in toks else None)  # "huawei" finds "hua wei"
        initials = "".join(t[0] for t in toks if not t.startswith("#") and t not in ACRONYM_SKIP) if len(toks) >= 3 else ""
        acronym_texts.append(initials if 3 <= len(initials) <= 8 else None)
        found = GROUP_TOKENS.intersection(toks)
        if found:  # a name that is just the group ("CETC") is the group's parent, any other one of its units
            strong = [t for t in toks if token_class(t) != "weak"]
            groups.extend((i, group, int(strong == [group])) for group in sorted(found))
    keys = sorted({t for toks in token_lists for t in toks} | {c for c in compact_texts if c is not None})
    key_ids = {k: n for n, k in enumerate(keys)}
    classes = [_token_class(k) for k in keys]
    vocab = [n for n, (k, c) in enumerate(zip(keys, classes, strict=True)) if c == "name" and len(k) >= 4]
    gram_pairs = [(g, n) for n in vocab for g in _gram_set(keys[n])]
    gram_keys = sorted({g for g, _ in gram_pairs})
    gram_ids = {g: n for n, g in enumerate(gram_keys)}
    acronym_keys = sorted({a for a in acronym_texts if a is not None})
    acronym_ids = {a: n for n, a in enumerate(acronym_keys)}
    note_texts = sorted(set(notes))
    note_ids = {n: i for i, n in enumerate(note_texts)}
    offsets = np.zeros(len(token_lists) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in token_lists], out=offsets[1:])
    key_vocab = np.zeros(len(keys), dtype=np.bool_)
    key_vocab[vocab] = True

    def ints(values: Sequence[float], dtype: type = np.int32) -> np.ndarray:
        return np.asarray(values, dtype=dtype) if len(values) else np.empty(0, dtype=dtype)

    return Segment(
        entities=_light(part), counts=ints(counts), parents=_strings(parents), parent_texts=_strings(parent_texts),
        name_keys=_strings(name_keys), kinds=ints(kinds, np.int8), notes=ints([note_ids[n] for n in notes]),
        note_texts=_strings(note_texts), originals=_strings(originals), contexts=_strings(contexts),
        tokens=ints([key_ids[t] for toks in token_lists for t in toks]), token_offsets=offsets,
        compacts=ints([-1 if c is None else key_ids[c] for c in compact_texts]),
        acronyms=ints([-1 if a is None else acronym_ids[a] for a in acronym_texts]),
        keys=_strings(keys), key_classes=ints([CLASS_WEIGHTS[c] for c in classes], np.float64),
        key_vocab=key_vocab, acronym_keys=_strings(acronym_keys), gram_keys=_strings(gram_keys),
        gram_grams=ints([gram_ids[g] for g, _ in gram_pairs]), gram_keys_of=ints([n for _, n in gram_pairs]),
        group_names=ints([n for n, _, _ in groups]), group_tokens=_strings([g for _, g, _ in groups]),
        group_parent=ints([p for _, _, p in groups], np.int8))


# A refresh computes the segments of every snapshot it publishes, and the snapshots of one list share most
# of their words: a word's class and 3-grams are worked out once per process.
_token_class = functools.lru_cache(maxsize=1 << 18)(token_class)


@functools.lru_cache(maxsize=1 << 18)
def _gram_set(token: str) -> tuple[str, ...]:
    """The distinct 3-grams of a word, in a frozenset's order (the order they were always taken in).

    Kept as a tuple, not the frozenset: the cache holds one per vocabulary word (~110,000) for the life of
    the process, and the cyclic garbage collector untracks a tuple of strings but walks a frozenset in every
    full collection. Those frozensets made each full collection of a process that built an index about a
    second slower (1.3 s against 0.5 s, measured under load; a speed benchmark's 7,000 queries meet one or two).
    """
    return tuple(frozenset(_grams(token)))


def _strings(values: list[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


def _light(part: pd.DataFrame) -> pa.Table:
    """The result columns of these rows, as a screening shows them (dates as text, "" where none)."""
    light = part.reindex(columns=RESULT_COLUMNS)
    for column in ("snapshot", "snapshot_date", "listing_date", "end_date"):
        light[column] = light[column].fillna("").astype(str)
    return pa.Table.from_pandas(light, preserve_index=False).replace_schema_metadata(None)


def of_frame(frame: pd.DataFrame) -> list[Segment]:
    """``frame``'s rows cut into segments, one per run of rows of the same snapshot (computed, not stored)."""
    snapshots = frame["snapshot"].fillna("").astype(str).tolist() if "snapshot" in frame else [""] * len(frame)
    out: list[Segment] = []
    start = 0
    while start < len(frame) or not out:
        end = start
        while end < len(frame) and snapshots[end] == snapshots[start]:
            end += 1
        out.append(compute(frame.iloc[start:end]))
        start = end
    return out


# --- the store: one folder per snapshot -----------------------------------------------------------------
def _folder(cache_dir: Path, snap: Snapshot) -> Path | None:
    try:
        stat = snap.table_path("entities").stat()
    except OSError:
        return None
    identity = f"{INDEX_VERSION}|{snap.meta.source}@{snap.version}|{stat.st_size}|{stat.st_mtime_ns}"
    return cache_dir / SEGMENTS / f"segment-{hashlib.sha256(identity.encode()).hexdigest()[:24]}"


def of_snapshot(snap: Snapshot, cache_dir: Path | None) -> Segment:
    """The stored segment of ``snap``, or one computed from its entity table (and stored, where ``cache_dir``)."""
    folder = _folder(cache_dir, snap) if cache_dir is not None else None
    if folder is not None:
        found = read(folder)
        if found is not None:
            return found
    from exportcheck.matching.lists import snapshot_entities

    segment = compute(snapshot_entities([snap], columns=INDEX_COLUMNS))
    if folder is not None:
        _write(folder, segment, f"{snap.meta.source}@{snap.version}")
    return segment


def _write(folder: Path, segment: Segment, snapshot: str) -> None:
    from exportcheck.matching import indexfile

    fields = Segment.__dataclass_fields__
    arrays = {f: getattr(segment, f) for f in fields if f != "entities" and f not in _STRINGS}
    strings = {f: getattr(segment, f) for f in _STRINGS}
    indexfile.write_folder(folder.parent, folder, FORMAT, segment.entities, arrays, strings,
                           {"index_version": INDEX_VERSION, "snapshot": snapshot, "rows": segment.rows},
                           lambda: read(folder) is not None)


def read(folder: Path) -> Segment | None:
    """A stored segment, memory-mapped; ``None`` when absent, of another version or damaged."""
    from exportcheck.matching import indexfile

    found = indexfile.read_folder(folder, FORMAT)
    if found is None:
        return None
    manifest, arrays, columns, entities = found
    try:
        values: dict[str, Any] = {f: _one_array(columns[f]) for f in _STRINGS}
        values.update({f: arrays[f] for f in Segment.__dataclass_fields__ if f != "entities" and f not in _STRINGS})
        segment = Segment(entities=entities, **values)
    except (KeyError, TypeError, pa.ArrowException):
        return None
    names = len(segment.kinds)
    consistent = (manifest.get("rows") == segment.rows == entities.num_rows == len(segment.parents)
                  == len(segment.parent_texts) == len(segment.name_keys)
                  and int(segment.counts.sum()) == names == len(segment.originals) == len(segment.contexts)
                  == len(segment.notes) == len(segment.compacts) == len(segment.acronyms)
                  and len(segment.token_offsets) == names + 1 and int(segment.token_offsets[-1]) == len(segment.tokens)
                  and len(segment.key_classes) == len(segment.key_vocab) == len(segment.keys)
                  and len(segment.gram_grams) == len(segment.gram_keys_of)
                  and len(segment.group_names) == len(segment.group_tokens) == len(segment.group_parent))
    return segment if consistent else None


def _one_array(column: pa.ChunkedArray) -> pa.Array:
    """The column as one array: its only chunk as mapped (no copy), or the chunks joined."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


# --- assembling the index of a set ----------------------------------------------------------------------
def assemble(segments: Sequence[Segment], key: str) -> IndexParts:
    """The index of the concatenated rows of ``segments`` (in order), by array operations on them."""
    started = time.perf_counter()
    keys, key_maps = _union([s.keys for s in segments])
    n_names = sum(len(s.kinds) for s in segments)
    n_rows = sum(s.rows for s in segments)
    name_base = np.cumsum([0] + [len(s.kinds) for s in segments])
    lengths = np.concatenate([np.diff(s.token_offsets) for s in segments]).astype(np.int64)
    token_offsets = np.zeros(n_names + 1, dtype=np.int64)
    np.cumsum(lengths, out=token_offsets[1:])
    tokens = np.concatenate([m[s.tokens] for s, m in zip(segments, key_maps, strict=True)]).astype(np.int32)
    compacts = np.concatenate([np.where(s.compacts >= 0, m[s.compacts], -1)
                               for s, m in zip(segments, key_maps, strict=True)])
    name_ids = np.arange(n_names, dtype=np.int32)
    has_compact = compacts >= 0
    postings = _postings(keys, np.concatenate([tokens, compacts[has_compact]]),
                         np.concatenate([np.repeat(name_ids, lengths), name_ids[has_compact]]))
    weights = _weights(_scatter(len(keys), key_maps, [s.key_classes for s in segments], np.float64),
                       np.diff(postings.offsets), n_names)
    totals = _left_to_right_sums(weights[tokens], token_offsets, lengths)
    # the typo vocabulary and its 3-grams
    is_vocab = _scatter(len(keys), key_maps, [s.key_vocab for s in segments], np.bool_)
    vocab = keys.filter(pa.array(is_vocab))
    vocab_pos = np.cumsum(is_vocab) - 1
    gram_keys, gram_maps = _union([s.gram_keys for s in segments])
    vocab_lens = np.asarray(_utf8_lengths(vocab), dtype=np.int32)
    grams, gram_bounds = _gram_postings(gram_keys, (  # a generator: one segment's pairs in memory at a time
        (gm[s.gram_grams], vocab_pos[m[s.gram_keys_of]]) for s, m, gm in zip(segments, key_maps, gram_maps, strict=True)),
        vocab_lens)
    acronym_keys, acronym_maps = _union([s.acronym_keys for s in segments])
    acronyms = np.concatenate([np.where(s.acronyms >= 0, m[s.acronyms], -1)
                               for s, m in zip(segments, acronym_maps, strict=True)])
    acronym_postings = _postings(acronym_keys, acronyms[acronyms >= 0], name_ids[acronyms >= 0])
    note_texts = sorted({n for s in segments for n in s.note_texts.to_pylist()})
    note_ids = {n: i for i, n in enumerate(note_texts)}
    notes = np.concatenate([np.asarray([note_ids[n] for n in s.note_texts.to_pylist()] or [0], dtype=np.int32)[s.notes]
                            for s in segments]).astype(np.int32)
    counts = np.concatenate([s.counts for s in segments]).astype(np.int64)
    row_offsets = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(counts, out=row_offsets[1:])
    name_rows = np.repeat(np.arange(n_rows, dtype=np.int32), counts)
    entities, undated = _entities(segments)
    units, group_parents = _groups(segments, name_base, name_rows)
    children: dict[str, list[int]] = defaultdict(list)
    row = 0
    for s in segments:
        for parent, text in zip(s.parents.to_pylist(), s.parent_texts.to_pylist(), strict=True):
            if parent:
                children[text].append(row)
            row += 1
    sub_offsets, sub_names, sub_rows = _subsidiaries(keys, tokens, token_offsets, postings, name_rows, children, n_rows)
    arrays: dict[str, np.ndarray] = {
        "name_rows": name_rows, "name_kinds": np.concatenate([s.kinds for s in segments]).astype(np.int8),
        "name_notes": notes, "name_tokens": tokens, "name_token_offsets": token_offsets, "row_offsets": row_offsets,
        "token_weights": weights, "name_totals": totals,
        "vocab_lens": vocab_lens, "gram_bounds": gram_bounds,
        "subsidiary_offsets": sub_offsets, "subsidiary_names": sub_names, "subsidiary_rows": sub_rows,
    }
    strings: dict[str, Any] = {
        "name_originals": pa.concat_arrays([s.originals for s in segments]),
        "name_contexts": pa.concat_arrays([s.contexts for s in segments]), "note_texts": note_texts, "vocab": vocab,
        "records": result_records(entities),
    }
    tables = (("postings", postings), ("acronyms", acronym_postings), ("grams", grams),
              ("units", Postings.from_table(units)), ("group_parents", Postings.from_table(group_parents)))
    for label, table in tables:
        arrays[f"{label}_offsets"] = table.offsets
        arrays[f"{label}_data"] = table.data
        strings[f"{label}_keys"] = table.keys if isinstance(table.keys, pa.Array) else list(table.keys)
    manifest = {"key": key, "index_version": INDEX_VERSION, "entities": n_rows, "names": n_names,
                "undated": undated, "build_seconds": round(time.perf_counter() - started, 3)}
    return IndexParts(key, entities, arrays, strings, manifest)


def _union(columns: Sequence[pa.Array]) -> tuple[pa.Array, list[np.ndarray]]:
    """The sorted union of string columns, and each column's positions in it (one hashing pass over them all).

    Arrow sorts strings by their UTF-8 bytes, which is code point order: Python's ``sorted``.
    """
    import pyarrow.compute as pc

    joined = pa.concat_arrays([c.cast(pa.string()) for c in columns]) if columns else _strings([])
    encoded = joined.dictionary_encode()
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    positions = rank[encoded.indices.to_numpy(zero_copy_only=False)] if len(joined) else np.empty(0, dtype=np.int64)
    bounds = np.cumsum([0] + [len(c) for c in columns])
    return (encoded.dictionary.take(pa.array(order)),
            [positions[a:b] for a, b in itertools.pairwise(bounds.tolist())])


def _scatter(size: int, maps: Sequence[np.ndarray], values: Sequence[np.ndarray], dtype: type) -> np.ndarray:
    """One value per key of the union from the segments' per-key values (equal wherever keys are shared)."""
    out: np.ndarray = np.zeros(size, dtype=dtype)
    for where, value in zip(maps, values, strict=True):
        out[where] = value
    return out


def _postings(keys: pa.Array, key_ids: np.ndarray, ids: np.ndarray) -> Postings:
    """Postings from (key, id) pairs: each key's ids in ascending order, repeats kept (as appended name by name).

    One sort of ``key × span + id`` codes: numpy's sort of integers is far faster than a lexsort of two arrays.
    """
    span = int(ids.max()) + 1 if len(ids) else 1
    return _sorted_postings(keys, np.sort(key_ids.astype(np.int64) * span + ids), span)


def _gram_postings(gram_keys: pa.Array, pairs: Iterable[tuple[np.ndarray, np.ndarray]],
                   vocab_lens: np.ndarray) -> tuple[Postings, np.ndarray]:
    """3-gram → vocabulary positions, each gram's words ordered by length (capped at :data:`.index.GRAM_LENGTHS`),
    then by position; and the bounds of each (gram, length) run (see :meth:`.index.MatchIndex.similar_tokens`).

    ``pairs``: per segment, (gram id, vocabulary position) of each gram a word has. A word is kept once per gram.
    The bounds are ``(len(gram_keys) * (GRAM_LENGTHS + 1) + 1)`` offsets into the postings' ids: gram ``g``'s
    words of capped length ``l`` are ``data[bounds[g * (GRAM_LENGTHS + 1) + l]:bounds[g * (GRAM_LENGTHS + 1) + l + 1]]``,
    so every ``GRAM_LENGTHS + 1``-th bound is an offset of the plain postings. One sort of ``(gram, length) × width
    + position`` codes, as in :func:`_postings`.
    """
    slots = GRAM_LENGTHS + 1
    width = max(len(vocab_lens), 1)
    codes = np.sort(np.concatenate([np.zeros(0, dtype=np.int64)] + [
        (grams.astype(np.int64) * slots + np.minimum(vocab_lens[words], GRAM_LENGTHS)) * width + words
        for grams, words in pairs]))
    codes = codes[np.concatenate([[True], codes[1:] != codes[:-1]])] if len(codes) else codes  # a word once per gram
    slot_of, words = np.divmod(codes, width)
    del codes
    bounds = np.zeros(len(gram_keys) * slots + 1, dtype=np.int64)
    np.cumsum(np.bincount(slot_of, minlength=len(gram_keys) * slots), out=bounds[1:])
    return Postings(gram_keys, np.ascontiguousarray(bounds[::slots]), words.astype(np.int32)), bounds


def _sorted_postings(keys: pa.Array, codes: np.ndarray, span: int) -> Postings:
    """Postings from sorted ``key × span + id`` codes."""
    key_ids, ids = np.divmod(codes, span)
    offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(np.bincount(key_ids, minlength=len(keys)), out=offsets[1:])
    return Postings(keys, offsets, ids.astype(np.int32))


def _weights(classes: np.ndarray, counts: np.ndarray, n_names: int) -> np.ndarray:
    """Class weight × rarity (see :meth:`.index.MatchIndex.weight`); the rarity factor is computed in Python once
    per distinct document frequency, so each weight is bit for bit the one a per-token loop gives."""
    out = classes.astype(np.float64).copy()
    scaled = (classes >= 1.0) & (counts > 0)
    if n_names > 1 and scaled.any():
        log_n = math.log(n_names)
        frequencies, inverse = np.unique(counts[scaled], return_inverse=True)
        factors = np.asarray([0.5 + 0.5 * math.log(n_names / df) / log_n for df in frequencies.tolist()])
        out[scaled] = classes[scaled] * factors[inverse]
    return out


def _left_to_right_sums(values: np.ndarray, offsets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each name's summed token weight, added left to right as a query's own total is (numpy's pairwise sums
    differ in the last bit, which reorders candidates that tie): one vector addition per token position."""
    totals = np.zeros(len(lengths), dtype=np.float64)
    for position in range(int(lengths.max()) if len(lengths) else 0):
        names = np.flatnonzero(lengths > position)
        totals[names] += values[offsets[names] + position]
    return totals


def _subsidiaries(keys: pa.Array, tokens: np.ndarray, token_offsets: np.ndarray, postings: Postings,
                  name_rows: np.ndarray, children: dict[str, list[int]],
                  n_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per entity row, the parties whose list names one of its names as their parent: (offsets, name ids, rows).

    Row r's pairs are ``names[offsets[r]:offsets[r + 1]]`` (its name written as the parent) and ``rows[...]``
    (the party naming it), in name order and, per name, in the order of ``children[text]``: the order a
    result reports its subsidiaries in. Why at build: found per result at query time, it meant making every
    name of the party (some have hundreds) to join its tokens and look the text up in ``children``.

    A name is a parent's name when its tokens are the parent text's words (a name's text is its tokens joined
    by spaces). Such a name holds every one of those words, so it is among the names the rarest of them is
    posted to: only those (a few per parent, of ~100 parents) are compared word by word.
    """
    import pyarrow.compute as pc

    texts = [text for text in children if text]
    words = [text.split() for text in texts]
    distinct = sorted({w for ws in words for w in ws})
    key_of: dict[str, int] = {}  # each parent word's position in keys (the keys are looked up in the few words)
    if distinct:
        where = pc.index_in(keys, value_set=pa.array(distinct, type=keys.type)).fill_null(-1).to_numpy(
            zero_copy_only=False)
        for key in np.flatnonzero(where >= 0).tolist():
            key_of[distinct[int(where[key])]] = key
    found: list[tuple[int, int]] = []  # (name, position of its text in texts)
    offsets, data = postings.offsets, postings.data
    for i, ws in enumerate(words):
        if not all(w in key_of for w in ws):
            continue  # a word no name has
        own = [key_of[w] for w in ws]
        rarest = min(own, key=lambda k: int(offsets[k + 1] - offsets[k]))
        for name in sorted(set(data[offsets[rarest]:offsets[rarest + 1]].tolist())):
            if tokens[token_offsets[name]:token_offsets[name + 1]].tolist() == own:
                found.append((name, i))
    found.sort()  # by name (a name is one text: each pair once)
    names = np.asarray([name for name, i in found for _ in children[texts[i]]], dtype=np.int32)
    rows = np.asarray([other for _, i in found for other in children[texts[i]]], dtype=np.int32)
    row_offsets = np.zeros(n_rows + 1, dtype=np.int64)
    if len(names):
        np.cumsum(np.bincount(name_rows[names], minlength=n_rows), out=row_offsets[1:])
    return row_offsets, names, rows


def _utf8_lengths(strings: pa.Array) -> list[int]:
    import pyarrow.compute as pc

    return pc.utf8_length(strings).to_pylist() if len(strings) else []


def _entities(segments: Sequence[Segment]) -> tuple[pa.Table, dict[str, int]]:
    """The entity table of the set: the segments' rows, dates borrowed from twins, ``twin`` and ``parent`` added."""
    import pyarrow.compute as pc

    table = pa.concat_tables([s.entities for s in segments], promote_options="permissive")
    lists = table.column("list").to_pylist()
    listing = table.column("listing_date").to_pylist()
    end = table.column("end_date").to_pylist()
    sources = table.column("source").to_pylist()
    name_keys = [k for s in segments for k in s.name_keys.to_pylist()]
    twins = borrow_dates(lists, sources, listing, end, name_keys)
    if any(t >= 0 for t in twins):
        table = table.set_column(table.schema.get_field_index("listing_date"), "listing_date", _strings(listing))
        table = table.set_column(table.schema.get_field_index("end_date"), "end_date", _strings(end))
    table = table.append_column("twin", pa.array(np.asarray(twins, dtype=np.int32), type=pa.int32()))
    table = table.append_column("parent", pa.concat_arrays([s.parents for s in segments]))
    undated: dict[str, int] = {}
    if table.num_rows:
        missing = pc.equal(table.column("listing_date"), "")
        for row in pc.value_counts(table.column("source").filter(missing)).to_pylist():
            undated[str(row["values"])] = int(row["counts"])
    return table.combine_chunks(), undated


def _groups(segments: Sequence[Segment], name_base: np.ndarray,
            name_rows: np.ndarray) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Group units and group parents (a name that is just the group: "CETC"), as entity rows per group."""
    units: dict[str, set[int]] = defaultdict(set)
    parents: dict[str, set[int]] = defaultdict(set)
    for s, base in zip(segments, name_base.tolist(), strict=False):
        for name, group, parent in zip(s.group_names.tolist(), s.group_tokens.to_pylist(), s.group_parent.tolist(),
                                       strict=True):
            (parents if parent else units)[group].add(int(name_rows[base + name]))
    for group, found in parents.items():
        units[group] -= found
    return {g: sorted(r) for g, r in units.items()}, {g: sorted(r) for g, r in parents.items()}
