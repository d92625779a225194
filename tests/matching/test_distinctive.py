"""The chance-agreement rules (exportcheck/matching/distinctive.py): each drops a real kind of false positive
and keeps the true match that looks most like it.

The names are the benchmark's false positives (real unlisted organisations against the listed names they
collided with) and the true matches of the same shape. Scores here use class weights only (no index), as
the name-pair benchmark does; the last tests screen the same names against the real lists.
"""

from __future__ import annotations

import pytest

from exportcheck.matching import DEFAULT_THRESHOLD, Screener, compare, name_form
from exportcheck.matching.distinctive import (
    ACRONYM_ALONE,
    LETTER_ALONE,
    LISTED_ADDS_WORDS,
    NUMBER_ALONE,
    PINYIN_COLLISION,
    TWO_EDITS,
    acronym_alone,
    is_pinyin,
    letter_alone,
    listed_adds_words,
    number_alone,
    pinyin_collision,
    spacing_explains,
    two_edits,
)


def org(query: str, listed: str) -> float:
    return compare(name_form(query), name_form(listed)).score


def notes(query: str, listed: str, *, person: bool = False) -> list[str]:
    return [text for text, _ in compare(name_form(query), name_form(listed), person=person).penalties]


# --- a short acronym alone -------------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "listed"), [
    ("Jordan University of Science and Technology", "JUST"),  # ASPI's JUST is Jiangsu's
    ("Saudi Arabian Military Industries", "SAMI"),
    ("JCET Group Co. Ltd.", "Jiangsu Carbon Element Technology"),  # JCET is Jiangsu Changjiang Electronics Tech.
])
def test_a_four_letter_acronym_alone_is_no_match(query: str, listed: str) -> None:
    assert org(query, listed) < DEFAULT_THRESHOLD
    assert any("acronym of 4 letters" in n for n in notes(query, listed))


def test_a_longer_acronym_and_an_acronym_beside_a_shared_word_still_match() -> None:
    assert org("NRIET", "Nanjing Research Institute of Electronics Technology") >= DEFAULT_THRESHOLD
    # the acronym is not alone: "Aviation" agrees exactly as well
    pairs = compare(name_form("AVIC Xian Aircraft Aviation"), name_form("AVIC Xian Aircraft Aviation")).pairs
    assert acronym_alone(pairs, []) == 1.0


def test_acronym_alone_counts_letters_on_either_side() -> None:
    one = compare(name_form("SAMI"), name_form("Saudi Arabian Military Industries")).pairs
    other = compare(name_form("Saudi Arabian Military Industries"), name_form("SAMI")).pairs
    assert acronym_alone(one, []) == acronym_alone(other, []) == ACRONYM_ALONE


# --- the listed name adds distinctive words ---------------------------------------------------------------
def test_a_listed_subsidiary_is_not_its_unlisted_parent() -> None:
    assert org("Mitsubishi Electric Corporation", "Mitsubishi Electric Software Corporation") < DEFAULT_THRESHOLD
    assert org("Mitsubishi Heavy Industries Ltd.", "Mitsubishi Heavy Industries Shipbuilding Co.") < DEFAULT_THRESHOLD
    assert org("L & H Sweden, AB", "L & H Mendez Sweden, AB") < DEFAULT_THRESHOLD  # a nomenklatura non-match


def test_the_listed_party_itself_and_a_query_naming_more_still_match() -> None:
    assert org("Mitsubishi Electric Software Co", "Mitsubishi Electric Software Corporation") >= DEFAULT_THRESHOLD
    # the query names a unit of the listed party: the rule is one-way, a match stays the cautious answer
    assert org("Mitsubishi Electric Software Corporation", "Mitsubishi Electric Corporation") >= DEFAULT_THRESHOLD
    assert not any("adds" in n for n in notes("Mitsubishi Electric Software Corporation",
                                              "Mitsubishi Electric Corporation"))


def test_added_words_that_are_legal_forms_places_or_letters_do_not_count() -> None:
    assert listed_adds_words([], ["llc", "company"], []) == 1.0  # legal forms
    assert listed_adds_words([], ["mexico"], []) == 1.0  # a place: the place rule decides
    assert listed_adds_words([], ["i"], []) == 1.0  # "Fund I": a numeral or initial, too short to tell
    assert listed_adds_words([], ["software"], []) == LISTED_ADDS_WORDS
    assert listed_adds_words(["trust"], ["software"], []) == 1.0  # both sides differ: the Dice score decides


# --- letters spelled together ------------------------------------------------------------------------------
def test_extra_words_are_not_a_spacing_difference() -> None:
    assert org("Mitsui and Co. Ltd.", "MITSUI E&S Co., Ltd.") < DEFAULT_THRESHOLD
    assert not any("spelled together" in n for n in notes("Mitsui and Co. Ltd.", "MITSUI E&S Co., Ltd."))


