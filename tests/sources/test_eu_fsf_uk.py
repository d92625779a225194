"""eu-fsf (FSF XML 1.1) and uk-sanctions (FCDO XML): no real file exists here, so these parsers are
tested on fixtures written in the published formats and must show as "not verified on a real file"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from exportcheck.cli import app
from exportcheck.errors import ParseError
from exportcheck.formats import eu_fsf
from exportcheck.sources import get_source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FSF = FIXTURES / "eu-fsf" / "xmlFullSanctionsList_1_1_2026-07-01.xml"
UK = FIXTURES / "uk-sanctions" / "UK_Sanctions_List_2026-07-01.xml"
FSF_NS = {"f": eu_fsf.NS}


def test_fsf_fixture_counts_and_fields() -> None:
    tree = etree.parse(str(FSF))
    entries = tree.xpath("//f:sanctionEntity", namespaces=FSF_NS)
    names = tree.xpath("//f:sanctionEntity/f:nameAlias[normalize-space(@wholeName)]", namespaces=FSF_NS)
    parsed = get_source("eu-fsf").format("fsf-xml-1.1").read([FSF])
    assert len(parsed.records) == len(entries) == 2
    assert sum(len(r.aliases) for r in parsed.records) == len(names) - len(entries)  # the first name is the name
    org, person = parsed.records
    assert org.entity_id == "eu-fsf:EU.9001.11" and org.schema_ == "Organization"
    assert [(a.type, a.quality) for a in org.aliases] == [("original-script", "strong"), ("aka", "weak")]
    assert org.countries == ["RU"] and org.programs == ["RUS"] and org.listing_date == "2022-02-28"
    assert org.citations[0].citation == "2022/330 (OJ L51)"
    assert person.schema_ == "Person" and person.birth_dates == ["1961"] and person.nationalities == ["ES"]
    assert str(parsed.data_date) == "2026-07-01"


def test_uk_fixture_counts_and_fields() -> None:
    tree = etree.parse(str(UK))
    designations = tree.xpath("//Designation")
    names = tree.xpath("//Designation/Names/Name") + tree.xpath("//Designation/NonLatinNames")
    parsed = get_source("uk-sanctions").format("uk-sanctions-xml").read([UK])
    assert len(parsed.records) == len(designations) == 2
    assert sum(len(r.aliases) for r in parsed.records) == len(names) - len(designations)
    org, person = parsed.records
    assert org.entity_id == "uk-sanctions:RUS0999" and org.listing_date == "2022-02-24"
    assert org.aliases[0].quality == "weak" and org.aliases[1].type == "original-script"
    assert person.birth_dates == ["1980", "1981-05-12"]  # 00/00/1980 keeps only the year
    assert str(parsed.data_date) == "2026-07-01"


@pytest.mark.parametrize(("source_id", "fmt", "name"), [("eu-fsf", "fsf-xml-1.1", FSF),
                                                        ("uk-sanctions", "uk-sanctions-xml", UK)])
def test_truncated_fails_with_line(tmp_path: Path, source_id: str, fmt: str, name: Path) -> None:
    text = name.read_text(encoding="utf-8")
    cut = tmp_path / f"cut_{name.name}"
    cut.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    with pytest.raises(ParseError, match=rf"cut_{name.stem}\.xml: malformed XML at line \d+"):
        get_source(source_id).format(fmt).read([cut])


BOMB = ('<?xml version="1.0"?><!DOCTYPE export [<!ENTITY a "aaaaaaaaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        '<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity euReferenceNumber="EU.1">'
        '<nameAlias wholeName="&c;"/></sanctionEntity></export>')
XXE = ('<?xml version="1.0"?><!DOCTYPE Designations [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<Designations><Designation><UniqueID>X1</UniqueID><Names><Name><Name6>&x;</Name6>'
       '<NameType>Primary Name</NameType></Name></Names></Designation></Designations>')


def test_entity_expansion_and_xxe_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "xmlFullSanctionsList_1_1_bomb.xml"
    bomb.write_text(BOMB, encoding="utf-8")
    with pytest.raises(ParseError, match=r"xmlFullSanctionsList_1_1_bomb\.xml: declares XML entities"):
        get_source("eu-fsf").format("fsf-xml-1.1").read([bomb])
    xxe = tmp_path / "UK_Sanctions_List_xxe.xml"
    xxe.write_text(XXE, encoding="utf-8")
    with pytest.raises(ParseError, match=r"UK_Sanctions_List_xxe\.xml: declares XML entities"):
        get_source("uk-sanctions").format("uk-sanctions-xml").read([xxe])


def test_marked_not_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for source_id in ("eu-fsf", "uk-sanctions"):
        source = get_source(source_id)
        # uk-sanctions as a whole is verified on OFSI's ConList files; its FCDO XML shape is not
        assert source.has_parser and not source.official_format().verified  # type: ignore[union-attr]
        monkeypatch.setattr(source.spec, "min_records", 1)  # the fixtures are tiny; real files hold thousands
    mirror = tmp_path / "mirror"
    for folder, fixture in (("eu-fsf", FSF), ("uk-sanctions", UK)):
        (mirror / folder).mkdir(parents=True)
        (mirror / folder / fixture.name).write_bytes(fixture.read_bytes())
    lists = tmp_path / "lists"
    runner = CliRunner()
    result = runner.invoke(app, ["refresh", "eu-fsf", "uk-sanctions", "--mirror", str(mirror), "--lists-dir", str(lists)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["sources", "--json", "--lists-dir", str(lists)])
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["eu-fsf"]["verified_on_real_file"] is False and rows["uk-sanctions"]["verified_on_real_file"] is True
    for source_id in ("eu-fsf", "uk-sanctions"):
        snapshot = rows[source_id]["snapshot"]
        assert snapshot["verified_on_real_file"] is False and snapshot["records"] == 2


def test_unknown_elements_reported(tmp_path: Path) -> None:
    fsf = tmp_path / "xmlFullSanctionsList_1_1_new.xml"
    fsf.write_text(FSF.read_text(encoding="utf-8").replace("<subjectType ", "<riskScore>9</riskScore><subjectType ", 1),
                   encoding="utf-8")
    assert "riskScore" in " ".join(get_source("eu-fsf").format("fsf-xml-1.1").read([fsf]).warnings)
    uk = tmp_path / "UK_Sanctions_List_new.xml"
    uk.write_text(UK.read_text(encoding="utf-8").replace("<RegimeName>", "<Vessel2>x</Vessel2><RegimeName>", 1),
                  encoding="utf-8")
    assert "Vessel2" in " ".join(get_source("uk-sanctions").format("uk-sanctions-xml").read([uk]).warnings)
