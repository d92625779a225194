"""The normaliser: properties on any Unicode, and the equivalences screening depends on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportcheck.matching.chinese import han_to_latin
from exportcheck.matching.normalise import name_form, normalise
from exportcheck.matching.numbers import chinese_to_int, fold_numbers, roman_to_int

names = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
name_like = st.lists(st.sampled_from(
    ["CETC", "24th", "No.", "24", "twenty", "fourth", "Co.,", "Ltd.", "GmbH", "ООО", "研究所", "第二十四",
     "集团", "Corp", "Inst", "S.A.", "II", "of", "&", "Xi?an", "Société", "Группа", "-", "(", ")", "中国电子科技集团"]),
    max_size=8).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(names)
def test_any_unicode_normalises_without_error_and_idempotently(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip() and "  " not in once
    assert all(ch.isascii() for ch in once)


@settings(max_examples=300, deadline=None)
@given(name_like)
def test_name_like_strings_are_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    form = name_form(text)
    assert form.numbers <= set(form.tokens) and form.groups <= set(form.tokens)


@pytest.mark.parametrize("text", [
    "24th Research Institute", "No. 24 Research Institute", "24 Research Institute",
    "Twenty-fourth Research Institute", "twenty fourth research institute", "第二十四研究所",
    "Research Institute No 24", "Research Institute XXIV",
])
def test_ways_of_writing_twenty_four(text: str) -> None:
    assert name_form(text).numbers == {"#24"}


def test_institute_abbreviation_24suo() -> None:
    assert name_form("24所").tokens == ("#24", "institute")


def test_chinese_numerals() -> None:
    assert [chinese_to_int(x) for x in ("二十四", "十四", "一百零五", "二四", "38")] == [24, 14, 105, 24, 38]
    assert roman_to_int("xiv") == 14 and roman_to_int("i") is None and roman_to_int("mix") is None
    assert fold_numbers(["cetc14"]) == ["cetc", "#14"]


def test_group_acronym_and_its_expansion_agree() -> None:
    assert normalise("China Electronics Technology Group Corporation") == "cetc"
    assert normalise("China Electronic Technology Group Corp.") == "cetc"
    assert normalise("中国电子科技集团公司") == "cetc"
    assert normalise("CETC") == "cetc"
    assert name_form("China Aerospace Science and Industry Corporation").groups == {"casic"}


def test_chinese_name_of_the_24th_institute() -> None:
    assert han_to_latin("中国电子科技集团公司第二十四研究所").split() == [
        "china", "electronics", "technology", "group", "corporation", "24", "research", "institute"]
    chinese = set(normalise("中国电子科技集团公司第二十四研究所").split())
    assert chinese == set(normalise("24th Research Institute of CETC").split()) - {"of"}


def test_pinyin_for_names_outside_the_table() -> None:
    assert normalise("华为技术有限公司") == normalise("Huawei Technologies Co., Ltd.")


@pytest.mark.parametrize(("a", "b"), [
    ("Huawei Technologies Co., Ltd.", "Huawei Technologies Limited"),
    ("Siemens Aktiengesellschaft", "Siemens AG"),
    ("OOO Gazprom", "Limited Liability Company Gazprom"),
    ("ООО Газпром", "OOO Gazprom"),
    ("Acme Corp", "ACME CORPORATION"),
    ("Nanjing Research Inst. of Electronics Tech.", "Nanjing Research Institute of Electronics Technology"),
    ("Acme Intl Grp", "Acme International Group"),
    ("Société Générale", "SOCIETE GENERALE"),
    ("Xi?an Institute", "Xi'an Institute"),
    ("ＣＥＴＣ　１４", "CETC 14"),
])
def test_spellings_that_normalise_alike(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_different_names_stay_different() -> None:
    assert normalise("CETC 14") != normalise("CETC 15")
    assert normalise("Bowne Global Solutions II") != normalise("Bowne Global Solutions")
