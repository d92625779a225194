"""us-csl: the official CSV (real 2022 file), the compact 2026 JSON copy (real), the official JSON (fixture).

Counts are taken from the files here with the csv/json modules, independently of the parsers.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path

import pytest

from exportcheck.errors import ParseError
from exportcheck.formats import csl_csv
from exportcheck.formats.common import LOST_CHARACTERS
from exportcheck.sources import get_source
from exportcheck.sources.base import Parsed
from tests.conftest import raw_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "us-csl"
CSV_NAME = "consolidated_2022-04.csv.gz"
COMPACT_NAME = "DERIVED_csl-compact_2026-07-31.json"


def _parts(cell: str) -> list[str]:
    return [p for p in (x.strip() for x in cell.split(";")) if p]


@pytest.fixture(scope="session")
def csv_rows() -> list[dict[str, str]]:
    text = gzip.decompress(raw_file("us-csl", CSV_NAME).read_bytes()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture(scope="session")
def csv_parsed() -> Parsed:
    return get_source("us-csl").format("csl-csv").read([raw_file("us-csl", CSV_NAME)])


@pytest.fixture(scope="session")
def compact_data() -> dict:
    return json.loads(raw_file("us-csl", COMPACT_NAME).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def compact_parsed() -> Parsed:
    return get_source("us-csl").format("csl-compact-json").read([raw_file("us-csl", COMPACT_NAME)])


# --- official CSV (real file) ---------------------------------------------------------------------

def test_csv_one_entity_per_row_and_every_alias(csv_rows: list[dict[str, str]], csv_parsed: Parsed) -> None:
    assert len(csv_parsed.records) == len(csv_rows) == 14160
    assert sum(len(r.aliases) for r in csv_parsed.records) == sum(len(_parts(r["alt_names"])) for r in csv_rows)
    assert len({r.entity_id for r in csv_parsed.records}) == len(csv_rows)  # repeats get ":2"


def test_csv_lists_and_data_date(csv_rows: list[dict[str, str]], csv_parsed: Parsed) -> None:
    el_rows = sum(1 for r in csv_rows if r["source"].startswith("Entity List (EL)"))
    assert sum(1 for r in csv_parsed.records if r.list == "Entity List") == el_rows
    cmic_rows = sum(1 for r in csv_rows if "(CMIC)" in r["source"])
    assert sum(1 for r in csv_parsed.records if r.list == "NS-CMIC") == cmic_rows
    assert str(csv_parsed.data_date) == max(r["start_date"] for r in csv_rows) == "2022-04-21"
    assert csv_parsed.warnings == []


def test_csv_semicolon_aliases_split(csv_rows: list[dict[str, str]], csv_parsed: Parsed) -> None:
    by_raw = {(r.list, r.raw_id): r for r in csv_parsed.records}
    row = next(r for r in csv_rows if r["alt_names"].count(";") >= 3)
    entity = next(e for e in csv_parsed.records if e.raw_id == row["_id"] and e.name == row["name"].strip())
    assert [a.name for a in entity.aliases] == _parts(row["alt_names"])
    assert by_raw  # every record has a raw id to find it in the file


def test_csv_lost_characters_kept_and_flagged(csv_rows: list[dict[str, str]], csv_parsed: Parsed) -> None:
    def lost(text: str) -> bool:  # a '?' with a letter or digit right before or after it
        return any(ch == "?" and ((i > 0 and text[i - 1].isalnum()) or (i + 1 < len(text) and text[i + 1].isalnum()))
                   for i, ch in enumerate(text))

    expected = sum(1 for r in csv_rows if lost(r["name"]) or lost(r["alt_names"]) or lost(r["addresses"]))
    flagged = [e for e in csv_parsed.records if LOST_CHARACTERS in e.flags]
    assert len(flagged) == expected > 50
    xian = [e for e in flagged if "?" in e.name]
    assert xian and all("?" in e.name for e in xian)  # kept, never replaced


def test_csv_partial_dates_kept(csv_rows: list[dict[str, str]], csv_parsed: Parsed) -> None:
    year_only = sum(1 for r in csv_rows for d in r["dates_of_birth"].split(";") if re.fullmatch(r"\s*\d{4}\s*", d))
    assert year_only > 100
    assert sum(1 for e in csv_parsed.records for d in e.birth_dates if re.fullmatch(r"\d{4}", d)) >= year_only


def test_csv_cmic_listing_date_from_ids(csv_rows: list[dict[str, str]], csv_parsed: Parsed) -> None:
    cmic = [e for e in csv_parsed.records if e.list == "NS-CMIC"]
    with_date = [r for r in csv_rows if "(CMIC)" in r["source"] and "Listing Date (CMIC)" in r["ids"]]
    assert len([e for e in cmic if e.listing_date]) == len(with_date) > 0


def test_csv_citations_keep_every_notice_and_date(csv_rows: list[dict[str, str]], csv_parsed: Parsed) -> None:
    notices = sum(len(re.findall(r"\d+[.\s]*F\.?\s?R\.?\s*\d+", r["federal_register_notice"])) for r in csv_rows)
    assert sum(len(e.citations) for e in csv_parsed.records
               if any("F" in c.citation and "R" in c.citation for c in e.citations)) >= notices
    dated_rows = sum(1 for r in csv_rows if re.search(r"F\.?\s?R\.?\s*\d+[,\s]+\d{1,2}/\d{1,2}/\d{2,4}",
                                                       r["federal_register_notice"]))
    assert sum(1 for e in csv_parsed.records if any(c.date for c in e.citations)) == dated_rows > 0


def test_csv_truncated_fails_with_line(tmp_path: Path) -> None:
    text = gzip.decompress(raw_file("us-csl", CSV_NAME).read_bytes()).decode("utf-8")
    cut = tmp_path / "consolidated_cut.csv"
    cut.write_text(text[:200_000], encoding="utf-8")  # ends inside a row
    with pytest.raises(ParseError, match=r"consolidated_cut\.csv line \d+"):
        get_source("us-csl").format("csl-csv").read([cut])


def test_csv_truncated_gzip_fails(tmp_path: Path) -> None:
    data = raw_file("us-csl", CSV_NAME).read_bytes()
    cut = tmp_path / "consolidated_cut.csv.gz"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(ParseError, match=r"consolidated_cut\.csv\.gz"):
        get_source("us-csl").format("csl-csv").read([cut])


def test_csv_unknown_column_reported(tmp_path: Path) -> None:
    header = ",".join([*csl_csv.COLUMNS, "new_column"])
    row = ",".join(["x1", "Entity List (EL) - Bureau of Industry and Security", "", "", "", "Example Co."]
                   + [""] * (len(csl_csv.COLUMNS) - 6) + ["surprise"])
    path = tmp_path / "consolidated_new.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    parsed = get_source("us-csl").format("csl-csv").read([path])
    assert len(parsed.records) == 1 and "new_column" in " ".join(parsed.warnings)


# --- compact 2026 JSON copy (real file) ------------------------------------------------------------

def test_compact_counts(compact_data: dict, compact_parsed: Parsed) -> None:
    entries = compact_data["entries"]
    assert len(compact_parsed.records) == len(entries) == compact_data["entryCount"] == 25921
    aliases = sum(len(_parts(a)) for e in entries for a in e.get("a", []))
    assert sum(len(r.aliases) for r in compact_parsed.records) == aliases
    assert aliases > sum(len(e.get("a", [])) for e in entries)  # some cells held several aliases
    assert len({r.entity_id for r in compact_parsed.records}) == len(entries)
    assert str(compact_parsed.data_date) == "2026-07-31"
    assert compact_parsed.warnings == []


def test_compact_counts_by_list(compact_data: dict, compact_parsed: Parsed) -> None:
    sources = compact_data["tables"]["sources"]
    el_index = next(i for i, s in enumerate(sources) if s.startswith("Entity List (EL)"))
    assert sum(1 for r in compact_parsed.records if r.list == "Entity List") == \
        sum(1 for e in compact_data["entries"] if e["s"] == el_index)


def test_compact_cetc_chip_technology(compact_parsed: Parsed) -> None:
    (entity,) = [r for r in compact_parsed.records if r.name == "CETC Chip Technology Co., Ltd."]
    assert entity.list == "Entity List"
    assert [a.name for a in entity.aliases] == [
        "CETC 24", "Sichuan Solid Circuit Research Institute", "CETC 44",
        "CETC Chongqing Sound and Optoelectronics Co., Ltd.", "Chongqing Optoelectronics Technology Research Institute",
        "CETC 26", "Dianke Chip Group"]
    assert [c.citation for c in entity.citations] == ["89 FR 41888"]
    assert entity.licence_requirement.startswith("For all items subject to the EAR")
    assert entity.licence_policy == "Presumption of denial"
    assert entity.countries == ["CN"]


def test_compact_countries_are_iso2_and_unread_ones_kept(compact_data: dict, compact_parsed: Parsed) -> None:
    """``c`` holds names and regions beside codes ("TURKIYE", "REGION: WEST BANK"): read to ISO-2, or kept in
    remarks as written where they name no single country, so a user's country hint (TR) can equal them."""
    from exportcheck.formats.common import list_country

    for entry, entity in zip(compact_data["entries"], compact_parsed.records, strict=True):
        written = entry.get("c") or []
        assert all(len(c) == 2 and c.isupper() for c in entity.countries), entity.countries
        assert set(entity.countries) == {list_country(c) for c in written} - {""}
        unread = [c for c in written if not list_country(c)]
        assert all(c in entity.remarks for c in unread)
        assert bool(unread) == bool(entity.remarks)
    written_as = {c for e in compact_data["entries"] for c in e.get("c") or [] if len(c) != 2}
    assert {"TURKIYE", "PRC", "REGION: WEST BANK", "CRIMEA (OCCUPIED)"} <= written_as  # the quirk is in the file
    turkiye = [r for e, r in zip(compact_data["entries"], compact_parsed.records, strict=True) if "TURKIYE" in (e.get("c") or [])]
    assert turkiye and all("TR" in r.countries for r in turkiye)
    assert all(r.countries or r.remarks or not e.get("c")
               for e, r in zip(compact_data["entries"], compact_parsed.records, strict=True))


