"""Helpers for the refresh tests: a real HTTP server with injectable faults, and shared snapshots.

The server is Python's own ``http.server`` in a thread on 127.0.0.1 (the same server ``--mirror URL``
is documented against), so folder listings are real ones. Per path, a queue of faults is served one
per request before the path falls back to a fixed route or to the folder on disk.

Real snapshots come from one refresh of the whole mirror per session (:func:`real_refresh`); tests
that change a lists folder get a copy of it.
"""

from __future__ import annotations

import csv
import dataclasses
import email.utils
import functools
import gzip
import io
import os
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from exportcheck.refresh import Outcome, refresh
from exportcheck.settings import Settings, get_settings
from exportcheck.sources import Format, Source, SourceSpec, all_sources

Fault = Callable[[SimpleHTTPRequestHandler], None]

#: Settings that keep retries fast: tiny backoffs and timeouts, a Retry-After cap of a few seconds.
FAST_ENV = {
    "EXPORTCHECK_RETRIES": "2",
    "EXPORTCHECK_BACKOFF": "0.01",
    "EXPORTCHECK_CONNECT_TIMEOUT": "2",
    "EXPORTCHECK_READ_TIMEOUT": "0.4",
    "EXPORTCHECK_MAX_RETRY_AFTER": "3",
}
CSL_RAW = ("us-csl", "consolidated_2022-04.csv.gz")
OFFICIAL_PATH = "/official/consolidated.csv"
OFFICIAL_ETAG = '"csl-2022-04-21"'
OFFICIAL_LAST_MODIFIED = "Thu, 21 Apr 2022 12:00:00 GMT"


def fast_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fast network settings, and no stray mirror or URL override from the outer environment."""
    for name in list(os.environ):
        if name.startswith("EXPORTCHECK_URL_") or name == "EXPORTCHECK_MIRROR":
            monkeypatch.delenv(name)
    for name, value in FAST_ENV.items():
        monkeypatch.setenv(name, value)


def fast_settings(lists_dir: Path, **changes: object) -> Settings:
    base = get_settings(lists_dir)
    return dataclasses.replace(base, retries=2, backoff=0.01, read_timeout=0.4, max_retry_after=3.0,
                               **changes)  # type: ignore[arg-type]


# --- the server ------------------------------------------------------------------------------------
class FaultServer:
    """``http.server`` over a folder, with per-path fault queues and fixed routes; records requests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        self.routes: dict[str, Fault] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        owner = self

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                owner.requests.append((path, dict(self.headers.items())))
                queue = owner.faults.get(path)
                try:
                    if queue:
                        queue.pop(0)(self)
                    elif path in owner.routes:
                        owner.routes[path](self)
                    else:
                        super().do_GET()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add_faults(self, path: str, *faults: Fault) -> None:
        self.faults[path].extend(faults)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def fault_server(root: Path) -> Iterator[FaultServer]:
    server = FaultServer(root).start()
    try:
        yield server
    finally:
        server.stop()


# --- faults ----------------------------------------------------------------------------------------
def status(code: int, headers: dict[str, str] | None = None, body: bytes = b"") -> Fault:
    def respond(h: SimpleHTTPRequestHandler) -> None:
        h.send_response(code)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return respond


def serve(body: bytes, *, etag: str | None = None, last_modified: str | None = None, gzip_encoded: bool = False,
          content_type: str = "text/csv") -> Fault:
    """A file response; answers 304 when the request's If-None-Match matches ``etag``.

    ``gzip_encoded`` sends ``body`` (already gzip bytes) with ``Content-Encoding: gzip``, as
    publishers' servers do, so Content-Length counts compressed bytes.
    """

    def respond(h: SimpleHTTPRequestHandler) -> None:
        if etag and h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        if gzip_encoded:
            h.send_header("Content-Encoding", "gzip")
        if etag:
            h.send_header("ETag", etag)
        if last_modified:
            h.send_header("Last-Modified", last_modified)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return respond


