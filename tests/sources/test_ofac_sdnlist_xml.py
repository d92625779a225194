"""OFAC legacy ``sdnList`` XML on the real consolidated_nonsdn_2018-04-06.xml and on hand-made files.

Counts come from XPath on local names (the file's namespace differs from its XSD's).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from exportcheck.errors import ParseError
from exportcheck.sources import Parsed, get_source
from tests.conftest import REPO, raw_file

FILE = "consolidated_nonsdn_2018-04-06.xml"
ATTACKS = REPO / "tests" / "fixtures" / "xml_attacks"


@pytest.fixture(scope="session")
def tree() -> etree._ElementTree:
    return etree.parse(str(raw_file("us-ofac-sdn", FILE)))


@pytest.fixture(scope="session")
def parsed() -> Parsed:
    return get_source("us-ofac-cons").format("ofac-sdnlist-xml").read([raw_file("us-ofac-sdn", FILE)])


def test_counts_match_xpath(parsed: Parsed, tree: etree._ElementTree) -> None:
    entries = tree.xpath("//*[local-name()='sdnEntry']")
    akas = tree.xpath("//*[local-name()='sdnEntry']/*[local-name()='akaList']/*[local-name()='aka']")
    stated = tree.xpath("string(//*[local-name()='Record_Count'])")
    assert len(parsed.records) == len(entries) == int(stated) == 639
    assert sum(len(e.aliases) for e in parsed.records) == len(akas) == 1255
    weak = tree.xpath("//*[local-name()='aka'][*[local-name()='category']='weak']")
    assert sum(1 for e in parsed.records for a in e.aliases if a.quality == "weak") == len(weak)
    uids = tree.xpath("//*[local-name()='sdnEntry']/*[local-name()='uid']/text()")
    assert sorted(e.raw_id for e in parsed.records) == sorted(uids)
    assert parsed.warnings == []


def test_data_date_from_publish_date(parsed: Parsed) -> None:
    assert parsed.data_date is not None and parsed.data_date.isoformat() == "2018-04-06"
    assert parsed.data_date_basis == "file (Publish_Date)"


def test_types_and_sub_lists(parsed: Parsed, tree: etree._ElementTree) -> None:
    types = Counter(tree.xpath("//*[local-name()='sdnType']/text()"))
    schemas = Counter(e.schema_ for e in parsed.records)
    assert schemas == {"Organization": types["Entity"], "Person": types["Individual"], "Vessel": types["Vessel"]}
    lists = Counter(e.list for e in parsed.records)
    assert lists == {"SSI": 290, "13599": 264, "NS-PLC": 78, "FSE": 6, "CAPTA": 1}


def test_individual_names_and_dates(parsed: Parsed) -> None:
    haniya = next(e for e in parsed.records if e.raw_id == "9639")
    assert haniya.name == "HANIYA, Ismail Abdul Salah" and haniya.schema_ == "Person"
    assert haniya.birth_dates == ["1962"]  # a year only: kept partial
    assert [a.name for a in haniya.aliases] == ["HANIYA, Ismail", "HANIYYA, Ismaeel"]


def test_ids_and_addresses(parsed: Parsed, tree: etree._ElementTree) -> None:
    ids = tree.xpath("//*[local-name()='idList']/*[local-name()='id']")
    calls = tree.xpath("//*[local-name()='callSign'][normalize-space()]")
    assert len(calls) == 53
    assert sum(len(e.identifiers) for e in parsed.records) == len(ids) + len(calls)
    bank = next(e for e in parsed.records if e.raw_id == "4632")
    assert bank.list == "13599" and bank.countries == ["IR"]
    assert "Executive Order 13599" in bank.identifiers[0].value


def test_wrong_record_count_fails(tmp_path: Path, tree: etree._ElementTree) -> None:
    copy = etree.fromstring(etree.tostring(tree))
    entries = copy.xpath("//*[local-name()='sdnEntry']")
    entries[-1].getparent().remove(entries[-1])
    path = tmp_path / "consolidated.xml"
    path.write_bytes(etree.tostring(copy))
    with pytest.raises(ParseError, match=r"consolidated\.xml: Record_Count says 639 entries, found 638"):
        get_source("us-ofac-cons").format("ofac-sdnlist-xml").read([path])


def test_truncated_file_fails_with_line(tmp_path: Path) -> None:
    data = raw_file("us-ofac-sdn", FILE).read_bytes()
    path = tmp_path / "consolidated.xml"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(ParseError, match=r"consolidated\.xml: malformed XML at line \d+"):
        get_source("us-ofac-cons").format("ofac-sdnlist-xml").read([path])


SMALL = """<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="http://tempuri.org/sdnList.xsd">
  <publshInformation><Publish_Date>01/02/2030</Publish_Date><Record_Count>1</Record_Count></publshInformation>
  <sdnEntry><uid>7</uid><lastName>ACME</lastName><sdnType>Entity</sdnType>{extra}
    <programList><program>CMIC-EO13959</program></programList>
    <idList><id><uid>1</uid><idType>Listing Date (CMIC)</idType><idNumber>03 Jun 2021</idNumber></id></idList>
  </sdnEntry>
</sdnList>"""


def test_unknown_element_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_text(SMALL.format(extra="<riskScore>9</riskScore>"))
    parsed = get_source("us-ofac-sdn").format("ofac-sdnlist-xml").read([path])
    assert parsed.records[0].list == "SDN"
    assert any("unknown element <sdnEntry/riskScore>" in w and "line 4" in w for w in parsed.warnings)


def test_cmic_listing_date_from_id_rows(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_text(SMALL.format(extra=""))
    (entity,) = get_source("us-ofac-cons").format("ofac-sdnlist-xml").read([path]).records
    assert entity.list == "NS-CMIC" and entity.listing_date == "2021-06-03"


@pytest.mark.parametrize("name", ["sdnlist_billion_laughs.xml", "sdnlist_xxe.xml"])
def test_entity_attacks_fail_cleanly(name: str) -> None:
    with pytest.raises(ParseError, match=name.replace(".", r"\.")):
        get_source("us-ofac-cons").format("ofac-sdnlist-xml").read([ATTACKS / name])


def test_registered_for_both_sources() -> None:
    cons = {f.name: f for f in get_source("us-ofac-cons").formats}["ofac-sdnlist-xml"]
    sdn = {f.name: f for f in get_source("us-ofac-sdn").formats}["ofac-sdnlist-xml"]
    assert cons.verified and sdn.verified  # one schema: real consolidated.xml files of 2018 and 2025 were read
    assert cons.matches_primary(FILE) and cons.matches_primary("consolidated.xml")
    assert sdn.matches_primary("sdn.xml") and sdn.matches_primary("sdn_2030-01-02.xml")
    assert not sdn.matches_primary(FILE) and not sdn.matches_primary("sdn_advanced.xml")
