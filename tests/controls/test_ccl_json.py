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


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_counts_per_category_equal_the_file(us2026: Parsed, us_paths: list[Path]) -> None:
    data = json.loads(us_paths[0].read_text(encoding="utf-8"))
    codes = _codes(us_paths[0])
    parsed = Counter(e.category for e in us2026.records)
    assert {e.code for e in us2026.records} <= codes  # nothing invented
    # the file's codes, less those that only ever label a note's own a/b/c list (3A090.d, 1A002.d, 1E998.a …)
    assert sum(parsed.values()) > 0.98 * len(codes)
    assert sum(1 for e in us2026.records if e.depth == 0) == data["entryCount"] == 633
    # a paragraph letter used twice in one ECCN (a note's own a/b/c list rendered as items) is left out
    seen = Counter(f"{e['eccn']}.{i['paragraph']}" for e in data["entries"] for i in e.get("items") or [] if i["paragraph"])
    reserved = {f"{e['eccn']}.{i['paragraph']}" for e in data["entries"] for i in e.get("items") or []
                if i["kind"] == "item" and i["paragraph"] and i["text"].strip().lower().startswith("[reserved]")
                and seen[f"{e['eccn']}.{i['paragraph']}"] == 1}
    held = {e.code for e in us2026.records}
    assert len(reserved & held) > 50
    assert reserved & held <= {e.code for e in us2026.records if e.not_used}
    assert reserved - held == {"1E998.g"}  # "g. [Reserved]" in a Note's list of triazoles, kept in the note


#: Entries where the file itself gives one paragraph code to two item lines that are not a note's list: 1A008's
#: a-d (a License Requirements Note's list whose note line the source dropped), 1C240.b (its b.1/b.2 come
#: after b), 1C350.c/.d (the sample-shipment rules read as items) and 5A002.e/f (5A002.a Note 2's list, whose
#: deeper members the source gives codes of 5A002.a's own). Their two texts are joined, as before.
GENUINE_REPEATS = {"1A008.a", "1A008.b", "1A008.c", "1A008.d", "1C240.b", "1C350.c", "1C350.d", "5A002.e", "5A002.f"}
HEAD = re.compile(r"^(?:Technical Notes?|Notes?[^:]{0,40}|N\.B\.?\s*\d*)\s*:\s*")  # a note's head, held as its kind


def test_a_notes_own_list_is_not_read_as_paragraphs(us2026: Parsed, us_paths: list[Path]) -> None:
    """The source renders a note's a/b/c list as items: they stay in the note, and no paragraph takes two lines."""
    data = json.loads(us_paths[0].read_text(encoding="utf-8"))
    lines: dict[str, list[str]] = {}
    repeated: set[str] = set()
    for entry in data["entries"]:
        for item in entry.get("items") or []:
            if item["kind"] == "item" and item["paragraph"]:
                code = f"{entry['eccn']}.{item['paragraph']}"
                repeated |= {code} if code in lines else set()
                lines.setdefault(code, []).append(_norm(item["text"]))
    assert len(repeated) > 50  # the file repeats 75 codes (130 times) in 26 ECCNs in the 2026-07-23 copy
    joined = {e.code for e in us2026.records if e.code in lines and e.text not in lines[e.code] and e.text}
    assert joined == GENUINE_REPEATS


def test_3a090_items_are_those_of_the_text_and_its_notes_are_kept(us2026: Parsed) -> None:
    by = {e.code: e for e in us2026.records}
    assert sorted(c for c in by if c.startswith("3A090")) == [
        "3A090", "3A090.a", "3A090.a.1", "3A090.a.2", "3A090.b", "3A090.b.1", "3A090.b.2", "3A090.c"]
    assert by["3A090.a"].text.startswith("Integrated circuits having one or more digital processing units")
    assert by["3A090.b"].text == by["3A090.a"].text  # both open with the same words in the text
    assert by["3A090.c"].text.startswith("High bandwidth memory (HBM)")
    notes = " ".join(n.text for c, e in by.items() if c.startswith("3A090") for n in e.notes)
    for words in ("a. If the designer of the", "b. If the integrated circuit die is packaged",
                  "d. It is not sufficient for", "(1) Approved integrated circuit designers",
                  "a. For purposes of 3A090, 'MacTOPS'", "d. Aggregate the TPPs"):
        assert words in notes
    assert "MacTOPS" not in by["3A090.b"].text and "If the designer" not in by["3A090.a"].text


def test_no_line_of_the_file_is_lost(us2026: Parsed, us_paths: list[Path]) -> None:
    """Every item, note and text line of every ECCN is in that ECCN's paragraphs or notes."""
    data = json.loads(us_paths[0].read_text(encoding="utf-8"))
    held: dict[str, list[str]] = {}
    for e in us2026.records:
        held.setdefault(e.code.split(".", 1)[0], []).extend([e.text, *(n.text for n in e.notes)])
    missing = []
    for entry in data["entries"]:
        body = " ".join(held[entry["eccn"]])
        for item in entry.get("items") or []:
            text = _norm(item["text"])
            text = HEAD.sub("", text) if item["kind"] == "text" else text
            if item["kind"] == "text" and (m := LABEL.match(text)):
                text = text[m.end() - 1:]  # a label recovered from the text: held without it
            if text and text not in body:
                missing.append((entry["eccn"], text[:60]))
    assert missing == []


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
