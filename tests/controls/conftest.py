"""Session fixtures: each real control-list file parsed once per test run (they take a second or two each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportcheck.controls.search_index import SearchIndex, build_index
from exportcheck.sources import get_source
from exportcheck.sources.base import Parsed
from tests.conftest import raw_file

EU_JSON = ("eu-dual-use", "DERIVED_annex-I_02021R0821-20251115.json")
EU_TEXT = ("eu-dual-use", "DERIVED_consolidated-text_02021R0821-20230526_EN_chars000000-240000.txt.gz",
           "DERIVED_consolidated-text_02021R0821-20230526_EN_chars320000-432000.txt.gz")
US_DIR = "us-ear"
US_FILES = ("DERIVED_ccl_part774-supp1_ecfr-2026-07-23.json", "DERIVED_country-chart_part738-supp1_ecfr-2026-07-23.json",
            "DERIVED_country-groups_part740-supp1_ecfr-2026-07-23.json")


@pytest.fixture(scope="session")
def eu_json_path() -> Path:
    return raw_file(*EU_JSON)


@pytest.fixture(scope="session")
def eu_text_paths() -> list[Path]:
    return [raw_file(EU_TEXT[0], name) for name in EU_TEXT[1:]]


@pytest.fixture(scope="session")
def us_paths() -> list[Path]:
    return [raw_file(US_DIR, name) for name in US_FILES]


@pytest.fixture(scope="session")
def eu2025(eu_json_path: Path) -> Parsed:
    return get_source("eu-dual-use").format("eu-annex-json").read([eu_json_path])


@pytest.fixture(scope="session")
def eu2023(eu_text_paths: list[Path]) -> Parsed:
    return get_source("eu-dual-use").format("eu-consolidated-text").read(eu_text_paths)


@pytest.fixture(scope="session")
def us2026(us_paths: list[Path]) -> Parsed:
    return get_source("us-ccl").format("ccl-json").read(us_paths)


@pytest.fixture(scope="session")
def control_data(eu2025: Parsed, eu2023: Parsed, us2026: Parsed):  # type: ignore[no-untyped-def]
    """Both EU versions and the US list as one ControlData, built from DataFrames (no store)."""
    import pandas as pd

    from exportcheck.controls import ControlData
    from exportcheck.model import ControlEntry
    from exportcheck.tables import records_to_frame

    frames = [records_to_frame(list(p.records), ControlEntry) for p in (eu2025, eu2023, us2026)]
    return ControlData.from_frames(
        *frames,
        coverage=pd.concat([eu2025.extra_tables["coverage"], eu2023.extra_tables["coverage"]], ignore_index=True),
        country_chart=us2026.extra_tables["country_chart"],
        licence_requirements=us2026.extra_tables["licence_requirements"],
        chart_footnotes=us2026.extra_tables["chart_footnotes"],
        all_destinations=us2026.extra_tables["all_destinations"],
        licence_exceptions=us2026.extra_tables["licence_exceptions"],
        merged_entries=us2026.extra_tables["merged_entries"],
        definitions=pd.concat([p.extra_tables["definitions"] for p in (eu2025, eu2023, us2026)], ignore_index=True),
    )


@pytest.fixture(scope="session")
def control_lists_dir(real_lists_dir: Path) -> Path:
    """The session's one real lists folder, which holds the three control sources at every date."""
    from exportcheck.store import SnapshotStore

    store = SnapshotStore(real_lists_dir)
    missing = [s for s in ("eu-dual-use", "us-ccl", "nl-national") if store.latest(s) is None]
    assert not missing, f"refresh published no snapshot of {missing}"
    return real_lists_dir


@pytest.fixture(scope="session")
def index(control_data):  # type: ignore[no-untyped-def]
    """The search index a search over EU 2025 and the US CCL uses (one version per regime), built once."""
    frame = control_data.entries
    return build_index(frame[(frame.regime == "us") | (frame.version == "02021R0821-20251115")].reset_index(drop=True))


def entry_row(index: SearchIndex, regime: str, code: str) -> int:
    """The search index's row of one entry (exactly one must exist)."""
    (row,) = [r for r, (reg, c) in enumerate(zip(index.regimes, index.codes, strict=True)) if reg == regime and c == code]
    return row
