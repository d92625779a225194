"""The one HTTP client: timeouts, bounded retries with backoff, conditional GET, streaming, hashing.

Why here and nowhere else: only fetching touches the network, so every parser is testable on files
and every download gets the same guarantees (pooch's integrity, httpx's timeouts): a body is streamed
to a temporary file, hashed while it arrives, capped in size, checked against its Content-Length,
and only then moved into place. An HTML page served where data was expected is refused.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from exportcheck.errors import FetchError
from exportcheck.settings import Settings

RETRY_STATUS = {429, 500, 502, 503, 504}
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


def _retry_after(response: httpx.Response, settings: Settings, attempt: int) -> float:
    """Seconds to wait before the next try: the server's Retry-After if given, else exponential backoff."""
    header = response.headers.get("Retry-After")
    if header:
        try:
            wait = float(header)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(header)
                wait = (when - datetime.now(UTC)).total_seconds()
            except (TypeError, ValueError):
                wait = settings.backoff * 2**attempt
        return max(0.0, min(wait, settings.max_retry_after))
    return settings.backoff * 2**attempt


def _looks_like_html(first_bytes: bytes, content_type: str, expect_html: bool) -> bool:
    if expect_html:
        return False
    head = first_bytes.lstrip()[:200].lower()
    return "text/html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


def make_client(settings: Settings) -> httpx.Client:
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    return httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        headers={"User-Agent": settings.user_agent},
    )


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

    Retries connection errors, timeouts, 5xx and 429 up to ``settings.retries`` times; raises
    :class:`FetchError` with one readable line otherwise.
    """
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own_client = client is None
    http = client or make_client(settings)
    last_problem = "no attempt made"
    try:
        for attempt in range(settings.retries + 1):
            try:
                with http.stream("GET", url, headers=headers) as response:
                    if response.status_code == 304:
                        return Download(url, None, "", 0, True, response.headers.get("ETag") or etag,
                                        response.headers.get("Last-Modified") or last_modified)
                    if response.status_code in RETRY_STATUS:
                        last_problem = f"HTTP {response.status_code} from {url}"
                        if attempt < settings.retries:
                            time.sleep(_retry_after(response, settings, attempt))
                            continue
                        break
                    if response.status_code >= 400:
                        raise FetchError(source_id, f"HTTP {response.status_code} from {url}")
                    return _stream_to_file(response, dest, settings, source_id, expect_html, progress)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "connection failed"
                last_problem = f"{kind} fetching {url} ({exc.__class__.__name__})"
                if attempt < settings.retries:
                    time.sleep(settings.backoff * 2**attempt)
                    continue
                break
    finally:
        if own_client:
            http.close()
    raise FetchError(source_id, f"{last_problem}; gave up after {settings.retries + 1} attempts")


def _stream_to_file(
    response: httpx.Response,
    dest: Path,
    settings: Settings,
    source_id: str,
    expect_html: bool,
    progress: ProgressFn | None,
) -> Download:
    expected = response.headers.get("Content-Length")
    total = int(expected) if expected and expected.isdigit() else None
    if total is not None and total > settings.max_download_bytes:
        raise FetchError(source_id, f"{response.url} is {total} bytes, over the cap of {settings.max_download_bytes}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            checked_html = False
            for chunk in response.iter_bytes():
                if not checked_html:
                    checked_html = True
                    if _looks_like_html(chunk, response.headers.get("Content-Type", ""), expect_html):
                        raise FetchError(source_id, f"{response.url} returned an HTML page instead of the data file")
                size += len(chunk)
                if size > settings.max_download_bytes:
                    raise FetchError(source_id, f"{response.url} exceeds the size cap of {settings.max_download_bytes} bytes")
                digest.update(chunk)
                handle.write(chunk)
                if progress:
                    progress(size, total)
        if total is not None and size != total:
            raise FetchError(source_id, f"{response.url}: truncated body ({size} of {total} bytes)")
        os.replace(tmp, dest)
    except httpx.HTTPError as exc:
        tmp.unlink(missing_ok=True)
        raise FetchError(source_id, f"{response.url}: transfer broke off after {size} bytes ({exc.__class__.__name__})") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Download(str(response.url), dest, digest.hexdigest(), size, False,
                    response.headers.get("ETag"), response.headers.get("Last-Modified"))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
