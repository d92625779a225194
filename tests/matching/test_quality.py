"""The matcher-quality rules of issue 13: every script, Chinese short forms, kanji, digit confusions,
parents before subsidiaries, and a floor on the nomenklatura name pairs."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from exportcheck.matching import DEFAULT_THRESHOLD, Screener, compare, name_form
from exportcheck.matching.chinese import to_simplified
from exportcheck.matching.normalise import normalise
from exportcheck.matching.registry import ExportcheckMatcher
from exportcheck.matching.scripts import hangul_to_latin, to_ascii

# F1 measured on the 826 pairs at the default threshold when this floor was set: 0.856 (was 0.804).
GOLDEN_F1_FLOOR = 0.85


def person(a: str, b: str) -> float:
    return compare(name_form(a), name_form(b), person=True).score


def org(a: str, b: str) -> float:
    return compare(name_form(a), name_form(b)).score


@pytest.mark.parametrize(("query", "listed"), [
    ("ប៉ុល ពត", "Pol Pot"),  # Khmer: no ICU transliterator here, anyascii spells it
    ("فرناندو بيريز", "Fernando Pérez"),  # Arabic writes few vowels: the consonants must agree
    ("Володимир Зеленський", "Volodymyr Oleksandrovych Zelenskyy"),  # Ukrainian, patronymic dropped
    ("김정은", "KIM JONG UN"),  # Hangul, one word per syllable as the lists write it
    ("习近平", "Xi Jinping"),  # "Xi" is a name, not the Roman numeral XI
])
def test_cross_script_person_names_match(query: str, listed: str) -> None:
    assert person(query, listed) >= DEFAULT_THRESHOLD, (query, listed, normalise(query), normalise(listed))


def test_every_script_in_the_lists_becomes_letters(real_entities: pd.DataFrame) -> None:
    """No listed name in any script normalises to nothing or keeps a non-ASCII letter."""
    names = list(real_entities["name"])
    for aliases in real_entities["aliases"]:
        names += [a["name"] for a in aliases]
    foreign = [n for n in names if not n.isascii() and any(ch.isalpha() and not ch.isascii() for ch in n)]
    assert len(foreign) > 1000  # Cyrillic, Arabic, Han, Hangul, Georgian, Thai, Myanmar... are all there
    for name in foreign:
        out = normalise(name)
        assert out.isascii(), name
        if any(ch.isalpha() for ch in name):
            assert out, name


def test_hangul_is_spelled_syllable_by_syllable() -> None:
    assert hangul_to_latin("최룡해").split() == ["choe", "ryong", "hae"]
    assert to_ascii("ፍትዊ").isascii() and "?" not in to_ascii("ፍትዊ")  # Ethiopic, which ICU cannot spell here


def test_digits_written_for_letters_are_read_as_letters() -> None:
    assert normalise("Ig0r Sech1n") == normalise("I9or Sech1n") == "igor sechin"
    assert person("Ig0r Sech1n", "Igor Sechin") == 1.0
    # numbers that are numbers stay numbers
    assert normalise("CETC14") == "cetc #14"
    assert normalise("MiG-29") == "mig #29"
    assert normalise("B2B Trading") == "b2b trading"


@pytest.mark.parametrize(("short", "full"), [
    ("中电科", "China Electronics Technology Group Corporation"),
    ("航天科工", "China Aerospace Science and Industry Corporation"),
    ("航天科技", "China Aerospace Science and Technology Corporation"),
    ("中航工业", "Aviation Industry Corporation of China"),
])
def test_chinese_short_forms_of_state_groups(short: str, full: str) -> None:
    assert org(short, full) == 1.0


def test_institute_short_form_names_the_numbered_institute() -> None:
    assert org("中电科24所", "China Electronics Technology Group Corporation 24th Research Institute") >= DEFAULT_THRESHOLD
    assert org("24所", "24th Research Institute") >= DEFAULT_THRESHOLD
    assert org("中电科24所", "China Electronics Technology Group Corporation 14th Research Institute") < DEFAULT_THRESHOLD
    assert org("中电科24所", "China Aerospace Science and Industry Corporation 24th Research Institute") < DEFAULT_THRESHOLD


def test_japanese_and_traditional_forms_are_read_as_simplified() -> None:
    assert to_simplified("電子") == "电子" and to_simplified("集団") == "集团" and to_simplified("集團") == "集团"
    assert to_simplified("研究所") == "研究所"  # OpenCC's Japanese table would make it 硏究所
    assert normalise("中国電子科技集団公司第二十四研究所") == normalise("中国电子科技集团公司第二十四研究所")


def test_pla_academies_are_told_apart() -> None:
    """The known false positive: the Academy of Military Sciences is not the Army Logistics Academy."""
    assert org("中国人民解放军军事科学院", "中国人民解放军陆军勤务学院") < DEFAULT_THRESHOLD
    assert org("中国人民解放军军事科学院", "PLA Academy of Military Science") >= DEFAULT_THRESHOLD


def test_person_name_order_and_swapped_names_decide() -> None:
    assert person("SALMAN BIN MUHAMMAD AL-RAWI", "MUHAMMAD BIN SALMAN AL-RAWI") < DEFAULT_THRESHOLD
    assert person("AYMAN SABAWI IBRAHIM HASAN AL-DULAIMI", "AYMAN SABAWI IBRAHIM HASAN AL-TIKRITI") < DEFAULT_THRESHOLD
    assert person("Usama ibn Laden", "Usama bin Laden") == 1.0
    assert person("Saddam Husayn", "Saddam Hussein") >= DEFAULT_THRESHOLD


def test_a_country_company_is_not_the_group() -> None:
    assert org("Banco Santander S.A.", "Banco Santander Mexico S.A.") < DEFAULT_THRESHOLD
    assert org("Bowne Global Solutions II (Sweden) AB", "Bowne Global Solutions II (Finland) AB") < DEFAULT_THRESHOLD
    assert org("Huawei Technologies Company Ltd.", "Huawei Technologies Co., Ltd.") == 1.0


def test_the_parent_ranks_above_its_country_companies(screener: Screener, real_entities: pd.DataFrame) -> None:
    subsidiary = "Huawei Technologies (New Zealand) Company Limited"
    assert (real_entities["name"] == subsidiary).any()
    results = screener.screen("Huawei Technologies Company Ltd.", limit=50, min_score=0.3)
    names = [m.name for m in results]
    assert results[0].is_match and "(" not in results[0].name, names[:5]
    top = [m.name for m in results if m.score == results[0].score]
    # every country company that ties on the parent's name (the list gives it as their alias) comes after
    # every entry that is the parent itself
    subsidiaries = [i for i, name in enumerate(top) if "(" in name and not name.endswith("(Huawei)")]
    parents = [i for i, name in enumerate(top) if i not in subsidiaries]
    assert parents and (not subsidiaries or max(parents) < min(subsidiaries)), top
    if subsidiary in names:
        assert names.index(subsidiary) > 0 and results[names.index(subsidiary)].score <= results[0].score


def test_chinese_short_forms_find_the_listed_party(screener: Screener) -> None:
    casic = screener.screen("航天科工", limit=3)
    assert casic and casic[0].score == 1.0 and "Aerospace Science and Industry" in casic[0].name
    cetc24 = screener.screen("中电科24所", limit=3)
    assert cetc24 and cetc24[0].is_match and "24" in cetc24[0].matched_name


def test_golden_pairs_keep_their_f1(bench_dir: Path) -> None:
    """The nomenklatura name pairs at the default threshold: F1 may not fall below the floor."""
    with (bench_dir / "nomenklatura_name_bench_cases.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 826
    matcher = ExportcheckMatcher()
    predicted = [matcher.compare(r["name1"], r["name2"], r["schema"]) >= DEFAULT_THRESHOLD for r in rows]
    truth = [r["is_match"] == "true" for r in rows]
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= GOLDEN_F1_FLOOR, f"F1 {f1:.3f} below {GOLDEN_F1_FLOOR}"
