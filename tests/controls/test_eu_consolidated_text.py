"""The 2023-05-26 consolidated text in two segments: one partial snapshot, hierarchy rebuilt from labels."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from pathlib import Path

from exportcheck.formats.eu_consolidated_text import resolve_depth
from exportcheck.sources.base import Parsed

HEADER = re.compile(r"^\s*(\d[A-E]\d{3})(?:[^\s\d.]|[ \t]*$)", re.MULTILINE)


def _top_codes(paths: list[Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
        start = text.find("\nANNEX I\n")
        found |= set(HEADER.findall(text[start:] if start >= 0 else text))
    return found


def test_top_level_counts_per_category_equal_headers_in_text(eu2023: Parsed, eu_text_paths: list[Path]) -> None:
    expected = Counter(code[0] for code in _top_codes(eu_text_paths))
    got = Counter(e.category for e in eu2023.records if e.depth == 0)
    assert got == expected
    assert all(e.partial and e.version == "02021R0821-20230526" and e.valid_from == "2023-05-26" for e in eu2023.records)


def test_coverage_says_which_categories_are_complete(eu2023: Parsed) -> None:
    cov = eu2023.extra_tables["coverage"].set_index("category")["status"].to_dict()
    assert {c for c, s in cov.items() if s == "complete"} == {"0", "3", "4"}
    assert {c for c, s in cov.items() if s == "partial"} == {"1", "2", "5"}
    assert {c for c, s in cov.items() if s == "absent"} == set("6789")
    assert any("only partly held" in w for w in eu2023.warnings)


def test_3b001_hierarchy_matches_the_2025_text_where_unchanged(eu2023: Parsed, eu2025: Parsed) -> None:
    old = {e.code for e in eu2023.records if e.code.split(".")[0] == "3B001"}
    new = {e.code for e in eu2025.records if e.code.split(".")[0] == "3B001"}
    assert old == new  # 3B001 a-j kept its shape from 2023 to 2025
    by = {e.code: e for e in eu2023.records}
    assert by["3B001.f.4.b.2"].text.startswith("An overlay error less than 27 nm")
    assert by["3B001.c"].not_used
    assert [n.kind for n in by["3B001.e"].notes] == ["Note", "Technical Notes"]
    assert by["3B001.a.1"].notes[0].text.startswith("3B001.a.1. includes Atomic Layer Epitaxy")
    assert "3B501" not in by  # EU-only 5xx entries came with 2025/2003


def test_most_unchanged_entries_rebuild_the_same_codes(eu2023: Parsed, eu2025: Parsed) -> None:
    """An independent check of the label-to-code rebuild: entries of the complete categories that kept
    their wording must come out with exactly the codes the 2025 JSON spells out."""
    def tree(records: list) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for e in records:
            out.setdefault(e.code.split(".")[0], set()).add(e.code)
        return out
    old, new = tree(list(eu2023.records)), tree(list(eu2025.records))
    shared = [t for t in old if t in new and t[0] in "034"]
    same = [t for t in shared if old[t] == new[t]]
    assert len(shared) > 60
    assert len(same) / len(shared) >= 0.9


def test_resolve_depth_uses_punctuation_to_close_lists() -> None:
    # after 3B001.f.3.b.3 ("...; " ending a list that used "; or"), "4." is f.4, not f.3.b.4
    assert resolve_depth(["f", "3", "b", "3"], "4", ["x:", "y:", "z:", "on the mask;"], [False, False, False, True]) == 2
    assert resolve_depth(["f", "3", "b", "1"], "2", ["x:", "y:", "z:", "a; or"], [False, False, False, False]) == 4
    assert resolve_depth(["a"], "1", ["having any of the following:"], [False]) == 2
    assert resolve_depth([], "1") == 1  # 1C350.1: numbers at the first level


def test_notes_land_on_the_same_codes_as_in_2025(eu2023: Parsed, eu2025: Parsed) -> None:
    """Notes in the text carry no code; where the 2025 JSON (which spells codes out) has the same code,
    most codes must carry the same number of notes, and a cross-reference must not move a note."""
    old = {e.code: e for e in eu2023.records}
    new = {e.code: e for e in eu2025.records}
    shared = [c for c in old if c in new and c[0] in "034"]
    agree = sum(len(old[c].notes) == len(new[c].notes) for c in shared)
    assert agree / len(shared) >= 0.85
    assert [n.kind for n in old["0A001.f"].notes] == ["N.B."] and not old["0A001.e"].notes  # "see 0A001.e." is a reference
