"""The scheduled refresh: the change summary it commits, its verdict, and the workflow's shape.

The workflow's commit step is replayed in a throw-away git repository with the project's .gitignore,
so "raw downloads are not committed, snapshots and manifests are" is checked for real.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml
from typer.testing import CliRunner

from exportcheck import ci_summary
from exportcheck.cli import app
from exportcheck.store import SnapshotStore
from tests.conftest import REPO
from tests.refresh_support import SAMPLE_ID, csl_rows, fast_env, register_sample, sample_rows, write_csv

runner = CliRunner()
WORKFLOW = REPO / ".github" / "workflows" / "refresh.yml"


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_env(monkeypatch)


@pytest.fixture
def two_runs(tmp_path, raw_dir, monkeypatch):
    """Lists after two refreshes of the sample source: 5 rows, then 2 dropped, 1 renamed, 1 added."""
    register_sample(monkeypatch)
    header, _ = csl_rows(raw_dir)
    lists = tmp_path / "repo" / "lists"
    monkeypatch.setenv("EXPORTCHECK_LISTS_DIR", str(lists))
    first = sample_rows(header, 5, "2024-01-10", prefix="a")
    write_csv(tmp_path / "m1" / SAMPLE_ID / "sample_2024-01.csv", header, first)
    assert runner.invoke(app, ["refresh", SAMPLE_ID, "--mirror", str(tmp_path / "m1")]).exit_code == 0
    second = [dict(r) for r in first[:3]] + sample_rows(header, 1, "2024-02-01", prefix="b")
    second[1]["addresses"] = "2 Other Street, Springfield, US"  # BIS rows are keyed by name: change another field
    write_csv(tmp_path / "m2" / SAMPLE_ID / "sample_2024-02.csv", header, second)
    # us-csl is asked for too and has no file in this mirror: a failure, reported but not fatal to the rest
    result = runner.invoke(app, ["refresh", SAMPLE_ID, "us-csl", "--mirror", str(tmp_path / "m2"), "--json"])
    assert result.exit_code == 1
    outcomes_file = tmp_path / "outcomes.json"
    outcomes_file.write_text(result.stdout)
    return lists, outcomes_file


def test_summary_lists_the_diff_of_each_published_source_and_the_failures(two_runs, tmp_path):
    lists, outcomes_file = two_runs
    outcomes = ci_summary.read_outcomes(outcomes_file)
    message = ci_summary.summarise(outcomes, SnapshotStore(lists), tmp_path / "summary", today="2026-11-23")
    lines = message.splitlines()
    assert lines[0] == "Refresh lists 2026-11-23: 1 published, 0 unchanged, 1 failed"
    assert lines[1] == ""
    assert any(line.startswith(f"{SAMPLE_ID} ") and "+1 added, -2 removed, ~1 changed (4 records)" in line
               for line in lines)
    assert "  added: Sample Company b 0" in lines
    assert "  removed: Sample Company a 3, Sample Company a 4" in lines
    assert "  changed: Sample Company a 1" in lines
    assert lines[-1].startswith("FAILED us-csl: no file of a known format in mirror")

    [written] = sorted((tmp_path / "summary").iterdir())
    version = SnapshotStore(lists).get(SAMPLE_ID).version
    cli = runner.invoke(app, ["diff", SAMPLE_ID, "--to", version, "--json"])
    assert json.loads(written.read_text()) == json.loads(cli.stdout), "the same diff `exportcheck diff --json` prints"


def test_check_fails_with_one_annotation_per_failed_source(two_runs, capsys):
    _, outcomes_file = two_runs
    assert ci_summary.main([str(outcomes_file), "--check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("::error title=refresh failed::us-csl: no file of a known format")


def test_check_passes_when_nothing_failed(tmp_path, capsys):
    good = tmp_path / "o.json"
    good.write_text(json.dumps([{"source": "us-csl", "status": "unchanged", "message": "HTTP 304", "version": "v",
                                 "records": 1, "data_date": None}]))
    assert ci_summary.main([str(good), "--check"]) == 0 and capsys.readouterr().out == ""


def test_a_refresh_that_wrote_nothing_is_a_failure(tmp_path, capsys):
    empty = tmp_path / "o.json"
    empty.write_text("")
    assert ci_summary.main([str(empty), "--check"]) == 1
    assert "refresh did not run" in capsys.readouterr().out
    assert ci_summary.summarise(None, SnapshotStore(tmp_path), today="2026-01-01").startswith(
        "Refresh lists 2026-01-01: refresh did not run")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_commit_step_commits_snapshots_but_not_raw_downloads(two_runs, tmp_path):
    lists, outcomes_file = two_runs
    repo = lists.parent
    shutil.copy(REPO / ".gitignore", repo / ".gitignore")
    assert ci_summary.main([str(outcomes_file), "--message", str(tmp_path / "msg.txt"),
                            "--lists-dir", str(lists)]) == 0

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", "lists")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-F", str(tmp_path / "msg.txt"))
    committed = git("ls-files").split()
    assert not [f for f in committed if "/raw/" in f], "raw downloads are artifacts, not commits"
    snaps = SnapshotStore(lists).snapshots(SAMPLE_ID)
    for snap in snaps:
        assert f"lists/{SAMPLE_ID}/{snap.version}/meta.json" in committed
        assert f"lists/{SAMPLE_ID}/{snap.version}/entities.parquet" in committed
        assert (snap.path / "raw").is_dir()
    assert f"lists/{SAMPLE_ID}/versions.json" in committed
    assert git("log", "-1", "--format=%s").strip().endswith("1 published, 0 unchanged, 1 failed")


def test_workflow_shape():
    flow = yaml.safe_load(WORKFLOW.read_text())
    triggers = flow[True]  # YAML 1.1 reads the key `on` as True
    assert "schedule" in triggers and triggers["schedule"][0]["cron"] and "workflow_dispatch" in triggers
    assert flow["permissions"]["contents"] == "write"
    steps = flow["jobs"]["refresh"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "exportcheck refresh --json" in runs and "--mirror" not in runs, "the official URLs, not a mirror"
    assert "python -m pip install -q -e ." in runs
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert "lists/*/*/raw/" in upload["with"]["path"] and upload["if"] == "always()"
    names = [s.get("name", "") for s in steps]
    commit, verdict = names.index("Commit the new snapshots"), len(steps) - 1
    assert commit < verdict and "--check" in steps[verdict]["run"] and steps[verdict]["if"] == "always()"
    assert "git commit -q -F commit-message.txt" in steps[commit]["run"]
    watch = names.index("Check the watchlist (alerts when a watched party is listed, changed or delisted)")
    assert "exportcheck watch check --atom lists/watch/feed.xml" in steps[watch]["run"] and watch < commit
    alert = next(s for s in steps if s.get("if") == "steps.watch.outputs.rc == '1'")
    assert "exit 1" in alert["run"] and names.index(alert["name"]) > commit
