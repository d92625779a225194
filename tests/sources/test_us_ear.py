"""us-entity-list and us-meu: the nsfreg JSON copies (real files) and the official eCFR XML (fixture).

Counts are taken from the JSON with the json module and from the fixture with XPath, independently
of the parsers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from exportcheck.errors import ParseError
from exportcheck.sources import Format, get_source
from exportcheck.sources.base import Parsed
from tests.conftest import raw_file

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "us-ear" / "title-15-part-744_2026-07-01.xml"
EL_NAME = "DERIVED_entity-list_part744-supp4_2026-07-09.json"
MEU_NAME = "DERIVED_meu-list_part744-supp7_2026-07-09.json"
CETC_ALIASES = ["CETC 24", "Sichuan Solid Circuit Research Institute", "CETC 44",
                "CETC Chongqing Sound and Optoelectronics Co., Ltd.",
                "Chongqing Optoelectronics Technology Research Institute", "CETC 26", "Dianke Chip Group"]


def _format(source_id: str, name: str) -> Format:
    return get_source(source_id).format(name)


@pytest.fixture(scope="session")
def el_data() -> dict:
    return json.loads(raw_file("us-ear", EL_NAME).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def el_parsed() -> Parsed:
    return _format("us-entity-list", "nsfreg-json").read([raw_file("us-ear", EL_NAME)])


def test_entity_list_counts(el_data: dict, el_parsed: Parsed) -> None:
    entities = el_data["entities"]
    assert len(el_parsed.records) == len(entities) == el_data["count"] == 3409
    assert sum(len(r.aliases) for r in el_parsed.records) == \
        sum(1 for e in entities for a in e["aliases"] if a.strip())
    assert len({r.entity_id for r in el_parsed.records}) == len(entities)
    china = sum(1 for e in entities if e["country"] == "China")
    assert sum(1 for r in el_parsed.records if r.countries == ["CN"]) == china == 1106
    assert str(el_parsed.data_date) == "2026-07-09"
    artefacts = sum(1 for e in entities if re.fullmatch(r"Address \d+", e["name"]))
    assert [w for w in el_parsed.warnings if f" {artefacts} entries named like 'Address" in w]


def test_entity_list_every_citation_with_its_date(el_data: dict, el_parsed: Parsed) -> None:
    lines = sum(len([x for x in (e["federal_register"] or "").replace(", 78 FR", "\n78 FR").split("\n")
                     if "FR" in x]) for e in el_data["entities"])
    assert sum(len(r.citations) for r in el_parsed.records) >= lines
    assert all(c.date for r in el_parsed.records for c in r.citations if "/" in c.citation) is True
    undated = [c for r in el_parsed.records for c in r.citations if not c.date]
    assert len(undated) < 10


def test_entity_list_cetc_chip_technology(el_parsed: Parsed) -> None:
    (entity,) = [r for r in el_parsed.records if r.name == "CETC Chip Technology Co., Ltd."]
    assert [a.name for a in entity.aliases] == CETC_ALIASES
    assert [(c.citation, c.date) for c in entity.citations] == [("89 FR 41888", "2024-05-14")]
    assert entity.licence_requirement == "For all items subject to the EAR. (See § 744.11 of the EAR)"
    assert entity.countries == ["CN"] and entity.list == "Entity List"
    assert len(entity.addresses) == 5 and all(a.country == "CN" for a in entity.addresses)
    assert entity.listing_date == "2024-05-14"


def test_entity_list_footnotes(el_data: dict, el_parsed: Parsed) -> None:
    markers = {5: r"744\.11 of the EAR\) 5$", 3: r"734\.9\(g\),?3", 1: r"734\.9\(e\) 1 "}
    by_notes = {n: sum(1 for e in el_data["entities"] if e["notes"] and re.search(marker, e["notes"]))
                for n, marker in markers.items()}
    for number, count in by_notes.items():
        assert sum(1 for r in el_parsed.records if f"footnote-{number}" in r.flags) == count > 0
    assert by_notes[5] == 16  # the Dec 2024 SME rule's footnote 5 (DOMAIN.md: 16 entries)


def test_entity_list_crimea_is_ukraine(el_data: dict, el_parsed: Parsed) -> None:
    listed_in = [e["country"] for e in el_data["entities"]]
    assert listed_in.count("Crimea Region of Ukraine") == 28
    ukraine = listed_in.count("Crimea Region of Ukraine") + listed_in.count("Ukraine")
    assert sum(1 for r in el_parsed.records if r.countries == ["UA"]) == ukraine


def test_meu_counts() -> None:
    data = json.loads(raw_file("us-ear", MEU_NAME).read_text(encoding="utf-8"))
    parsed = _format("us-meu", "nsfreg-json").read([raw_file("us-ear", MEU_NAME)])
    assert len(parsed.records) == len(data["entities"]) == 70
    assert sum(len(r.aliases) for r in parsed.records) == sum(len(e["aliases"]) for e in data["entities"])
    assert all(r.list == "MEU" and r.licence_requirement == "" for r in parsed.records)
    assert sum(1 for r in parsed.records if r.remarks) == sum(1 for e in data["entities"] if e["notes"])


def test_nsfreg_truncated(tmp_path: Path) -> None:
    text = raw_file("us-ear", MEU_NAME).read_text(encoding="utf-8")
    cut = tmp_path / "DERIVED_meu-list_cut.json"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ParseError, match=r"DERIVED_meu-list_cut\.json line \d+ column \d+"):
        _format("us-meu", "nsfreg-json").read([cut])


def test_nsfreg_unknown_keys_reported(tmp_path: Path) -> None:
    path = tmp_path / "DERIVED_meu-list_new.json"
    path.write_text(json.dumps({"count": 1, "entities": [{"name": "X", "aliases": [], "country": "China",
                                                            "federal_register": "", "risk": "high"}]}))
    parsed = _format("us-meu", "nsfreg-json").read([path])
    assert "risk" in " ".join(parsed.warnings)


# --- official eCFR XML (fixture; not verified on a real file) ---------------------------------------

def _fixture_rows(supplement: str) -> list[etree._Element]:
    tree = etree.parse(str(FIXTURE))
    return tree.xpath(f"//DIV9[@N='{supplement}']//TR[TD[2][normalize-space(string())]]")


def test_ecfr_entity_list_fixture() -> None:
    parsed = get_source("us-entity-list").format("ecfr-xml").read([FIXTURE])
    rows = _fixture_rows("Supplement No. 4 to Part 744")
    assert len(parsed.records) == len(rows) == 3
    alias_paras = sum(len(r.xpath("TD[2]/P[starts-with(normalize-space(.), '—')]")) for r in rows)
    assert sum(len(r.aliases) for r in parsed.records) == alias_paras
    cetc = parsed.records[0]
    assert cetc.name == "CETC Chip Technology Co., Ltd." and [a.name for a in cetc.aliases] == CETC_ALIASES
    assert cetc.countries == ["CN"] and cetc.licence_policy == "Presumption of denial."
    assert [(c.citation, c.date) for c in cetc.citations] == [("89 FR 41888", "2024-05-14")]
    second = parsed.records[1]
    assert second.countries == ["CN"]  # the country cell is only filled on a country's first row
    assert [(c.citation, c.date) for c in second.citations] == [("87 FR 13061", "2022-03-08"),
                                                               ("89 FR 96790", "2024-12-05")]
    assert second.flags == ["footnote-5"] and "5" not in second.licence_requirement.split()
    assert parsed.records[2].flags == ["footnote-3"] and parsed.records[2].countries == ["RU"]
    assert get_source("us-entity-list").official_format().verified is False  # type: ignore[union-attr]


def test_ecfr_meu_fixture() -> None:
    parsed = get_source("us-meu").format("ecfr-xml").read([FIXTURE])
    assert len(parsed.records) == len(_fixture_rows("Supplement No. 7 to Part 744")) == 1
    assert parsed.records[0].citations[0].date == "2020-12-23"


def test_ecfr_bad_inputs(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    cut = tmp_path / "title-15-part-744_cut.xml"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ParseError, match=r"title-15-part-744_cut\.xml: malformed XML at line \d+"):
        get_source("us-entity-list").format("ecfr-xml").read([cut])
    other = tmp_path / "title-15-part-746.xml"
    other.write_text('<DIV5 N="746" TYPE="PART"><HEAD>x</HEAD></DIV5>', encoding="utf-8")
    with pytest.raises(ParseError, match=r"Supplement No\. 4 to Part 744"):
        get_source("us-entity-list").format("ecfr-xml").read([other])
    bomb = tmp_path / "title-15-part-744_bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    '<DIV5 N="744">&b;</DIV5>', encoding="utf-8")
    with pytest.raises(ParseError, match="entit"):
        get_source("us-entity-list").format("ecfr-xml").read([bomb])
