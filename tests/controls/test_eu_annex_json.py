"""The 2025-11-15 Annex I JSON: every code at every depth, notes on the code they carry, definitions linked."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from exportcheck.errors import ParseError
from exportcheck.formats.control_tree import purpose_of
from exportcheck.sources import get_source
from exportcheck.sources.base import Parsed

LINE = re.compile(r"^(\d[A-E]\d{3}(?:\.[a-z0-9]+)*)\.?\s+(.*)$")
NOTE = re.compile(r"^(?:N\.\s?B\.|Notes?\b|Technical Notes?\b|Nota\b)")


def _lines(path: Path) -> list[tuple[str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for entry in data["entries"]:
        for line in entry["verbatim_text"].split("\n"):
            match = LINE.match(line)
            assert match, line
            out.append((match.group(1), match.group(2)))
    return out


def _held_at(code: str, body: str, codes: set[str]) -> str:
    """Where a note line belongs: the one code of its entry its words name ("For the purposes of X"), else its own."""
    named, _ = purpose_of(body)
    top = code.split(".", 1)[0]
    return named if named in codes and (named == top or str(named).startswith(f"{top}.")) else code


def _body(rest: str) -> str:
    return re.sub(r"^(N\.\s?B\.\s*\d*\.?|(?:Technical )?Notes?(?: \d+)?)\s*:?\s*", "", rest)


def test_counts_per_category_equal_distinct_codes_in_file(eu2025: Parsed, eu_json_path: Path) -> None:
    codes = {code for code, _ in _lines(eu_json_path)}
    expected = Counter(code[0] for code in codes)
    got = Counter(e.category for e in eu2025.records)
    assert got == expected
    assert len(eu2025.records) == len(codes)
    assert sum(1 for e in eu2025.records if e.depth == 0) == len(json.loads(eu_json_path.read_text())["index"])


def test_notes_and_not_used_match_the_file(eu2025: Parsed, eu_json_path: Path) -> None:
    lines = _lines(eu_json_path)
    codes = {code for code, _ in lines}
    note_lines = Counter(_held_at(code, _body(rest), codes) for code, rest in lines if NOTE.match(rest))
    got = Counter({e.code: len(e.notes) for e in eu2025.records if e.notes})
    assert got == note_lines
    not_used = {code for code, rest in lines if rest.strip().rstrip(";.").lower() == "not used"}
    assert {e.code for e in eu2025.records if e.not_used} == not_used


def test_every_3b_entry_with_hierarchy_and_notes(eu2025: Parsed, eu_json_path: Path) -> None:
    lines = [(c, r) for c, r in _lines(eu_json_path) if c.startswith("3B")]
    by_code = {e.code: e for e in eu2025.records}
    for code, _ in lines:
        entry = by_code[code]
        assert entry.product_group == "B" and entry.category == "3"
        assert entry.depth == code.count(".")
        assert entry.parent_code == (code.rsplit(".", 1)[0] if "." in code else "")
        assert entry.parent_code == "" or entry.parent_code in by_code
        assert entry.version == "02021R0821-20251115" and entry.valid_from == "2025-11-15" and not entry.partial
    for code, rest in lines:
        if NOTE.match(rest):
            body = _body(rest)
            assert any(body[:30] in n.text for n in by_code[_held_at(code, body, set(by_code))].notes), (code, rest)
    assert {"3B501", "3B503", "3B001.f.1.b", "3B001.f.4.b.2"} <= set(by_code)
    mrf = by_code["3B001.f.1.b"]
    assert mrf.notes[0].kind == "Technical Note" and mrf.notes[0].text.endswith("where the K factor = 0,35.")
    assert "minimum resolvable feature size" in mrf.defined_terms
    assert [n.kind for n in by_code["3B001.h"].notes] == ["Note", "N.B."]


def test_definitions_table_and_links(eu2025: Parsed) -> None:
    defs = eu2025.extra_tables["definitions"]
    annex = defs[defs.scope == "annex"]
    assert {"accuracy", "laser", "production", "development"} <= set(annex.key)
    assert annex.set_index("key").loc["accuracy", "categories"] == "2 3 6 7"
    keys = set(defs.key)
    linked = [e for e in eu2025.records if e.defined_terms]
    assert len(linked) > 500
    assert all(set(e.defined_terms) <= keys for e in linked)
    reactor = next(e for e in eu2025.records if e.code == "0A001.a")
    assert reactor.defined_terms == ["nuclear reactor"]


def test_rejects_a_file_that_is_not_the_annex(tmp_path: Path) -> None:
    bad = tmp_path / "DERIVED_annex-I_x.json"
    bad.write_text('{"entries": []}')
    with pytest.raises(ParseError, match="missing keys"):
        get_source("eu-dual-use").format("eu-annex-json").read([bad])
    bad.write_text('{"entries": [{"entry_code": "3B001", "verbatim_text": "no code here"}], "valid_from": "2025-11-15", "corpus_version": "x"}')
    with pytest.raises(ParseError, match="line without its code"):
        get_source("eu-dual-use").format("eu-annex-json").read([bad])


def _notes(parsed: Parsed, code: str) -> str:
    return " | ".join(n.text for e in parsed.records if e.code == code for n in e.notes)


def test_a_note_goes_to_the_paragraph_its_words_name(eu2025: Parsed) -> None:
    """The file gives 27 technical notes the code of the paragraph before them (or a made-up one, 1C010.1); each
    is held on the code it says it is for. Notes naming several codes, or an unreadable one, stay where they are."""
    assert _notes(eu2025, "3A001.a.5.b").startswith("For the purposes of 3A001.a.5.b.: 1. 'Spurious Free Dynamic Range'")
    assert "For the purposes of" not in _notes(eu2025, "3A001.a.5")
    assert "'direct view' refers to imaging equipment" in _notes(eu2025, "6A002.c")
    assert "'direct view'" not in _notes(eu2025, "6A002.c.3")
    assert "'carbon fibre preforms'" in _notes(eu2025, "1C010.e") and "For the purposes of 1C010.e" not in _notes(eu2025, "1C010.1")
    assert "In 9A108, insulation" in _notes(eu2025, "9A108")
    assert "For the purposes of 2E503g" in _notes(eu2025, "2E503.g")  # "2E503g" is not read as a code: kept
    assert "For the purposes of 7A003.a.1., 7A003.a.2. and 7A003.a.3." in _notes(eu2025, "7A003.a")  # several: kept
    codes = {e.code for e in eu2025.records}
    astray = [(e.code, one) for e in eu2025.records for n in e.notes
              if (one := purpose_of(n.text)[0]) in codes and one != e.code and one.split(".")[0] == e.code.split(".")[0]]
    assert astray == []