def test_list_country_reads_how_lists_write_places() -> None:
    from exportcheck.formats.common import list_country

    for written, code in (("TURKIYE", "TR"), ("PRC", "CN"), ("MAN, ISLE OF", "IM"), ("CHINA, PEOPLE'S REPUBLIC OF", "CN"),
                          ("REGION: WEST BANK", "PS"), ("REGION: CHINA", "CN"), ("CRIMEA (OCCUPIED)", "UA"),
                          ("Crimea Region of Ukraine", "UA"), ("UK", "GB"), ("REGION: KASHMIR", ""),
                          ("REGION: COMMONWEALTH OF INDEPENDENT STATES", ""), ("Congo (Democratic Republic)", ""), ("", "")):
        assert list_country(written) == code, written


def test_compact_unknown_key_and_bad_index(tmp_path: Path) -> None:
    data = {"tables": {"sources": ["Entity List (EL) - Bureau of Industry and Security"]},
            "entries": [{"n": "Example", "s": 0, "zz": 1}], "newTopKey": True}
    path = tmp_path / "DERIVED_csl-compact_2030-01-01.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    warnings = " ".join(get_source("us-csl").format("csl-compact-json").read([path]).warnings)
    assert "zz" in warnings and "newTopKey" in warnings
    data["entries"][0]["s"] = 7
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ParseError, match=r"entries\[0\].*tables\.sources"):
        get_source("us-csl").format("csl-compact-json").read([path])