def stall(seconds: float, body: bytes) -> Fault:
    """Headers and the first bytes, then silence longer than the read timeout."""

    def respond(h: SimpleHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/csv")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[:1000])
        h.wfile.flush()
        time.sleep(seconds)
        h.wfile.write(body[1000:])

    return respond


def truncated(body: bytes) -> Fault:
    """Content-Length of the whole body, but only half of it before the connection closes."""

    def respond(h: SimpleHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/csv")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[: len(body) // 2])
        h.wfile.flush()
        h.close_connection = True

    return respond


HTML_ERROR = (b"<!DOCTYPE html><html><head><title>Service unavailable</title></head>"
              b"<body><h1>We are down for maintenance</h1></body></html>")


def html_page() -> Fault:
    """A 200 with an HTML error page where the data should be (what captive portals and CDNs do)."""
    return serve(HTML_ERROR, content_type="text/html; charset=utf-8")


# --- real data -------------------------------------------------------------------------------------
def csl_rows(raw_dir: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of the real CSL CSV, read with the csv module (independently of the parser)."""
    text = gzip.decompress(raw_dir.joinpath(*CSL_RAW).read_bytes()).decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def http_date(when: float) -> str:
    return email.utils.formatdate(when, usegmt=True)


# --- a small second source, for isolation and ordering tests ---------------------------------------
SAMPLE_ID = "test-sample"


def sample_source() -> Source:
    """A second entity source read by the real CSL CSV parser, with bounds fit for hand-made files."""
    from exportcheck.formats import csl_csv

    spec = SourceSpec(id=SAMPLE_ID, title="Test sample", publisher="tests", kind="entities",
                      homepage="http://127.0.0.1/", nature="red-flag", jurisdiction="US", topics=[],
                      effect="none: a test list", min_records=2, max_records=100, mirror_dirs=[SAMPLE_ID])
    return Source(spec=spec, formats=(Format(name="csl-csv", parse=csl_csv.parse, primary="sample_*.csv"),))


def register_sample(monkeypatch: pytest.MonkeyPatch) -> Source:
    source = sample_source()
    monkeypatch.setitem(all_sources(), SAMPLE_ID, source)
    return source


def sample_rows(header: list[str], count: int, start_date: str, prefix: str = "row") -> list[dict[str, str]]:
    """Hand-made rows in the official CSL CSV layout (29 columns), all listed on ``start_date``."""
    rows = []
    for i in range(count):
        row = dict.fromkeys(header, "")
        row.update({"_id": f"{prefix}-{i}", "source": "Entity List (EL) - Bureau of Industry and Security",
                    "name": f"Sample Company {prefix} {i}", "addresses": "1 Main Street, Springfield, US",
                    "start_date": start_date})
        rows.append(row)
    return rows


# --- snapshots built once per session --------------------------------------------------------------
_BUILT: dict[str, tuple[Path, list[Outcome], list[tuple[str, dict[str, str]]]]] = {}


def _once(name: str, tmp_path_factory: pytest.TempPathFactory,
          build: Callable[[Path], tuple[list[Outcome], list[tuple[str, dict[str, str]]]]]
          ) -> tuple[Path, list[Outcome], list[tuple[str, dict[str, str]]]]:
    if name not in _BUILT:
        folder = tmp_path_factory.mktemp(name)
        outcomes, requests = build(folder)
        _BUILT[name] = (folder, outcomes, requests)
    return _BUILT[name]


def real_refresh(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> tuple[Path, list[Outcome]]:
    """The session's ONE refresh from the real mirror: every source with a parser, every dated file.

    Every test that needs real snapshots reads this folder (through the ``real_lists_dir`` fixture,
    which also checks at the end of the session that no test changed it) or a copy of part of it,
    so the real files are parsed once per run, not once per test module.
    """

    def build(folder: Path) -> tuple[list[Outcome], list[tuple[str, dict[str, str]]]]:
        return refresh([], get_settings(folder), mirror=str(raw_dir), all_dates=True), []

    folder, outcomes, _ = _once("real-lists", tmp_path_factory, build)
    return folder, outcomes


def mirror_snapshots(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> tuple[Path, list[Outcome]]:
    """A folder holding only the us-csl snapshots of :func:`real_refresh`, with their outcomes.

    What ``refresh us-csl --mirror ../shared/data/raw --all-dates`` makes, copied from the session's one
    refresh rather than parsed again.
    """

    def build(folder: Path) -> tuple[list[Outcome], list[tuple[str, dict[str, str]]]]:
        shared, outcomes = real_refresh(tmp_path_factory, raw_dir)
        shutil.copytree(shared / "us-csl", folder / "us-csl")
        return [o for o in outcomes if o.source == "us-csl"], []

    folder, outcomes, _ = _once("mirror-lists", tmp_path_factory, build)
    return folder, outcomes


def official_snapshot(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path
                      ) -> tuple[Path, list[Outcome], list[tuple[str, dict[str, str]]]]:
    """``refresh us-csl`` from its official URL on a local server that fails once with HTTP 500.

    The server sends the real gzip file with ``Content-Encoding: gzip``, an ETag and Last-Modified.
    """

    def build(folder: Path) -> tuple[list[Outcome], list[tuple[str, dict[str, str]]]]:
        body = raw_dir.joinpath(*CSL_RAW).read_bytes()
        with fault_server(raw_dir) as server:
            server.add_faults(OFFICIAL_PATH, status(500))
            server.routes[OFFICIAL_PATH] = serve(body, etag=OFFICIAL_ETAG, last_modified=OFFICIAL_LAST_MODIFIED,
                                                 gzip_encoded=True)
            settings = fast_settings(folder, url_overrides={"US_CSL": [server.url(OFFICIAL_PATH)]})
            outcomes = refresh(["us-csl"], settings)
            return outcomes, list(server.requests)

    return _once("official-lists", tmp_path_factory, build)


def copy_lists(source: Path, dest: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of a session snapshot folder, set as EXPORTCHECK_LISTS_DIR (a file copy: milliseconds)."""
    shutil.copytree(source, dest)
    monkeypatch.setenv("EXPORTCHECK_LISTS_DIR", str(dest))
    return dest


def fingerprint(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every snapshot file under a folder: cheap proof that nobody changed the snapshots.

    Caches (``.cache/``) and the screening log (``log/``, appended by every screen) are not snapshots.
    """
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] not in {".cache", "log"}}


def override_env(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("EXPORTCHECK_URL_US_CSL", url)

