"""The match index on disk: built at refresh, keyed by the snapshot set, memory-mapped, never pickled.

Uses a small second entity source (``test-sample``, read by the real CSL CSV parser from files in the
official layout written here) so that each refresh and build takes well under a second.
"""

from __future__ import annotations

import json
import mmap
import pickle
from datetime import date
from pathlib import Path

import numpy as np
import pytest

import exportcheck.matching as matching
from exportcheck.matching import get_screener, index_dir, indexfile
from exportcheck.matching.index import INDEX_VERSION
from exportcheck.refresh import refresh
from exportcheck.settings import get_settings
from exportcheck.store import SnapshotStore
from tests.refresh_support import SAMPLE_ID, csl_rows, fast_env, register_sample, sample_rows, write_csv


@pytest.fixture
def header(raw_dir: Path) -> list[str]:
    return csl_rows(raw_dir)[0]


@pytest.fixture
def sample_lists(lists_dir: Path, tmp_path: Path, header: list[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A lists folder holding one snapshot of the sample source (refreshed through the real pipeline)."""
    fast_env(monkeypatch)
    register_sample(monkeypatch)
    monkeypatch.setattr(matching, "_SCREENERS", {})
    _publish(lists_dir, tmp_path / "mirror", header, "sample_2024-01.csv", "2024-01-15")
    return lists_dir


def _publish(lists: Path, mirror: Path, header: list[str], name: str, start: str) -> None:
    rows = sample_rows(header, 6, start, prefix=name)
    rows[0]["name"] = "Huawei Technologies Co., Ltd."
    rows[1]["name"] = "China Electronics Technology Group Corporation 14th Research Institute"
    write_csv(mirror / SAMPLE_ID / name, header, rows)
    outcomes = refresh([SAMPLE_ID], get_settings(lists), mirror=str(mirror))
    assert [o.status for o in outcomes] == ["published"], outcomes


def _folders(lists: Path) -> list[Path]:
    return sorted(p for p in index_dir(lists).glob("index-*") if p.is_dir())


def _key(lists: Path) -> str:
    snap = SnapshotStore(lists).latest(SAMPLE_ID)
    assert snap is not None
    return f"{SAMPLE_ID}@{snap.version}"


def test_refresh_builds_the_index_of_the_new_snapshot_set(sample_lists: Path) -> None:
    [folder] = _folders(sample_lists)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["key"] == _key(sample_lists)
    assert manifest["index_version"] == INDEX_VERSION
    assert manifest["entities"] == 6
    stored = {p.suffix for p in folder.iterdir()}
    assert stored == {".json", ".arrow", ".npy"}  # nothing else, and no pickle anywhere
    assert not [p for p in sample_lists.rglob("*") if p.suffix in (".pkl", ".pickle")]


def test_screening_maps_the_stored_index_without_unpickling(sample_lists: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the index must never be unpickled")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    before = {p: p.stat().st_mtime_ns for p in _folders(sample_lists)[0].iterdir()}
    matches = get_screener(sample_lists).screen("Huawei Technologies Co Ltd")
    assert matches and matches[0].name == "Huawei Technologies Co., Ltd." and matches[0].is_match
    assert matches[0].snapshot == _key(sample_lists)
    # the stored index was read, not rebuilt: its files are unchanged
    assert {p: p.stat().st_mtime_ns for p in _folders(sample_lists)[0].iterdir()} == before
    index = matching.load(sample_lists)
    base = index.names.rows
    while base is not None and not isinstance(base, mmap.mmap):
        base = getattr(base, "base", None)
    assert isinstance(base, mmap.mmap)  # memory-mapped, not read into memory


def test_a_newer_snapshot_gets_a_new_index_and_the_old_one_stays(sample_lists: Path, tmp_path: Path,
                                                                 header: list[str]) -> None:
    old_key = _key(sample_lists)
    query = "Sample Company sample_2024-03.csv 2"
    assert not any(m.is_match for m in get_screener(sample_lists).screen(query))
    _publish(sample_lists, tmp_path / "mirror2", header, "sample_2024-03.csv", "2024-03-01")
    assert _key(sample_lists) != old_key
    folders = _folders(sample_lists)
    assert len(folders) == 2  # the new set's index was built by the refresh, the old one kept for --as-of
    found = get_screener(sample_lists).screen(query)
    assert found and found[0].is_match and found[0].snapshot == _key(sample_lists)
    # the set that stood on an earlier date still reads its own index
    assert get_screener(sample_lists, date(2024, 1, 20)).index.key == old_key


def test_a_damaged_or_half_written_index_is_rebuilt_not_used(sample_lists: Path) -> None:
    [folder] = _folders(sample_lists)
    key = _key(sample_lists)
    (folder / "name_rows.npy").write_bytes(b"not an array")
    assert indexfile.read(index_dir(sample_lists), key) is None
    # an object array (the way a pickle could ride in a .npy) is refused by allow_pickle=False
    np.save(folder / "name_rows.npy", np.array([{"x": 1}], dtype=object), allow_pickle=True)
    assert indexfile.read(index_dir(sample_lists), key) is None
    (folder / "manifest.json").unlink()  # what a reader would see mid-write, had it not been renamed at the end
    assert indexfile.read(index_dir(sample_lists), key) is None
    matches = get_screener(sample_lists).screen("Huawei Technologies")
    assert matches and matches[0].is_match
    assert indexfile.read(index_dir(sample_lists), key) is not None  # the damaged folder was replaced
    assert [p.name for p in _folders(sample_lists)] == [folder.name]


def test_an_index_stored_without_the_result_records_and_relations_is_rebuilt(sample_lists: Path) -> None:
    """An index an earlier version stored (no result records, no subsidiary arrays) is not read but rebuilt."""
    [folder] = _folders(sample_lists)
    key = _key(sample_lists)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["arrays"] = [a for a in manifest["arrays"] if not a.startswith("subsidiary_")]
    manifest["strings"] = [s for s in manifest["strings"] if s != "records"]
    for name in ("subsidiary_offsets.npy", "subsidiary_names.npy", "subsidiary_rows.npy", "records.arrow"):
        (folder / name).unlink()
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert indexfile.read(index_dir(sample_lists), key) is None
    matches = get_screener(sample_lists).screen("Huawei Technologies")
    assert matches and matches[0].is_match and matches[0].snapshot == key
    again = indexfile.read(index_dir(sample_lists), key)
    assert again is not None and len(again.records) == len(again)


def test_an_old_pickle_cache_is_removed_and_never_read(sample_lists: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = index_dir(sample_lists)
    stale = cache / "index-0123456789abcdef0123.pkl"
    stale.write_bytes(pickle.dumps({"an": "old index"}))
    monkeypatch.setattr(pickle, "load", lambda *a, **k: pytest.fail("pickle.load called"))
    for folder in _folders(sample_lists):
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    assert get_screener(sample_lists).screen("Huawei Technologies")
    assert not stale.exists()


def test_the_stored_index_answers_as_the_freshly_built_one(sample_lists: Path) -> None:
    from exportcheck.matching.index import INDEX_COLUMNS, build_index
    from exportcheck.matching.lists import load_lists
    from exportcheck.matching.screener import Screener

    loaded = load_lists(SnapshotStore(sample_lists), columns=INDEX_COLUMNS)
    fresh = Screener(build_index(loaded.entities, loaded.key))
    stored = get_screener(sample_lists)
    for query in ("Huawei", "CETC 14", "14th Research Institute of CETC", "Sample Company 3", "Sampel Compny"):
        assert [m.model_dump() for m in stored.screen(query)] == [m.model_dump() for m in fresh.screen(query)]


def test_an_older_dates_index_is_assembled_from_segments_stored_at_refresh(
        sample_lists: Path, tmp_path: Path, header: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Refresh stores each published snapshot's segment; the index of an earlier date's set (which no refresh
    built) is then assembled from them without normalising a name again."""
    from exportcheck.matching import segment

    old_key = _key(sample_lists)
    _publish(sample_lists, tmp_path / "mirror2", header, "sample_2024-03.csv", "2024-03-01")
    stored = sorted((index_dir(sample_lists) / "segments").glob("segment-*"))
    assert len(stored) == 2  # one per published snapshot
    assert {p.suffix for folder in stored for p in folder.iterdir()} == {".json", ".arrow", ".npy"}
    for folder in _folders(sample_lists):  # no set index left: only the per-snapshot segments
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("names normalised again")

    monkeypatch.setattr(segment, "compute", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    screener = get_screener(sample_lists, date(2024, 1, 20))
    assert screener.index.key == old_key
    found = screener.screen("Huawei Technologies Co Ltd")
    assert found and found[0].is_match and found[0].snapshot == old_key


def test_a_damaged_or_half_written_segment_is_computed_again_not_used(sample_lists: Path) -> None:
    from exportcheck.matching import segment

    snap = SnapshotStore(sample_lists).latest(SAMPLE_ID)
    assert snap is not None
    [folder] = sorted((index_dir(sample_lists) / "segments").glob("segment-*"))
    assert segment.read(folder) is not None
    np.save(folder / "tokens.npy", np.array([{"x": 1}], dtype=object), allow_pickle=True)  # a pickle riding in
    assert segment.read(folder) is None
    np.save(folder / "tokens.npy", np.zeros(3, dtype=np.int32))  # readable, but not this segment's tokens
    assert segment.read(folder) is None
    (folder / "manifest.json").unlink()  # what a reader would see mid-write, had it not been renamed at the end
    assert segment.read(folder) is None
    for index in _folders(sample_lists):
        for path in index.iterdir():
            path.unlink()
        index.rmdir()
    matches = get_screener(sample_lists).screen("Huawei Technologies")
    assert matches and matches[0].is_match
    assert segment.read(folder) is not None  # computed again and stored in its place


def test_a_dropped_index_is_freed_at_once_without_the_garbage_collector(sample_lists: Path) -> None:
    """No reference cycle through the index: a server that swaps in new lists frees the old index (hundreds of MB on
    the real lists) when it lets go of it, not at the collector's next full pass. The token-weight table held the
    index that held it (MatchIndex.weigh), so the whole index waited for that pass."""
    import gc
    import weakref

    from exportcheck.matching.index import INDEX_COLUMNS, build_index
    from exportcheck.matching.lists import load_lists
    from exportcheck.matching.screener import Screener

    loaded = load_lists(SnapshotStore(sample_lists), columns=INDEX_COLUMNS)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        screener = Screener(build_index(loaded.entities, loaded.key)).prepare()
        assert screener.screen("14th Research Institute of CETC") and screener.index.weigh("cetc") > 0
        index, table = weakref.ref(screener.index), weakref.ref(screener.index.names)
        del screener
        assert index() is None and table() is None
    finally:
        if was_enabled:
            gc.enable()
