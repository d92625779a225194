"""The CCL JSON (eCFR 2026-07-23): every ECCN and paragraph, notes attached, Country Chart answers for China."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from exportcheck.errors import ParseError
from exportcheck.sources import get_source
from exportcheck.sources.base import Parsed

LABEL = re.compile(r"^([a-z](?:\.[a-z0-9]+)+)\s+\S")  # "c.3.a Two or more ...": a paragraph that lost its field


def _codes(path: Path) -> set[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    codes: set[str] = set()
    for entry in data["entries"]:
        eccn = entry["eccn"]
        codes.add(eccn)
        for item in entry.get("items") or []:
            if item["kind"] == "item" and item["paragraph"]:
                codes.add(f"{eccn}.{item['paragraph']}")
            elif item["kind"] == "text" and not item["paragraph"] and (m := LABEL.match(item["text"])):
                parent = f"{eccn}.{m.group(1)}".rsplit(".", 1)[0]
                if parent in codes:
                    codes.add(f"{eccn}.{m.group(1)}")
    for code in list(codes):  # a paragraph implies its parents
        while "." in code:
            code = code.rsplit(".", 1)[0]
            codes.add(code)
    return codes


def test_counts_per_category_equal_the_file(us2026: Parsed, us_paths: list[Path]) -> None:
    data = json.loads(us_paths[0].read_text(encoding="utf-8"))
    codes = _codes(us_paths[0])
    assert Counter(e.category for e in us2026.records) == Counter(c[0] for c in codes)
    assert sum(1 for e in us2026.records if e.depth == 0) == data["entryCount"] == 633
    # a paragraph letter used twice in one ECCN (a note's own a/b/c list rendered as items) is left out
    seen = Counter(f"{e['eccn']}.{i['paragraph']}" for e in data["entries"] for i in e.get("items") or [] if i["paragraph"])
    reserved = {f"{e['eccn']}.{i['paragraph']}" for e in data["entries"] for i in e.get("items") or []
                if i["kind"] == "item" and i["paragraph"] and i["text"].strip().lower().startswith("[reserved]")
                and seen[f"{e['eccn']}.{i['paragraph']}"] == 1}
    assert len(reserved) > 50
    assert reserved <= {e.code for e in us2026.records if e.not_used}


def test_3b001_paragraphs_notes_and_licence_columns(us2026: Parsed) -> None:
    by = {e.code: e for e in us2026.records}
    top = by["3B001"]
    assert top.reasons_for_control == ["NS", "RS", "AT"]
    assert "NS2" in top.country_chart and "AT1" in top.country_chart
    assert by["3B001.c.3.a"].parent_code == "3B001.c.3"  # label recovered from the text
    assert by["3B001.l"].text == "“EUV” pellicles;"
    assert by["3B001.c"].notes[0].text.startswith("3B001.c includes etching")
    assert by["3B001.b.1"].not_used
    assert {"3B993", "3B904", "3B903", "3A090"} <= set(by)
    assert all(e.regime == "us" and e.valid_from == "2026-07-23" for e in us2026.records)


def test_country_chart_and_groups_for_china(us2026: Parsed, us_paths: list[Path]) -> None:
    chart = json.loads(us_paths[1].read_text(encoding="utf-8"))
    frame = us2026.extra_tables["country_chart"]
    assert len(frame) == len(chart["countries"]) + len(chart["embargoed"])
    china = frame[frame.iso == "CN"].iloc[0]
    assert china["marks"].split(";") == chart["countries"]["China"]["marks"]
    assert "D:5" in china["country_groups"].split(";")
    lic = us2026.extra_tables["licence_requirements"]
    rows = lic[lic.eccn == "3B001"]
    assert "NS 2" in set(rows.column) and len(rows) == 6


def test_rejects_unknown_json(tmp_path: Path) -> None:
    bad = tmp_path / "DERIVED_ccl_part774-supp1_x.json"
    bad.write_text('{"something": 1}')
    with pytest.raises(ParseError, match="neither the CCL"):
        get_source("us-ccl").format("ccl-json").read([bad])


def test_entry_ids_are_unique_across_regimes_and_versions(us2026: Parsed, eu2025: Parsed, eu2023: Parsed) -> None:
    ids = [e.entry_id for p in (us2026, eu2025, eu2023) for e in p.records]
    assert len(ids) == len(set(ids))
    assert "us:3B001@2026-07-23" in ids and "eu:3B001@2025-11-15" in ids and "eu:3B001@2023-05-26" in ids
