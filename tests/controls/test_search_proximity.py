"""Proximity in control search: description words next to each other, found next to each other in one text of an entry;
and the bench's rank measures. Real entries of both lists."""

from __future__ import annotations

import importlib

import pytest

from exportcheck.bench.controls_search import Case, Outcome, mrr, recall, word_dropped
from exportcheck.controls import ControlData, ControlHit, search
from exportcheck.controls.search import query_weights, word_pairs
from exportcheck.controls.search_index import SearchIndex
from tests.controls.conftest import entry_row

#: the module (``exportcheck.controls.search`` as an attribute is the function of that name)
search_mod = importlib.import_module("exportcheck.controls.search")



def _pairs(index: SearchIndex, text: str) -> set[tuple[str, str]]:
    return {(a, b) for first, second, _ in word_pairs(index, text, query_weights(index, text))
            for a in first for b in second}


def test_description_words_pair_within_a_phrase_only(index: SearchIndex) -> None:
    """"mass flow controller for semiconductor process gas": "for" ends the phrase, so "controller" is not paired with
    "semiconductor"; "and" inside a name does not ("step-and-repeat")."""
    pairs = _pairs(index, "mass flow controller for semiconductor process gas")
    assert ("mass", "flow") in pairs and ("flow", "control") in pairs
    assert ("control", "semiconductor") not in pairs
    assert ("step", "repeat") in _pairs(index, "step-and-repeat stepper, 365 nm")
    assert ("immers", "scanner") in _pairs(index, "193 nm immersion scanner")  # a number between words is skipped


def test_near_pairs_stay_within_one_text(index: SearchIndex) -> None:
    """EU 3B001.b "Equipment designed for ion implantation ...": "ion" stands next to "implantation" in its own text
    (stop words dropped, as the index drops them); its sub-paragraphs inherit its words' positions, and no pair joins
    the last word of one text with the first of the next."""
    row = entry_row(index, "eu", "3B001.b")
    assert ("ion", "implant") in index.near_pairs(row, 1) and ("implant", "ion") in index.near_pairs(row, 1)
    child = entry_row(index, "eu", "3B001.b.1")
    assert ("ion", "implant") in index.near_pairs(child, 1)
    assert ("implant", "semiconductor") not in index.near_pairs(row, 1)


def test_proximity_raises_the_entry_saying_the_phrase(control_data: ControlData, index: SearchIndex,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Against its score without proximity, an entry saying "ion implantation" gains more than one matching the words
    apart (scores are shares of the query's ceiling, which proximity raises too, so only ratios compare)."""
    def scores() -> dict[str, float]:
        return {h.code: h.score for h in search("ion implantation equipment", regime="eu", limit=20, data=control_data)}
    with_proximity = scores()
    monkeypatch.setattr(search_mod, "PROXIMITY", 0.0)
    without = scores()
    gain = {code: with_proximity[code] / without[code] for code in with_proximity.keys() & without.keys()}
    apart = [code for code in gain if ("ion", "implant") not in index.near_pairs(entry_row(index, "eu", code), 1)]
    assert "3B001.b" in gain and apart
    assert all(gain["3B001.b"] > gain[code] for code in apart)


def _outcome(rank: int | None, regime: str = "eu") -> Outcome:
    case = Case(query=f"q{rank}", split="tuning", expect={regime: {"3B001"}})
    hits = [ControlHit(rank=n, regime=regime, code="3B001" if n == rank else f"9A00{n}", version="v", valid_from="",
                       score=0.1, text="") for n in range(1, 6)]
    return Outcome(case, regime, hits)


def test_bench_rank_measures() -> None:
    outcomes = [_outcome(1), _outcome(2), _outcome(4), _outcome(None)]
    assert recall(outcomes, 1) == (0.25, 4) and recall(outcomes, 3) == (0.5, 4) and recall(outcomes, 5) == (0.75, 4)
    assert mrr(outcomes) == pytest.approx((1 + 1 / 2 + 1 / 4) / 4)


def test_word_dropped_leaves_out_each_content_word_once() -> None:
    case = Case(query="EUV pellicle for 13.5 nm reticles", split="tuning", expect={"eu": {"3B001.j"}})
    got = [c.query for c in word_dropped([case, Case(query="EUV pellicle", split="tuning")])]
    assert got == ["pellicle for 13.5 nm reticles", "EUV for 13.5 nm reticles", "EUV pellicle for 13.5 nm"]
    assert all(c.expect == case.expect for c in word_dropped([case]))