def test_a_real_spacing_difference_still_matches() -> None:
    assert org("LXC Aviation", "L.X.C Aviation") >= DEFAULT_THRESHOLD
    assert any("spelled together" in n for n in notes("LXC Aviation", "L.X.C Aviation"))
    assert spacing_explains(["lxc"], ["lx", "c"]) and not spacing_explains([], ["e", "s"])


# --- two edits in a short word -------------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "listed"), [
    ("Nexperia Holding B.V.", "Experian Holdings, Inc."),  # a letter lost at the start, one added at the end
    ("General Electric Company", "General Electronic"),  # electric / electronics: three edits
])
def test_two_edits_in_a_short_word_is_another_word(query: str, listed: str) -> None:
    assert org(query, listed) < DEFAULT_THRESHOLD
    assert any("edits apart" in n for n in notes(query, listed))


@pytest.mark.parametrize(("query", "listed"), [
    ("Wallmart Inc.", "Walmart Inc."),  # one letter added
    ("Chevon Corporation", "Chevron Corporation"),  # one letter lost
    ("Trafalgura Group Pte. Ltd.", "Trafigura Group Pte. Ltd."),  # two edits, but in a long word
])
def test_one_typo_or_two_in_a_long_word_still_match(query: str, listed: str) -> None:
    assert org(query, listed) >= DEFAULT_THRESHOLD
    assert not any("edits apart" in n for n in notes(query, listed))


def test_a_transposition_is_one_edit() -> None:
    pairs = compare(name_form("Appel Inc."), name_form("Apple Inc.")).pairs
    assert any(p.how == "fuzzy" for p in pairs) and two_edits(pairs, []) == 1.0
    pairs = compare(name_form("Nexperia"), name_form("Experian")).pairs
    assert two_edits(pairs, []) == TWO_EDITS


# --- pinyin a syllable apart ------------------------------------------------------------------------------
@pytest.mark.parametrize(("word", "expected"), [
    ("gongwei", True), ("tongwei", True), ("qinghua", True), ("qinghai", True), ("xijinping", True),
    ("nvzi", True),  # ü written v, as the transliteration writes it
    ("tsinghua", False),  # Wade-Giles: another romanisation of 清华, not pinyin
    ("huawie", False),  # a typo of huawei
    ("walmart", False), ("", False),
])
def test_is_pinyin(word: str, expected: bool) -> None:
    assert is_pinyin(word) is expected


@pytest.mark.parametrize(("query", "listed"), [
    ("Tongwei Co. Ltd.", "攻卫股份有限公司"),
    ("Qinghai University", "清华大学"),
])
def test_pinyin_a_syllable_apart_is_another_chinese_name(query: str, listed: str) -> None:
    assert org(query, listed) < DEFAULT_THRESHOLD
    assert any("syllable apart" in n for n in notes(query, listed))


def test_pinyin_rule_reaches_people_written_in_han() -> None:
    """习近朋 is not 习近平 (a nomenklatura non-match): one character, one syllable."""
    assert compare(name_form("习近朋"), name_form("习近平"), person=True).score < DEFAULT_THRESHOLD
    assert compare(name_form("习近平"), name_form("Xi Jinping"), person=True).score >= DEFAULT_THRESHOLD


def test_a_typo_or_another_romanisation_of_a_chinese_name_keeps_its_fuzzy_pair() -> None:
    assert org("Huawie Technologies Co. Ltd.", "华为技术有限公司") >= DEFAULT_THRESHOLD  # not pinyin: a typo
    pairs = compare(name_form("Tsinghua University"), name_form("清华大学")).pairs
    assert any(p.how == "fuzzy" for p in pairs) and pinyin_collision(
        name_form("Tsinghua University"), name_form("清华大学"), pairs, []) == 1.0
    # both Latin: no Han name, no rule (a typo of a Latin name may well read as pinyin)
    latin = compare(name_form("Tongwei Co. Ltd."), name_form("Gongwei Co. Ltd."))
    assert pinyin_collision(latin.query, latin.candidate, latin.pairs, []) == 1.0
    assert PINYIN_COLLISION < 1.0


# --- a number alone ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "listed"), [
    ("1", "ONE GROUP"),  # a name cell holding an id, against the alias of DOT ONE VALUE CREATION GROUP
    ("1", "OOO A1"),  # the company A1 LLC
    ("No. 2", "Research Institute - 2"),
])
def test_a_number_alone_is_no_match(query: str, listed: str) -> None:
    assert org(query, listed) < DEFAULT_THRESHOLD
    assert any("a number (" in n and "is all the names share" in n for n in notes(query, listed))


