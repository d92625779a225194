"""``exportcheck refresh`` end to end on the real CSL: official URL, mirror folder, mirror server, faults.

Every failing case checks the three promises of the issue: the previous snapshot folder is
byte-identical afterwards, the exit code is non-zero, and stderr holds one line naming the reason
(no traceback).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportcheck.cli import app
from exportcheck.sources import get_source
from exportcheck.store import SnapshotStore
from tests.conftest import REPO, tree_digest
from tests.refresh_support import (
    CSL_RAW,
    OFFICIAL_ETAG,
    OFFICIAL_LAST_MODIFIED,
    OFFICIAL_PATH,
    copy_lists,
    csl_rows,
    fast_env,
    fault_server,
    html_page,
    mirror_snapshots,
    official_snapshot,
    override_env,
    serve,
    stall,
    status,
    truncated,
    write_csv,
)

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_env(monkeypatch)


@pytest.fixture
def official_lists(tmp_path, tmp_path_factory, raw_dir, monkeypatch) -> Path:
    folder, _, _ = official_snapshot(tmp_path_factory, raw_dir)
    return copy_lists(folder, tmp_path / "lists", monkeypatch)


@pytest.fixture
def csl_plain(raw_dir) -> bytes:
    return gzip.decompress(raw_dir.joinpath(*CSL_RAW).read_bytes())


def assert_failed_cleanly(result, before: dict[str, bytes], lists: Path, *reason: str) -> None:
    """Exit code non-zero, one stderr line naming the reason, no traceback, snapshot folder untouched."""
    assert result.exit_code != 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "us-csl" in lines[0] and all(r in lines[0] for r in reason), lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert tree_digest(lists) == before


# --- the official download -----------------------------------------------------------------------------
def test_official_download_retried_after_500_and_published(tmp_path_factory, raw_dir):
    folder, outcomes, requests = official_snapshot(tmp_path_factory, raw_dir)
    hits = [h for path, h in requests if path == OFFICIAL_PATH]
    assert len(hits) == 2, "one HTTP 500, then the retry that succeeded"
    _, rows = csl_rows(raw_dir)
    assert [(o.status, o.records) for o in outcomes] == [("published", len(rows))]
    snap = SnapshotStore(folder).get("us-csl")
    plain = gzip.decompress(raw_dir.joinpath(*CSL_RAW).read_bytes())
    assert snap.meta.etag == OFFICIAL_ETAG and snap.meta.last_modified == OFFICIAL_LAST_MODIFIED
    assert [(f.name, f.sha256) for f in snap.meta.files] == [("consolidated.csv", hashlib.sha256(plain).hexdigest())]
    assert (snap.path / "raw" / "consolidated.csv").read_bytes() == plain
    assert snap.meta.data_date is not None and snap.meta.data_date.isoformat() == max(r["start_date"] for r in rows)
    assert len(snap.load()) == len(rows)


def test_304_on_matching_etag_is_recorded_as_checked_unchanged(official_lists, raw_dir, monkeypatch):
    store = SnapshotStore(official_lists)
    before_index = store.index("us-csl")
    folders_before = sorted(p.name for p in (official_lists / "us-csl").iterdir())
    with fault_server(raw_dir) as server:
        server.routes[OFFICIAL_PATH] = serve(b"never sent", etag=OFFICIAL_ETAG)
        override_env(monkeypatch, server.url(OFFICIAL_PATH))
        result = runner.invoke(app, ["refresh", "us-csl"])
        sent = server.hits(OFFICIAL_PATH)
    assert result.exit_code == 0, result.output
    assert sent[0]["If-None-Match"] == OFFICIAL_ETAG and sent[0]["If-Modified-Since"] == OFFICIAL_LAST_MODIFIED
    after = store.index("us-csl")
    assert after.versions == before_index.versions and after.last_successful == before_index.last_successful
    assert len(after.checks) == len(before_index.checks) + 1
    check = after.checks[-1]
    assert (check.status, check.message, check.version) == ("unchanged", "HTTP 304 Not Modified",
                                                            before_index.last_successful)
    assert sorted(p.name for p in (official_lists / "us-csl").iterdir()) == folders_before
    assert "unchanged" in result.stdout


def test_429_with_retry_after_is_honoured_then_checked(official_lists, raw_dir, monkeypatch):
    import time

    with fault_server(raw_dir) as server:
        server.add_faults(OFFICIAL_PATH, status(429, {"Retry-After": "1"}))
        server.routes[OFFICIAL_PATH] = serve(b"never sent", etag=OFFICIAL_ETAG)
        override_env(monkeypatch, server.url(OFFICIAL_PATH))
        started = time.monotonic()
        result = runner.invoke(app, ["refresh", "us-csl"])
        elapsed = time.monotonic() - started
        assert len(server.hits(OFFICIAL_PATH)) == 2
    assert result.exit_code == 0, result.output
    assert elapsed >= 0.95
    assert SnapshotStore(official_lists).index("us-csl").checks[-1].message == "HTTP 304 Not Modified"


def test_200_with_the_same_content_is_unchanged_without_a_new_snapshot(official_lists, raw_dir, monkeypatch):
    before = tree_digest(official_lists / "us-csl")
    body = raw_dir.joinpath(*CSL_RAW).read_bytes()
    with fault_server(raw_dir) as server:  # a server that ignores validators: same bytes, new ETag
        server.routes[OFFICIAL_PATH] = serve(body, etag='"other"', gzip_encoded=True)
        override_env(monkeypatch, server.url(OFFICIAL_PATH))
        result = runner.invoke(app, ["refresh", "us-csl", "--json"])
    assert result.exit_code == 0, result.output
    [outcome] = json.loads(result.stdout)
    assert outcome["status"] == "unchanged" and "same files" in outcome["message"]
    after = tree_digest(official_lists / "us-csl")
    assert {k: v for k, v in after.items() if k != "versions.json"} == \
           {k: v for k, v in before.items() if k != "versions.json"}


FAULTS = {
    "always-500": (lambda body: [status(500)] * 3, ["HTTP 500", "gave up after 3 attempts"]),
    "stalled": (lambda body: [stall(2.0, body)] * 3, ["timed out"]),
    "truncated": (lambda body: [truncated(body)] * 3, ["gave up after 3 attempts"]),
    "html-page": (lambda body: [html_page()], ["HTML page"]),
    "404": (lambda body: [status(404)], ["HTTP 404"]),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_failed_download_keeps_the_previous_snapshot(fault, mirror_lists, raw_dir, csl_plain, monkeypatch):
    make, reason = FAULTS[fault]
    before = tree_digest(mirror_lists)
    with fault_server(raw_dir) as server:
        server.add_faults(OFFICIAL_PATH, *make(csl_plain))
        override_env(monkeypatch, server.url(OFFICIAL_PATH))
        result = runner.invoke(app, ["refresh", "us-csl"])
    assert_failed_cleanly(result, before, mirror_lists, *reason)
    assert result.exit_code == 1


# --- bounds ------------------------------------------------------------------------------------------
@pytest.fixture
def short_mirror(tmp_path, raw_dir) -> Path:
    """A mirror whose newest CSL file is the real CSV cut to its first 100 rows."""
    header, rows = csl_rows(raw_dir)
    write_csv(tmp_path / "mirror" / "us-csl" / "consolidated_2026-01.csv", header, rows[:100])
    return tmp_path / "mirror"


def test_file_far_below_the_bounds_is_refused(mirror_lists, short_mirror):
    before = tree_digest(mirror_lists)
    result = runner.invoke(app, ["refresh", "us-csl", "--mirror", str(short_mirror)])
    spec = get_source("us-csl").spec
    assert_failed_cleanly(result, before, mirror_lists, "consolidated_2026-01.csv", "parsed to 100 records",
                          f"{spec.min_records}-{spec.max_records}")


def test_bounds_failure_from_a_mirror_server(mirror_lists, short_mirror):
    before = tree_digest(mirror_lists)
    with fault_server(short_mirror) as server:
        result = runner.invoke(app, ["refresh", "us-csl", "--mirror", server.base + "/"])
        assert [p for p, _ in server.requests] == ["/us-csl/", "/us-csl/consolidated_2026-01.csv"]
    assert_failed_cleanly(result, before, mirror_lists, "parsed to 100 records")


def test_subprocess_run_fails_with_one_line_and_no_traceback(mirror_lists, short_mirror):
    before = tree_digest(mirror_lists)
    env = {**os.environ, "EXPORTCHECK_LISTS_DIR": str(mirror_lists)}
    proc = subprocess.run([sys.executable, "-m", "exportcheck", "refresh", "us-csl", "--mirror", str(short_mirror)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "parsed to 100 records" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert tree_digest(mirror_lists) == before


def test_garbage_file_is_a_parse_error(mirror_lists, tmp_path):
    (tmp_path / "m" / "us-csl").mkdir(parents=True)
    (tmp_path / "m" / "us-csl" / "consolidated_2026-02.csv").write_text("this,is\nnot,the csl\n")
    before = tree_digest(mirror_lists)
    result = runner.invoke(app, ["refresh", "us-csl", "--mirror", str(tmp_path / "m")])
    assert_failed_cleanly(result, before, mirror_lists, "not a CSL CSV, missing columns")


# --- mirrors -----------------------------------------------------------------------------------------
def _dated_sets(raw_dir: Path, source_id: str) -> list[str]:
    """Every data file in the source's real mirror folder (each one is a dated list; none may be ignored).

    Listed from the folder, not filtered through the source's own format globs, so a file the globs
    miss is a failure rather than a smaller expectation.
    """
    return sorted(p.name for p in (raw_dir / source_id).iterdir() if p.is_file() and p.suffix.lower() != ".md")


def test_all_dates_imports_every_dated_file_that_has_a_parser(tmp_path_factory, raw_dir):
    folder, outcomes = mirror_snapshots(tmp_path_factory, raw_dir)
    readable = _dated_sets(raw_dir, "us-csl")
    assert readable and "consolidated_2022-04.csv.gz" in readable
    assert [o.status for o in outcomes] == ["published"] * len(readable)
    store = SnapshotStore(folder)
    index = store.index("us-csl")
    assert len(index.versions) == len(readable)
    dates = [v.data_date for v in index.versions]
    assert dates == sorted(dates), "versions.json lists the oldest data first"
    assert index.last_successful == index.versions[-1].version
    files = sorted(f.name for s in store.snapshots("us-csl") for f in s.meta.files)
    assert files == sorted(readable)
    csl = next(s for s in store.snapshots("us-csl") if s.meta.files[0].name == "consolidated_2022-04.csv.gz")
    _, rows = csl_rows(raw_dir)
    assert csl.meta.record_count == len(rows) == len(csl.load())
    assert csl.meta.files[0].sha256 == hashlib.sha256(raw_dir.joinpath(*CSL_RAW).read_bytes()).hexdigest()


def test_reimporting_the_same_files_is_unchanged(mirror_lists, raw_dir):
    before = tree_digest(mirror_lists)
    result = runner.invoke(app, ["refresh", "us-csl", "--mirror", str(raw_dir), "--all-dates", "--json"])
    assert result.exit_code == 0, result.output
    outcomes = json.loads(result.stdout)
    assert outcomes and {o["status"] for o in outcomes} == {"unchanged"}
    after = tree_digest(mirror_lists)
    assert {k for k in after if k != "us-csl/versions.json"} == {k for k in before if k != "us-csl/versions.json"}
    index = SnapshotStore(mirror_lists).index("us-csl")
    assert len(index.checks) == len(outcomes) and all(c.status == "unchanged" for c in index.checks)


def test_mirror_url_works_like_mirror_dir(mirror_lists, raw_dir):
    """``--mirror URL`` against http.server over ../shared/data/raw finds and fetches the same files."""
    expected = SnapshotStore(mirror_lists).index("us-csl").versions
    with fault_server(raw_dir) as server:
        result = runner.invoke(app, ["refresh", "us-csl", "--mirror", server.base, "--all-dates", "--json"])
        fetched = [p for p, _ in server.requests if not p.endswith("/")]
    assert result.exit_code == 0, result.output
    outcomes = json.loads(result.stdout)
    assert [o["version"] for o in outcomes] == [v.version for v in expected]
    assert {o["status"] for o in outcomes} == {"unchanged"}, "same bytes over HTTP as from the folder"
    assert sorted(Path(p).name for p in fetched) == sorted(_dated_sets(raw_dir, "us-csl"))


def test_mirror_listing_failure_is_one_line(mirror_lists, raw_dir):
    before = tree_digest(mirror_lists)
    with fault_server(raw_dir) as server:
        server.add_faults("/us-csl/", *[status(503)] * 3)
        result = runner.invoke(app, ["refresh", "us-csl", "--mirror", server.base])
    assert_failed_cleanly(result, before, mirror_lists, "HTTP 503", "/us-csl/")


def test_mirror_without_the_source_named_explicitly_fails(lists_dir, tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["refresh", "us-csl", "--mirror", str(tmp_path / "empty")])
    assert result.exit_code == 1 and "no file of a known format" in result.stderr


def test_missing_mirror_folder_is_a_config_error(lists_dir, tmp_path):
    result = runner.invoke(app, ["refresh", "--mirror", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: mirror folder {tmp_path / 'nope'} does not exist"]
