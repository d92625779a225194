"""Run the notebooks (pytest --nbmake) against one lists folder: a copy of the session's real refresh.

The test session refreshes ``../shared/data/raw`` once (tests/refresh_support.py ``real_refresh``); the
notebooks get a copy of that folder, so they neither refresh again nor change what the tests read.
Set ``EXPORTCHECK_NOTEBOOK_LISTS_DIR`` to run them on a folder you have.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import RAW, require_data
from tests.refresh_support import real_refresh

_saved: dict[str, str | None] = {}
_lists_dir: list[str] = []


def _notebook_lists(item: pytest.Item) -> str:
    """The notebooks' folder: EXPORTCHECK_NOTEBOOK_LISTS_DIR, else one copy of the session's real refresh."""
    if os.environ.get("EXPORTCHECK_NOTEBOOK_LISTS_DIR"):
        return os.environ["EXPORTCHECK_NOTEBOOK_LISTS_DIR"]
    factory: pytest.TempPathFactory = item.config._tmp_path_factory  # type: ignore[attr-defined]
    folder, outcomes = real_refresh(factory, RAW)
    failed = [f"{o.source}: {o.message}" for o in outcomes if o.status == "failed"]
    assert not failed, failed
    copy = factory.mktemp("notebook-lists") / "lists"
    shutil.copytree(folder, copy)
    return str(copy)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if not str(item.path).endswith(".ipynb"):
        return
    require_data(RAW)
    if not _lists_dir:
        _lists_dir.append(_notebook_lists(item))
    for name, value in (("EXPORTCHECK_LISTS_DIR", _lists_dir[0]), ("EXPORTCHECK_MIRROR", str(RAW))):
        _saved[name] = os.environ.get(name)
        os.environ[name] = value


def pytest_runtest_teardown(item: pytest.Item) -> None:
    for name, value in _saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _saved.clear()
