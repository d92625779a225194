"""A real snapshot of every entity list that has a parser, built once per test session.

Copied from the session's one refresh of ``../shared/data/raw`` (tests/conftest.py ``real_lists_dir``),
so the matcher is tested on the names the lists really contain.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from exportcheck.matching import Screener, get_screener
from exportcheck.matching.lists import entity_sources, load_lists
from exportcheck.sources import get_source
from exportcheck.sources.base import date_key
from exportcheck.store import Snapshot, SnapshotStore


def _name_date(snap: Snapshot) -> str:
    """The date in a snapshot's first file name: what a plain ``refresh`` (no --all-dates) picks the newest by."""
    return date_key(snap.meta.files[0].name)


@pytest.fixture(scope="session")
def real_lists(real_lists_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What ``refresh --mirror ../shared/data/raw`` (newest file of each entity source) makes, as a copy of
    those snapshots from the session's one all-dates refresh (nothing is parsed again).

    The matcher tests are about names in the current lists: in the all-dates folder ``--as-of`` picks
    the snapshot that stood on a date (the 2022 CSL for a 2024 date), which other tests cover.
    """
    folder = tmp_path_factory.mktemp("matching") / "lists"
    store = SnapshotStore(real_lists_dir)
    held = [s for s in entity_sources() if get_source(s).has_parser and store.snapshots(s)]
    assert len(held) >= 5, held
    for source in held:
        newest = max(store.snapshots(source), key=_name_date)
        shutil.copytree(newest.path, folder / source / newest.version)
        index = store.index(source)
        index.versions = [v for v in index.versions if v.version == newest.version]
        index.last_successful = newest.version
        (folder / source / "versions.json").write_text(index.model_dump_json(), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def real_entities(real_lists: Path) -> pd.DataFrame:
    return load_lists(SnapshotStore(real_lists)).entities


@pytest.fixture(scope="session")
def screener(real_lists: Path) -> Screener:
    return get_screener(real_lists)
