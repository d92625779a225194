"""aspi-unitracker on the MISP galaxy copy: institutions, and labs/subsidiaries as their own entities."""

from __future__ import annotations

import json
from typing import Any

import pytest

from exportcheck.formats import aspi_unitracker
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.sources import all_sources
from exportcheck.sources import aspi_unitracker as aspi_source
from tests.conftest import raw_file

NAME = "DERIVED_misp-galaxy_china-defence-universities_2020-08-22.json"


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return json.loads(raw_file("aspi-unitracker", NAME).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def parsed() -> Parsed:
    return aspi_unitracker.parse([raw_file("aspi-unitracker", NAME)], ParseContext("aspi-unitracker"))


def test_counts(data: dict[str, Any], parsed: Parsed) -> None:
    values = data["values"]
    labs = sum(len(v["meta"].get("major defence laboratories", [])) for v in values)
    subsidiaries = sum(len(v["meta"].get("subsidiaries", [])) for v in values)
    assert (len(values), labs) == (159, 298)  # SOURCES.md
    institutions = [e for e in parsed.records if not e.parent_name]
    assert len(institutions) == 159
    assert sum(1 for e in parsed.records if e.remarks.startswith("defence laboratory of")) == labs
    assert sum(1 for e in parsed.records if e.remarks.startswith("subsidiary of")) == subsidiaries
    assert len({e.entity_id for e in parsed.records}) == len(parsed.records)
    assert parsed.warnings == []


def test_chinese_names_and_labs_are_not_aliases(data: dict[str, Any], parsed: Parsed) -> None:
    ams = next(e for e in parsed.records if e.name == "Academy of Military Science")
    assert "中国人民解放军军事科学院" in {a.name for a in ams.aliases}
    raw = next(v for v in data["values"] if v["value"].startswith("Academy of Military Science"))
    lab_names = {lab.split(" (")[0] for lab in raw["meta"]["major defence laboratories"]}
    assert not lab_names & {a.name for a in ams.aliases}
    lab = next(e for e in parsed.records if e.name == "National Key Laboratory of Nuclear and Biochemical Disaster Protection")
    assert lab.parent_name == "Academy of Military Science"
    assert [a.name for a in lab.aliases] == ["国民核生化灾害防护国家重点实验室"]
    with_chinese = sum(1 for v in data["values"] if "(" in v["value"] and any("\u4e00" <= c <= "\u9fff" for c in v["value"]))
    assert sum(1 for e in parsed.records if not e.parent_name and any(a.type == "chinese-name" for a in e.aliases)) >= with_chinese


def test_split_bilingual() -> None:
    assert aspi_unitracker.split_bilingual("Artificial Intelligence Research Center (人工智能研究中心") == (
        "Artificial Intelligence Research Center", "人工智能研究中心")
    assert aspi_unitracker.split_bilingual("FACC AG (Austria)") == ("FACC AG (Austria)", "")


def test_declared_as_research_not_law() -> None:
    from exportcheck.sources import binds_as_listing, is_research

    spec = aspi_source.SOURCE.spec
    assert spec.nature == "research" and spec.effect.startswith("No legal effect")
    assert is_research(spec.nature) and not binds_as_listing(spec.nature)
    assert all_sources()["aspi-unitracker"] is aspi_source.SOURCE  # registered: the engine reads its nature
    (fmt,) = aspi_source.SOURCE.formats
    assert fmt.matches_primary(NAME) and not fmt.official
