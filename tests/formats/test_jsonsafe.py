"""The shared walk over JSON list copies: stated counts checked, unknown keys reported, bad items named."""

from __future__ import annotations

import pytest

from exportcheck.errors import ParseError
from exportcheck.formats.jsonsafe import audited_objects


def test_count_mismatch_and_unknown_keys_become_warnings() -> None:
    warnings: list[str] = []
    items = [{"n": "A"}, {"n": "B", "new": 1}]
    walked = list(audited_objects(items, {"n"}, "us-csl", "f.json: entries", 3, warnings))
    assert [where for where, _ in walked] == ["f.json: entries[0]", "f.json: entries[1]"]
    assert warnings == ["f.json: entries: the file states 3 but 2 are present",
                        "f.json: entries: unknown keys not read: new"]


def test_matching_count_and_known_keys_warn_nothing() -> None:
    warnings: list[str] = []
    assert len(list(audited_objects([{"n": "A"}], {"n"}, "us-csl", "x", 1, warnings))) == 1
    assert warnings == []


def test_a_non_object_item_fails_naming_its_place() -> None:
    with pytest.raises(ParseError, match=r"entries\[1\]: expected a JSON dict, found list"):
        list(audited_objects([{"n": "A"}, []], {"n"}, "us-csl", "f.json: entries", None, []))