def test_compact_truncated_fails_with_position(tmp_path: Path) -> None:
    text = raw_file("us-csl", COMPACT_NAME).read_text(encoding="utf-8")
    cut = tmp_path / "DERIVED_csl-compact_cut.json"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ParseError, match=r"DERIVED_csl-compact_cut\.json line \d+ column \d+"):
        get_source("us-csl").format("csl-compact-json").read([cut])


# --- official JSON (fixture in the documented shape; not verified on a real file) -------------------

def test_official_json_fixture() -> None:
    path = FIXTURES / "consolidated_2026-01-15.json"
    raw = json.loads(path.read_text(encoding="utf-8"))["results"]
    parsed = get_source("us-csl").format("csl-json").read([path])
    assert len(parsed.records) == len(raw)
    assert sum(len(r.aliases) for r in parsed.records) == sum(len(_parts(a)) for r in raw for a in r["alt_names"])
    by_name = {r.name: r for r in parsed.records}
    chip = by_name["Example Chip Technology Co., Ltd."]
    assert [a.name for a in chip.aliases] == ["ECT 24", "Example Solid Circuit Institute", "Example Chip Group"]
    assert chip.citations[0].date == "2024-05-14" and LOST_CHARACTERS in chip.flags
    assert [a.postal_code for a in chip.addresses] == ["400060", ""]
    person = by_name["EXAMPLOV, Ivan Petrovich"]
    assert person.schema_ == "Person" and person.birth_dates == ["1980", "1981"] and person.entity_id == "us-csl:sdn:99001"
    assert by_name["EXAMPLE STAR"].schema_ == "Vessel"
    assert by_name["Example Electronics Technology Group Corporation"].listing_date == "2021-06-03"
    assert str(parsed.data_date) == "2026-01-15"


