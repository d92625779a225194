"""Control data precomputed at refresh: the same data as derived from the snapshots, safe, and never stale.

Runs on the session's one refresh of the real mirror (``control_lists_dir``); tests that change a
lists folder copy the three control sources into their own.
"""

from __future__ import annotations

import logging
import pickle
import shutil
from pathlib import Path

import pandas as pd
import pytest

from exportcheck.controls import load_controls
from exportcheck.controls import precompute as pc
from exportcheck.controls.criteria_parse import build_version
from exportcheck.controls.data import CONTROL_SOURCES, ControlData, control_versions, load_from_snapshots
from exportcheck.refresh import precompute_controls_after_refresh
from exportcheck.store import SnapshotStore


def _versions(data: ControlData) -> list[tuple[str, str]]:
    return sorted(set(zip(data.entries.regime.astype(str), data.entries.version.astype(str), strict=True)))


def _same_trees(a: dict, b: dict) -> None:
    assert list(a) == list(b)
    for code in b:
        assert a[code].model_dump() == b[code].model_dump(), code
        assert [c.code for c in a[code].children] == [c.code for c in b[code].children]
        for child in a[code].children:
            assert a[child.code] is child  # the dict and the tree share nodes, as a fresh build does


@pytest.fixture
def own_lists(tmp_path: Path, control_lists_dir: Path) -> Path:
    """A private copy of the control sources of the real refresh, with the precomputed folder."""
    folder = tmp_path / "lists"
    for sid in CONTROL_SOURCES:
        shutil.copytree(control_lists_dir / sid, folder / sid)
    shutil.copytree(control_lists_dir / pc.CACHE_DIR, folder / pc.CACHE_DIR)
    return folder


def test_refresh_writes_the_precomputed_folder_for_the_snapshots_it_published(control_lists_dir: Path) -> None:
    folder = pc.precomputed_dir(control_lists_dir)
    manifest = pc.Manifest.model_validate_json((folder / pc.MANIFEST).read_bytes())
    assert manifest.snapshots == control_versions(SnapshotStore(control_lists_dir))
    assert len(manifest.snapshots) >= 3  # two Annex I versions and the CCL at least
    assert {"controls", "definitions", "country_chart"} <= set(manifest.tables)
    assert set(manifest.criteria) >= {"eu@02021R0821-20251115", "eu@02021R0821-20230526"}
    # data formats only: Arrow IPC files start with their magic, JSON with a brace; nothing is a pickle
    for path in folder.iterdir():
        head = path.read_bytes()[:6]
        assert head == b"ARROW1" if path.suffix == ".arrow" else head.startswith(b"{"), path.name


def test_precomputed_data_equals_the_data_derived_from_snapshots(control_lists_dir: Path) -> None:
    pre = load_controls(control_lists_dir)
    assert pre.derived == pc.precomputed_dir(control_lists_dir)
    raw = load_from_snapshots(control_lists_dir)
    assert raw.derived is None
    pd.testing.assert_frame_equal(pre.entries, raw.entries)
    assert sorted(pre.tables) == sorted(raw.tables)
    for name in raw.tables:
        pd.testing.assert_frame_equal(pre.tables[name], raw.tables[name])
    assert pre.warnings == raw.warnings
    for regime, version in _versions(raw):
        _same_trees(pc.criteria_trees(pre, regime, version),
                    build_version(raw.entries, regime, version, raw.table("definitions")))


def test_string_columns_are_plain_python_strings(control_lists_dir: Path) -> None:
    """Row-by-row readers (search, lookup) pay ~10x per access on Arrow-backed strings."""
    data = load_controls(control_lists_dir)
    assert data.entries["code"].dtype == object and data.entries["text"].dtype == object
    assert isinstance(data.entries["code"].iloc[0], str)


def test_reading_never_unpickles(control_lists_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pickle used to read precomputed control data")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    data = pc.load_precomputed(control_lists_dir)
    assert data is not None
    nodes = pc.criteria_trees(data, "eu", "02021R0821-20251115")
    assert nodes["3B001.f.1"].children


def test_damaged_files_fall_back_to_the_snapshots(own_lists: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = pc.precomputed_dir(own_lists)
    tree = folder / pc.Manifest.model_validate_json((folder / pc.MANIFEST).read_bytes()).criteria[
        "eu@02021R0821-20251115"]
    tree.write_text('{"nodes": [{"code": 1}]}', encoding="utf-8")
    caplog.set_level(logging.WARNING)
    data = load_controls(own_lists)
    assert data.derived == folder
    raw = load_from_snapshots(own_lists)
    _same_trees(pc.criteria_trees(data, "eu", "02021R0821-20251115"),
                build_version(raw.entries, "eu", "02021R0821-20251115", raw.table("definitions")))
    assert "ignoring precomputed criteria" in caplog.text

    (folder / "controls.arrow").write_bytes(b"ARROW1 but truncated")
    data = load_controls(own_lists)
    assert data.derived is None
    pd.testing.assert_frame_equal(data.entries, raw.entries)


def test_a_new_snapshot_set_or_changed_tree_code_is_never_served_old_data(own_lists: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    before = pc.precomputed_dir(own_lists)
    monkeypatch.setattr(pc, "code_digest", lambda: "another reader of criteria")
    assert pc.precomputed_dir(own_lists) != before
    assert pc.load_precomputed(own_lists) is None  # the old folder is not read under the new key
    # dropping a snapshot from the index (what a new set of snapshots looks like) changes the key too
    monkeypatch.undo()
    store = SnapshotStore(own_lists)
    index = store.index("us-ccl")
    (own_lists / "us-ccl" / "versions.json").write_text(index.model_copy(update={"versions": []}).model_dump_json(),
                                                        encoding="utf-8")
    assert pc.precomputed_dir(own_lists) != before
    assert pc.load_precomputed(own_lists) is None
    assert set(load_controls(own_lists).entries.regime) == {"eu"}


def test_precompute_is_atomic_idempotent_and_replaces_older_folders(own_lists: Path) -> None:
    shutil.rmtree(own_lists / pc.CACHE_DIR)
    stale = own_lists / pc.CACHE_DIR / "0123456789abcdef0123"
    stale.mkdir(parents=True)
    crashed = own_lists / pc.CACHE_DIR / ".tmp-crashed"  # what a killed writer leaves: never read
    crashed.mkdir()
    (crashed / pc.MANIFEST).write_text("{}", encoding="utf-8")
    assert pc.load_precomputed(own_lists) is None
    folder = pc.precompute_controls(own_lists)
    assert folder == pc.precomputed_dir(own_lists) and (folder / pc.MANIFEST).exists()
    assert not stale.exists()
    written = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert pc.precompute_controls(own_lists) == folder
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == written  # not rewritten
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".tmp-") and p != crashed]


def test_no_control_snapshot_means_nothing_to_precompute(tmp_path: Path) -> None:
    assert pc.precompute_controls(tmp_path) is None
    assert pc.load_precomputed(tmp_path) is None
    assert not (tmp_path / pc.CACHE_DIR).exists()


def test_a_failing_precompute_never_fails_the_refresh(own_lists: Path, monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    def broken(lists_dir: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pc, "precompute_controls", broken)
    caplog.set_level(logging.WARNING)
    precompute_controls_after_refresh(SnapshotStore(own_lists))
    assert "control data not precomputed" in caplog.text and "disk full" in caplog.text
