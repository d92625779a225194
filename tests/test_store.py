"""The snapshot store on its own: immutable folders, ordering, last_successful, modes, crash leftovers."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from exportcheck.errors import SnapshotError
from exportcheck.model import Entity, FileManifest, SnapshotMeta, VersionEntry
from exportcheck.store import SnapshotStore, combined_sha, snapshot_sha
from exportcheck.tables import records_to_arrow


def _publish(store: SnapshotStore, tmp_path: Path, data_date: str, names: list[str]):
    raw = tmp_path / f"raw-{data_date}.csv"
    raw.write_text("\n".join(names))
    import hashlib

    sha = hashlib.sha256(raw.read_bytes()).hexdigest()
    records = [Entity(entity_id=f"t:{n}", source="t", list="T", schema="Organization", name=n) for n in names]
    meta = SnapshotMeta(source="t", version=f"{data_date}_{sha[:10]}", kind="entities", source_url="file:///x",
                        retrieved_at=datetime.now(UTC), data_date=date.fromisoformat(data_date),
                        files=[FileManifest(name=raw.name, sha256=sha, size=raw.stat().st_size)],
                        record_count=len(records), parser="t:csv", parser_version="1", format="csv")
    return store.publish(meta, [raw], {"entities": records_to_arrow(records, Entity)})


def test_publish_then_read_back(tmp_path):
    store = SnapshotStore(tmp_path / "lists")
    snap = _publish(store, tmp_path, "2024-01-01", ["Alpha", "Beta"])
    assert store.get("t").version == snap.version == store.index("t").last_successful
    assert list(store.get("t").load()["name"]) == ["Alpha", "Beta"]
    assert store.index("t").versions[0].sha256 == snapshot_sha(snap.meta) == snap.meta.files[0].sha256
    assert (snap.path / "raw" / "raw-2024-01-01.csv").read_text() == "Alpha\nBeta"
    assert snap.meta.tables == ["entities"]


def test_published_files_are_readable_by_everyone(tmp_path):
    store = SnapshotStore(tmp_path / "lists")
    snap = _publish(store, tmp_path, "2024-01-01", ["Alpha", "Beta"])
    assert stat.S_IMODE(snap.path.stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "lists" / "t" / "versions.json").stat().st_mode) == 0o644


def test_snapshots_are_immutable(tmp_path):
    store = SnapshotStore(tmp_path / "lists")
    snap = _publish(store, tmp_path, "2024-01-01", ["Alpha", "Beta"])
    with pytest.raises(SnapshotError, match="exists already"):
        store.publish(snap.meta, [], {})


def test_order_by_data_date_and_pointer_on_newest(tmp_path):
    store = SnapshotStore(tmp_path / "lists")
    new = _publish(store, tmp_path, "2024-06-01", ["Alpha", "Beta", "Gamma"])
    _publish(store, tmp_path, "2023-01-01", ["Alpha"])
    index = store.index("t")
    assert [v.data_date.isoformat() for v in index.versions] == ["2023-01-01", "2024-06-01"]
    assert index.last_successful == new.version
    assert store.as_of("t", date(2023, 6, 1)).meta.data_date == date(2023, 1, 1)
    assert store.as_of("t", date(2022, 1, 1)).meta.data_date == date(2023, 1, 1), "oldest when all are newer"


def test_orphan_folder_of_a_crashed_publish_is_replaced(tmp_path):
    """A folder renamed into place whose versions.json update never happened is not a snapshot."""
    store = SnapshotStore(tmp_path / "lists")
    first = _publish(store, tmp_path, "2024-01-01", ["Alpha", "Beta"])
    (tmp_path / "lists" / "t" / "versions.json").unlink()  # as if the crash came before the index write
    (first.path / "half-written.parquet").write_bytes(b"junk")
    with pytest.raises(SnapshotError, match="no snapshot yet"):
        store.get("t")
    again = _publish(store, tmp_path, "2024-01-01", ["Alpha", "Beta"])
    assert again.version == first.version and not (again.path / "half-written.parquet").exists()
    assert store.get("t").meta.record_count == 2


def test_checks_are_kept_short(tmp_path):
    store = SnapshotStore(tmp_path / "lists")
    snap = _publish(store, tmp_path, "2024-01-01", ["Alpha", "Beta"])
    entry = VersionEntry(version=snap.version, retrieved_at=datetime.now(UTC), record_count=2, sha256="x",
                         status="unchanged", message="HTTP 304 Not Modified")
    for _ in range(205):
        store.record_check("t", entry)
    assert len(store.index("t").checks) == 200 and len(store.index("t").versions) == 1


def test_combined_sha_is_order_independent():
    assert combined_sha([("a", "1")]) == "1"
    assert combined_sha([("a", "1"), ("b", "2")]) == combined_sha([("b", "2"), ("a", "1")]) != "1"
