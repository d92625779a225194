"""An index assembled from the per-snapshot segments refresh stored is the index of the concatenated rows.

Real data: the session's refreshed lists (``real_lists_dir``), four entity sources as they stood on a past
date (a set no refresh builds an index for). The reference is one segment computed over all their rows
at once: its vocabulary sorted by Python, its postings appended name by name, so the union, id mapping
and sorting that merge several segments are checked against code that does none of them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from exportcheck.matching import index_dir, segment
from exportcheck.matching.index import INDEX_COLUMNS, IndexParts
from exportcheck.matching.indexfile import from_parts
from exportcheck.matching.lists import choose_snapshots, snapshot_entities
from exportcheck.matching.screener import Screener
from exportcheck.store import SnapshotStore

# The CSL's undated copy of the Entity List borrows dates from the eCFR copy; 1260H and the Entity List name
# CETC institutes (group relations); MOFCOM brings Chinese-script aliases.
SOURCES = ["us-entity-list", "us-csl", "us-1260h", "cn-mofcom"]
PAST = date(2024, 2, 5)
QUERIES = ["Huawei Technologies Co., Ltd.", "hua wei", "14th Research Institute of CETC", "CETC 24",
           "China Electronics Technology Group Corporation 24th Research Institute", "中国电子科技集团公司第二十四研究所",
           "Hikvision", "Semiconductor Manufacturing International Corp", "Lockheed Martin", "Skydio",
           "Beijing Institute of Technolgy", "Sichuan University", "Academy of Military Medical Sciences"]


@pytest.fixture(scope="module")
def parts(real_lists_dir: Path) -> tuple[IndexParts, IndexParts]:
    """(the set assembled from the stored segments, the same rows as one segment computed now)."""
    store = SnapshotStore(real_lists_dir)
    snaps, _ = choose_snapshots(store, SOURCES, PAST)
    assert len(snaps) == len(SOURCES)
    cache = index_dir(real_lists_dir)
    folders = [segment._folder(cache, s) for s in snaps]
    assert all(f is not None and segment.read(f) is not None for f in folders)  # stored by the refresh
    merged = segment.assemble([segment.of_snapshot(s, cache) for s in snaps], "past")
    single = segment.assemble([segment.compute(snapshot_entities(snaps, columns=INDEX_COLUMNS))], "past")
    return merged, single


def test_segments_assembled_equal_one_segment_of_all_rows(parts: tuple[IndexParts, IndexParts]) -> None:
    merged, single = parts
    assert sorted(merged.arrays) == sorted(single.arrays) and sorted(merged.strings) == sorted(single.strings)
    for name, array in single.arrays.items():
        assert merged.arrays[name].dtype == array.dtype, name
        assert np.array_equal(merged.arrays[name], array), name
    for name, values in single.strings.items():
        assert _values(merged.strings[name]) == _values(values), name
    assert merged.entities.column_names == single.entities.column_names
    for column in single.entities.column_names:
        assert merged.entities.column(column).to_pylist() == single.entities.column(column).to_pylist(), column
    assert {k: v for k, v in merged.manifest.items() if k != "build_seconds"} == {
        k: v for k, v in single.manifest.items() if k != "build_seconds"}
    # what the set adds was exercised: dates borrowed between lists, group relations, several segments' words
    assert (merged.entities.column("twin").to_numpy() >= 0).sum() > 100
    assert len(merged.arrays["units_data"]) > 10 and len(merged.arrays["subsidiary_rows"]) > 10
    assert len(merged.arrays["grams_data"]) > 100_000


def test_an_assembled_past_index_screens_as_the_one_built_at_once(parts: tuple[IndexParts, IndexParts]) -> None:
    merged, single = parts
    assembled, fresh = Screener(from_parts(merged)), Screener(from_parts(single))
    hits = 0
    for query in QUERIES:
        got = [m.model_dump() for m in assembled.screen(query, min_score=0.5)]
        assert got == [m.model_dump() for m in fresh.screen(query, min_score=0.5)], query
        hits += sum(1 for m in got if m["is_match"])
    assert hits >= 10  # the queries find listed parties, so equal answers are not just equally empty


def _values(values: object) -> list[object]:
    return values.to_pylist() if hasattr(values, "to_pylist") else list(values)  # type: ignore[call-overload]
