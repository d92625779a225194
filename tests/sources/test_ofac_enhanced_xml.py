"""OFAC enhanced XML on the real CONS_ENHANCED_2025-01-10.ZIP (read from the zip) and hand-made files."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from exportcheck.errors import ParseError
from exportcheck.model import Entity
from exportcheck.sources import Parsed, get_source
from tests.conftest import REPO, raw_file

FILE = "CONS_ENHANCED_2025-01-10.ZIP"
ATTACKS = REPO / "tests" / "fixtures" / "xml_attacks"
NS = {"o": "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"}


@pytest.fixture(scope="session")
def tree() -> etree._ElementTree:
    with zipfile.ZipFile(raw_file("us-ofac-sdn", FILE)) as archive:
        assert archive.namelist() == ["CONS_ENHANCED.XML"]
        return etree.ElementTree(etree.fromstring(archive.read("CONS_ENHANCED.XML")))


@pytest.fixture(scope="session")
def parsed() -> Parsed:
    return get_source("us-ofac-cons").format("ofac-enhanced-xml").read([raw_file("us-ofac-sdn", FILE)])


def cetc(parsed: Parsed) -> Entity:
    (found,) = [e for e in parsed.records if isinstance(e, Entity)
                and e.name == "CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION"]
    return found


def test_counts_match_xpath(parsed: Parsed, tree: etree._ElementTree) -> None:
    entities = tree.xpath("/o:sanctionsData/o:entities/o:entity", namespaces=NS)
    assert len(parsed.records) == len(entities) == 443
    assert sorted(e.raw_id for e in parsed.records) == sorted(x.get("id") for x in entities)
    # every name translation is a name; one per entity (the primary name's primary translation) is the name
    translations = tree.xpath("//o:entity/o:names/o:name/o:translations/o:translation", namespaces=NS)
    main = tree.xpath("//o:entity/o:names/o:name[o:isPrimary='true']/o:translations/o:translation[o:isPrimary='true']",
                      namespaces=NS)
    assert len(main) == len(entities)
    assert sum(len(e.aliases) for e in parsed.records) == len(translations) - len(main) == 1181
    low = tree.xpath("//o:entity/o:names/o:name[o:isLowQuality='true']/o:translations/o:translation", namespaces=NS)
    assert sum(1 for e in parsed.records for a in e.aliases if a.quality == "weak") == len(low)
    assert parsed.warnings == []


def test_data_date_from_data_as_of(parsed: Parsed) -> None:
    assert parsed.data_date is not None and parsed.data_date.isoformat() == "2025-01-10"


def test_lists_from_sanctions_lists(parsed: Parsed, tree: etree._ElementTree) -> None:
    cmic = tree.xpath("//o:entity[o:sanctionsLists/o:sanctionsList='Non-SDN CMIC List']/@id", namespaces=NS)
    got = Counter(e.list for e in parsed.records)
    assert got["NS-CMIC"] == len(cmic) == 68
    assert {e.raw_id for e in parsed.records if e.list == "NS-CMIC"} == set(cmic)
    on_sdn = tree.xpath("//o:entity[o:sanctionsLists/o:sanctionsList='SDN List']/@id", namespaces=NS)
    assert {e.raw_id for e in parsed.records if "also-listed:SDN" in e.flags} == set(on_sdn)
    assert set(got) == {"SSI", "NS-PLC", "NS-CMIC", "NS-MBS", "CAPTA", "FSE"}


def test_cetc_on_ns_cmic_with_listing_date(parsed: Parsed) -> None:
    entity = cetc(parsed)
    assert entity.entity_id == "us-ofac-cons:30936"
    assert entity.list == "NS-CMIC" and entity.schema_ == "Organization"
    assert entity.listing_date == "2021-06-03"
    assert [(a.name, a.type, a.quality) for a in entity.aliases] == [("CETC", "aka", "weak")]
    assert entity.addresses[0].city == "Beijing" and entity.addresses[0].postal_code == "100846"
    ids = {i.type: i for i in entity.identifiers}
    assert ids["Unified Social Credit Code (USCC)"].value == "91110000710929498G"
    assert ids["Unified Social Credit Code (USCC)"].country == "CN"
    assert ids["Effective Date (CMIC)"].value == "02 Aug 2021"
    assert [c.citation for c in entity.citations] == ["Executive Order 14032 (CMIC)"]


def test_every_cmic_entry_has_its_listing_date(parsed: Parsed, tree: etree._ElementTree) -> None:
    dates = {x.getparent().getparent().get("id"): x.findtext("o:valueDate/o:fromDateBegin", namespaces=NS)
             for x in tree.xpath("//o:feature[o:type='Listing Date (CMIC)']", namespaces=NS)}
    assert len(dates) == 68
    got = {e.raw_id: e.listing_date for e in parsed.records}
    assert all(got[uid] == day for uid, day in dates.items())


def test_features_and_documents_become_identifiers(parsed: Parsed, tree: etree._ElementTree) -> None:
    docs = tree.xpath("//o:identityDocuments/o:identityDocument", namespaces=NS)
    skipped = {"Birthdate", "Place of Birth", "Gender", "Nationality Country", "Citizenship Country"}
    features = [f for f in tree.xpath("//o:features/o:feature", namespaces=NS)
                if f.findtext("o:type", namespaces=NS) not in skipped]
    assert sum(len(e.identifiers) for e in parsed.records) == len(docs) + len(features)


def test_owner_becomes_parent_name(parsed: Parsed, tree: etree._ElementTree) -> None:
    owned = tree.xpath("//o:entity[o:relationships/o:relationship/o:type='Owned or Controlled By']/@id", namespaces=NS)
    assert len(owned) > 100
    assert {e.raw_id for e in parsed.records if e.parent_name} == set(owned)


def test_translations_in_other_scripts_are_kept(parsed: Parsed, tree: etree._ElementTree) -> None:
    other = tree.xpath("//o:name/o:translations/o:translation[o:script!='Latin']/o:formattedFullName/text()",
                       namespaces=NS)
    names = {a.name for e in parsed.records for a in e.aliases}
    assert other and set(other) <= names


def test_bad_zip_fails(tmp_path: Path) -> None:
    data = raw_file("us-ofac-sdn", FILE).read_bytes()
    path = tmp_path / "CONS_ENHANCED.ZIP"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParseError, match=r"CONS_ENHANCED\.ZIP: not a complete zip file"):
        get_source("us-ofac-cons").format("ofac-enhanced-xml").read([path])


def test_truncated_xml_in_zip_fails_with_line(tmp_path: Path) -> None:
    with zipfile.ZipFile(raw_file("us-ofac-sdn", FILE)) as archive:
        data = archive.read("CONS_ENHANCED.XML")
    path = tmp_path / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("CONS_ENHANCED.XML", data[: len(data) // 2])
    with pytest.raises(ParseError, match=r"CONS_ENHANCED\.ZIP:CONS_ENHANCED\.XML: malformed XML at line \d+"):
        get_source("us-ofac-cons").format("ofac-enhanced-xml").read([path])


def test_unknown_element_is_reported_and_sdn_list(tmp_path: Path) -> None:
    text = (ATTACKS / "enhanced_xxe.xml").read_text().replace("&xxe;", "ACME").splitlines()
    body = "\n".join(line for line in text if "DOCTYPE" not in line)
    body = body.replace("<names>", "<riskScore>9</riskScore><names>")
    path = tmp_path / "SDN_ENHANCED.XML"
    path.write_text(body)
    parsed = get_source("us-ofac-sdn").format("ofac-enhanced-xml").read([path])
    assert parsed.records[0].name == "ACME" and parsed.records[0].list == "SDN"
    assert parsed.records[0].entity_id == "us-ofac-sdn:1"
    assert any("unknown element <entity/riskScore>" in w for w in parsed.warnings)


@pytest.mark.parametrize("name", ["enhanced_billion_laughs.xml", "enhanced_xxe.xml"])
def test_entity_attacks_fail_cleanly(tmp_path: Path, name: str) -> None:
    # libxml2 stops billion laughs itself (amplification limit); xmlsafe refuses any declared entity
    with pytest.raises(ParseError, match=rf"{name}: (declares XML entities|malformed XML)"):
        get_source("us-ofac-cons").format("ofac-enhanced-xml").read([ATTACKS / name])
    zipped = tmp_path / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(ATTACKS / name, "CONS_ENHANCED.XML")
    with pytest.raises(ParseError, match=r"CONS_ENHANCED\.ZIP:CONS_ENHANCED\.XML: (declares XML entities|malformed XML)"):
        get_source("us-ofac-cons").format("ofac-enhanced-xml").read([zipped])


def test_registered_for_both_sources() -> None:
    cons = {f.name: f for f in get_source("us-ofac-cons").formats}["ofac-enhanced-xml"]
    sdn = {f.name: f for f in get_source("us-ofac-sdn").formats}["ofac-enhanced-xml"]
    assert cons.verified and not sdn.verified
    assert cons.matches_primary(FILE) and cons.matches_primary("CONS_ENHANCED.ZIP")
    assert sdn.matches_primary("SDN_ENHANCED.ZIP") and not sdn.matches_primary(FILE)
