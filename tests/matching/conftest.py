"""A real snapshot of every entity list that has a parser, built once per test session.

The session's one refresh of ``../shared/data/raw`` (tests/conftest.py ``real_lists_dir``); the matcher
reads the newest snapshot of each source, so it is tested on the names the lists really contain.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from exportcheck.matching import Screener, get_screener
from exportcheck.matching.lists import entity_sources, load_lists
from exportcheck.sources import get_source
from exportcheck.store import SnapshotStore


@pytest.fixture(scope="session")
def real_lists(real_lists_dir: Path) -> Path:
    """The session's one real lists folder: a snapshot of every entity source that has a real file."""
    store = SnapshotStore(real_lists_dir)
    held = [s for s in entity_sources() if get_source(s).has_parser and store.latest(s) is not None]
    assert len(held) >= 5, held
    return real_lists_dir


@pytest.fixture(scope="session")
def real_entities(real_lists: Path) -> pd.DataFrame:
    return load_lists(SnapshotStore(real_lists)).entities


@pytest.fixture(scope="session")
def screener(real_lists: Path) -> Screener:
    return get_screener(real_lists)
