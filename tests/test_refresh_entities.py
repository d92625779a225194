"""``python -m exportcheck refresh --mirror ../shared/data/raw --all-dates`` publishes a snapshot for
each entity source that has a real file here, with the data dates the files state."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from exportcheck.store import SnapshotStore

SOURCES = {"us-csl": 2, "us-entity-list": 1, "us-meu": 1, "us-1260h": 2, "eu-833-annex-iv": 1}


@pytest.fixture(scope="module")
def refreshed(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    lists = tmp_path_factory.mktemp("lists")
    proc = subprocess.run([sys.executable, "-m", "exportcheck", "refresh", *SOURCES, "--mirror", str(raw_dir),
                           "--all-dates", "--lists-dir", str(lists)], capture_output=True, text=True, check=False,
                          cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return lists, proc.stdout


def test_a_snapshot_per_file_set(refreshed: tuple[Path, str]) -> None:
    lists, output = refreshed
    store = SnapshotStore(lists)
    for source_id, count in SOURCES.items():
        versions = store.index(source_id).versions
        assert len(versions) == count, (source_id, output)
        assert all(v.status == "published" for v in versions)
    assert sum(1 for line in output.splitlines() if line.lstrip().startswith("published")) == sum(SOURCES.values())


def test_csl_two_snapshots_oldest_first(refreshed: tuple[Path, str]) -> None:
    store = SnapshotStore(refreshed[0])
    versions = store.index("us-csl").versions
    assert [str(v.data_date) for v in versions] == ["2022-04-21", "2026-07-31"]
    assert [v.record_count for v in versions] == [14160, 25921]
    latest = store.latest("us-csl")
    assert latest is not None and latest.meta.format == "csl-compact-json" and latest.meta.data_date_basis.startswith("file")


def test_snapshot_metadata(refreshed: tuple[Path, str]) -> None:
    store = SnapshotStore(refreshed[0])
    meta = store.latest("us-entity-list").meta  # type: ignore[union-attr]
    assert (meta.record_count, str(meta.data_date), meta.format) == (3409, "2026-07-09", "nsfreg-json")
    assert meta.alias_count == 5172 and meta.verified_on_real_file
    meta = store.latest("eu-833-annex-iv").meta  # type: ignore[union-attr]
    assert (meta.record_count, str(meta.data_date)) == (921, "2026-08-14")
    # the OpenSanctions CSV (all editions) dates itself by its newest edition, 2026-06-08; the nsfreg JSON
    # of the same edition by its Federal Register notice, 2026-06-10, so it is the latest snapshot
    transcription = next(s for s in store.snapshots("us-1260h") if "listing_periods" in s.meta.tables)
    periods = transcription.load("listing_periods")
    assert len(periods) == 397
