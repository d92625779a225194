"""The snapshot store on its own: immutable folders, ordering, last_successful, modes, crash leftovers."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from exportcheck.errors import SnapshotError
from exportcheck.model import Entity, FileManifest, SnapshotMeta, VersionEntry
from exportcheck.store import EditionRule, SnapshotStore, combined_sha, read_order, snapshot_sha
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


# --- the declared rule for choosing between copies of one edition (store.read_order) ------------------------
def _meta(data_date: str, fmt: str, retrieved: str, source: str = "t") -> SnapshotMeta:
    return SnapshotMeta(source=source, version=f"{data_date}_{fmt[:10]}", kind="entities", source_url="file:///x",
                        retrieved_at=datetime.fromisoformat(retrieved).replace(tzinfo=UTC),
                        data_date=date.fromisoformat(data_date), files=[], record_count=1, parser="t",
                        parser_version="1", format=fmt)


def test_read_order_prefers_the_fuller_format_on_one_edition_whatever_the_refresh_order() -> None:
    rule = EditionRule(same_edition_days=7, fullness={"full": 1, "partial": 0})
    full = _meta("2026-06-08", "full", "2026-07-01T10:00:00")
    partial = _meta("2026-06-10", "partial", "2026-07-01T11:00:00")  # two days later, refreshed later
    assert [m.format for m in read_order([full, partial], rule)] == ["full"]
    assert [m.format for m in read_order([partial, full], rule)] == ["full"]
    # without the declared window only equal dates are one edition: the later partial copy is newer data
    assert [m.format for m in read_order([full, partial], EditionRule(0, rule.fullness))] == ["full", "partial"]
    same_day = _meta("2026-06-08", "partial", "2026-07-02T00:00:00")
    assert [m.format for m in read_order([full, same_day], EditionRule(0, rule.fullness))] == ["full"]
    # a partial copy of a LATER edition (outside the window) is newer data and is read
    later = _meta("2026-09-01", "partial", "2026-07-01T12:00:00")
    assert [m.format for m in read_order([full, partial, later], rule)] == ["full", "partial"]
    assert read_order([full, partial, later], rule)[-1] is later
    # an undeclared source keeps the plain order: data date, then retrieval
    assert read_order([partial, full], EditionRule()) == [full, partial]


def test_store_latest_and_as_of_follow_the_declared_rule_for_1260h(tmp_path: Path) -> None:
    """us-1260h declares the OpenSanctions transcription fuller than the nsfreg copy of the same edition."""
    store = SnapshotStore(tmp_path / "lists")
    for data_date, fmt, retrieved in (("2026-06-08", "opensanctions-csv", "2026-07-01T10:00:00"),
                                      ("2026-06-10", "nsfreg-json", "2026-07-01T11:00:00")):
        meta = _meta(data_date, fmt, retrieved, source="us-1260h")
        raw = tmp_path / f"{fmt}.txt"
        raw.write_text(fmt)
        store.publish(meta, [raw], {})
    latest = store.latest("us-1260h")
    assert latest is not None and latest.meta.format == "opensanctions-csv"
    assert store.index("us-1260h").last_successful == latest.version == store.get("us-1260h").version
    assert store.as_of("us-1260h", date(2026, 6, 9)).meta.format == "opensanctions-csv"  # type: ignore[union-attr]
    assert store.as_of("us-1260h", date(2026, 8, 1)).meta.format == "opensanctions-csv"  # type: ignore[union-attr]
    assert store.choose("us-1260h", None).snapshot.version == latest.version  # type: ignore[union-attr]


def test_a_reread_by_a_newer_parser_replaces_the_old_read_for_readers(tmp_path: Path) -> None:
    """refresh publishes a re-read of the same files as ``<version>-p<N>`` beside the old read: both stay on disk,
    readers read only the newer (else every control entry of that version is loaded twice)."""
    def meta(parser_version: str, sha: str, fmt: str = "csv") -> SnapshotMeta:
        return SnapshotMeta(source="t", version=f"2024-01-01_{sha}-p{parser_version}", kind="entities",
                            source_url="file:///x", retrieved_at=datetime.now(UTC), data_date=date(2024, 1, 1),
                            files=[FileManifest(name="a.csv", sha256=sha, size=1)], record_count=1, parser="t",
                            parser_version=parser_version, format=fmt)

    old, new = meta("4", "aa"), meta("5", "aa")
    assert read_order([old, new], EditionRule()) == [new] == read_order([new, old], EditionRule())
    assert read_order([meta("10", "aa"), meta("9", "aa")], EditionRule())[0].parser_version == "10"
    other_files = meta("5", "bb")
    assert read_order([old, other_files], EditionRule()) == [old, other_files]  # other files: other data
    assert len(read_order([old, meta("5", "aa", "xml")], EditionRule())) == 2  # another format: not a re-read

    store = SnapshotStore(tmp_path / "lists")
    first = _publish(store, tmp_path, "2024-01-01", ["Alpha"])
    again = first.meta.model_copy(update={"version": f"{first.version}-p2", "parser_version": "2",
                                          "retrieved_at": datetime.now(UTC)})
    records = [Entity(entity_id="t:Alpha", source="t", list="T", schema="Organization", name="Alpha")]
    store.publish(again, [first.path / "raw" / "raw-2024-01-01.csv"], {"entities": records_to_arrow(records, Entity)})
    assert [s.version for s in store.snapshots("t")] == [first.version, f"{first.version}-p2"]
    assert [s.version for s in store.readable("t")] == [f"{first.version}-p2"] == [store.latest("t").version]
