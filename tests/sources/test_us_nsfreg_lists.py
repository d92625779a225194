"""us-1286, us-uflpa, us-fcc-covered, us-state-nonproliferation on the real nsfreg JSON copies.

Expected values come from the JSON read with ``json`` here, and are checked against SOURCES.md's counts.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from exportcheck.sources import get_source
from exportcheck.sources.base import Parsed
from tests.conftest import raw_file

FILES = {
    "us-1286": "DERIVED_dow-1286_fy24-v2_2026-07-09.json",
    "us-uflpa": "DERIVED_dhs-uflpa_2026-07-09.json",
    "us-fcc-covered": "DERIVED_fcc-covered-list_2026-07-09.json",
    "us-state-nonproliferation": "DERIVED_state-nonproliferation_2025-05_2026-07-09.json",
}
#: Entries and aliases as SOURCES.md states them (FCC: 15 entries; aliases not stated, hence None).
STATED = {"us-1286": (134, 143), "us-uflpa": (148, None), "us-fcc-covered": (15, None),
          "us-state-nonproliferation": (528, None)}


def _raw(source_id: str) -> dict[str, Any]:
    return json.loads(raw_file(source_id, FILES[source_id]).read_text(encoding="utf-8"))


def _parsed(source_id: str) -> Parsed:
    (fmt,) = get_source(source_id).formats
    return fmt.read([raw_file(source_id, FILES[source_id])])


@pytest.mark.parametrize("source_id", list(FILES))
def test_counts_from_the_file(source_id: str) -> None:
    data = _raw(source_id)
    entries, aliases = STATED[source_id]
    assert len(data["entities"]) == data["count"] == entries
    if aliases is not None:
        assert sum(len(e["aliases"]) for e in data["entities"]) == aliases
    parsed = _parsed(source_id)
    named = [e for e in data["entities"] if source_id != "us-fcc-covered" or "Category listing" not in e["notes"]]
    assert sorted(r.name for r in parsed.records) == sorted(" ".join(e["name"].split()) for e in named)
    assert sum(len(r.aliases) for r in parsed.records) == sum(len(e["aliases"]) for e in named)
    assert len({r.entity_id for r in parsed.records}) == len(parsed.records)
    assert all(r.entity_id.startswith(f"{source_id}:") and r.source == source_id for r in parsed.records)


def test_1286_has_no_countries_or_dates_and_none_invented() -> None:
    data = _raw("us-1286")
    assert {e["country"] for e in data["entities"]} == {None} and {e["effective_date"] for e in data["entities"]} == {None}
    parsed = _parsed("us-1286")
    assert all(not r.countries and not r.listing_date for r in parsed.records)
    quantum = {r.name for r in parsed.records if "Quantum" in r.name}
    assert "Beijing Academy of Quantum Information Sciences" in quantum
    tables = Counter(e["notes"].split("Table ")[1][0] for e in data["entities"])
    assert Counter(r.remarks.split("Table ")[1][0] for r in parsed.records) == tables == {"1": 128, "2": 6}


def test_uflpa_dates_and_china() -> None:
    data = _raw("us-uflpa")
    parsed = _parsed("us-uflpa")
    assert {c for r in parsed.records for c in r.countries} == {"CN"}
    by_name = {r.name: r for r in parsed.records}
    for item in data["entities"]:  # "June 21, 2022", read with strptime here
        stated = datetime.strptime(item["effective_date"], "%B %d, %Y").date().isoformat()
        assert by_name[" ".join(item["name"].split())].listing_date == stated
    assert by_name["Baoding LYSZD Trade and Business Co., Ltd"].listing_date == "2022-06-21"
    assert get_source("us-uflpa").spec.nature == "import-restriction"


def test_fcc_classes_of_equipment_are_not_parties() -> None:
    parsed = _parsed("us-fcc-covered")
    classes = parsed.extra_tables["covered_classes"]
    data = _raw("us-fcc-covered")
    assert len(classes) == sum(1 for e in data["entities"] if "Category listing" in e["notes"]) == 2
    assert len(parsed.records) == 13
    assert not any("produced in a foreign country" in r.name for r in parsed.records)
    huawei = next(r for r in parsed.records if r.name == "Huawei Technologies Company")
    assert huawei.countries == ["CN"] and huawei.listing_date == "2021-03-12"


def test_state_measures_and_end_dates() -> None:
    data = _raw("us-state-nonproliferation")
    parsed = _parsed("us-state-nonproliferation")
    measures = parsed.extra_tables["measures"]
    parts = [p for e in data["entities"] for p in e["notes"].split(" | ") if p.startswith("Authority:")]
    assert len(measures) == len(parts)
    active = sum(1 for p in parts if "status: Active" in p)
    assert int(measures["in_force"].sum()) >= active > 100
    by_name = {r.name: r for r in parsed.records}
    sino = by_name["Sino-Ki"]  # two missile/EO 12938 sanctions of 2009, both expired 02/02/11
    assert sino.listing_date == "2009-02-02" and sino.end_date == "2011-02-02"
    russia = by_name["Government of the Russian Federation"]  # CBW Act sanctions, active
    assert russia.end_date == "" and russia.listing_date == "2018-08-27"
    ended = [r for r in parsed.records if r.end_date]
    assert ended and all(r.end_date >= r.listing_date for r in ended if r.listing_date)
    countries = Counter(c for r in parsed.records for c in r.countries)
    assert countries["CN"] >= 131 and countries["IR"] == 75 and countries["RU"] == 76


@pytest.mark.parametrize("source_id, nature", [("us-1286", "research-security"), ("us-uflpa", "import-restriction"),
                                               ("us-fcc-covered", "equipment-authorisation"),
                                               ("us-state-nonproliferation", "procurement")])
def test_declared_nature(source_id: str, nature: str) -> None:
    spec = get_source(source_id).spec
    assert spec.nature == nature and spec.jurisdiction == "US" and spec.topics and spec.effect
    assert "licen" in spec.effect  # each says what it does not do for an export licence
