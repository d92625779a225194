"""``exportcheck sources`` / ``refresh`` as users call them: JSON output, lists folder choice, bad arguments."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from exportcheck.cli import app
from exportcheck.sources import all_sources
from exportcheck.store import SnapshotStore
from tests.conftest import tree_digest
from tests.refresh_support import (
    SAMPLE_ID,
    csl_rows,
    fast_env,
    register_sample,
    sample_rows,
    write_csv,
)

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_env(monkeypatch)


def _by_id(output: str) -> dict[str, dict]:
    return {row["id"]: row for row in json.loads(output)}


def test_sources_json_shows_the_latest_snapshot_or_none(mirror_lists, raw_dir):
    result = runner.invoke(app, ["sources", "--json"])
    assert result.exit_code == 0, result.output
    rows = _by_id(result.stdout)
    assert set(rows) == set(all_sources())
    csl = rows["us-csl"]["snapshot"]
    latest = SnapshotStore(mirror_lists).get("us-csl")
    assert csl["version"] == latest.version
    assert csl["data_date"] == latest.meta.data_date.isoformat()
    assert datetime.fromisoformat(csl["retrieved_at"]) <= datetime.now(UTC)
    assert csl["records"] == latest.meta.record_count == len(latest.load())
    assert csl["age_days"] == (datetime.now(UTC).date() - latest.meta.data_date).days
    raw = {f.name: hashlib.sha256((latest.path / "raw" / f.name).read_bytes()).hexdigest() for f in latest.meta.files}
    assert csl["sha256"] == raw
    # the snapshot keeps the very bytes of the mirror file it was read from
    assert raw == {name: hashlib.sha256((raw_dir / "us-csl" / name).read_bytes()).hexdigest() for name in raw}
    assert all(rows[s]["snapshot"] is None for s in rows if s != "us-csl")


def test_sources_text_says_no_snapshot(lists_dir):
    result = runner.invoke(app, ["sources"])
    assert result.exit_code == 0
    assert result.stdout.count("no snapshot") == len(all_sources())


def test_sources_states_each_lists_nature_and_effect_uncut_at_80_columns(lists_dir):
    """CI pipes `sources` at 80 columns: every source's declared effect is printed whole on its own line, and
    whether it is a listing or a red flag (a research dataset, the 1286 list) is said next to it."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    done = subprocess.run([sys.executable, "-m", "exportcheck", "sources", "--lists-dir", str(lists_dir)],
                          capture_output=True, text=True, cwd=REPO, check=False, env={**os.environ, "COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "…" not in done.stdout
    for sid, source in all_sources().items():
        spec = source.spec
        line = next(x for x in lines if x.startswith(f"  {sid}: "))
        assert line.endswith(spec.effect) and f"({spec.jurisdiction})" in line
        head = line.split(" (")[0]  # "  us-1286: red flag, research-security"
        listing = spec.nature in {"sanctions", "export-control-end-user", "export-control-items"}
        assert head.startswith(f"  {sid}: " + ("listing" if listing else "per sub-list" if spec.sub_lists
                                                else "red flag")), head
        for name, sub in spec.sub_lists.items():
            assert f"    {sid} / {name}: {sub.nature}: {sub.effect}" in lines
    assert next(x for x in lines if x.startswith("  aspi-unitracker: ")).startswith("  aspi-unitracker: red flag, research")
    rows = _by_id(runner.invoke(app, ["sources", "--json"]).stdout)
    assert rows["us-1286"]["nature"] == "research-security" and rows["us-1286"]["binding_listing"] is False
    assert rows["us-entity-list"]["binding_listing"] is True


def test_lists_dir_option_and_environment_variable(mirror_lists, tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    via_env = _by_id(runner.invoke(app, ["sources", "--json"]).stdout)  # EXPORTCHECK_LISTS_DIR=mirror_lists
    assert via_env["us-csl"]["snapshot"] is not None
    via_option = _by_id(runner.invoke(app, ["sources", "--json", "--lists-dir", str(empty)]).stdout)
    assert via_option["us-csl"]["snapshot"] is None, "--lists-dir wins over EXPORTCHECK_LISTS_DIR"
    monkeypatch.setenv("EXPORTCHECK_LISTS_DIR", str(empty))
    back = _by_id(runner.invoke(app, ["sources", "--json", "--lists-dir", str(mirror_lists)]).stdout)
    assert back["us-csl"]["snapshot"] is not None


def test_refresh_writes_where_lists_dir_says(tmp_path, raw_dir, mirror_lists, monkeypatch):
    """A refresh into a fresh --lists-dir creates the snapshot there and leaves the env folder alone."""
    register_sample(monkeypatch)
    header, _ = csl_rows(raw_dir)
    write_csv(tmp_path / "m" / SAMPLE_ID / "sample_2024-01.csv", header, sample_rows(header, 3, "2024-01-02"))
    before = tree_digest(mirror_lists)
    target = tmp_path / "other"
    result = runner.invoke(app, ["refresh", SAMPLE_ID, "--mirror", str(tmp_path / "m"), "--lists-dir", str(target)])
    assert result.exit_code == 0, result.output
    assert SnapshotStore(target).get(SAMPLE_ID).meta.record_count == 3
    assert tree_digest(mirror_lists) == before


@pytest.mark.parametrize("command", [["refresh", "no-such-list"], ["diff", "no-such-list"],
                                     ["refresh", "us-csl", "no-such-list"]])
def test_unknown_source_is_one_line_and_exit_2(lists_dir, command):
    result = runner.invoke(app, command)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: unknown source 'no-such-list'; known sources: ")
    assert "Traceback" not in result.output
    assert list(lists_dir.iterdir()) == [], "nothing refreshed when an argument is wrong"


def test_damaged_versions_file_is_one_line(lists_dir):
    (lists_dir / "us-csl").mkdir()
    (lists_dir / "us-csl" / "versions.json").write_text("{not json")
    result = runner.invoke(app, ["diff", "us-csl"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "damaged versions file" in result.stderr


def test_bad_setting_is_one_line(lists_dir, monkeypatch):
    monkeypatch.setenv("EXPORTCHECK_RETRIES", "many")
    result = runner.invoke(app, ["refresh", "us-csl"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: EXPORTCHECK_RETRIES='many' is not a whole number"
