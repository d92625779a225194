"""cn-mofcom on the combined CSV of China's designations, each row checked against its announcement text."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from exportcheck.errors import ParseError
from exportcheck.formats import cn_designations
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.sources import get_source
from tests.conftest import raw_file

CSV_NAME = "DERIVED_cn-designations-combined_2026-08-05.csv"
CTX = ParseContext("cn-mofcom")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with raw_file("cn-mofcom", CSV_NAME).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def parsed() -> Parsed:
    return cn_designations.parse([raw_file("cn-mofcom", CSV_NAME)], CTX)


def test_counts_per_list(rows: list[dict[str, str]], parsed: Parsed) -> None:
    assert len(rows) == len(parsed.records) == 417
    assert Counter(r["list"] for r in rows) == {"CN-ECL": 153, "CN-MFA-COUNTERMEASURE": 129, "CN-UEL": 83,
                                                "CN-WL": 40, "CN-MOFCOM-COUNTERMEASURE": 12}
    labels = Counter(e.list for e in parsed.records)
    assert labels["Unreliable Entity List"] == 83 and labels["MOFCOM Export Control Control List"] == 153
    assert len({e.entity_id for e in parsed.records}) == 417


def test_every_row_links_to_its_announcement(rows: list[dict[str, str]], parsed: Parsed) -> None:
    folder = raw_file("cn-mofcom", "PAGES_announcements")
    # Every linked announcement names its party; two rows (one page) carry a byline, not a URL.
    bylines = [r for r in rows if not r["source_url"].startswith("https://")]
    assert len(bylines) == 2 and {r["announcement_file"] for r in bylines} == {"unreliable-entity-list/202301.md"}
    assert parsed.warnings == [f"{CSV_NAME}: 2 rows have no announcement URL (source_url holds "
                               f"{bylines[0]['source_url']!r})"]
    linked = 0
    for row, entity in zip(rows, parsed.records, strict=True):
        assert entity.source_url == (row["source_url"].strip() if row not in bylines else "")
        if row["announcement_file"]:
            text = (folder / row["announcement_file"]).read_text(encoding="utf-8")
            assert text.splitlines()[0].strip() == row["source_url"].strip()
            chinese = [a.name for a in entity.aliases if a.type == "chinese-name"] or [entity.name]
            assert "".join(chinese[0].split()) in "".join(text.split())
            linked += 1
    assert linked == sum(1 for r in rows if r["announcement_file"]) == 314


def test_a_broken_link_is_reported(tmp_path: Path) -> None:
    shutil.copy(raw_file("cn-mofcom", CSV_NAME), tmp_path / CSV_NAME)
    shutil.copytree(raw_file("cn-mofcom", "PAGES_announcements"), tmp_path / "PAGES_announcements")
    page = tmp_path / "PAGES_announcements" / "unreliable-entity-list" / "202501.md"
    page.write_text(page.read_text(encoding="utf-8").replace("洛克希德·马丁航空公司", "某公司"), encoding="utf-8")
    warnings = cn_designations.parse([tmp_path / CSV_NAME], CTX).warnings
    assert warnings[0] == (f"{CSV_NAME}: announcement links: unreliable-entity-list/202501.md: does not name "
                           "'洛克希德·马丁航空公司'")
    assert len(warnings) == 2  # and the byline row's warning
    lonely = tmp_path / "alone"
    lonely.mkdir()
    shutil.copy(raw_file("cn-mofcom", CSV_NAME), lonely / CSV_NAME)
    assert "not checked" in cn_designations.parse([lonely / CSV_NAME], CTX).warnings[0]


def test_chinese_names_status_and_dates(rows: list[dict[str, str]], parsed: Parsed) -> None:
    both = sum(1 for r in rows if r["name_en"] and r["name_zh"])
    assert sum(1 for e in parsed.records for a in e.aliases if a.type == "chinese-name") == both
    stopped = [e for e in parsed.records if e.end_date]
    assert len(stopped) == sum(1 for r in rows if r["status"] == "stopped") == 44
    leidos = next(e for e in parsed.records if e.name == "Leidos")
    assert (leidos.listing_date, leidos.end_date) == ("2025-03-04", "2025-11-10")
    suspended = [e for e in parsed.records if any(f.startswith("suspended:") for f in e.flags)]
    assert len(suspended) == 32 and all(not e.end_date for e in suspended)
    assert all(e.listing_date == r["date"] for e, r in zip(parsed.records, rows, strict=True))


def test_wrong_header_fails(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ParseError, match="header"):
        cn_designations.parse([bad], CTX)


def test_declaration() -> None:
    spec = get_source("cn-mofcom").spec
    assert spec.nature == "countermeasure" and spec.jurisdiction == "CN" and "not a Dutch or EU" in spec.effect
