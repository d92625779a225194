"""Shared test fixtures: the real list files in ../shared/data/raw and a throw-away lists folder.

Tests that need the real files skip, with a message saying so, only where ../shared is absent; with
EXPORTCHECK_REQUIRE_DATA=1 (CI sets it) an absent folder fails them instead, so a run that silently
skipped every real-data test can never pass for a green one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from exportcheck.refresh import Outcome

REPO = Path(__file__).resolve().parent.parent


def _find_shared() -> Path:
    """EXPORTCHECK_SHARED, else ``shared/`` beside the checkout or beside the folder holding it (a worktree)."""
    if os.environ.get("EXPORTCHECK_SHARED"):
        return Path(os.environ["EXPORTCHECK_SHARED"])
    beside = [parent / "shared" for parent in REPO.parents[:2]]
    return next((p for p in beside if (p / "data" / "raw").is_dir()), beside[0])


SHARED = _find_shared()
RAW = SHARED / "data" / "raw"
BENCH = SHARED / "data" / "bench"
CASES = SHARED / "cases"


def require_data(path: Path) -> Path:
    if not path.exists():
        message = f"real data not available: {path} is absent (put the shared/ folder beside the checkout)"
        if os.environ.get("EXPORTCHECK_REQUIRE_DATA"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """``../shared/data/raw``: the real list files (skips where absent)."""
    return require_data(RAW)


@pytest.fixture(scope="session")
def bench_dir() -> Path:
    return require_data(BENCH)


@pytest.fixture(scope="session")
def cases_dir() -> Path:
    return require_data(CASES)


def raw_file(*parts: str) -> Path:
    """One real file under ``../shared/data/raw`` (skips where absent)."""
    return require_data(RAW.joinpath(*parts))


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
def real_refresh_run(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> Iterator[tuple[Path, list[Outcome]]]:
    """The session's one refresh of every source from the real mirror, every date, with its outcomes.

    Read-only: a test that changes a lists folder copies it (``copy_lists``). At the end of the session
    the folder is compared with what the refresh wrote, so a test that wrote to it fails the run.
    """
    from tests.refresh_support import fingerprint, real_refresh

    folder, outcomes = real_refresh(tmp_path_factory, raw_dir)
    failed = [f"{o.source}: {o.message}" for o in outcomes if o.status == "failed"]
    assert not failed, failed
    before = fingerprint(folder)
    yield folder, outcomes
    changed = sorted(set(before.items()) ^ set(fingerprint(folder).items()))
    assert not changed, f"a test wrote to the shared real lists folder (copy it instead): {changed[:5]}"


@pytest.fixture(scope="session")
def real_lists_dir(real_refresh_run: tuple[Path, list[Outcome]]) -> Path:
    """The lists folder of the session's one real refresh (every source with a parser, every date; read-only)."""
    return real_refresh_run[0]


@pytest.fixture
def mirror_lists(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, raw_dir: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the us-csl snapshots of the session's one real refresh (copied, not parsed again)."""
    from tests.refresh_support import copy_lists, mirror_snapshots

    folder, _ = mirror_snapshots(tmp_path_factory, raw_dir)
    return copy_lists(folder, tmp_path / "lists", monkeypatch)
