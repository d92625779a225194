"""The one HTTP client against a real local server: retries, Retry-After, timeouts, truncation, HTML, caps."""

from __future__ import annotations

import gzip
import hashlib
import socket
import time
from pathlib import Path

import pytest

from exportcheck.errors import FetchError
from exportcheck.http import download, get_text
from exportcheck.settings import Settings
from tests.refresh_support import (
    CSL_RAW,
    HTML_ERROR,
    fast_settings,
    fault_server,
    html_page,
    http_date,
    serve,
    stall,
    status,
    truncated,
)

BODY = b"_id,name\n" + b"".join(b"%d,Company %d\n" % (i, i) for i in range(2000))
PATH = "/data.csv"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return fast_settings(tmp_path / "lists")


@pytest.fixture
def server(tmp_path: Path):
    with fault_server(tmp_path) as running:
        yield running


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_500_then_success_is_retried(server, settings, tmp_path):
    server.add_faults(PATH, status(500), status(503))
    server.routes[PATH] = serve(BODY)
    result = download(server.url(PATH), tmp_path / "out" / "data.csv", settings=settings, source_id="s")
    assert len(server.hits(PATH)) == 3
    assert result.path is not None and result.path.read_bytes() == BODY
    assert result.sha256 == hashlib.sha256(BODY).hexdigest() and result.size == len(BODY)


def test_persistent_500_gives_up_after_the_configured_attempts(server, settings, tmp_path):
    server.add_faults(PATH, *[status(500)] * 5)
    with pytest.raises(FetchError, match=r"HTTP 500 .* gave up after 3 attempts"):
        download(server.url(PATH), tmp_path / "out" / "data.csv", settings=settings, source_id="s")
    assert len(server.hits(PATH)) == settings.retries + 1
    assert _leftovers(tmp_path / "out") == []


def test_429_retry_after_seconds_is_honoured(server, settings, tmp_path):
    server.add_faults(PATH, status(429, {"Retry-After": "1"}))
    server.routes[PATH] = serve(BODY)
    started = time.monotonic()
    download(server.url(PATH), tmp_path / "data.csv", settings=settings, source_id="s")
    elapsed = time.monotonic() - started
    assert len(server.hits(PATH)) == 2
    assert elapsed >= 0.95, "waited the server's Retry-After, not the 0.01 s backoff"


def test_429_retry_after_as_http_date_is_honoured(server, settings, tmp_path):
    server.add_faults(PATH, status(429, {"Retry-After": http_date(time.time() + 2)}))
    server.routes[PATH] = serve(BODY)
    started = time.monotonic()
    download(server.url(PATH), tmp_path / "data.csv", settings=settings, source_id="s")
    assert time.monotonic() - started >= 0.9  # an HTTP date has whole seconds: at least ~1 s remains


def test_retry_after_longer_than_the_limit_fails_at_once(server, settings, tmp_path):
    server.add_faults(PATH, status(429, {"Retry-After": "3600"}))
    server.routes[PATH] = serve(BODY)
    started = time.monotonic()
    with pytest.raises(FetchError, match="retry after 3600 s, longer than EXPORTCHECK_MAX_RETRY_AFTER"):
        download(server.url(PATH), tmp_path / "data.csv", settings=settings, source_id="s")
    assert time.monotonic() - started < 1 and len(server.hits(PATH)) == 1


def test_stalled_response_times_out(server, settings, tmp_path):
    server.add_faults(PATH, *[stall(2.0, BODY)] * 3)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out .*ReadTimeout.* gave up after 3 attempts"):
        download(server.url(PATH), tmp_path / "out" / "data.csv", settings=settings, source_id="s")
    assert time.monotonic() - started < 3 * settings.read_timeout + 1.5
    assert _leftovers(tmp_path / "out") == []


def test_stall_then_success_recovers(server, settings, tmp_path):
    server.add_faults(PATH, stall(2.0, BODY))
    server.routes[PATH] = serve(BODY)
    result = download(server.url(PATH), tmp_path / "data.csv", settings=settings, source_id="s")
    assert result.path is not None and result.path.read_bytes() == BODY


def test_truncated_body_is_refused(server, settings, tmp_path):
    server.add_faults(PATH, *[truncated(BODY)] * 3)
    dest = tmp_path / "out" / "data.csv"
    with pytest.raises(FetchError, match=r"(truncated|broke off).*gave up after 3 attempts"):
        download(server.url(PATH), dest, settings=settings, source_id="s")
    assert not dest.exists() and _leftovers(tmp_path / "out") == []


