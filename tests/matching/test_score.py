"""The scorer's rules on names taken from the real lists: numbers and groups decide, acronyms expand."""

from __future__ import annotations

import pandas as pd
import pytest

from exportcheck.matching import DEFAULT_THRESHOLD, compare, name_form
from exportcheck.matching.score import NUMBER_MISMATCH


def listed(entities: pd.DataFrame, pattern: str, list_name: str | None = None) -> pd.Series:
    """The one real entry whose name matches ``pattern`` (fails if the lists do not hold exactly one)."""
    found = entities[entities["name"].str.contains(pattern, regex=True, case=False)]
    if list_name:
        found = found[found["list"] == list_name]
    assert len(found) >= 1, f"no listed name matches {pattern!r}"
    return found.iloc[0]


def score(a: str, b: str) -> float:
    return compare(name_form(a), name_form(b)).score


def test_the_14th_institute_matches_itself_not_the_15th(real_entities: pd.DataFrame) -> None:
    cetc14 = listed(real_entities, r"^China Electronics Technology Group Corporation 14th Research Institute \(CETC 14\)$")
    assert score("14th Research Institute of CETC", cetc14["name"]) >= DEFAULT_THRESHOLD
    assert score("中国电子科技集团公司第十四研究所", cetc14["name"]) >= DEFAULT_THRESHOLD
    assert score("CETC No. 14 Research Institute", cetc14["name"]) >= DEFAULT_THRESHOLD
    fifteenth = compare(name_form("15th Research Institute of CETC"), name_form(cetc14["name"]))
    assert fifteenth.score < DEFAULT_THRESHOLD
    assert any(factor == NUMBER_MISMATCH and "14" in text and "15" in text for text, factor in fifteenth.penalties)


def test_other_institutes_of_the_same_group_do_not_match_each_other(real_entities: pd.DataFrame) -> None:
    units = real_entities[real_entities["name"].str.contains(r"China Electronics Technology Group Corporation \d+\w* Research Institute", regex=True)]
    numbers = {name: name_form(name).numbers for name in units["name"]}
    assert len({frozenset(n) for n in numbers.values()}) >= 4  # 13, 14, 38, 55 ... on the Entity List
    for a, na in numbers.items():
        for b, nb in numbers.items():
            if na and nb and not na & nb:
                assert score(a, b) < DEFAULT_THRESHOLD, (a, b)


def test_a_number_on_one_side_only_is_not_the_same_party(real_entities: pd.DataFrame) -> None:
    group = listed(real_entities, r"^China Electronics Technology Group Corporation$", "NS-CMIC")
    assert score("CETC 14", group["name"]) < DEFAULT_THRESHOLD
    assert score("CETC", group["name"]) == 1.0


def test_the_same_number_in_another_group_does_not_match(real_entities: pd.DataFrame) -> None:
    casic25 = listed(real_entities, r"China Aerospace Science and Industry Corporation.*25th Research Institute")
    cetc = compare(name_form("25th Research Institute of CETC"), name_form(casic25["name"]))
    assert cetc.score < DEFAULT_THRESHOLD
    assert any("different groups" in text for text, _ in cetc.penalties)


@pytest.mark.parametrize(("acronym", "pattern"), [
    ("CETC", r"^China Electronics Technology Group Corporation$"),
    ("CASIC", r"^China Aerospace Science and Industry Corporation Limited$"),
])
def test_group_acronyms_match_their_expansion(real_entities: pd.DataFrame, acronym: str, pattern: str) -> None:
    assert score(acronym, listed(real_entities, pattern)["name"]) == 1.0


def test_generic_acronym_matches_its_expansion(real_entities: pd.DataFrame) -> None:
    rows = real_entities[real_entities["aliases"].map(lambda a: any(x["name"] == "Nanjing Research Institute of Electronics Technology" for x in a))]
    assert len(rows) >= 1 and set(rows["list"]) == {"Entity List", "METI End User List"}
    comp = compare(name_form("NRIET"), name_form("Nanjing Research Institute of Electronics Technology"))
    assert comp.score >= DEFAULT_THRESHOLD and comp.pairs[0].how == "acronym"
    # three letters are too ambiguous to call a match on their own
    assert score("MIT", "Massachusetts Institute of Technology") < DEFAULT_THRESHOLD


def test_people_rules_only_for_people() -> None:
    assert compare(name_form("V. Putin"), name_form("Vladimir Putin"), person=True).score >= DEFAULT_THRESHOLD
    assert compare(name_form("TDK"), name_form("Taji al-Din Kasim"), person=True).score < 0.5
    assert score("Olaf Scholz", "Octavian Scholz") < DEFAULT_THRESHOLD


def test_score_is_bounded_and_symmetric_enough() -> None:
    for a, b in [("CETC 14", "China Electronics Technology Group Corporation 14th Research Institute"),
                 ("Huawei", "Huawei Technologies Co Ltd"), ("", "x")]:
        s1, s2 = score(a, b), score(b, a)
        assert 0.0 <= s1 <= 1.0 and abs(s1 - s2) < 1e-9
