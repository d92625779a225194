"""``exportcheck diff`` between the real CSL and a copy changed in known ways reports exactly those changes."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportcheck.cli import app
from exportcheck.diff import diff_source
from exportcheck.errors import SnapshotError
from exportcheck.refresh import refresh
from exportcheck.settings import get_settings
from exportcheck.store import SnapshotStore
from tests.refresh_support import copy_lists, csl_rows, fast_env, mirror_snapshots, write_csv

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_env(monkeypatch)


@pytest.fixture(scope="module")
def edited(tmp_path_factory, raw_dir):
    """Snapshots of the real CSV and of a copy with 3 rows dropped, 1 renamed and 1 added (parsed once)."""
    base, _ = mirror_snapshots(tmp_path_factory, raw_dir)
    lists = tmp_path_factory.mktemp("diff") / "lists"
    shutil.copytree(base, lists)
    header, rows = csl_rows(raw_dir)
    newest = max(r["start_date"] for r in rows)
    unique = Counter(r["entity_number"] for r in rows)
    # Treasury rows (keyed by their uid, so a rename is a change, not a remove + add) with a unique uid
    # that do not carry the newest date (so the data date stays the same).
    usable = [i for i, r in enumerate(rows) if r["entity_number"] and unique[r["entity_number"]] == 1
              and r["start_date"] != newest and r["name"].strip()]
    dropped = [rows[i] for i in (usable[10], usable[500], usable[5000])]
    renamed_at = usable[2000]
    edited_rows = [dict(r) for i, r in enumerate(rows) if i not in {usable[10], usable[500], usable[5000]}]
    renamed = next(r for r in edited_rows if r["entity_number"] == rows[renamed_at]["entity_number"])
    old_name = renamed["name"]
    renamed["name"] = "Renamed Trading Company Limited"
    added = dict(rows[usable[3000]], _id="added-row-0001", entity_number="99999001", name="Newly Listed Widget Works")
    edited_rows.append(added)
    mirror = tmp_path_factory.mktemp("diff-mirror")
    write_csv(mirror / "us-csl" / "consolidated_2022-05.csv", header, edited_rows)
    outcomes = refresh(["us-csl"], get_settings(lists), mirror=str(mirror))
    store = SnapshotStore(lists)
    base_version = next(s.version for s in store.snapshots("us-csl")
                        if s.meta.files[0].name == "consolidated_2022-04.csv.gz")
    return {"lists": lists, "outcomes": outcomes, "dropped": dropped, "renamed": renamed, "old_name": old_name,
            "added": added, "rows": rows, "base": base_version, "edited": outcomes[0].version}


def test_edited_copy_is_published_as_a_second_snapshot(edited):
    [outcome] = edited["outcomes"]
    assert outcome.status == "published" and outcome.records == len(edited["rows"]) - 3 + 1
    assert len(SnapshotStore(edited["lists"]).index("us-csl").versions) >= 2


def test_diff_reports_exactly_the_edits(edited):
    result = diff_source(SnapshotStore(edited["lists"]), "us-csl", edited["base"], edited["edited"])
    assert result.key == "id"
    assert [c.name for c in result.added] == [edited["added"]["name"]]
    assert result.added[0].key.endswith(":99999001")
    assert sorted(c.key.rsplit(":", 1)[-1] for c in result.removed) == sorted(
        r["entity_number"] for r in edited["dropped"])
    assert [(c.key.rsplit(":", 1)[-1], c.name, c.fields) for c in result.changed] == [
        (edited["renamed"]["entity_number"], "Renamed Trading Company Limited", ["name"])]


def test_diff_cli_json_and_text(edited, monkeypatch):
    monkeypatch.setenv("EXPORTCHECK_LISTS_DIR", str(edited["lists"]))
    span = ["--from", edited["base"], "--to", edited["edited"]]
    as_json = runner.invoke(app, ["diff", "us-csl", *span, "--json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert data["counts"] == {"added": 1, "removed": 3, "changed": 1}
    assert data["changed"][0]["fields"] == ["name"]
    assert {r["name"] for r in data["removed"]} == {r["name"].strip() for r in edited["dropped"]}

    text = runner.invoke(app, ["diff", "us-csl", *span])
    assert text.exit_code == 0, text.output
    assert "+1 added, -3 removed, ~1 changed" in text.stdout
    assert "Newly Listed Widget Works" in text.stdout and "Renamed Trading Company Limited  (name)" in text.stdout


def test_diff_with_explicit_versions_in_reverse(edited, monkeypatch):
    versions = [v.version for v in SnapshotStore(edited["lists"]).index("us-csl").versions]
    new = edited["edited"]
    old = next(v for v in versions if v != new and v.startswith("2022-04-21_f55c"))
    monkeypatch.setenv("EXPORTCHECK_LISTS_DIR", str(edited["lists"]))
    result = runner.invoke(app, ["diff", "us-csl", "--from", new, "--to", old, "--json"])
    assert json.loads(result.stdout)["counts"] == {"added": 3, "removed": 1, "changed": 1}


def test_diff_needs_two_snapshots(tmp_path, tmp_path_factory, raw_dir, monkeypatch):
    lists = copy_lists(mirror_snapshots(tmp_path_factory, raw_dir)[0], tmp_path / "lists", monkeypatch)
    store = SnapshotStore(lists)
    for extra in store.index("us-csl").versions[1:]:  # keep only the oldest snapshot
        shutil.rmtree(store.source_dir("us-csl") / extra.version)
    index = store.index("us-csl")
    index.versions = index.versions[:1]
    index.last_successful = index.versions[0].version
    (store.source_dir("us-csl") / "versions.json").write_text(index.model_dump_json())
    with pytest.raises(SnapshotError, match="only one snapshot"):
        diff_source(SnapshotStore(lists), "us-csl")
    result = runner.invoke(app, ["diff", "us-csl"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "only one snapshot" in result.stderr


def test_diff_unknown_version_and_unknown_source(lists_dir: Path):
    result = runner.invoke(app, ["diff", "us-csl", "--to", "1999-01-01_deadbeef00"])
    assert result.exit_code == 2 and "no snapshot" in result.stderr
    result = runner.invoke(app, ["diff", "no-such-list"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [result.stderr.strip()] and "unknown source 'no-such-list'" in result.stderr


def test_default_diff_skips_the_old_parser_read_of_the_same_files(edited, tmp_path):
    """After a parser upgrade refresh publishes a re-read of the same files (``-p<N>``) beside the old read; the
    default diff must say what changed in the list (against the snapshot before), not compare the two reads."""
    from datetime import UTC, datetime

    import pyarrow.parquet as pq

    lists = tmp_path / "lists"
    shutil.copytree(edited["lists"], lists)
    store = SnapshotStore(lists)
    first = store.get("us-csl", edited["edited"])
    again = first.meta.model_copy(update={"version": f"{first.version}-p99", "parser_version": "99",
                                          "retrieved_at": datetime.now(UTC)})
    tables = {name: pq.read_table(first.table_path(name)) for name in first.meta.tables}
    store.publish(again, sorted((first.path / "raw").iterdir()), tables)
    result = diff_source(SnapshotStore(lists), "us-csl", to_version=again.version)
    assert result.from_version == edited["base"] and result.to_version == again.version
    assert (len(result.added), len(result.removed), len(result.changed)) == (1, 3, 1)
