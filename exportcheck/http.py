"""The one HTTP client: timeouts, bounded retries with backoff, conditional GET, streaming, hashing.

Why here and nowhere else: only fetching touches the network, so every parser is testable on files
and every download gets the same guarantees (pooch's integrity, httpx's timeouts): a body is streamed
to a temporary file, hashed while it arrives, capped in size, checked against its Content-Length,
and only then moved into place. An HTML page served where data was expected is refused.

What is retried (``settings.retries`` times, exponential ``settings.backoff``): connection errors,
timeouts (connect and read, also in the middle of a body), bodies cut short, HTTP 5xx and 429. A
``Retry-After`` header is honoured; one that asks for longer than ``settings.max_retry_after`` ends
the attempt at once with a clear message instead of hammering a server that asked us to wait.
Anything else (404, 403, an HTML page, a size cap) is not transient and fails at once.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import httpx

from exportcheck.errors import FetchError
from exportcheck.settings import Settings

RETRY_STATUS = {429, 500, 502, 503, 504}
T = TypeVar("T")
ProgressFn = Callable[[int, int | None], None]  # (bytes so far, total or None)


@dataclass(frozen=True)
class Download:
    """Result of one conditional GET."""

    url: str
    path: Path | None  # None when the server answered 304 Not Modified
    sha256: str
    size: int
    not_modified: bool
    etag: str | None
    last_modified: str | None

    @property
    def last_modified_date(self) -> datetime | None:
        if not self.last_modified:
            return None
        try:
            return email.utils.parsedate_to_datetime(self.last_modified).astimezone(UTC)
        except (TypeError, ValueError):
            return None


class _Transient(Exception):
    """A failed attempt worth retrying: ``wait`` seconds first (None: the usual backoff)."""

    def __init__(self, problem: str, wait: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.wait = wait


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait (``Retry-After`` as seconds or an HTTP date), if it did."""
    header = response.headers.get("Retry-After")
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def is_html_name(name: str) -> bool:
    """True for files that are meant to be web pages (a list published only as a page), so not refused."""
    return name.lower().endswith((".html", ".htm", ".xhtml"))


def _looks_like_html(first_bytes: bytes, content_type: str) -> bool:
    head = first_bytes.lstrip()[:200].lower()
    return "text/html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


def make_client(settings: Settings) -> httpx.Client:
    """An httpx client with the configured timeouts (connect, and read = longest silence on a socket)."""
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    return httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": settings.user_agent})


@contextlib.contextmanager
def _client(settings: Settings, client: httpx.Client | None) -> Iterator[httpx.Client]:
    if client is not None:
        yield client
        return
    with make_client(settings) as own:
        yield own


def _describe(exc: httpx.TransportError, url: str) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out fetching {url} ({exc.__class__.__name__})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"transfer of {url} broke off ({exc})"
    return f"connection failed fetching {url} ({exc.__class__.__name__})"


def _with_retries(attempt_fn: Callable[[httpx.Client], T], url: str, settings: Settings, source_id: str,
                     client: httpx.Client | None) -> T:
    """Run one attempt after another until one returns, a permanent error is raised, or tries run out."""
    tries = max(1, settings.retries + 1)
    failure = _Transient(f"no attempt made to fetch {url}")
    with _client(settings, client) as http:
        for attempt in range(tries):
            try:
                return attempt_fn(http)
            except httpx.TransportError as exc:  # timeouts, refused connections, bodies cut short
                failure = _Transient(_describe(exc, url))
            except _Transient as exc:
                failure = exc
            if failure.wait is None:
                wait = min(settings.backoff * 2**attempt, settings.max_retry_after)
            elif failure.wait > settings.max_retry_after:
                wait = failure.wait
                raise FetchError(source_id, f"{failure.problem}; the server asks to retry after {wait:.0f} s, "
                                            f"longer than EXPORTCHECK_MAX_RETRY_AFTER={settings.max_retry_after:g}")
            else:
                wait = failure.wait
            if attempt + 1 < tries:
                time.sleep(wait)
    raise FetchError(source_id, f"{failure.problem}; gave up after {tries} attempts")


def _check_status(response: httpx.Response, url: str, source_id: str) -> None:
    status = response.status_code
    if status in RETRY_STATUS:
        raise _Transient(f"HTTP {status} from {url}", _retry_after(response))
    if status >= 400:
        raise FetchError(source_id, f"HTTP {status} from {url}")


def download(
    url: str,
    dest: Path,
    *,
    settings: Settings,
    source_id: str,
    etag: str | None = None,
    last_modified: str | None = None,
    expect_html: bool = False,
    progress: ProgressFn | None = None,
    client: httpx.Client | None = None,
) -> Download:
    """GET ``url`` into ``dest`` (replaced only when the whole body arrived intact).

    With ``etag``/``last_modified`` the GET is conditional; a 304 answer returns a :class:`Download`
    with ``not_modified`` set and no file. Raises :class:`FetchError` with one readable line.
    """
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    def attempt(http: httpx.Client) -> Download:
        with http.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                if not headers:
                    raise FetchError(source_id, f"{url} answered 304 Not Modified to a request that was not conditional")
                return Download(str(response.url), None, "", 0, True, response.headers.get("ETag") or etag,
                                response.headers.get("Last-Modified") or last_modified)
            _check_status(response, url, source_id)
            return _stream_to_file(response, dest, settings, source_id, expect_html, progress)

    return _with_retries(attempt, url, settings, source_id, client)


def get_text(url: str, *, settings: Settings, source_id: str, client: httpx.Client | None = None) -> str | None:
    """A small text resource (a mirror's folder listing), with the same retries; ``None`` on 404."""

    def attempt(http: httpx.Client) -> str | None:
        response = http.get(url)
        if response.status_code == 404:
            return None
        _check_status(response, url, source_id)
        return response.text

    return _with_retries(attempt, url, settings, source_id, client)


def _stream_to_file(
    response: httpx.Response,
    dest: Path,
    settings: Settings,
    source_id: str,
    expect_html: bool,
    progress: ProgressFn | None,
) -> Download:
    url = str(response.url)
    expected = response.headers.get("Content-Length")
    # Content-Length counts the bytes on the wire, which differ from the file when the server
    # compresses (Content-Encoding: gzip); compare it with httpx's count of wire bytes.
    wire_total = int(expected) if expected and expected.isdigit() else None
    encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
    total = None if encoded else wire_total
    if wire_total is not None and wire_total > settings.max_download_bytes:
        raise FetchError(source_id, f"{url} is {wire_total} bytes, over the cap of {settings.max_download_bytes} "
                                    "(EXPORTCHECK_MAX_DOWNLOAD_BYTES)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in response.iter_bytes():
                if size == 0 and not expect_html and _looks_like_html(chunk, response.headers.get("Content-Type", "")):
                    raise FetchError(source_id, f"{url} returned an HTML page instead of the data file")
                size += len(chunk)
                if size > settings.max_download_bytes:
                    raise FetchError(source_id, f"{url} exceeds the size cap of {settings.max_download_bytes} bytes "
                                                "(EXPORTCHECK_MAX_DOWNLOAD_BYTES)")
                digest.update(chunk)
                handle.write(chunk)
                if progress:
                    progress(size, total)
        if wire_total is not None and response.num_bytes_downloaded < wire_total:
            raise _Transient(f"truncated body from {url} ({response.num_bytes_downloaded} of {wire_total} bytes)")
        if size == 0:
            raise _Transient(f"empty body from {url}")
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Download(url, dest, digest.hexdigest(), size, False,
                    response.headers.get("ETag"), response.headers.get("Last-Modified"))


