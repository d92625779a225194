"""UN Security Council consolidated XML on the real consolidated_2026-02-27.xml and hand-made files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from exportcheck.errors import ParseError
from exportcheck.model import Entity
from exportcheck.sources import Parsed, get_source
from tests.conftest import REPO, raw_file

FILE = "consolidated_2026-02-27.xml"
ATTACKS = REPO / "tests" / "fixtures" / "xml_attacks"


@pytest.fixture(scope="session")
def tree() -> etree._ElementTree:
    return etree.parse(str(raw_file("un-sc", FILE)))


@pytest.fixture(scope="session")
def parsed() -> Parsed:
    return get_source("un-sc").format("un-sc-xml").read([raw_file("un-sc", FILE)])


def by_id(parsed: Parsed) -> dict[str, Entity]:
    return {e.raw_id: e for e in parsed.records if isinstance(e, Entity)}


def test_counts_match_xpath(parsed: Parsed, tree: etree._ElementTree) -> None:
    people = tree.xpath("/CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL")
    orgs = tree.xpath("/CONSOLIDATED_LIST/ENTITIES/ENTITY")
    assert (len(people), len(orgs)) == (730, 273)
    assert len(parsed.records) == len(people) + len(orgs)
    assert Counter(e.schema_ for e in parsed.records) == {"Person": len(people), "Organization": len(orgs)}
    aliases = tree.xpath("//INDIVIDUAL_ALIAS/ALIAS_NAME[normalize-space()] | //ENTITY_ALIAS/ALIAS_NAME[normalize-space()]")
    scripts = tree.xpath("//NAME_ORIGINAL_SCRIPT[normalize-space()]")
    assert sum(len(e.aliases) for e in parsed.records) == len(aliases) + len(scripts) == 3130
    assert sum(1 for e in parsed.records for a in e.aliases if a.type == "original-script") == len(scripts)
    ids = tree.xpath("//DATAID/text()")
    assert sorted(e.raw_id for e in parsed.records) == sorted(ids)
    assert all(e.entity_id == f"un-sc:{e.raw_id}" for e in parsed.records)
    assert parsed.warnings == []


def test_alias_quality(parsed: Parsed, tree: etree._ElementTree) -> None:
    quality = Counter(q.strip() for q in tree.xpath("//*[self::INDIVIDUAL_ALIAS or self::ENTITY_ALIAS]"
                                                    "[normalize-space(ALIAS_NAME)]/QUALITY/text()"))
    got = Counter(a.quality for e in parsed.records for a in e.aliases if a.type != "original-script")
    assert got["strong"] == quality["Good"] and got["weak"] == quality["Low"]
    assert sum(1 for e in parsed.records for a in e.aliases if a.type == "fka") == quality["f.k.a."]


def test_data_date_and_lists(parsed: Parsed, tree: etree._ElementTree) -> None:
    assert parsed.data_date is not None and parsed.data_date.isoformat() == "2026-02-27"
    lists = Counter(tree.xpath("//UN_LIST_TYPE/text()"))
    assert Counter(e.list for e in parsed.records) == lists
    assert all(e.programs == [e.list] for e in parsed.records)


def test_names_joined_from_parts(parsed: Parsed, tree: etree._ElementTree) -> None:
    got = by_id(parsed)
    for person in tree.xpath("//INDIVIDUAL[FOURTH_NAME]"):
        parts = [person.findtext(t, "").strip() for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        assert got[person.findtext("DATAID")].name == " ".join(" ".join(p.split()) for p in parts if p)
    assert got["6907994"].name == "FRANK KAKOLELE BWAMBALE"


def test_listed_on_and_reference(parsed: Parsed, tree: etree._ElementTree) -> None:
    got = by_id(parsed)
    assert all(len(e.listing_date) == 10 for e in parsed.records)
    offset = tree.xpath("//*[string-length(LISTED_ON) > 10]")
    assert offset, "the real file has LISTED_ON values with a UTC offset"
    for element in offset:
        assert got[element.findtext("DATAID")].listing_date == element.findtext("LISTED_ON")[:10]
    assert got["6907994"].identifiers[0].value == "CDi.002"


def test_birth_dates_kept_partial(parsed: Parsed, tree: etree._ElementTree) -> None:
    got = by_id(parsed)
    year_only = tree.xpath("//INDIVIDUAL[INDIVIDUAL_DATE_OF_BIRTH/YEAR and not(INDIVIDUAL_DATE_OF_BIRTH/DATE)"
                           " and count(INDIVIDUAL_DATE_OF_BIRTH) = 1]")
    assert year_only
    for person in year_only:
        assert got[person.findtext("DATAID")].birth_dates == [person.findtext("INDIVIDUAL_DATE_OF_BIRTH/YEAR")]
    ranges = tree.xpath("//INDIVIDUAL_DATE_OF_BIRTH[FROM_YEAR]")
    assert ranges
    for dob in ranges:
        entity = got[dob.getparent().findtext("DATAID")]
        assert dob.findtext("FROM_YEAR") in entity.birth_dates and dob.findtext("TO_YEAR") in entity.birth_dates
        assert f"between {dob.findtext('FROM_YEAR')} and {dob.findtext('TO_YEAR')}" in entity.remarks


def test_addresses_and_countries(parsed: Parsed, tree: etree._ElementTree) -> None:
    non_empty = [a for a in tree.xpath("//INDIVIDUAL_ADDRESS | //ENTITY_ADDRESS")
                 if any((c.text or "").strip() for c in a)]
    assert sum(len(e.addresses) for e in parsed.records) == len(non_empty)
    assert by_id(parsed)["6907994"].countries == ["CD"]


SMALL = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2030-01-02T00:00:00.000Z">
 <INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>KIM</FIRST_NAME><SECOND_NAME>IL</SECOND_NAME>
  <NAME_ORIGINAL_SCRIPT>김일</NAME_ORIGINAL_SCRIPT><UN_LIST_TYPE>DPRK</UN_LIST_TYPE><LISTED_ON>2016-03-02</LISTED_ON>
  {extra}<INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>KIM</ALIAS_NAME></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1960</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
 </INDIVIDUAL></INDIVIDUALS>
 <ENTITIES><ENTITY><DATAID>2</DATAID><FIRST_NAME>ACME</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
  <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>OLD ACME</ALIAS_NAME></ENTITY_ALIAS></ENTITY></ENTITIES>
</CONSOLIDATED_LIST>"""


