"""Run the notebooks (pytest --nbmake) against one shared lists folder filled from the real mirror.

The first notebook finds no snapshot and refreshes from ``EXPORTCHECK_MIRROR`` (``../shared/data/raw``);
the others reuse that folder. Set ``EXPORTCHECK_NOTEBOOK_LISTS_DIR`` to run them on a folder you have.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get("EXPORTCHECK_SHARED", REPO.parent / "shared")) / "data" / "raw"
_saved: dict[str, str | None] = {}
_lists_dir: list[str] = []


def pytest_runtest_setup(item: pytest.Item) -> None:
    if not str(item.path).endswith(".ipynb"):
        return
    if not MIRROR.is_dir():
        pytest.skip(f"real data not available: {MIRROR} is absent (put the shared/ folder beside the checkout)")
    if not _lists_dir:
        _lists_dir.append(os.environ.get("EXPORTCHECK_NOTEBOOK_LISTS_DIR")
                          or tempfile.mkdtemp(prefix="exportcheck-notebook-lists-"))
    for name, value in (("EXPORTCHECK_LISTS_DIR", _lists_dir[0]), ("EXPORTCHECK_MIRROR", str(MIRROR))):
        _saved[name] = os.environ.get(name)
        os.environ[name] = value


def pytest_runtest_teardown(item: pytest.Item) -> None:
    for name, value in _saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _saved.clear()
