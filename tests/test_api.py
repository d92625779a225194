"""The public Python API: names exported, and load() over real snapshots."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

import exportcheck
from exportcheck.dates import in_force_mask


def test_public_names_are_exactly_all() -> None:
    public = {name for name in dir(exportcheck) if not name.startswith("_")}
    # submodules imported as a side effect are not API; everything else public must be in __all__
    modules = {name for name in public if type(getattr(exportcheck, name)).__name__ == "module"}
    assert public - modules == set(exportcheck.__all__) - {"__version__"}
    for name in exportcheck.__all__:
        assert hasattr(exportcheck, name), name


def test_load_latest_has_real_entities(real_lists_dir: Path) -> None:
    lists = exportcheck.load(lists_dir=real_lists_dir)
    entities = lists.entities
    assert isinstance(entities, pd.DataFrame)
    assert {"entity_id", "source", "list", "name", "aliases", "snapshot", "data_date"} <= set(entities.columns)
    assert entities["entity_id"].is_unique
    csl = entities[entities["source"] == "us-csl"]
    assert len(csl) > 10_000
    assert (csl["snapshot"] == lists.snapshot("us-csl").version).all()  # type: ignore[union-attr]


def test_as_of_drops_listings_not_in_force(real_lists_dir: Path) -> None:
    latest = exportcheck.load(lists_dir=real_lists_dir).entities
    early = exportcheck.load(as_of="2019-01-01", lists_dir=real_lists_dir).entities
    listed_later = latest[latest["listing_date"].str.slice(0, 10) > "2019-01-01"]
    assert len(listed_later) > 100  # the real lists hold many listings since 2019
    assert (early["listing_date"].str.slice(0, 10) <= "2019-01-01").all()
    ended = early["end_date"].fillna("")
    assert ((ended == "") | (ended.str.slice(0, 10) > "2019-01-01")).all()
    # the snapshot used for a date is the one whose data stood then, or the oldest where all are newer
    lists = exportcheck.load(as_of="2023-01-01", lists_dir=real_lists_dir)
    assert lists.snapshot("us-csl").meta.data_date.isoformat() == "2022-04-21"  # type: ignore[union-attr]


def test_in_force_uses_listing_and_end_dates() -> None:
    frame = pd.DataFrame({"listing_date": ["2020-05-01", "2021", "", "2019-01-01"],
                          "end_date": ["", "", "", "2020-01-01"]})
    assert in_force_mask(frame, date(2020, 6, 1)).tolist() == [True, False, True, False]
    assert in_force_mask(frame, date(2021, 6, 1)).tolist() == [True, True, True, False]


def test_sources_frame_lists_every_declared_source(real_lists_dir: Path) -> None:
    frame = exportcheck.load(lists_dir=real_lists_dir).sources()
    assert {"us-csl", "eu-fsf", "uk-sanctions", "nl-national", "eu-dual-use"} <= set(frame["id"])
    assert frame.set_index("id").loc["us-csl", "records"] > 10_000
