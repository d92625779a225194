"""OFAC's ``sdnList`` XML as served since 2024 (new default namespace), on the real 2025-03-28 non-SDN file.

Counts come from XPath on local names, read here with lxml, not through the parser. The same schema is
``sdn.xml``'s, so the SDN declaration of this shape counts as verified on a real file of the schema.
"""

from __future__ import annotations

from collections import Counter

import pytest
from lxml import etree

from exportcheck.formats.base import Parsed
from exportcheck.sources import get_source
from tests.conftest import raw_file

FILE = "consolidated_nonsdn_2025-03-28.xml"
NEW_NAMESPACE = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"


def _local(tree: etree._ElementTree, path: str) -> list[etree._Element]:
    return tree.xpath("/" + "/".join(f"*[local-name()='{step}']" for step in path.split("/")))


@pytest.fixture(scope="module")
def tree() -> etree._ElementTree:
    return etree.parse(str(raw_file("us-ofac-sdn", FILE)))


@pytest.fixture(scope="module")
def parsed() -> Parsed:
    fmt = next(f for f in get_source("us-ofac-cons").formats if f.name == "ofac-sdnlist-xml")
    assert fmt.matches_primary(FILE) and fmt.verified
    return fmt.read([raw_file("us-ofac-sdn", FILE)])


def test_new_namespace_and_counts(tree: etree._ElementTree, parsed: Parsed) -> None:
    root = tree.getroot()
    assert etree.QName(root).namespace == NEW_NAMESPACE
    entries = _local(tree, "sdnList/sdnEntry")
    stated = int(_local(tree, "sdnList/publshInformation/Record_Count")[0].text)
    assert len(parsed.records) == len(entries) == stated == 443
    akas = _local(tree, "sdnList/sdnEntry/akaList/aka")
    assert sum(len(e.aliases) for e in parsed.records) == len(akas)
    uids = [e.findtext("{*}uid") for e in entries]
    assert sorted(r.raw_id for r in parsed.records) == sorted(uids)
    assert parsed.data_date is not None and parsed.data_date.isoformat() == "2025-03-28"
    assert parsed.warnings == []


def test_types_programs_and_sub_lists(tree: etree._ElementTree, parsed: Parsed) -> None:
    types = Counter(e.text for e in _local(tree, "sdnList/sdnEntry/sdnType"))
    schemas = Counter(r.schema_ for r in parsed.records)
    assert schemas["Organization"] == types["Entity"] and schemas["Person"] == types["Individual"]
    programs = Counter(p.text for p in _local(tree, "sdnList/sdnEntry/programList/program"))
    assert Counter(p for r in parsed.records for p in r.programs) == programs
    cmic = [r for r in parsed.records if r.list == "NS-CMIC"]
    assert len(cmic) == sum(1 for e in _local(tree, "sdnList/sdnEntry")
                            if any(p.text.startswith("CMIC-") for p in e.iterfind("{*}programList/{*}program")))
    assert len(cmic) == 68


def test_cetc_listing_date(parsed: Parsed) -> None:
    cetc = next(r for r in parsed.records if r.name == "CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION")
    assert cetc.list == "NS-CMIC" and cetc.listing_date == "2021-06-03"


def test_sdn_xml_is_declared_verified_on_the_same_schema() -> None:
    sdn = next(f for f in get_source("us-ofac-sdn").formats if f.name == "ofac-sdnlist-xml")
    assert sdn.verified and sdn.matches_primary("sdn.xml") and not sdn.matches_primary(FILE)
