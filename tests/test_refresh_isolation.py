"""Failures stay with their source and their dated set; publishing is all or nothing.

Uses a second entity source (``test-sample``, read by the real CSL CSV parser from small files in the
official layout written here) beside the real ``us-csl``, so one can fail while the other succeeds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import exportcheck.store
from exportcheck.cli import app
from exportcheck.refresh import refresh
from exportcheck.settings import get_settings
from exportcheck.store import SnapshotStore
from tests.conftest import tree_digest
from tests.refresh_support import (
    SAMPLE_ID,
    copy_lists,
    csl_rows,
    fast_env,
    mirror_snapshots,
    register_sample,
    sample_rows,
    write_csv,
)

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_env(monkeypatch)


@pytest.fixture
def header(raw_dir) -> list[str]:
    return csl_rows(raw_dir)[0]


@pytest.fixture
def sample(monkeypatch):
    return register_sample(monkeypatch)


def _sample_file(mirror: Path, header: list[str], name: str, count: int, start_date: str) -> Path:
    return write_csv(mirror / SAMPLE_ID / name, header, sample_rows(header, count, start_date, prefix=name))


def test_another_source_still_refreshes_when_one_fails(tmp_path, tmp_path_factory, raw_dir, header, sample,
                                                       monkeypatch):
    lists = copy_lists(mirror_snapshots(tmp_path_factory, raw_dir)[0], tmp_path / "lists", monkeypatch)
    mirror = tmp_path / "mirror"
    _, rows = csl_rows(raw_dir)
    write_csv(mirror / "us-csl" / "consolidated_2026-01.csv", header, rows[:100])  # breaks us-csl's bounds
    _sample_file(mirror, header, "sample_2024-01.csv", 5, "2024-01-15")
    csl_before = tree_digest(lists / "us-csl")

    result = runner.invoke(app, ["refresh", "us-csl", SAMPLE_ID, "--mirror", str(mirror)])

    assert result.exit_code == 1
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert "us-csl" in line and "parsed to 100 records" in line and "Traceback" not in result.output
    assert tree_digest(lists / "us-csl") == csl_before
    snap = SnapshotStore(lists).get(SAMPLE_ID)
    assert snap.meta.record_count == 5 and snap.meta.data_date.isoformat() == "2024-01-15"
    assert f"published {snap.version}" in result.stdout


def test_all_dates_oldest_first_and_a_broken_set_does_not_stop_the_others(lists_dir, tmp_path, header, sample):
    mirror = tmp_path / "mirror"
    _sample_file(mirror, header, "sample_2021-03.csv", 6, "2021-03-10")
    _sample_file(mirror, header, "sample_2020-06.csv", 4, "2020-06-01")
    _sample_file(mirror, header, "sample_2020-09.csv", 1, "2020-09-01")  # below min_records=2

    outcomes = refresh([SAMPLE_ID], get_settings(lists_dir), mirror=str(mirror), all_dates=True)

    assert [o.status for o in outcomes] == ["published", "failed", "published"]
    assert "sample_2020-09.csv" in outcomes[1].message and "parsed to 1 records" in outcomes[1].message
    index = SnapshotStore(lists_dir).index(SAMPLE_ID)
    assert [(v.data_date.isoformat(), v.record_count) for v in index.versions] == [("2020-06-01", 4),
                                                                                   ("2021-03-10", 6)]
    assert index.last_successful == index.versions[-1].version


def test_backfilling_an_older_file_keeps_last_successful_on_the_newest_data(lists_dir, tmp_path, header, sample):
    mirror = tmp_path / "mirror"
    _sample_file(mirror, header, "sample_2021-03.csv", 6, "2021-03-10")
    refresh([SAMPLE_ID], get_settings(lists_dir), mirror=str(mirror))
    newest = SnapshotStore(lists_dir).index(SAMPLE_ID).last_successful
    _sample_file(mirror, header, "sample_2020-06.csv", 4, "2020-06-01")

    outcomes = refresh([SAMPLE_ID], get_settings(lists_dir), mirror=str(mirror), all_dates=True)

    assert [o.status for o in outcomes] == ["published", "unchanged"]
    index = SnapshotStore(lists_dir).index(SAMPLE_ID)
    assert [v.data_date.isoformat() for v in index.versions] == ["2020-06-01", "2021-03-10"]
    assert index.last_successful == newest


def test_a_crash_while_writing_a_table_leaves_no_half_snapshot(lists_dir, tmp_path, header, sample, monkeypatch):
    mirror = tmp_path / "mirror"
    _sample_file(mirror, header, "sample_2021-03.csv", 6, "2021-03-10")
    refresh([SAMPLE_ID], get_settings(lists_dir), mirror=str(mirror))
    _sample_file(mirror, header, "sample_2022-01.csv", 7, "2022-01-05")
    before = tree_digest(lists_dir)

    def disk_full(table, path):
        path.write_bytes(b"PAR1 half a file")  # something is on disk when the failure strikes
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(exportcheck.store, "write_parquet", disk_full)
    result = runner.invoke(app, ["refresh", SAMPLE_ID, "--mirror", str(mirror), "--json"])

    assert result.exit_code == 1
    [outcome] = json.loads(result.stdout)
    assert outcome["status"] == "failed"
    assert "cannot write snapshot" in outcome["message"] and "No space left on device" in outcome["message"]
    assert tree_digest(lists_dir) == before
    assert not list((lists_dir / SAMPLE_ID).glob(".tmp-*"))


def test_a_crash_while_updating_versions_json_takes_the_folder_back(lists_dir, tmp_path, header, sample,
                                                                   monkeypatch):
    mirror = tmp_path / "mirror"
    _sample_file(mirror, header, "sample_2021-03.csv", 6, "2021-03-10")
    refresh([SAMPLE_ID], get_settings(lists_dir), mirror=str(mirror))
    _sample_file(mirror, header, "sample_2022-01.csv", 7, "2022-01-05")
    before = tree_digest(lists_dir)

    def fail(path, text):
        raise OSError(13, "Permission denied", str(path))

    monkeypatch.setattr(exportcheck.store, "_write_json_atomic", fail)
    [outcome] = refresh([SAMPLE_ID], get_settings(lists_dir), mirror=str(mirror))
    assert outcome.status == "failed" and "cannot update versions.json" in outcome.message
    assert tree_digest(lists_dir) == before


def test_a_bug_in_one_source_does_not_stop_the_others(lists_dir, tmp_path, header, sample, monkeypatch):
    """An unexpected exception outside parsing is contained to its source and reported in one line."""
    mirror = tmp_path / "mirror"
    _sample_file(mirror, header, "sample_2021-03.csv", 6, "2021-03-10")
    (mirror / "us-csl").mkdir()

    def broken(*args, **kwargs):
        raise KeyError("surprise")

    import exportcheck.refresh as refresh_module

    original = refresh_module.refresh_from_mirror
    monkeypatch.setattr(refresh_module, "refresh_from_mirror",
                        lambda source, *a, **k: broken() if source.id == "us-csl" else original(source, *a, **k))
    outcomes = refresh(["us-csl", SAMPLE_ID], get_settings(lists_dir), mirror=str(mirror))
    assert [(o.source, o.status) for o in outcomes] == [("us-csl", "failed"), (SAMPLE_ID, "published")]
    assert outcomes[0].message == "internal error: KeyError: 'surprise'"


def test_leftover_temp_folders_of_a_killed_run_are_cleared(lists_dir, tmp_path, header, sample):
    mirror = tmp_path / "mirror"
    _sample_file(mirror, header, "sample_2021-03.csv", 6, "2021-03-10")
    leftover = lists_dir / SAMPLE_ID / ".tmp-2021-03-10_abc-xyz"
    (leftover / "raw").mkdir(parents=True)
    refresh([SAMPLE_ID], get_settings(lists_dir), mirror=str(mirror))
    assert not leftover.exists()
    assert SnapshotStore(lists_dir).get(SAMPLE_ID).meta.record_count == 6
