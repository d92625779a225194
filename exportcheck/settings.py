"""All settings, read once from ``EXPORTCHECK_*`` environment variables.

Why one module: tests and CI jobs change behaviour only through these variables or explicit
arguments, never through scattered ``os.environ`` reads.

    EXPORTCHECK_LISTS_DIR            snapshot folder (``--lists-dir`` wins)
    EXPORTCHECK_MIRROR               default for ``refresh --mirror`` (folder or http(s) URL)
    EXPORTCHECK_CONNECT_TIMEOUT      seconds to open a connection (10)
    EXPORTCHECK_READ_TIMEOUT         longest silence while reading a response, seconds (60)
    EXPORTCHECK_RETRIES              extra attempts after a transient failure (3)
    EXPORTCHECK_BACKOFF              first wait between attempts, doubled each time, seconds (1)
    EXPORTCHECK_MAX_RETRY_AFTER      longest wait we accept, from Retry-After or backoff, seconds (120)
    EXPORTCHECK_MAX_DOWNLOAD_BYTES   size cap of one download (512 MiB)
    EXPORTCHECK_URL_<SOURCE>         replaces a source's official download URL(s): the source id upper-cased
                                     with ``-`` as ``_`` (``EXPORTCHECK_URL_US_CSL``); for a source with several
                                     files, their URLs separated by spaces, in the declared order. For
                                     testing against a local server and for corporate proxies/caches.

``exportcheck serve`` (see :class:`ServerSettings`):

    EXPORTCHECK_API_TOKEN            bearer token every request must carry; required to bind anything but
                                     127.0.0.1 / localhost / ::1 (the server refuses to start without it)
    EXPORTCHECK_CORS_ORIGINS         origins allowed by CORS, separated by spaces or commas (default: none,
                                     CORS off); e.g. ``http://127.0.0.1:3333`` for OpenRefine's suggest widget
    EXPORTCHECK_MAX_BODY_BYTES       largest request body accepted (1 MiB)
    EXPORTCHECK_MAX_QUERY_CHARS      longest query string / name accepted (2,000 characters)
    EXPORTCHECK_MAX_BATCH            most queries in one /match or /reconcile batch (100)
    EXPORTCHECK_RELOAD_SECONDS       how often the server checks the lists folder for new snapshots (10)
    EXPORTCHECK_CACHE_ENTRIES        answers kept per loaded set of snapshots for repeated questions (4,096)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from exportcheck.errors import ConfigError

URL_PREFIX = "EXPORTCHECK_URL_"

PACKAGE_ROOT = Path(__file__).resolve().parent
CHECKOUT_ROOT = PACKAGE_ROOT.parent


def _default_lists_dir() -> Path:
    """``lists/`` of a source checkout, else ``./lists`` of the working directory."""
    checkout_lists = CHECKOUT_ROOT / "lists"
    if (CHECKOUT_ROOT / "pyproject.toml").exists():
        return checkout_lists
    return Path.cwd() / "lists"


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    try:
        return float(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None


def env_key(source_id: str) -> str:
    """The environment variable that overrides a source's official URL(s)."""
    return URL_PREFIX + source_id.upper().replace("-", "_")


def _url_overrides() -> dict[str, list[str]]:
    """``EXPORTCHECK_URL_<SOURCE>`` variables, keyed by the variable's suffix (``US_CSL``)."""
    return {name[len(URL_PREFIX):]: value.split() for name, value in os.environ.items()
            if name.startswith(URL_PREFIX) and value.strip()}


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build with :func:`get_settings` so environment changes are seen."""

    lists_dir: Path
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 120.0
    max_download_bytes: int = 512 * 1024 * 1024
    user_agent: str = "exportcheck/0.1 (+https://github.com/exportcheck/exportcheck)"
    mirror: str | None = None
    url_overrides: dict[str, list[str]] = field(default_factory=dict)

    def official_urls(self, source_id: str, declared: list[str]) -> list[str]:
        """A source's download URLs: the declared ones unless ``EXPORTCHECK_URL_<SOURCE>`` replaces them."""
        override = self.url_overrides.get(env_key(source_id)[len(URL_PREFIX):])
        if override is None:
            return declared
        if len(override) != len(declared):
            raise ConfigError(f"{env_key(source_id)} has {len(override)} URL(s); {source_id} downloads "
                              f"{len(declared)} file(s)")
        return override


