"""The third-party OFAC SDN names CSV (DERIVED_ofac-sdn-names_2026-08-20.csv + metadata.json)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from exportcheck.errors import ParseError
from exportcheck.sources import Parsed, get_source
from tests.conftest import raw_file

CSV = "DERIVED_ofac-sdn-names_2026-08-20.csv"
META = "DERIVED_ofac-sdn-names_2026-08-20.metadata.json"


@pytest.fixture(scope="session")
def rows() -> list[dict[str, str]]:
    with raw_file("us-ofac-sdn", CSV).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def parsed() -> Parsed:
    return get_source("us-ofac-sdn").format("ofac-sdn-names-csv").read([raw_file("us-ofac-sdn", CSV), raw_file("us-ofac-sdn", META)])


def test_counts_match_the_file(parsed: Parsed, rows: list[dict[str, str]]) -> None:
    assert len(parsed.records) == len(rows) == len({r["uid"] for r in rows}) == 19249
    aliases = sum(len([a for a in r["alternate_names"].split("; ") if a.strip()]) for r in rows)
    assert sum(len(e.aliases) for e in parsed.records) == aliases == 20194
    meta = json.loads(raw_file("us-ofac-sdn", META).read_text())
    assert meta["counts"]["alternateNames"] == aliases
    types = Counter(e.schema_ for e in parsed.records)
    assert types == {"Organization": meta["typeCounts"]["entity"], "Person": meta["typeCounts"]["individual"],
                     "Vessel": meta["typeCounts"]["vessel"], "Aircraft": meta["typeCounts"]["aircraft"]}
    assert {e.list for e in parsed.records} == {"SDN"}
    assert parsed.warnings == []


def test_data_date_from_metadata(parsed: Parsed) -> None:
    assert parsed.data_date is not None and parsed.data_date.isoformat() == "2026-08-20"
    assert parsed.data_date_basis.startswith("metadata.json")


def test_programs_split(parsed: Parsed, rows: list[dict[str, str]]) -> None:
    multi = next(r for r in rows if "; " in r["programs"])
    entity = next(e for e in parsed.records if e.raw_id == multi["uid"])
    assert entity.programs == multi["programs"].split("; ")


def test_metadata_count_mismatch_fails(tmp_path: Path) -> None:
    data = raw_file("us-ofac-sdn", CSV).read_text(encoding="utf-8").splitlines(keepends=True)
    short = tmp_path / CSV
    short.write_text("".join(data[:-5]), encoding="utf-8")
    with pytest.raises(ParseError, match=r"19244 rows but .*metadata\.json says 19249 entries"):
        get_source("us-ofac-sdn").format("ofac-sdn-names-csv").read([short, raw_file("us-ofac-sdn", META)])


def test_bad_rows_fail(tmp_path: Path) -> None:
    path = tmp_path / "DERIVED_ofac-sdn-names_2030-01-01.csv"
    path.write_text("uid,name,type,programs,alternate_names,extra\n1,ACME,robot,SDGT,,x\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"line 2: bad uid/type/name"):
        get_source("us-ofac-sdn").format("ofac-sdn-names-csv").read([path])


def test_unknown_column_reported(tmp_path: Path) -> None:
    path = tmp_path / "DERIVED_ofac-sdn-names_2030-01-01.csv"
    path.write_text("uid,name,type,programs,alternate_names,risk\n1,ACME,entity,SDGT,A; B,9\n", encoding="utf-8")
    parsed = get_source("us-ofac-sdn").format("ofac-sdn-names-csv").read([path])
    assert [a.name for a in parsed.records[0].aliases] == ["A", "B"]
    assert any("unknown new columns not read: risk" in w for w in parsed.warnings)


def test_registered_as_non_official() -> None:
    fmt = {f.name: f for f in get_source("us-ofac-sdn").formats}["ofac-sdn-names-csv"]
    assert not fmt.official and fmt.verified
    assert fmt.matches_primary(CSV) and fmt.matches_companion(META)
