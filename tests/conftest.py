"""Shared test fixtures: the real list files in ../shared/data/raw and a throw-away lists folder.

Tests that need the real files skip, with a message saying so, only where ../shared is absent; with
EXPORTCHECK_REQUIRE_DATA=1 (CI sets it) an absent folder fails them instead, so a run that silently
skipped every real-data test can never pass for a green one.
"""

from __future__ import annotations

import os
import shutil
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


def _require(path: Path) -> Path:
    if not path.exists():
        message = f"real data not available: {path} is absent (put the shared/ folder beside the checkout)"
        if os.environ.get("EXPORTCHECK_REQUIRE_DATA"):
            pytest.fail(message)
        pytest.skip(message)
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


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Notebooks (nbmake) read a copy of the session's real lists instead of refreshing on their own.

    Without this each notebook refreshed the whole mirror into ``notebooks/lists``, or silently reused
    whatever an earlier run had left there. The mirror is also named for them, so they find
    ``../shared`` from a worktree or wherever EXPORTCHECK_SHARED points.
    """
    if not type(item).__module__.startswith("nbmake") or not RAW.exists():
        return
    from tests.refresh_support import real_refresh

    factory: pytest.TempPathFactory = item.config._tmp_path_factory  # type: ignore[attr-defined]
    folder, outcomes = real_refresh(factory, RAW)
    assert not [o for o in outcomes if o.status == "failed"], [o.message for o in outcomes if o.status == "failed"]
    copy = factory.mktemp("notebook-lists") / "lists"
    shutil.copytree(folder, copy)
    patch = pytest.MonkeyPatch()
    patch.setenv("EXPORTCHECK_LISTS_DIR", str(copy))
    patch.setenv("EXPORTCHECK_MIRROR", str(RAW))
    item.stash[_NOTEBOOK_ENV] = patch


def pytest_runtest_teardown(item: pytest.Item) -> None:
    patch = item.stash.get(_NOTEBOOK_ENV, None)
    if patch is not None:
        patch.undo()


_NOTEBOOK_ENV = pytest.StashKey[pytest.MonkeyPatch]()


@pytest.fixture
def mirror_lists(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, raw_dir: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the us-csl snapshots of the session's one real refresh (copied, not parsed again)."""
    from tests.refresh_support import copy_lists, mirror_snapshots

    folder, _ = mirror_snapshots(tmp_path_factory, raw_dir)
    return copy_lists(folder, tmp_path / "lists", monkeypatch)
