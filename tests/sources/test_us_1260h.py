"""us-1260h: the OpenSanctions CSV (one row per listing period) and the nsfreg JSON of the June 2026 edition."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from exportcheck.errors import ParseError
from exportcheck.formats import os_1260h
from exportcheck.sources import get_source
from exportcheck.sources.base import Parsed
from tests.conftest import raw_file

CSV_NAME = "DERIVED_opensanctions_us_dod_chinese_milcorps_2026-08-20.csv"
JSON_NAME = "DERIVED_dow-1260h_fr2026-11571_2026-06-10.json"


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("’", "-")).strip("-")


@pytest.fixture(scope="session")
def rows() -> list[dict[str, str]]:
    with raw_file("us-1260h", CSV_NAME).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def parsed() -> Parsed:
    return get_source("us-1260h").format("opensanctions-csv").read([raw_file("us-1260h", CSV_NAME)])


def test_one_entity_per_company_every_period_kept(rows: list[dict[str, str]], parsed: Parsed) -> None:
    assert len(rows) == 397
    companies = {_key(r["Clean Name"]) for r in rows}
    assert len(parsed.records) == len(companies)
    periods = parsed.extra_tables["listing_periods"]
    assert len(periods) == len(rows)
    assert sorted(periods["name_raw"]) == sorted(r["Name"] for r in rows)  # raw names, '*' included
    assert (periods["end_date"] != "").sum() == sum(1 for r in rows if r["End date"]) == 21


def test_aliases_per_company(rows: list[dict[str, str]], parsed: Parsed) -> None:
    expected: dict[str, set[tuple[str, str]]] = {}
    for r in rows:
        names = expected.setdefault(_key(r["Clean Name"]), set())
        names |= {(p.strip(), "aka") for p in r["Alias"].split(";") if p.strip()}
        names |= {(p.strip(), "fka") for p in r["Previous Name"].split(";") if p.strip()}
    assert sum(len(r.aliases) for r in parsed.records) == sum(len(v) for v in expected.values())
    assert sum(1 for r in parsed.records for a in r.aliases if a.type == "fka") == \
        sum(len([n for n in v if n[1] == "fka"]) for v in expected.values()) > 0


def test_ended_listing_keeps_end_date(rows: list[dict[str, str]], parsed: Parsed) -> None:
    (row,) = [r for r in rows if r["Clean Name"] == "Beijing Megvii Technology Co., Ltd."]
    assert (row["Start date"], row["End date"]) == ("2024-01-31", "2025-01-07")
    (megvii,) = [r for r in parsed.records if r.name == "Beijing Megvii Technology Co., Ltd."]
    assert (megvii.listing_date, megvii.end_date) == ("2024-01-31", "2025-01-07")
    # a company delisted then listed again in a later edition is listed: no end date
    ymtc_rows = [r for r in rows if r["Clean Name"] == "Yangtze Memory Technologies Co., Ltd."]
    assert any(r["End date"] for r in ymtc_rows) and any(not r["End date"] for r in ymtc_rows)
    (ymtc,) = [r for r in parsed.records if r.name == "Yangtze Memory Technologies Co., Ltd."]
    assert ymtc.end_date == ""
    ended = {_key(r["Clean Name"]) for r in rows} - {_key(r["Clean Name"]) for r in rows if not r["End date"]}
    assert sum(1 for r in parsed.records if r.end_date) == len(ended)


def test_asterisk_kept_raw_and_name_clean(rows: list[dict[str, str]], parsed: Parsed) -> None:
    starred = {_key(r["Clean Name"]) for r in rows if "*" in r["Name"]}
    assert len(starred) > 40
    flagged = [r for r in parsed.records if os_1260h.ASTERISK in r.flags]
    assert len(flagged) == len(starred)
    assert all("*" not in r.name for r in parsed.records)
    avic = next(r for r in parsed.records if r.name == "AVIC Heavy Machinery Company Limited")
    assert avic.parent_name.startswith("Aviation Industry Corporation of China")
    assert os_1260h.clean_name("Aerospace CH UAV Co., Ltd (S-SEA)*") == "Aerospace CH UAV Co., Ltd"


def test_data_date_is_newest_edition(parsed: Parsed) -> None:
    assert str(parsed.data_date) == "2026-06-08"


def test_json_edition_and_stable_ids(parsed: Parsed) -> None:
    data = json.loads(raw_file("us-1260h", JSON_NAME).read_text(encoding="utf-8"))
    fmt = next(f for f in get_source("us-1260h").formats if f.name == "nsfreg-json")
    edition = fmt.read([raw_file("us-1260h", JSON_NAME)])
    assert len(edition.records) == len(data["entities"]) == 80
    assert sum(len(r.aliases) for r in edition.records) == sum(len(e["aliases"]) for e in data["entities"])
    assert str(edition.data_date) == "2026-06-10"
    assert edition.records[0].citations[0].date == "2026-06-10"
    both = {r.entity_id for r in edition.records} & {r.entity_id for r in parsed.records}
    assert len(both) >= 60  # same company, same id in both copies (slug of the name)


def test_truncated_and_unknown_columns(tmp_path: Path) -> None:
    text = raw_file("us-1260h", CSV_NAME).read_text(encoding="utf-8")
    cut = tmp_path / "sanctions_cut.csv"
    cut.write_text(text[: len(text) // 2].rsplit('"', 1)[0] + '"unterminated', encoding="utf-8")
    with pytest.raises(ParseError, match=r"sanctions_cut\.csv line \d+"):
        get_source("us-1260h").format("opensanctions-csv").read([cut])
    extra = tmp_path / "sanctions_new.csv"
    lines = text.splitlines()
    extra.write_text("\n".join([lines[0] + ",Risk"] + [line + "," for line in lines[1:4]]) + "\n", encoding="utf-8")
    assert "Risk" in " ".join(get_source("us-1260h").format("opensanctions-csv").read([extra]).warnings)


def test_all_dates_refresh_reads_the_fuller_transcription_of_the_june_2026_edition(real_lists_dir: Path) -> None:
    """``refresh --all-dates`` imports both copies of the June 2026 edition; the store's declared rule reads the
    OpenSanctions transcription (every current entry), not the nsfreg copy dated two days later."""
    from exportcheck.matching import screen_matches
    from exportcheck.store import SnapshotStore

    store = SnapshotStore(real_lists_dir)
    formats = {s.meta.format for s in store.snapshots("us-1260h")}
    assert formats == {"opensanctions-csv", "nsfreg-json"}  # both were imported
    latest = store.latest("us-1260h")
    assert latest is not None and latest.meta.format == "opensanctions-csv"
    with raw_file("us-1260h", CSV_NAME).open(encoding="utf-8", newline="") as handle:
        current = {_key(r["Clean Name"]) for r in csv.DictReader(handle) if not r["End date"]}
    assert latest.meta.record_count > len(json.loads(raw_file("us-1260h", JSON_NAME).read_text("utf-8"))["entities"])
    assert len(current) <= latest.meta.record_count
    hits = [m for m in screen_matches("14th Research Institute of CETC", lists_dir=real_lists_dir, limit=20)
            if m.source == "us-1260h" and m.is_match]
    assert [m.name for m in hits] == ["14th Research Institute of CETC"]
