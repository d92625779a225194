"""Countries named in their own languages are places, and name the same country as their English name.

On real listed names: the Entity List holds Huawei Technologies Co., Ltd. and its German company
"Huawei Technologies Deutschland GmbH"; OFAC lists GAZPROMBANK (SWITZERLAND) LTD with the alias
"GAZPROMBANK SCHWEIZ AG".
"""

from __future__ import annotations

import pandas as pd

from exportcheck.matching import Screener
from exportcheck.matching.normalise import name_form, normalise
from exportcheck.matching.places import NOT_PLACES, _country_names, _plain, country_of, place_names, places_in
from exportcheck.matching.score import PLACE_MISMATCH, PLACE_ONE_SIDED, compare


def countries(name: str) -> set[str]:
    return {country_of(p) for p in places_in(name_form(name).tokens)}


def test_own_language_country_names_are_places_of_their_country() -> None:
    for name, code in [("Schweiz", "ch"), ("Suisse", "ch"), ("Svizzera", "ch"), ("Switzerland", "ch"),
                       ("Deutschland", "de"), ("Germany", "de"), ("Österreich", "at"), ("Italia", "it")]:
        assert countries(f"Acme Trading {name} AG") == {code}, name
    assert countries("Deutsche Bank (Schweiz) AG") == countries("Deutsche Bank (Switzerland) AG") == {"ch"}
    # words in rigour's table that are not places where they stand in names
    assert not countries("Al Maskah Used Car and Spare Parts") and not countries("Green Island S.A.")
    assert not any(" ".join(p) in NOT_PLACES for p in place_names())


def test_accents_dropped_before_normalising_give_the_same_tokens() -> None:
    """The table skips transliteration for accented Latin names (start-up time): it must change no token."""
    names = [name for _, names in _country_names() for name in names if not name.isascii()]
    assert len(names) > 50 and "Österreich" in names
    assert [normalise(_plain(n)) for n in names] == [normalise(n) for n in names]


def test_a_real_german_subsidiary_is_told_from_its_listed_parent(real_entities: pd.DataFrame) -> None:
    parent, german = "Huawei Technologies Co., Ltd.", "Huawei Technologies Deutschland GmbH"
    listed = real_entities[real_entities["source"] == "us-entity-list"]
    assert {parent, german} <= set(listed["name"])
    own = compare(name_form(parent), name_form(german))
    english = compare(name_form(parent), name_form("Huawei Technologies Germany GmbH"))
    assert ("place deutschland only in the listed name", PLACE_ONE_SIDED) in own.penalties, own.penalties
    assert own.score == english.score  # "Deutschland" counts as "Germany" does


def test_branches_named_in_their_own_languages(real_entities: pd.DataFrame) -> None:
    """OFAC lists the Tamils Rehabilitation Organisation with its branches as aliases: "TRO SCHWEIZ", "TRO NORGE"."""
    tro = real_entities[real_entities["name"] == "TAMILS REHABILITATION ORGANISATION"]
    branches = {a["name"].removeprefix("TRO ") for cell in tro["aliases"] for a in cell if a["name"].startswith("TRO ")}
    assert {"SCHWEIZ", "NORGE", "DANMARK"} <= branches
    name = tro["name"].iloc[0]
    swiss = name_form(f"{name} SCHWEIZ")
    for other in ("NORGE", "DANMARK"):
        penalties = compare(swiss, name_form(f"{name} {other}")).penalties
        assert (f"different countries: schweiz vs {other.lower()}", PLACE_MISMATCH) in penalties, penalties
    same = compare(swiss, name_form(f"{name} Switzerland"))
    assert not same.penalties and same.score > compare(swiss, name_form(f"{name} NORGE")).score


def test_one_listed_party_names_one_country_in_two_languages(real_entities: pd.DataFrame, screener: Screener) -> None:
    swiss = real_entities[real_entities["name"] == "GAZPROMBANK (SWITZERLAND) LTD"]
    aliases = {a["name"] for cell in swiss["aliases"] for a in cell}
    assert "GAZPROMBANK SCHWEIZ AG" in aliases
    assert countries("GAZPROMBANK SCHWEIZ AG") == countries("GAZPROMBANK (SWITZERLAND) LTD") == {"ch"}
    # a query naming the group's Swiss branch, in German or English: the listed group stays a match, for review
    for query in ("Tamils Rehabilitation Organisation Schweiz", "Tamils Rehabilitation Organisation Switzerland"):
        top = screener.screen(query, limit=1)[0]
        assert top.name == "TAMILS REHABILITATION ORGANISATION" and top.is_match, top.explanation
