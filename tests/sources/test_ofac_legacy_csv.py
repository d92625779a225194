"""OFAC legacy four-file CSV sets (sdn/add/alt/sdn_comments, cons_*) on the real files and hand-made ones.

Counts are taken independently here with the csv module (after stripping the 0x1A end byte) and
compared with what the parser yields.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from exportcheck.errors import ParseError
from exportcheck.model import Entity
from exportcheck.refresh import find_sets
from exportcheck.sources import Parsed, get_source
from tests.conftest import raw_file

CONS = ["cons_prim_2025-12.csv", "cons_add_2025-12.csv", "cons_alt_2025-12.csv", "cons_comments_2025-12.csv"]


def rows(path: Path) -> list[list[str]]:
    """The file's rows, counted the plain way: bytes, 0x1A stripped, UTF-8, csv module."""
    data = path.read_bytes()
    assert data.endswith(b"\x1a"), "the real OFAC files end with Ctrl-Z"
    return list(csv.reader(io.StringIO(data[:-1].decode("utf-8"), newline="")))


@pytest.fixture(scope="session")
def cons_paths() -> list[Path]:
    return [raw_file("us-ofac-sdn", n) for n in CONS]


@pytest.fixture(scope="session")
def cons(cons_paths: list[Path]) -> Parsed:
    return get_source("us-ofac-cons").format("ofac-legacy-csv").read(cons_paths)


@pytest.fixture(scope="session")
def sdn() -> Parsed:
    return get_source("us-ofac-sdn").format("ofac-legacy-csv").read([raw_file("us-ofac-sdn", "sdn_2024-05-03.csv")])


def by_uid(parsed: Parsed) -> dict[str, Entity]:
    return {e.raw_id: e for e in parsed.records if isinstance(e, Entity)}


def remark_akas(text: str) -> int:
    return len(re.findall(r"[afn]\.k\.a\.,? '", text))


def test_cons_counts_match_the_files(cons: Parsed, cons_paths: list[Path]) -> None:
    prim, _add, alt, comments = (rows(p) for p in cons_paths)
    uids = {r[0] for r in prim}
    assert len(cons.records) == len(prim) == len(uids) == 442
    joined_alts = [r for r in alt if r[0] in uids]
    assert len(joined_alts) == 1073
    continued = {r[0]: r[1] for r in comments}
    full_remarks = "".join(r[11] + continued.get(r[0], "") for r in prim)
    expected_aliases = len(joined_alts) + remark_akas(full_remarks)
    assert sum(len(e.aliases) for e in cons.records) == expected_aliases
    assert sum(1 for e in cons.records for a in e.aliases if a.quality == "weak") == remark_akas(full_remarks)
    assert cons.warnings == []


def test_cons_addresses_joined(cons: Parsed, cons_paths: list[Path]) -> None:
    add = rows(cons_paths[1])
    non_empty = [r for r in add if any(c.strip() != "-0-" for c in r[2:5])]
    assert sum(len(e.addresses) for e in cons.records) == len(non_empty)


def test_sdn_counts_match_the_file(sdn: Parsed) -> None:
    prim = rows(raw_file("us-ofac-sdn", "sdn_2024-05-03.csv"))
    assert len(sdn.records) == len(prim) == 14965
    assert max(int(r[0]) for r in prim) == 48907
    # No companions of 2024-05-03 exist, so the only aliases are the weak ones in the remarks, minus
    # the names OFAC's 1,000-character cut leaves unfinished ("a.k.a. 'WHOIS HACKIN").
    cut = [r for r in prim if len(r[11]) == 1000]
    unfinished = sum(1 for r in cut if "'" not in r[11].rsplit("a.k.a. '", 1)[-1] and "a.k.a. '" in r[11])
    assert unfinished == 3
    assert sum(len(e.aliases) for e in sdn.records) == remark_akas("".join(r[11] for r in prim)) - unfinished
    flagged = {e.raw_id for e in sdn.records if "remarks-truncated" in e.flags}
    assert flagged == {r[0] for r in cut} and len(flagged) > 0
    assert any(f"remarks of {len(cut)} entries stop" in w for w in sdn.warnings)
    assert {e.list for e in sdn.records} == {"SDN"}
    ids = [e.entity_id for e in sdn.records]
    assert len(set(ids)) == len(ids) and all(i.startswith("us-ofac-sdn:") for i in ids)


def test_sdn_schemas_follow_sdn_type(sdn: Parsed) -> None:
    prim = rows(raw_file("us-ofac-sdn", "sdn_2024-05-03.csv"))
    expected = {"-0- ": "Organization", "individual": "Person", "vessel": "Vessel", "aircraft": "Aircraft"}
    got = by_uid(sdn)
    assert all(got[r[0]].schema_ == expected[r[2]] for r in prim)