def test_official_json_truncated(tmp_path: Path) -> None:
    text = (FIXTURES / "consolidated_2026-01-15.json").read_text(encoding="utf-8")
    cut = tmp_path / "consolidated_cut.json"
    cut.write_text(text[:1500], encoding="utf-8")
    with pytest.raises(ParseError, match=r"consolidated_cut\.json line \d+ column \d+"):
        get_source("us-csl").format("csl-json").read([cut])


def test_ids_agree_between_formats(csv_parsed: Parsed, compact_parsed: Parsed) -> None:
    """An OFAC party keeps its id across the 2022 CSV and the 2026 JSON (diff sees one party)."""
    csv_sdn = {r.entity_id for r in csv_parsed.records if r.list == "SDN"}
    json_sdn = {r.entity_id for r in compact_parsed.records if r.list == "SDN"}
    assert len(csv_sdn & json_sdn) > 5000


def test_cetc_on_ns_cmic_with_listing_date(csv_rows: list[dict[str, str]], csv_parsed: Parsed,
                                          compact_parsed: Parsed) -> None:
    (row,) = [r for r in csv_rows if r["name"] == "CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION"]
    assert "03 Jun 2021, Listing Date (CMIC)" in row["ids"]
    (cetc,) = [e for e in csv_parsed.records if e.raw_id == row["_id"]]
    assert (cetc.list, cetc.listing_date, cetc.programs) == ("NS-CMIC", "2021-06-03", ["CMIC-EO13959"])
    assert [a.name for a in cetc.aliases] == ["CETC"]
    (later,) = [e for e in compact_parsed.records if e.list == "NS-CMIC"
                and e.name.upper() == "CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION"]
    assert later.entity_id == cetc.entity_id == "us-csl:ns-cmic:30936"  # same id in 2022 and 2026


def test_compact_lost_characters(compact_data: dict, compact_parsed: Parsed) -> None:
    def lost(text: str) -> bool:
        return bool(re.search(r"[^\W_]\?|\?[^\W_]", text))

    expected = sum(1 for e in compact_data["entries"] if lost(e["n"]) or any(lost(a) for a in e.get("a", [])))
    assert sum(1 for r in compact_parsed.records if LOST_CHARACTERS in r.flags) == expected
