"""The CCL JSON (eCFR 2026-07-23): every ECCN and paragraph, notes attached, Country Chart answers for China."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from exportcheck.errors import ParseError
from exportcheck.formats.control_tree import purpose_of
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
                codes.add(f"{eccn}.{m.group(1)}")  # "z.2.a …": the label in the text (z.2's own line is not there)
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
    # the file's codes, less those that only ever label a note's own a/b/c list (3A090.d, 1A002.d, 1E998.a …):
    # every line of such a code is in a note of its ECCN, word for word
    assert sum(parsed.values()) > 0.97 * len(codes)
    notes: dict[str, str] = {}
    for e in us2026.records:
        notes[e.code.split(".", 1)[0]] = notes.get(e.code.split(".", 1)[0], "") + " ".join(n.text for n in e.notes)
    held = {e.code for e in us2026.records}
    dropped = [(f"{e['eccn']}.{i['paragraph']}", _norm(i["text"])) for e in data["entries"] for i in e.get("items") or []
               if i["kind"] == "item" and f"{e['eccn']}.{i['paragraph']}" in codes - held]
    assert len(dropped) > 40
    assert [(code, text) for code, text in dropped if text not in notes[code.split(".", 1)[0]]] == []
    assert sum(1 for e in us2026.records if e.depth == 0) == data["entryCount"] == 633
    # a paragraph letter used twice in one ECCN (a note's own a/b/c list rendered as items) is left out
    seen = Counter(f"{e['eccn']}.{i['paragraph']}" for e in data["entries"] for i in e.get("items") or [] if i["paragraph"])
    reserved = {f"{e['eccn']}.{i['paragraph']}" for e in data["entries"] for i in e.get("items") or []
                if i["kind"] == "item" and i["paragraph"] and i["text"].strip().lower().startswith("[reserved]")
                and seen[f"{e['eccn']}.{i['paragraph']}"] == 1}
    assert len(reserved & held) > 50
    assert reserved & held <= {e.code for e in us2026.records if e.not_used}
    assert reserved - held == {"1E998.g"}  # "g. [Reserved]" in a Note's list of triazoles, kept in the note


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
    # every paragraph's text is one line of the file, never two joined (1A008.a-d, 1C240.b, 1C350.c/d, 5A002.e/f
    # were joined up to parser version 2)
    joined = {e.code for e in us2026.records if e.code in lines and e.text not in lines[e.code] and e.text}
    assert joined == set()
    codes = [e.code for e in us2026.records]
    assert len(codes) == len(set(codes))
    assert not [w for w in us2026.warnings if "to two item lines" in w]


def _paragraphs(parsed: Parsed, eccn: str) -> dict[str, str]:
    return {e.code.removeprefix(f"{eccn}."): e.text for e in parsed.records if e.code.startswith(f"{eccn}.")}


def _notes(parsed: Parsed, code: str) -> str:
    return " | ".join(n.text for e in parsed.records if e.code == code for n in e.notes)


def test_1a008_a_list_whose_note_line_the_file_dropped(us2026: Parsed) -> None:
    """1A008 opens with a-g (the USML rules, whose note line the file lost), then its own a-d."""
    got = _paragraphs(us2026, "1A008")
    assert sorted(got) == ["a", "a.1", "a.2", "b", "b.1", "b.2", "c", "d"]
    assert got["a"] == "'Shaped charges' having all of the following:"
    assert got["b"].startswith("Linear shaped cutting charges having all of the following")
    assert got["c"] == "Detonating cord with explosive core load greater than 64 g/m;"
    assert got["d"] == "Cutters, not specified by 1A008.b, and severing tools, having a NEQ greater than 3.5 kg."
    note = _notes(us2026, "1A008")
    assert note.startswith("a. High explosives and related equipment") and "g. Individual USML controlled" in note
    # the technical note follows 1A008.d in the file but names 1A008.a: it is 1A008.a's
    assert "For the purposes of 1A008.a, 'shaped charges'" in _notes(us2026, "1A008.a")
    assert "shaped charges" not in _notes(us2026, "1A008.d")


def test_1c240_its_exclusion_note_comes_first_and_the_file_lost_a(us2026: Parsed) -> None:
    got = _paragraphs(us2026, "1C240")
    assert sorted(got) == ["a", "a.1", "a.2", "b"]
    assert got["a"] == ""  # the file has no line for 1C240.a ("Nickel powder having both ..."): not made up
    assert got["a.1"].startswith("A nickel purity content of 99.0%")
    assert got["b"] == "Porous nickel metal produced from materials controlled by 1C240.a."
    assert _notes(us2026, "1C240") == ("a. Filamentary nickel powders; "
                                       "b. Single porous nickel sheets with an area of 1,000 cm 2 per sheet or less.")
    assert _notes(us2026, "1C240.b").startswith("1C240.b refers to porous metal")


def test_1c350_sample_shipment_rules_stay_in_their_note(us2026: Parsed) -> None:
    got = _paragraphs(us2026, "1C350")
    assert sorted(c for c in got if "." not in c) == ["a", "b", "c", "d"]
    assert got["a"] == "[Reserved]"
    assert got["b"].startswith("Australia Group-controlled precursor chemicals also identified as Schedule 2")
    assert got["c"].startswith("Australia Group-controlled precursor chemicals also identified as Schedule 3")
    assert got["d"].startswith("Other Australia Group-controlled precursor chemicals")
    assert [f"b.{n}" for n in range(1, 23)] == [c for c in got if c.startswith("b.")]
    assert len([c for c in got if c.startswith("c.")]) == 12 and len([c for c in got if c.startswith("d.")]) == 50
    assert got["d.15"] == "(C.A.S. #7664-39-3) Hydrogen fluoride;"
    notes = _notes(us2026, "1C350")
    for words in ("1. SAMPLE SHIPMENTS", "a. Chemicals Not Eligible", "A. [Reserved]", "c. Sample shipments that require",
                  "e. Annual report requirement", "2. MIXTURES: a. Mixtures", "a. Exclusion. No chemical"):
        assert words in notes
    assert "Chemicals Not Eligible" not in " ".join(got.values())


def test_5a002_note_2s_list_stays_in_note_2(us2026: Parsed) -> None:
    """5A002.a Note 2 (a-j, with a.1.a.1.a) is 5A002.a's; 5A002's own paragraphs are a-f and z."""
    got = _paragraphs(us2026, "5A002")
    assert sorted(c for c in got if "." not in c) == ["a", "b", "c", "d", "e", "f", "z"]
    assert sorted(c for c in got if c.startswith("a.")) == ["a.1", "a.2", "a.3", "a.4", "a.4.a", "a.4.b"]
    assert sorted(c for c in got if c.startswith("d.")) == ["d.1", "d.2"]
    assert sorted(c for c in got if c.startswith("z.")) == sorted(
        [f"z.{n}" for n in range(1, 6)] + [f"z.{n}.{x}" for n in range(1, 6) for x in "ab"])
    assert got["b"] == "Being a 'cryptographic activation token';"
    assert got["c"] == "Designed or modified to use or perform “quantum cryptography”;"
    assert got["d"].startswith("Designed or modified to use cryptographic techniques to generate channelizing codes")
    assert got["e"].startswith("Designed or modified to use cryptographic techniques to generate the spreading code")
    assert got["f"] == "through y. [Reserved]"
    assert got["z.5.b"].startswith("Commodities that are described in 5A002.e")  # its label was in its text
    note = _notes(us2026, "5A002.a")
    for words in ("5A002.a does not control any of the following", "a. Smart cards", "a.1.a.1.c. Equipment or systems",
                  "b. Cryptographic equipment specially designed and limited for banking", "i.2.c. Limited to “OAM”",
                  "j.2. Where the “information security” functionality", "For the purposes of 5A002.a Note 2.b"):
        assert words in note
    assert "quantum cryptography" in _notes(us2026, "5A002.c")
    assert "'cryptographic activation token' is an item" in _notes(us2026, "5A002.b")


def test_each_list_of_paragraphs_goes_on_without_a_gap(us2026: Parsed) -> None:
    """Sibling paragraphs count a, b, c … (or 1, 2, 3 …) with no gap, save where the file itself lacks the lines."""
    kids: dict[str, list[str]] = {}
    for e in us2026.records:
        if e.parent_code:
            kids.setdefault(e.parent_code, []).append(e.code.rsplit(".", 1)[1])
    by = {e.code: e for e in us2026.records}
    gaps = []
    for parent, labels in kids.items():
        keys = sorted((1, int(x)) if x.isdigit() else (0, ord(x)) for x in labels)
        for (kind, one), (kind2, two) in itertools.pairwise(keys):
            last = f"{parent}.{one if kind else chr(one)}"
            if (kind, two) != (kind2, one + 1) and "through" not in by[last].text:  # "f. through y. [Reserved]"
                gaps.append(f"{parent}: {last.rsplit('.', 1)[1]} -> {two if kind2 else chr(two)}")
    # lines the 2026-07-23 file does not hold at all (its h-w, c-x, a.2-a.5, b-d, q.2 and e-f are missing)
    assert sorted(gaps) == ["1A613: g -> x", "1D613: b -> y", "3A002.a: 1 -> 6", "3A611: a -> e", "3B994.q: 1 -> 3",
                            "4A003: d -> g"]


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


def test_3b001_f_1_b_technical_notes_are_f_1_b_s(us2026: Parsed) -> None:
    """"For the purposes of 3B001.f.1.b:" and its numbered notes (MRF, 'dedicated chuck overlay') follow f.1.b.2 in
    the file; they are for f.1.b, so both its sub-paragraphs (MRF in f.1.b.1, overlay in f.1.b.2) are in their scope."""
    notes = _notes(us2026, "3B001.f.1.b")
    assert notes.startswith("For the purposes of 3B001.f.1.b: | 1. The 'Minimum Resolvable Feature size' (MRF)")
    assert "2. 'Dedicated chuck overlay' is the alignment accuracy" in notes
    assert _notes(us2026, "3B001.f.1.b.2") == ""
    assert _notes(us2026, "3B001.f.2").startswith("3B001.f.2 includes")  # the next paragraph's own note stays put


def test_5a002_a_technical_notes_1_and_2_are_5a002_a_s(us2026: Parsed) -> None:
    """5A002.a's Technical Notes 1-2 (with their a-g and a-c lists) follow 5A002.a.4.b in the file."""
    notes = _notes(us2026, "5A002.a")
    for words in ("1. For the purposes of 5A002.a, 'cryptography for data confidentiality'", "1.g. Key management",
                  "2. For the purposes of 5A002.a, 'described security algorithm'", "2.c.3. Decoding random codes",
                  "1. For the purposes of 5A002.a Note 2.j, 'connected civil industry application'"):
        assert words in notes
    assert "5A002.a does not control any of the following" in notes  # Note 2 is still there, first
    own = _notes(us2026, "5A002.a.4.b")
    assert "For the purposes of" not in own and "1.a. “Authentication;”" not in own


