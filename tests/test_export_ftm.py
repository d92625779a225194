"""``exportcheck export --format ftm``: every exported line must be a valid FollowTheMoney entity.

The lists folder is built once per module from real files that parse fast (MEU, 1260H, EU 833 Annex
IV) and from the format fixtures (CSL JSON, eCFR XML, EU FSF, UK), so every schema we map (Person,
Vessel, Organization, Company, LegalEntity) and every kind of property is exported and validated.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from followthemoney import model
from followthemoney.types import registry
from typer.testing import CliRunner

from exportcheck.cli import app
from exportcheck.export_ftm import ftm_id
from exportcheck.refresh import refresh
from exportcheck.settings import get_settings
from exportcheck.sources import get_source
from exportcheck.store import SnapshotStore
from tests.conftest import raw_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOURCES = ["us-csl", "us-meu", "us-entity-list", "us-1260h", "eu-833-annex-iv", "eu-fsf", "uk-sanctions"]


@pytest.fixture(scope="module")
def ftm_lists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mirror = tmp_path_factory.mktemp("mirror")
    # 1260H: only the OpenSanctions transcription, whose history (end dates) the export must carry;
    # the nsfreg JSON of the same edition is dated two days later and would be the latest snapshot.
    real = [("us-ear", "DERIVED_meu-list_part744-supp7_2026-07-09.json"),
            ("us-1260h", "DERIVED_opensanctions_us_dod_chinese_milcorps_2026-08-20.csv"),
            ("eu-reg833-annexes", "DERIVED_opensanctions_32014R0833_annexes_2026-08-14.csv")]
    for folder, name in real:
        (mirror / folder).mkdir(exist_ok=True)
        shutil.copy(raw_file(folder, name), mirror / folder / name)
    for folder, fixture in [("us-csl", "us-csl/consolidated_2026-01-15.json"),
                            ("us-ear", "us-ear/title-15-part-744_2026-07-01.xml"),
                            ("eu-fsf", "eu-fsf/xmlFullSanctionsList_1_1_2026-07-01.xml"),
                            ("uk-sanctions", "uk-sanctions/UK_Sanctions_List_2026-07-01.xml")]:
        (mirror / folder).mkdir(exist_ok=True)
        shutil.copy(FIXTURES / fixture, mirror / folder)
    lists = tmp_path_factory.mktemp("lists")
    patch = pytest.MonkeyPatch()
    for source_id in SOURCES:  # fixtures hold a handful of records; real lists thousands
        patch.setattr(get_source(source_id).spec, "min_records", 1)
        patch.setattr(get_source(source_id).spec, "country_bounds", {})
    try:
        outcomes = refresh(SOURCES, get_settings(lists), mirror=str(mirror), all_dates=True)
    finally:
        patch.undo()
    failed = [o.message for o in outcomes if o.status == "failed"]
    assert not failed, failed
    return lists


@pytest.fixture(scope="module")
def lines(ftm_lists: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    out = tmp_path_factory.mktemp("out") / "entities.ftm.json"
    result = CliRunner().invoke(app, ["export", "--format", "ftm", "--out", str(out), "--lists-dir", str(ftm_lists)])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_every_line_is_a_valid_ftm_entity(lines: list[dict]) -> None:
    assert len(lines) > 1000
    ids = {line["id"] for line in lines}
    assert len(ids) == len(lines)
    for line in lines:
        schema = model.get(line["schema"])
        assert schema is not None, line["schema"]
        assert not schema.abstract
        assert registry.entity.validate(line["id"]), line["id"]
        proxy = model.get_proxy(line, cleaned=False)
        assert proxy.id == line["id"]
        for prop_name, values in line["properties"].items():
            prop = schema.get(prop_name)
            assert prop is not None, (line["schema"], prop_name)
            for value in values:
                assert prop.type.validate(value), (prop_name, value)
        if line["schema"] == "Sanction":
            assert set(line["properties"]["entity"]) <= ids  # points at an exported entity
        else:
            assert line["properties"].get("name")


def test_schemas_and_properties_mapped(lines: list[dict]) -> None:
    schemas = {line["schema"] for line in lines}
    assert {"Person", "Vessel", "Organization", "Company", "LegalEntity", "Sanction"} <= schemas
    props = {p for line in lines for p in line["properties"]}
    assert {"alias", "weakAlias", "previousName", "country", "address", "birthDate", "nationality",
            "listingDate", "endDate", "program", "authorityId", "reason", "provisions"} <= props


def test_entity_and_sanction_content(lines: list[dict], ftm_lists: Path) -> None:
    by_id = {line["id"]: line for line in lines}
    chip = by_id[ftm_id("us-entity-list:cn:cetc-chip-technology-co-ltd")]
    assert "CETC 24" in chip["properties"]["alias"] and chip["properties"]["country"] == ["cn"]
    sanction = by_id[ftm_id("us-entity-list:cn:cetc-chip-technology-co-ltd", "sanction")]
    assert sanction["properties"]["authorityId"] == ["89 FR 41888 (2024-05-14)"]
    assert sanction["properties"]["provisions"] == ["Presumption of denial."]
    megvii = by_id[ftm_id("us-1260h:beijing-megvii-technology-co-ltd", "sanction")]
    assert megvii["properties"]["endDate"] == ["2025-01-07"]
    store = SnapshotStore(ftm_lists)
    records = sum(store.latest(s).meta.record_count for s in SOURCES)  # type: ignore[union-attr]
    assert len(lines) == 2 * records  # one entity and one Sanction per record of the latest snapshots


def test_export_to_stdout_one_source(ftm_lists: Path) -> None:
    result = CliRunner().invoke(app, ["export", "--format", "ftm", "--source", "us-meu", "--lists-dir", str(ftm_lists)])
    assert result.exit_code == 0
    rows = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert len(rows) == 2 * 70


def test_export_errors_are_one_line(ftm_lists: Path) -> None:
    result = CliRunner().invoke(app, ["export", "--format", "csv", "--lists-dir", str(ftm_lists)])
    assert result.exit_code == 2 and "unknown export format" in result.output
    result = CliRunner().invoke(app, ["export", "--source", "eu-dual-use", "--lists-dir", str(ftm_lists)])
    assert result.exit_code == 2 and "not an entity source" in result.output


def test_topics_come_from_the_declarations(lines: list[dict]) -> None:
    """A CSL row carries its sub-list's topics (an Entity List row is export control, not a sanction)."""
    parties = [line for line in lines if line["schema"] != "Sanction"]
    csl = {line["properties"]["name"][0]: set(line["properties"]["topics"]) for line in parties
           if line["id"].startswith("us-csl")}
    assert csl == {"Example Chip Technology Co., Ltd.": {"export.control"}, "EXAMPLOV, Ivan Petrovich": {"sanction"},
                   "EXAMPLE STAR": {"sanction"}, "Example Electronics Technology Group Corporation": {"invest.ban"}}
    for prefix, expected in (("us-meu", {"export.control"}), ("us-1260h", {"mil"}), ("eu-fsf", {"sanction"})):
        found = [set(line["properties"]["topics"]) for line in parties if line["id"].startswith(prefix)]
        assert found and all(t == expected for t in found), prefix
