"""All settings, read once from ``EXPORTCHECK_*`` environment variables.

Why one module: tests and CI jobs change behaviour only through these variables or explicit
arguments, never through scattered ``os.environ`` reads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

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
    return float(raw) if raw else default


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


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
    extra: dict[str, str] = field(default_factory=dict)


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
    )