def test_a_note_that_names_one_code_of_its_entry_sits_on_it(us2026: Parsed) -> None:
    """Every note opening "For the purposes of X" (or "In X") is on X when X is one code of its own ECCN; the others
    (X in another ECCN, or several codes) stay where the file puts them, and are few."""
    codes = {e.code for e in us2026.records}
    on, left = 0, []
    for e in us2026.records:
        for n in e.notes:
            one, named = purpose_of(n.text)
            if not named:
                continue
            if one == e.code:
                on += 1
            elif one is not None and one in codes and one.split(".")[0] == e.code.split(".")[0]:
                raise AssertionError(f"{e.code} holds a note for {one}: {n.text[:80]}")
            else:
                left.append(e.code)
    assert on > 100
    assert sorted(left) == ["1B101.b", "1C008.f", "1C008.f", "3B001.c.4.c", "3D005.b", "3D994", "3E001.a", "3E001.c",
                            "3E001.c", "4A090.b"]


def test_moving_notes_loses_none(us2026: Parsed, us_paths: list[Path]) -> None:
    """Each ECCN's notes hold each numbered note line of the file as often as the file has it (moved, not lost)."""
    data = json.loads(us_paths[0].read_text(encoding="utf-8"))
    held: dict[str, str] = {}
    for e in us2026.records:
        top = e.code.split(".", 1)[0]
        held[top] = held.get(top, "") + " | " + " | ".join(n.text for n in e.notes)
    short = []
    for entry in data["entries"]:
        want = Counter(f"{i['paragraph']}. {_norm(i['text'])}" for i in entry.get("items") or [] if i["kind"] == "note")
        short += [(entry["eccn"], t[:50]) for t, k in want.items() if held.get(entry["eccn"], "").count(t) < k]
    assert short == []


