"""uk-sanctions: OFSI's ConList in its CSV (2014, 2018) and XLSX (2023, 2025) editions, on the real files.

Expected counts are taken from the files with the csv module and openpyxl (not through the parser's
own XLSX reader), and checked against SOURCES.md's figures.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from exportcheck.errors import ParseError
from exportcheck.formats import ofsi_conlist
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.xlsx import read_rows
from exportcheck.sources import get_source
from exportcheck.store import SnapshotStore
from tests.conftest import REPO, raw_file

CTX = ParseContext("uk-sanctions", "UK Sanctions List")
#: file → (rows, groups) as SOURCES.md states them.
STATED = {
    "hmt-conlist_2014-04-02.csv": (8950, 2297),
    "hmt-ofsi-conlist_2018-04-13.csv": (9487, 2106),
    "DERIVED_ofsi-conlist_2023-06-05_excel-resaved.xlsx": (16823, 3993),
    "ofsi-conlist_2025-04-10.xlsx": (18796, 4686),
    "ofsi-conlist_2025-04-14.xlsx": (18798, 4688),
}
PRIMARY = {"Prime Alias", "Primary name"}


def _table(name: str) -> tuple[list[str], list[list[str]]]:
    """Header and data rows, read without exportcheck: csv (cp1252) or openpyxl."""
    path = raw_file("uk-sanctions", name)
    if name.endswith(".csv"):
        with path.open(encoding="cp1252", newline="") as handle:
            rows = list(csv.reader(handle))
    else:
        book = openpyxl.load_workbook(path, read_only=True)
        rows = [["" if v is None else str(v) for v in r] for r in book["Data"].iter_rows(values_only=True)]
        book.close()
    header = [h for h in rows[1] if h]
    return header, [r for r in rows[2:] if any(c.strip() for c in r)]


_TABLES: dict[str, tuple[list[str], list[list[str]]]] = {}
_PARSED: dict[str, Parsed] = {}


def table(name: str) -> tuple[list[str], list[list[str]]]:
    if name not in _TABLES:
        _TABLES[name] = _table(name)
    return _TABLES[name]


def parsed(name: str) -> Parsed:
    if name not in _PARSED:
        _PARSED[name] = ofsi_conlist.parse([raw_file("uk-sanctions", name)], CTX)
    return _PARSED[name]


@pytest.mark.parametrize("name", list(STATED))
def test_one_party_per_group_id(name: str) -> None:
    header, rows = table(name)
    assert len(header) == (29 if name.endswith(".csv") else 36)
    gid, kind = header.index("Group ID"), header.index("Group Type")
    groups = {r[gid] for r in rows}
    assert (len(rows), len(groups)) == STATED[name]
    result = parsed(name)
    assert sorted(e.raw_id for e in result.records) == sorted(groups)
    assert len({e.entity_id for e in result.records}) == len(groups)
    kinds = Counter(dict((r[gid], r[kind]) for r in rows).values())
    schemas = Counter(e.schema_ for e in result.records)
    assert schemas == {"Person": kinds["Individual"], "Organization": kinds["Entity"], **(
        {"Vessel": kinds["Ship"]} if kinds["Ship"] else {})}
    assert result.warnings == []


@pytest.mark.parametrize("name", list(STATED))
def test_every_name_of_a_group_is_kept(name: str) -> None:
    header, rows = table(name)
    gid = header.index("Group ID")
    names: dict[str, set[str]] = {}
    for r in rows:
        full = " ".join(" ".join(r[header.index(f"Name {i}")] for i in (1, 2, 3, 4, 5, 6)).split())
        names.setdefault(r[gid], set()).add(full)
        if "Name Non-Latin Script" in header and r[header.index("Name Non-Latin Script")].strip():
            names[r[gid]].add(" ".join(r[header.index("Name Non-Latin Script")].split()))
    for entity in parsed(name).records:
        assert {entity.name, *(a.name for a in entity.aliases)} == names[entity.raw_id]


def test_primary_name_listing_dates_and_data_date() -> None:
    header, rows = table("hmt-conlist_2014-04-02.csv")
    result = parsed("hmt-conlist_2014-04-02.csv")
    assert result.data_date is not None and result.data_date.isoformat() == "2014-04-02"
    by_id = {e.raw_id: e for e in result.records}
    gid, alias, listed = header.index("Group ID"), header.index("Alias Type"), header.index("Listed On")
    prime = next(r for r in rows if r[alias] == "Prime Alias" and r[gid] == "10657")
    assert by_id["10657"].name == prime[header.index("Name 6")] == "3M MIZAN MACHINERY MANUFACTURING"
    day, month, year = prime[listed].split("/")
    assert by_id["10657"].listing_date == f"{year}-{month}-{day}" == "2008-06-24"
    assert by_id["10657"].programs == ["Iran (nuclear proliferation)"]


def test_xlsx_fields_non_latin_ref_designation_dob() -> None:
    result = parsed("ofsi-conlist_2025-04-14.xlsx")
    by_id = {e.raw_id: e for e in result.records}
    tauber = by_id["16849"]
    assert tauber.name == "Marina TAUBER" and tauber.schema_ == "Person"
    assert {(a.name, a.type) for a in tauber.aliases} == {("Marina TAUBEROVA", "aka"), ("Марина Таубер", "original-script")}
    assert tauber.nationalities == ["MD"]
    foxtrot = by_id["16856"]
    assert foxtrot.identifiers[0].type == "UK Sanctions List Ref" and foxtrot.identifiers[0].value == "IRN0242"
    assert foxtrot.listing_date == "2025-04-14" and foxtrot.programs == ["Iran"]
    assert "UK Sanctions List date designated: 2025-04-14" in foxtrot.remarks
    people = [e for e in result.records if e.schema_ == "Person" and e.birth_dates]
    assert people and all(len(d) in (4, 7, 10) for e in people for d in e.birth_dates)  # 00 parts dropped
    qualities = Counter(a.quality for e in result.records for a in e.aliases)
    assert qualities["strong"] > 0 and qualities["weak"] > 0


def test_reader_agrees_with_openpyxl() -> None:
    name = "ofsi-conlist_2025-04-10.xlsx"
    header, rows = table(name)
    _sheet, ours = read_rows(raw_file("uk-sanctions", name), "uk-sanctions", "Data")
    ours_rows = [r + [""] * (len(header) - len(r)) for r in ours[2:]]
    assert ours_rows == [r[:len(header)] for r in rows]


def test_uk_date_precision() -> None:
    assert ofsi_conlist.uk_date("00/00/1980") == "1980"
    assert ofsi_conlist.uk_date("00/05/1980") == "1980-05"
    assert ofsi_conlist.uk_date("24/06/2008") == "2008-06-24"
    assert ofsi_conlist.uk_date("31/02/2008") == ""


def test_truncated_csv_fails(tmp_path: Path) -> None:
    text = raw_file("uk-sanctions", "hmt-conlist_2014-04-02.csv").read_bytes()
    cut = tmp_path / "conlist.csv"
    cut.write_bytes(text[: len(text) // 2])
    with pytest.raises(ParseError, match="line"):
        ofsi_conlist.parse([cut], CTX)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(ParseError, match="Last Updated"):
        ofsi_conlist.parse([other], CTX)


def test_declared_verified_and_xml_still_unverified() -> None:
    source = get_source("uk-sanctions")
    assert source.verified and source.spec.nature == "sanctions" and source.spec.jurisdiction == "GB"
    by_name = {f.name: f for f in source.formats}
    assert not by_name["uk-sanctions-xml"].verified and by_name["ofsi-conlist-csv"].verified
    assert source.official_format() is by_name["uk-sanctions-xml"]  # refresh still downloads the FCDO XML


def _cli(*args: str, lists: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exportcheck", *args, "--lists-dir", str(lists)],
                          capture_output=True, text=True, cwd=REPO, check=False)


def test_history_back_to_2014_and_the_april_2025_diff(real_lists_dir: Path) -> None:
    snaps = {s.meta.data_date.isoformat(): s for s in SnapshotStore(real_lists_dir).snapshots("uk-sanctions")
             if s.meta.data_date is not None}
    assert sorted(snaps) == ["2014-04-02", "2018-04-13", "2023-06-05", "2025-04-10", "2025-04-14"]
    assert all(s.meta.verified_on_real_file for s in snaps.values())
    result = _cli("diff", "uk-sanctions", "--from", snaps["2025-04-10"].meta.version,
                  "--to", snaps["2025-04-14"].meta.version, "--json", lists=real_lists_dir)
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    assert [a["key"] for a in diff["added"]] == ["uk-sanctions:16856", "uk-sanctions:16857"]
    assert diff["removed"] == []
    listing = _cli("sources", lists=real_lists_dir)
    line = next(line for line in listing.stdout.splitlines() if line.startswith("uk-sanctions"))
    assert "2025-04-14" in line and "verified" in line and "unverified" not in line


@pytest.mark.parametrize("name", ["ofsi-conlist_2025-04-10.xlsx", "DERIVED_ofsi-conlist_2023-06-05_excel-resaved.xlsx"])
def test_fast_and_exact_xlsx_readers_give_the_same_rows(name: str) -> None:
    """OFSI's all-string workbooks take calamine's fast path; the lxml reader must give exactly the same rows."""
    import zipfile

    from exportcheck.formats import xlsx

    path = raw_file("uk-sanctions", name)
    with zipfile.ZipFile(path) as archive:
        fast = xlsx._read_all_strings(archive, path, "Data")
        exact = xlsx._read_exact(archive, path, "uk-sanctions", "Data")
    assert fast is not None, "the fast path was not taken for an all-string OFSI workbook"
    assert fast == exact and read_rows(path, "uk-sanctions", "Data") == exact
    assert len(exact[1]) == STATED[name][0] + 2  # "Last Updated", the header, then one row per name


def test_a_workbook_with_numbers_or_furigana_takes_the_exact_reader() -> None:
    import zipfile

    from exportcheck.formats import xlsx

    path = raw_file("jp-meti-eul", "meti-end-user-list_2025-09-29_20250929_4.xlsx")  # =ROW()-1 numbers
    with zipfile.ZipFile(path) as archive:
        assert xlsx._read_all_strings(archive, path, None) is None
