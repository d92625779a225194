"""Each alignment strategy alone: what it pairs, what it leaves for the next one, and which way round."""

from __future__ import annotations

from exportcheck.matching.align import (
    Alignment,
    align,
    align_acronyms,
    align_exact,
    align_fuzzy,
    align_initials,
    align_joined,
    align_phonetic,
    phonetic_key,
)


def pairs(al: Alignment) -> list[tuple[str, str, str]]:
    return [(p.query, p.candidate, p.how) for p in al.pairs]


def test_exact_pairs_equal_tokens_once_and_leaves_the_rest_free() -> None:
    al = Alignment.start(["huawei", "technology", "llc"], ["huawei", "technology", "new", "zealand", "llc"])
    align_exact(al)
    assert pairs(al) == [("huawei", "huawei", "exact"), ("technology", "technology", "exact"), ("llc", "llc", "exact")]
    assert al.q_free == [False, False, False] and al.c_free == [False, False, True, True, False]


def test_fuzzy_pairs_one_typo_but_never_numbers_or_groups() -> None:
    al = Alignment.start(["lockheed", "martn"], ["lockheed", "martin"])
    align_fuzzy(al)
    assert ("martn", "martin", "fuzzy") in pairs(al)
    numbers = Alignment.start(["cetc", "#14"], ["cetc", "#15"])
    align_fuzzy(numbers)
    assert numbers.pairs == []  # 14 is not a typo of 15, and CETC is compared exactly
    groups = Alignment.start(["casc"], ["casic"])
    align_fuzzy(groups)
    assert groups.pairs == []


def test_fuzzy_takes_the_best_pair_first() -> None:
    al = Alignment.start(["scholz"], ["scholze", "scholl"])
    align_fuzzy(al)
    assert pairs(al) == [("scholz", "scholze", "fuzzy")]


def test_joined_works_either_way_round_and_keeps_query_first() -> None:
    one = Alignment.start(["huawei"], ["hua", "wei", "technology"])
    align_joined(one)
    assert pairs(one) == [("huawei", "hua wei", "joined")]
    other = Alignment.start(["xi", "jinping"], ["xijinping"])
    align_joined(other)
    assert pairs(other) == [("xi jinping", "xijinping", "joined")]
    assert other.q_free == [False, False] and other.c_free == [False]


def test_initials_pair_a_letter_with_a_name_not_with_a_number() -> None:
    al = Alignment.start(["v", "putin"], ["vladimir", "putin"])
    align_exact(al)
    align_initials(al)
    assert ("v", "vladimir", "initial") in pairs(al)
    digits = Alignment.start(["n"], ["#9"])
    align_initials(digits)
    assert digits.pairs == []


def test_acronyms_expand_four_letters_and_more_but_not_over_a_legal_form() -> None:
    al = Alignment.start(["nriet"], ["nanjing", "research", "institute", "of", "electronics", "technology"])
    align_acronyms(al)
    assert pairs(al) == [("nriet", "nanjing research institute of electronics technology", "acronym")]
    assert al.pairs[0].similarity == 0.95
    legal = Alignment.start(["asml"], ["aurum", "ship", "management", "llc"])
    align_acronyms(legal)
    assert legal.pairs == []


def test_phonetic_pairs_transliteration_variants_and_is_stronger_across_scripts() -> None:
    al = Alignment.start(["saddam", "husayn"], ["saddam", "hussein"])
    align_exact(al)
    align_phonetic(al)
    assert ("husayn", "hussein", "phonetic") in pairs(al) and al.pairs[-1].similarity == 0.8
    assert phonetic_key("byryz") == phonetic_key("perez")  # Arabic has no "p": b and p are one sound here
    cross = align(["bol", "pt"], ["pol", "pot"], initials=True, acronyms=False, cross_script=True)
    assert [p.similarity for p in cross.pairs] == [0.9, 0.9]
    # two-letter words count across scripts only
    same_script = align(["bol", "pt"], ["pol", "pot"], initials=True, acronyms=False)
    assert ("pt", "pot", "phonetic") not in pairs(same_script)


def test_align_runs_people_strategies_only_for_people() -> None:
    company = align(["v", "putin"], ["vladimir", "putin"])
    assert all(p.how != "initial" for p in company.pairs)
    person = align(["v", "putin"], ["vladimir", "putin"], initials=True, acronyms=False)
    assert {p.how for p in person.pairs} == {"exact", "initial"}
    assert not align(["tdk"], ["taji", "al", "din", "kasim"], initials=True, acronyms=False).pairs


def test_exact_joins_come_before_typos() -> None:
    """"xijinping" is "xi jinping" written together, not a typo of "jinping" (the fuzzy strategy's pick)."""
    from exportcheck.matching.align import align_joined_exact

    al = Alignment.start(["xijinping"], ["xi", "jinping"])
    align_joined_exact(al)
    assert pairs(al) == [("xijinping", "xi jinping", "joined")]
    assert pairs(align(["xijinping"], ["xi", "jinping"], initials=True, acronyms=False)) == pairs(al)
    near = Alignment.start(["xijinpeng"], ["xi", "jinping"])
    align_joined_exact(near)
    assert near.pairs == []  # only exact joins here; near ones are the later, fuzzy join's
