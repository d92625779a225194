"""Shared test fixtures: the real list files in ../shared/data/raw and a throw-away lists folder.

Tests that need the real files skip, with a message saying so, only where ../shared is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EXPORTCHECK_SHARED", REPO.parent / "shared"))
RAW = SHARED / "data" / "raw"
BENCH = SHARED / "data" / "bench"
CASES = SHARED / "cases"


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real data not available: {path} is absent (put the shared/ folder beside the checkout)")
    return path


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """``../shared/data/raw``: the real list files (skips where absent)."""
    return _require(RAW)


@pytest.fixture(scope="session")
def bench_dir() -> Path:
    return _require(BENCH)


@pytest.fixture(scope="session")
def cases_dir() -> Path:
    return _require(CASES)


def raw_file(*parts: str) -> Path:
    """One real file under ``../shared/data/raw`` (skips where absent)."""
    return _require(RAW.joinpath(*parts))


@pytest.fixture
def lists_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty lists folder, also set as EXPORTCHECK_LISTS_DIR so CLI calls use it."""
    folder = tmp_path / "lists"
    folder.mkdir()
    monkeypatch.setenv("EXPORTCHECK_LISTS_DIR", str(folder))
    return folder


def tree_digest(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes: compare two calls to prove nothing changed."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def real_lists_dir(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> Path:
    """A lists folder refreshed once per test session from the real mirror (every source with a parser)."""
    from exportcheck.refresh import refresh
    from exportcheck.settings import get_settings

    folder = tmp_path_factory.mktemp("real-lists")
    outcomes = refresh([], get_settings(folder), mirror=str(raw_dir), all_dates=True)
    failed = [f"{o.source}: {o.message}" for o in outcomes if o.status == "failed"]
    assert not failed, failed
    return folder


@pytest.fixture
def mirror_lists(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, raw_dir: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the us-csl snapshots ``refresh --mirror ../shared/data/raw --all-dates`` made (parsed once)."""
    from tests.refresh_support import copy_lists, mirror_snapshots

    folder, _ = mirror_snapshots(tmp_path_factory, raw_dir)
    return copy_lists(folder, tmp_path / "lists", monkeypatch)