@pytest.mark.parametrize(("text", "one", "named"), [
    ("For the purposes of 3B001.f.1.b:", "3B001.f.1.b", ["3B001.f.1.b"]),
    ("1. For the purposes of 5A002.a, 'cryptography ...'", "5A002.a", ["5A002.a"]),
    ("For the purposes of 3A002.c.4.b.1., probability of discovery is", "3A002.c.4.b.1", ["3A002.c.4.b.1"]),
    ("For the purposes of 5A002.a.1 to a.4, x", "5A002.a", ["5A002.a.1", "5A002.a.4"]),
    ("In ECCN 3A233.d.2, a “cold trap” is a device", "3A233.d.2", ["3A233.d.2"]),
    ("For the purposes of 1B101.a. and 1B101.b., the following definitions apply:", None, ["1B101.a", "1B101.b"]),
    ("For purposes of 4A090.a and .b, computers include", None, ["4A090.a"]),
    ("For the purposes of calculating “specific tensile strength”", None, []),
    ("In a liquid state at 273 K (0 °C); and", None, []),
])
def test_purpose_of_reads_the_opening_phrase(text: str, one: str | None, named: list[str]) -> None:
    assert purpose_of(text) == (one, named)


def _entry(eccn: str, items: list[dict[str, object]]) -> dict[str, object]:
    return {"eccn": eccn, "category": eccn[0], "productGroup": eccn[1], "heading": f"Heading of {eccn}.",
            "reasonForControl": "AT", "countryChart": [], "items": items}


