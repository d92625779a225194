"""`exportcheck refresh us-ofac-sdn us-ofac-cons un-sc --mirror RAW --all-dates` publishes one snapshot
per dated input set, and the published tables hold what the parsers yield."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportcheck.cli import app
from exportcheck.store import SnapshotStore

EXPECTED = {
    # source: {(data date, format): (records, aliases, files)}
    "us-ofac-sdn": {
        ("2024-05-03", "ofac-legacy-csv"): (14965, 3663, ["sdn_2024-05-03.csv"]),
        ("2026-08-20", "ofac-sdn-names-csv"): (19249, 20194, ["DERIVED_ofac-sdn-names_2026-08-20.csv",
                                                              "DERIVED_ofac-sdn-names_2026-08-20.metadata.json"]),
    },
    "us-ofac-cons": {
        ("2018-04-06", "ofac-sdnlist-xml"): (639, 1255, ["consolidated_nonsdn_2018-04-06.xml"]),
        ("2025-01-10", "ofac-enhanced-xml"): (443, 1181, ["CONS_ENHANCED_2025-01-10.ZIP"]),
        ("2025-12-01", "ofac-legacy-csv"): (442, 1145, ["cons_prim_2025-12.csv", "cons_add_2025-12.csv",
                                                        "cons_alt_2025-12.csv", "cons_comments_2025-12.csv"]),
    },
    "un-sc": {("2026-02-27", "un-sc-xml"): (1003, 3130, ["consolidated_2026-02-27.xml"])},
}


@pytest.fixture(scope="module")
def published(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    lists = tmp_path_factory.mktemp("lists")
    result = CliRunner().invoke(app, ["refresh", "us-ofac-sdn", "us-ofac-cons", "un-sc", "--mirror", str(raw_dir),
                                      "--all-dates", "--lists-dir", str(lists)])
    assert result.exit_code == 0, result.output
    return lists


def test_expected_snapshots(published: Path) -> None:
    store = SnapshotStore(published)
    for source, expected in EXPECTED.items():
        got = {}
        for snap in store.snapshots(source):
            meta = snap.meta
            assert meta.data_date is not None
            got[(meta.data_date.isoformat(), meta.format)] = (meta.record_count, meta.alias_count,
                                                              [f.name for f in meta.files])
        assert got == expected, source


def test_tables_hold_the_records(published: Path) -> None:
    store = SnapshotStore(published)
    frame = store.latest("us-ofac-cons").load()  # type: ignore[union-attr]
    assert len(frame) == 442 and frame["entity_id"].is_unique
    cetc = frame[frame["name"] == "CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION"].iloc[0]
    assert cetc["list"] == "NS-CMIC" and cetc["listing_date"] == "2021-06-03"
    un = store.latest("un-sc").load()  # type: ignore[union-attr]
    assert len(un) == 1003 and un["entity_id"].str.startswith("un-sc:").all()


def test_orphan_companions_reported_not_joined(published: Path) -> None:
    store = SnapshotStore(published)
    (legacy,) = [s for s in store.snapshots("us-ofac-sdn") if s.meta.format == "ofac-legacy-csv"]
    assert any("add_2025-12.csv" in w and "no sdn.csv" in w for w in legacy.meta.warnings)


def test_refresh_twice_publishes_nothing_new(published: Path, raw_dir: Path) -> None:
    result = CliRunner().invoke(app, ["refresh", "un-sc", "--mirror", str(raw_dir), "--all-dates",
                                      "--lists-dir", str(published)])
    assert result.exit_code == 0 and "unchanged" in result.output
    assert len(SnapshotStore(published).snapshots("un-sc")) == 1