def test_cetc_on_ns_cmic_with_listing_date(cons: Parsed) -> None:
    cetc = [e for e in cons.records if e.name == "CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION"]
    assert len(cetc) == 1
    (entity,) = cetc
    assert entity.entity_id == "us-ofac-cons:30936"
    assert entity.list == "NS-CMIC"
    assert entity.programs == ["CMIC-EO13959"]
    assert entity.listing_date == "2021-06-03"
    assert [(a.name, a.quality) for a in entity.aliases] == [("CETC", "weak")]
    assert entity.countries == ["CN"]


def test_sub_lists_of_the_consolidated_list(cons: Parsed) -> None:
    prim = rows(raw_file("us-ofac-sdn", CONS[0]))
    cmic = {r[0] for r in prim if "CMIC-EO13959" in r[3]}
    plc = {r[0] for r in prim if "NS-PLC" in r[3]}
    got = by_uid(cons)
    assert len(cmic) == 68 and {u for u, e in got.items() if e.list == "NS-CMIC"} == cmic
    assert {u for u, e in got.items() if e.list == "NS-PLC"} == plc
    assert all(e.listing_date for e in got.values() if e.list == "NS-CMIC")


def strings(value: object) -> list[str]:
    """Every string inside a dumped record (dict/list nesting)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_null_marker_never_in_output(cons: Parsed, sdn: Parsed) -> None:
    values = [s for parsed in (cons, sdn) for e in parsed.records for s in strings(e.model_dump(by_alias=True))]
    assert len(values) > 100_000
    # "-0- " is OFAC's null; "-0-" alone inside an id such as "CH-217-0-431-423-3" is real data
    assert [v for v in values if v.strip() == "-0-" or "-0- " in v or v.endswith(" -0-")] == []
    assert "-0-" in json.dumps([e.model_dump() for e in sdn.records if e.raw_id == "8214"]), "real ids keep -0-"


def test_remarks_continued_from_comments(cons: Parsed, cons_paths: list[Path]) -> None:
    prim = {r[0]: r[11] for r in rows(cons_paths[0])}
    comments = rows(cons_paths[3])
    assert len(comments) == 10
    got = by_uid(cons)
    for uid, rest in comments:
        assert len(prim[uid]) == 1000, "OFAC cuts remarks at 1,000 characters"
        assert (prim[uid] + rest).strip() in got[uid].remarks


def test_nationalities_from_remarks(sdn: Parsed) -> None:
    prim = rows(raw_file("us-ofac-sdn", "sdn_2024-05-03.csv"))
    russians = {r[0] for r in prim if "nationality Russia" in r[11] or "citizen Russia" in r[11]}
    assert len(russians) > 100
    got = by_uid(sdn)
    assert all("RU" in got[u].nationalities and "RU" in got[u].countries for u in russians)
    assert {u for u, e in got.items() if "RU" in e.nationalities} == russians


def test_programs_split(cons: Parsed, sdn: Parsed) -> None:
    got = by_uid(sdn)
    prim = rows(raw_file("us-ofac-sdn", "sdn_2024-05-03.csv"))
    multi = [r for r in prim if "] [" in r[3]]
    assert multi
    for row in multi:
        assert got[row[0]].programs == row[3].split("] [")
    assert not any("[" in p or "]" in p for e in [*cons.records, *sdn.records] for p in e.programs)


# --- hand-made sets in the official format -------------------------------------------------------

def write(path: Path, lines: list[str], encoding: str = "utf-8", end: bytes = b"\x1a") -> Path:
    path.write_bytes("".join(line + "\r\n" for line in lines).encode(encoding) + end)
    return path


def small_set(folder: Path, suffix: str = "_2030-01-02") -> list[Path]:
    return [
        write(folder / f"sdn{suffix}.csv", [
            '1,"ACME TRADING",-0- ,"IRAN] [SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. \'ACME\'; Listing Date (CMIC) 03 Jun 2021; Effec"',
            '2,"DOE, John",individual,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1962; alt. DOB 05 Jan 1963."',
        ]),
        write(folder / f"add{suffix}.csv", ['1,10,"1 Main St","Tehran","Iran",-0- ', '3,11,-0- ,-0- ,"Iran",-0- ']),
        write(folder / f"alt{suffix}.csv", ['1,20,"fka","ACME OLD",-0- ', '2,21,"aka","DOE, Johnny",-0- ']),
        write(folder / f"sdn_comments{suffix}.csv", ['1,"tive Date 01 Jan 2022."']),
    ]


@pytest.mark.parametrize("suffix", ["_2030-01-02", ""])  # mirror names and official download names
def test_small_set_joins_everything(tmp_path: Path, suffix: str) -> None:
    parsed = get_source("us-ofac-sdn").format("ofac-legacy-csv").read(small_set(tmp_path, suffix))
    acme, doe = parsed.records
    assert acme.programs == ["IRAN", "SDGT"]
    assert acme.remarks.endswith("Effective Date 01 Jan 2022.")
    assert [(a.name, a.type, a.quality) for a in acme.aliases] == [("ACME OLD", "fka", "strong"), ("ACME", "aka", "weak")]
    assert acme.addresses[0].country == "IR" and acme.listing_date == "2021-06-03"
    assert doe.schema_ == "Person" and doe.birth_dates == ["1962", "1963-01-05"]
    assert any("1 row(s) refer to entries not in" in w for w in parsed.warnings)


def test_cp1252_fallback(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.csv", ['1,"CAF\u00c9 S.A.",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '],
                 encoding="cp1252")
    parsed = get_source("us-ofac-sdn").format("ofac-legacy-csv").read([path])
    assert parsed.records[0].name == "CAFÉ S.A."
    assert any("cp1252" in w for w in parsed.warnings)


def test_unknown_extra_column_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.csv", ['1,"X",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"new"'])
    parsed = get_source("us-ofac-sdn").format("ofac-legacy-csv").read([path])
    assert len(parsed.records) == 1
    assert any("sdn.csv line 1" in w and "unknown extra column" in w for w in parsed.warnings)


def test_missing_end_marker_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "sdn.csv", ['1,"X",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '], end=b"")
    assert any("0x1A" in w for w in get_source("us-ofac-sdn").format("ofac-legacy-csv").read([path]).warnings)


def test_truncated_real_file_fails_naming_file_and_line(tmp_path: Path) -> None:
    data = raw_file("us-ofac-sdn", CONS[0]).read_bytes()
    cut = tmp_path / "cons_prim_2025-12.csv"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParseError, match=r"cons_prim_2025-12\.csv line \d+"):
        get_source("us-ofac-cons").format("ofac-legacy-csv").read([cut])


@pytest.mark.parametrize("line, message", [
    ('1,"X",-0- ,"CUBA"', r"sdn\.csv line 1: 4 fields, expected 12"),
    ('x,"X",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ', r"sdn\.csv line 1: ent_num 'x'"),
    ('1,"X",robot,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ', r"sdn\.csv line 1: unknown SDN_Type 'robot'"),
])
def test_malformed_rows_fail(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        get_source("us-ofac-sdn").format("ofac-legacy-csv").read([write(tmp_path / "sdn.csv", [line])])


def test_unclosed_quote_fails(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(b'1,"X",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"cut off\r\n\x1a')
    with pytest.raises(ParseError, match=r"sdn\.csv line"):
        get_source("us-ofac-sdn").format("ofac-legacy-csv").read([path])


# --- which files form a set ----------------------------------------------------------------------

def test_sets_join_only_files_of_one_date(raw_dir: Path) -> None:
    names = sorted(p.name for p in (raw_dir / "us-ofac-sdn").iterdir())
    sdn_sets, notes = find_sets(get_source("us-ofac-sdn"), names)
    legacy = [s for s in sdn_sets if s.format.name == "ofac-legacy-csv"]
    assert [s.names for s in legacy] == [["sdn_2024-05-03.csv"]]
    assert any("add_2025-12.csv" in n and "sdn_comments_2025-12.csv" in n for n in notes)
    assert not any(n.startswith("cons_") for s in sdn_sets for n in s.names)
    cons_sets, _ = find_sets(get_source("us-ofac-cons"), names)
    legacy_cons = [s for s in cons_sets if s.format.name == "ofac-legacy-csv"]
    assert [sorted(s.names) for s in legacy_cons] == [sorted(CONS)]
    assert not any(n.startswith(("sdn", "add", "alt")) for s in cons_sets for n in s.names)


def test_official_download_names_form_sets() -> None:
    names = ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv",
             "cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"]
    (sdn_set,), _ = find_sets(get_source("us-ofac-sdn"), names)
    assert sdn_set.names == ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]
    (cons_set,), _ = find_sets(get_source("us-ofac-cons"), names)
    assert cons_set.names == ["cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"]
    source = get_source("us-ofac-sdn")
    assert [d.name for d in source.spec.downloads] == sdn_set.names
    assert source.official_format() is not None and source.official_format().name == "ofac-legacy-csv"  # type: ignore[union-attr]


def test_comments_file_is_never_a_primary() -> None:
    sets, notes = find_sets(get_source("us-ofac-sdn"), ["sdn_comments_2025-12.csv", "sdn_comments.csv"])
    assert sets == [] and notes


def test_mixed_up_sets_fail(tmp_path: Path) -> None:
    dated = small_set(tmp_path)
    plain = small_set(tmp_path, "")
    with pytest.raises(ParseError, match="two primary files in one set"):
        get_source("us-ofac-sdn").format("ofac-legacy-csv").read([dated[0], plain[0]])
    stray = write(tmp_path / "notes.csv", ["1,x"])
    with pytest.raises(ParseError, match=r"notes\.csv: not part of an OFAC legacy CSV set"):
        get_source("us-ofac-sdn").format("ofac-legacy-csv").read([dated[0], stray])
    with pytest.raises(ParseError, match=r"no sdn\.csv / cons_prim\.csv"):
        get_source("us-ofac-sdn").format("ofac-legacy-csv").read(dated[1:])