def test_an_eccn_merged_into_the_one_before_is_not_held_not_unlisted(tmp_path: Path) -> None:
    """A file that lost 3D006's heading puts its notes under 3D005; one that kept it does not."""
    note = {"kind": "text", "paragraph": None, "text": "For the purposes of 3D006:"}
    item = {"kind": "item", "paragraph": "a", "text": "Specially designed for RTL to GDSII."}
    tables = {}
    for name, entries in (("lost", [_entry("3D005", [item, note])]),
                          ("kept", [_entry("3D005", [item]), _entry("3D006", [item, note])])):
        path = tmp_path / name / "DERIVED_ccl_part774-supp1_ecfr-2026-07-23.json"
        path.parent.mkdir()
        path.write_text(json.dumps({"ecfrIssueDate": "2026-07-23", "entryCount": len(entries), "entries": entries}))
        parsed = get_source("us-ccl").format("ccl-json").read([path])
        tables[name] = (parsed.extra_tables["merged_entries"], parsed.warnings)
    merged, warnings = tables["lost"]
    assert merged[["eccn", "held_under", "version"]].values.tolist() == [["3D006", "3D005", "eCFR 2026-07-23"]]
    assert any("merged 3D006 into 3D005" in w for w in warnings)
    assert tables["kept"][0].empty and not any("merged" in w for w in tables["kept"][1])


def test_the_2026_file_lost_four_eccns_into_the_eccn_before(us2026: Parsed, us_paths: list[Path]) -> None:
    """The eCFR has 0D614, 2B352, 3D006 (ECAD software) and 3E002 (microprocessor technology); this copy has no
    entry for any of them, and their text sits in the entry before: notes "for the purposes of" 3D006 and 3E002
    under 3D005 and 3E001, the headings of 0D614, 2B352 and 3E002 at the end of the headings of 0D606, 2B351 and
    3E001 (checked in the file here, not through the parser)."""
    data = json.loads(us_paths[0].read_text(encoding="utf-8"))
    raw = {e["eccn"]: e for e in data["entries"]}
    merged = us2026.extra_tables["merged_entries"]
    pairs = sorted(map(tuple, merged[["eccn", "held_under"]].values.tolist()))
    assert pairs == [("0D614", "0D606"), ("2B352", "2B351"), ("3D006", "3D005"), ("3E002", "3E001")]
    for lost, host in pairs:
        assert lost not in raw
        texts = [raw[host]["heading"], *(str(i.get("text", "")) for i in raw[host].get("items") or [])]
        assert any(lost in t for t in texts)
    for host in ("3D005", "3E001"):
        lost = dict((h, code) for code, h in pairs)[host]
        assert any(lost in {c.split(".")[0] for c in purpose_of(" ".join(str(i.get("text", "")).split()))[1]}
                   for i in raw[host]["items"])
