"""eu-833-annex-iv: the Annex IV rows of the OpenSanctions transcription of Regulation 833/2014."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from exportcheck.errors import ParseError
from exportcheck.formats import os_eu_journal
from exportcheck.sources import get_source
from exportcheck.sources.base import Parsed
from tests.conftest import raw_file

NAME = "DERIVED_opensanctions_32014R0833_annexes_2026-08-14.csv"


def _parts(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


@pytest.fixture(scope="session")
def rows() -> list[dict[str, str]]:
    with raw_file("eu-reg833-annexes", NAME).open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["annex"] == "IV"]


@pytest.fixture(scope="session")
def parsed() -> Parsed:
    (fmt,) = get_source("eu-833-annex-iv").formats
    return fmt.read([raw_file("eu-reg833-annexes", NAME)])


def test_annex_iv_rows_only(rows: list[dict[str, str]], parsed: Parsed) -> None:
    assert len(rows) == 921  # SOURCES.md says 921; counted here from the file
    assert len(parsed.records) == len(rows) == len({r["recordId"] for r in rows})
    assert {r.raw_id for r in parsed.records} == {r["recordId"] for r in rows}
    assert parsed.warnings == []


def test_aliases_including_native_script(rows: list[dict[str, str]], parsed: Parsed) -> None:
    native_names = sum(1 for r in rows if os_eu_journal.is_original_script(r["name"]))
    expected = sum(len(_parts(r["alias"])) + len(_parts(r["weakAlias"])) + len(_parts(r["previousName"]))
                   for r in rows) + native_names
    assert sum(len(r.aliases) for r in parsed.records) == expected
    native = [a for r in parsed.records for a in r.aliases if a.type == "original-script"]
    assert len(native) > 500 and all(os_eu_journal.is_original_script(a.name) for a in native)
    sirius = next(r for r in parsed.records if r.name == "JSC Sirius")
    assert sirius.aliases[0].type == "original-script" and sirius.aliases[0].name.startswith("Открытое")


def test_dates_countries_ids(rows: list[dict[str, str]], parsed: Parsed) -> None:
    sirius = next(r for r in parsed.records if r.name == "JSC Sirius")
    assert sirius.listing_date == "2014-09-12"  # the OJ's 12.9.2014
    assert sirius.countries == ["RU"] and sirius.identifiers[0].type == "Tax ID/INN"
    assert all(r.listing_date for r in parsed.records)
    hong_kong = sum(1 for r in rows if r["jurisdiction"] == "Hong Kong" or r["address"].rstrip().endswith("Hong Kong"))
    assert sum(1 for r in parsed.records if "HK" in r.countries) >= hong_kong > 0
    china = sum(1 for r in rows if r["address"].rstrip().endswith("China"))
    assert sum(1 for r in parsed.records if "CN" in r.countries) >= china > 0


def test_truncated(tmp_path: Path) -> None:
    text = raw_file("eu-reg833-annexes", NAME).read_text(encoding="utf-8")
    cut = tmp_path / "32014R0833_cut.csv"
    cut.write_text(text[:5000].rsplit("\n", 1)[0] + '\n32014R0833,99999,"EU-RUS', encoding="utf-8")
    with pytest.raises(ParseError, match=r"32014R0833_cut\.csv line \d+"):
        get_source("eu-833-annex-iv").format("opensanctions-journal-csv").read([cut])


def test_unknown_column_reported(tmp_path: Path) -> None:
    text = raw_file("eu-reg833-annexes", NAME).read_text(encoding="utf-8")
    header, *rest = text.splitlines()[:20]
    path = tmp_path / "32014R0833_new.csv"
    path.write_text("\n".join([header + ",sanctionsScope", *(line + "," for line in rest)]) + "\n", encoding="utf-8")
    parsed = get_source("eu-833-annex-iv").format("opensanctions-journal-csv").read([path])
    assert "sanctionsScope" in " ".join(parsed.warnings) and len(parsed.records) > 0