def get_settings(lists_dir: Path | str | None = None) -> Settings:
    """Settings from the environment; an explicit ``lists_dir`` wins over ``EXPORTCHECK_LISTS_DIR``."""
    env_dir = os.environ.get("EXPORTCHECK_LISTS_DIR")
    chosen = Path(lists_dir) if lists_dir else Path(env_dir) if env_dir else _default_lists_dir()
    return Settings(
        lists_dir=chosen,
        connect_timeout=_float("EXPORTCHECK_CONNECT_TIMEOUT", 10.0),
        read_timeout=_float("EXPORTCHECK_READ_TIMEOUT", 60.0),
        retries=_int("EXPORTCHECK_RETRIES", 3),
        backoff=_float("EXPORTCHECK_BACKOFF", 1.0),
        max_retry_after=_float("EXPORTCHECK_MAX_RETRY_AFTER", 120.0),
        max_download_bytes=_int("EXPORTCHECK_MAX_DOWNLOAD_BYTES", 512 * 1024 * 1024),
        mirror=os.environ.get("EXPORTCHECK_MIRROR") or None,
        url_overrides=_url_overrides(),
    )


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class ServerSettings:
    """What ``exportcheck serve`` reads from the environment; build with :func:`get_server_settings`.

    Why here: every ``EXPORTCHECK_*`` variable is read in this module, so a deployment is described by
    one list (the module docstring) and tests change behaviour only through these variables.
    """

    api_token: str = ""
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1024 * 1024
    max_query_chars: int = 2000
    max_batch: int = 100
    reload_seconds: float = 10.0
    cache_entries: int = 4096

    def check_bind(self, host: str) -> None:
        """Refuse a non-loopback bind without a token: lists and reports must not be open to a network by accident."""
        if host not in LOOPBACK_HOSTS and not self.api_token:
            raise ConfigError(f"refusing to listen on {host}: set EXPORTCHECK_API_TOKEN (clients then send "
                              "'Authorization: Bearer <token>'), or bind 127.0.0.1")


def get_server_settings() -> ServerSettings:
    """Server settings from the environment (read when the server starts)."""
    origins = os.environ.get("EXPORTCHECK_CORS_ORIGINS", "").replace(",", " ").split()
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise ConfigError(f"EXPORTCHECK_CORS_ORIGINS: {origin!r} is not an origin (e.g. http://127.0.0.1:3333)")
    settings = ServerSettings(
        api_token=os.environ.get("EXPORTCHECK_API_TOKEN", "").strip(),
        cors_origins=tuple(origins),
        max_body_bytes=_int("EXPORTCHECK_MAX_BODY_BYTES", 1024 * 1024),
        max_query_chars=_int("EXPORTCHECK_MAX_QUERY_CHARS", 2000),
        max_batch=_int("EXPORTCHECK_MAX_BATCH", 100),
        reload_seconds=_float("EXPORTCHECK_RELOAD_SECONDS", 10.0),
        cache_entries=_int("EXPORTCHECK_CACHE_ENTRIES", 4096),
    )
    for name, value in (("EXPORTCHECK_MAX_BODY_BYTES", settings.max_body_bytes),
                        ("EXPORTCHECK_MAX_QUERY_CHARS", settings.max_query_chars),
                        ("EXPORTCHECK_MAX_BATCH", settings.max_batch)):
        if value < 1:
            raise ConfigError(f"{name} must be at least 1, not {value}")
    if settings.reload_seconds <= 0:
        raise ConfigError(f"EXPORTCHECK_RELOAD_SECONDS must be positive, not {settings.reload_seconds}")
    return settings