def test_a_number_beside_its_group_or_name_still_counts() -> None:
    # the group names the unit ("CETC 24"); the number with a name is the name's ("Rostec 5" / "Rostec No. 5"); with
    # the kind of body, the kind's ("24所" is the 24th institute)
    for query, listed in (("24th Research Institute of CETC", "CETC 24"), ("Rostec 5", "Rostec No. 5"),
                          ("24所", "24th Research Institute"), ("A1", "OOO A1")):
        pairs = compare(name_form(query), name_form(listed)).pairs
        assert number_alone(pairs, []) == 1.0, query
    assert org("24th Research Institute of CETC", "CETC 24") >= DEFAULT_THRESHOLD
    assert NUMBER_ALONE < 1.0


# --- a letter alone ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "listed"), [
    ("X", "X-HOLDING"),  # a placeholder cell, against the alias of an SDN company ("holding" is a legal form)
    ("X Ltd.", "X-HOLDING"),
    ("J&K", "J&K TRADING CO"),  # two letters and the kind of body on one side only
])
def test_a_letter_alone_is_no_match(query: str, listed: str) -> None:
    assert org(query, listed) < DEFAULT_THRESHOLD
    assert any("a letter (" in n and "is all the names share" in n for n in notes(query, listed))


def test_a_letter_beside_a_number_name_or_kind_of_body_still_counts() -> None:
    for query, listed in (("A1", "OOO A1"), ("J K Trading", "J&K TRADING"), ("X5 Retail Group", "X5 RETAIL GROUP N.V.")):
        pairs = compare(name_form(query), name_form(listed)).pairs
        assert letter_alone(pairs, []) == 1.0, query
        assert org(query, listed) >= DEFAULT_THRESHOLD, query
    assert org("X", "X") == 1.0  # written alike: not compared word by word
    assert LETTER_ALONE < 1.0


# --- on the real lists ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", [
    "Saudi Arabian Military Industries", "Jordan University of Science and Technology",
    "Changsha University of Science and Technology", "JCET Group Co. Ltd.", "Mitsubishi Electric Corporation",
    "Mitsubishi Heavy Industries Ltd.", "Mitsui and Co. Ltd.", "Tongwei Co. Ltd.", "Qinghai University",
    "Nexperia Holding B.V.", "General Electric Company",
])
def test_unlisted_organisations_are_not_flagged_on_the_real_lists(screener: Screener, query: str) -> None:
    """Each was flagged before these rules (benchmark negatives); the near miss is still shown."""
    results = screener.screen(query, limit=3)
    assert results, query
    assert not any(m.is_match for m in results), [(m.name, m.score) for m in results]


@pytest.mark.parametrize(("query", "listed"), [
    ("Jiangsu University of Science and Technology", "jiangsu university of science"),
    ("Mitsubishi Electric Software Corporation", "mitsubishi electric software"),
    ("MITSUI E&S Co., Ltd.", "mitsui e"),
    ("清华大学", "tsinghua"),
    ("Aisino Corporation", "aisino"),
])
def test_the_listed_parties_themselves_are_still_found(screener: Screener, query: str, listed: str) -> None:
    top = screener.screen(query, limit=1)
    assert top and top[0].is_match and listed in top[0].name.lower(), [(m.name, m.score) for m in top]


def test_each_rule_is_what_drops_its_false_positive() -> None:
    """The benchmark switches rules off by name (bench/matcher.py ``_rules_off``); off, the collision returns."""
    from exportcheck.bench.matcher import CHANCE_RULES, _rules_off

    cases = {"short acronym alone": ("Saudi Arabian Military Industries", "SAMI"),
             "listed name adds words": ("Mitsubishi Electric Corporation", "Mitsubishi Electric Software Corporation"),
             "leftovers are no spacing": ("Mitsui and Co. Ltd.", "MITSUI E&S Co., Ltd."),
             "pinyin a syllable apart": ("Tongwei Co. Ltd.", "攻卫股份有限公司"),
             "two edits in a short word": ("Nexperia Holding B.V.", "Experian Holdings, Inc."),
             "a number alone": ("1", "ONE GROUP"),
             "a letter alone": ("X", "X-HOLDING")}
    assert set(cases) == set(CHANCE_RULES)
    for rule, (query, listed) in cases.items():
        with _rules_off([rule]):
            off = org(query, listed)
        assert org(query, listed) < off, rule
    assert LISTED_ADDS_WORDS < 1.0 and ACRONYM_ALONE < 1.0  # restored after the switch


def test_false_positive_rate_on_the_real_negatives_is_at_most_one_percent(screener: Screener) -> None:
    """Issue 13's target on the benchmark's 1,349 real unlisted organisations (was 1.04% before these rules)."""
    from exportcheck.bench.matcher import TARGETS, negatives

    result = negatives(screener, DEFAULT_THRESHOLD)
    assert result["names"] >= TARGETS["negatives"]
    assert result["fpr"] <= TARGETS["fpr"], result["flagged"]
