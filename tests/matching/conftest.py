"""A real snapshot of every entity list that has a parser, built once per test session.

Built from ``../shared/data/raw`` with :func:`exportcheck.refresh.refresh` (newest file of each source),
so the matcher is tested on the names the lists really contain.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from exportcheck.matching import Screener, get_screener
from exportcheck.matching.lists import entity_sources, load_lists
from exportcheck.refresh import refresh
from exportcheck.settings import get_settings
from exportcheck.sources import get_source
from exportcheck.store import SnapshotStore


@pytest.fixture(scope="session")
def real_lists(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lists folder with a snapshot of every entity source that has a parser."""
    folder = tmp_path_factory.mktemp("matching") / "lists"
    ids = [s for s in entity_sources() if get_source(s).has_parser]
    outcomes = refresh(ids, get_settings(folder), mirror=str(raw_dir), all_dates=False)
    # a source with a parser but no real file in ../shared (eu-fsf, uk-sanctions) is reported, not built
    failed = [f"{o.source}: {o.message}" for o in outcomes
              if o.status == "failed" and "no file of a known format" not in o.message]
    assert not failed, failed
    assert any(o.status == "published" for o in outcomes)
    return folder


@pytest.fixture(scope="session")
def real_entities(real_lists: Path) -> pd.DataFrame:
    return load_lists(SnapshotStore(real_lists)).entities


@pytest.fixture(scope="session")
def screener(real_lists: Path) -> Screener:
    return get_screener(real_lists)