def test_small_file(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_text(SMALL.format(extra=""), encoding="utf-8")
    kim, acme = get_source("un-sc").format("un-sc-xml").read([path]).records
    assert kim.name == "KIM IL" and kim.birth_dates == ["1960"] and "approximately 1960" in kim.remarks
    assert [(a.name, a.type, a.quality) for a in kim.aliases] == [("김일", "original-script", ""), ("KIM", "aka", "weak")]
    assert [(a.name, a.type) for a in acme.aliases] == [("OLD ACME", "fka")]


def test_unknown_element_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_text(SMALL.format(extra="<RISK>9</RISK>"), encoding="utf-8")
    parsed = get_source("un-sc").format("un-sc-xml").read([path])
    assert any("line 5: unknown element <INDIVIDUAL/RISK>" in w for w in parsed.warnings)


def test_missing_dataid_fails(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_text(SMALL.format(extra="").replace("<DATAID>2</DATAID>", ""), encoding="utf-8")
    with pytest.raises(ParseError, match=r"consolidated\.xml line 8: <ENTITY> without DATAID"):
        get_source("un-sc").format("un-sc-xml").read([path])


def test_truncated_file_fails_with_line(tmp_path: Path) -> None:
    data = raw_file("un-sc", FILE).read_bytes()
    path = tmp_path / FILE
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParseError, match=rf"{FILE}: malformed XML at line \d+"):
        get_source("un-sc").format("un-sc-xml").read([path])


def test_wrong_root_fails(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_text("<sdnList/>")
    with pytest.raises(ParseError, match="not <CONSOLIDATED_LIST>"):
        get_source("un-sc").format("un-sc-xml").read([path])


@pytest.mark.parametrize("name", ["un_sc_billion_laughs.xml", "un_sc_xxe.xml"])
def test_entity_attacks_fail_cleanly(name: str) -> None:
    with pytest.raises(ParseError, match=rf"{name}: (declares XML entities|malformed XML)"):
        get_source("un-sc").format("un-sc-xml").read([ATTACKS / name])