def test_truncated_then_complete_is_retried(server, settings, tmp_path):
    server.add_faults(PATH, truncated(BODY))
    server.routes[PATH] = serve(BODY)
    result = download(server.url(PATH), tmp_path / "data.csv", settings=settings, source_id="s")
    assert result.path is not None and result.path.read_bytes() == BODY and len(server.hits(PATH)) == 2


def test_html_page_instead_of_data_is_refused_without_retry(server, settings, tmp_path):
    server.routes[PATH] = html_page()
    with pytest.raises(FetchError, match="returned an HTML page instead of the data file"):
        download(server.url(PATH), tmp_path / "data.csv", settings=settings, source_id="s")
    assert len(server.hits(PATH)) == 1 and not (tmp_path / "data.csv").exists()


def test_html_is_accepted_where_a_page_is_the_published_file(server, settings, tmp_path):
    server.routes["/page.html"] = html_page()
    result = download(server.url("/page.html"), tmp_path / "page.html", settings=settings, source_id="s",
                      expect_html=True)
    assert result.path is not None and result.path.read_bytes() == HTML_ERROR


def test_html_without_html_content_type_is_still_refused(server, settings, tmp_path):
    server.routes[PATH] = serve(HTML_ERROR, content_type="text/csv")
    with pytest.raises(FetchError, match="HTML page"):
        download(server.url(PATH), tmp_path / "data.csv", settings=settings, source_id="s")


def test_404_is_not_retried(server, settings, tmp_path):
    with pytest.raises(FetchError, match="HTTP 404"):
        download(server.url("/missing.csv"), tmp_path / "data.csv", settings=settings, source_id="s")
    assert len(server.hits("/missing.csv")) == 1


def test_size_cap(server, settings, tmp_path):
    import dataclasses

    server.routes[PATH] = serve(BODY)
    capped = dataclasses.replace(settings, max_download_bytes=1000)
    with pytest.raises(FetchError, match="over the cap of 1000"):
        download(server.url(PATH), tmp_path / "data.csv", settings=capped, source_id="s")


def test_gzip_content_encoding_is_decoded_and_not_mistaken_for_truncation(server, settings, tmp_path, raw_dir):
    """Content-Length counts compressed bytes; the saved file is the decoded CSV, hashed as such."""
    compressed = raw_dir.joinpath(*CSL_RAW).read_bytes()
    server.routes[PATH] = serve(compressed, gzip_encoded=True)
    result = download(server.url(PATH), tmp_path / "consolidated.csv", settings=settings, source_id="s")
    plain = gzip.decompress(compressed)
    assert result.path is not None and result.path.read_bytes() == plain
    assert result.sha256 == hashlib.sha256(plain).hexdigest() and result.size == len(plain)


def test_conditional_get_sends_validators_and_reports_304(server, settings, tmp_path):
    server.routes[PATH] = serve(BODY, etag='"v1"', last_modified="Thu, 21 Apr 2022 12:00:00 GMT")
    first = download(server.url(PATH), tmp_path / "a.csv", settings=settings, source_id="s")
    assert first.etag == '"v1"' and first.last_modified_date is not None
    assert first.last_modified_date.date().isoformat() == "2022-04-21"
    second = download(server.url(PATH), tmp_path / "b.csv", settings=settings, source_id="s",
                      etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.path is None and not (tmp_path / "b.csv").exists()
    sent = server.hits(PATH)[-1]
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == "Thu, 21 Apr 2022 12:00:00 GMT"


def test_unconditional_304_is_an_error(server, settings, tmp_path):
    server.routes[PATH] = status(304)
    with pytest.raises(FetchError, match="not conditional"):
        download(server.url(PATH), tmp_path / "a.csv", settings=settings, source_id="s")


def test_connection_refused_is_retried_then_reported(settings, tmp_path):
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match=r"connection failed .*ConnectError.* gave up after 3 attempts"):
        download(f"http://127.0.0.1:{port}/x.csv", tmp_path / "x.csv", settings=settings, source_id="s")


def test_get_text_retries_and_maps_404_to_none(server, settings):
    server.add_faults("/listing/", status(502))
    server.routes["/listing/"] = serve(b"<html><a href='a.csv'>a.csv</a></html>", content_type="text/html")
    assert "a.csv" in (get_text(server.url("/listing/"), settings=settings, source_id="s") or "")
    assert len(server.hits("/listing/")) == 2
    assert get_text(server.url("/nothing/"), settings=settings, source_id="s") is None
