"""Property-based tests for the OFAC remark and program normalisers in :mod:`exportcheck.formats.ofac`."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportcheck.formats import ofac

#: No deadline: the first country lookup loads rigour's data (seconds), and the test suite runs
#: on a shared 2-core machine; correctness, not speed, is what these properties check.
RELAXED = settings(deadline=None)

PROGRAM = st.from_regex(r"[A-Z][A-Z0-9]{0,10}(-[A-Z0-9]{1,8}){0,2}", fullmatch=True)
DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
NAME = st.from_regex(r"[A-Z0-9][A-Za-z0-9 .&-]{0,30}[A-Za-z0-9.]", fullmatch=True)


@RELAXED
@given(st.lists(PROGRAM, min_size=1, max_size=5))
def test_programs_round_trip(programs: list[str]) -> None:
    assert ofac.split_programs("] [".join(programs)) == programs
    assert ofac.split_programs(f"[{'] ['.join(programs)}]") == programs


@RELAXED
@given(DAYS, st.sampled_from(["CMIC", "EO 14024 Directive 2"]), st.booleans())
def test_listing_date_in_remarks(day: date, label: str, colon: bool) -> None:
    text = f"Target Type X; Listing Date ({label}){':' if colon else ''} {day:%d %b %Y}; Tax ID 1."
    assert ofac.listing_date_in_remarks(text) == day.isoformat()


@RELAXED
@given(DAYS, DAYS)
def test_cmic_listing_date_wins(first: date, cmic: date) -> None:
    text = f"Listing Date (EO 14024 Directive 2): {first:%d %b %Y}; Listing Date (CMIC) {cmic:%d %b %Y}."
    assert ofac.listing_date_in_remarks(text) == cmic.isoformat()


@RELAXED
@given(DAYS, st.sampled_from(["day", "month", "year"]))
def test_birth_dates_keep_their_precision(day: date, precision: str) -> None:
    written, expected = {"day": (f"{day:%d %b %Y}", day.isoformat()), "month": (f"{day:%b %Y}", f"{day:%Y-%m}"),
                         "year": (f"{day:%Y}", f"{day:%Y}")}[precision]
    assert ofac.birth_dates_in_remarks(f"DOB {written}; POB Gaza.") == [expected]
    assert ofac.birth_dates_in_remarks(f"DOB circa {written}.") == []


@RELAXED
@given(st.lists(st.tuples(st.sampled_from("afn"), NAME), min_size=1, max_size=4))
def test_weak_aliases_round_trip(names: list[tuple[str, str]]) -> None:
    text = "; ".join(f"{kind}.k.a. '{name}'" for kind, name in names) + "."
    assert ofac.weak_aliases_in_remarks(text) == [(f"{kind}ka", " ".join(name.split())) for kind, name in names]


#: The order in which one entry's non-SDN sub-lists decide its ``list`` value, written out here (not read
#: from the implementation) so a reordering of ``ofac.CONS_LISTS`` fails: NS-CMIC first, because that
#: is the listing a securities-investment ban (and the CETC case) turns on.
PRIORITY = ("NS-CMIC", "SSI", "NS-PLC", "FSE", "NS-MBS", "CAPTA", "NS-ISA", "13599")


def test_priority_covers_every_sub_list() -> None:
    assert set(ofac.CONS_LISTS) == set(PRIORITY)


@pytest.mark.parametrize(("names", "main", "flags"), [
    (["SSI", "NS-CMIC"], "NS-CMIC", ["also-listed:SSI"]),
    (["SDN", "SSI"], "SSI", ["also-listed:SDN"]),  # in the consolidated files for its sub-list
    (["SDN"], "SDN", []),
    ([], "Consolidated", []),
])
def test_pick_list_examples(names: list[str], main: str, flags: list[str]) -> None:
    assert ofac.pick_list(names) == (main, flags)


@RELAXED
@given(st.lists(st.sampled_from(PRIORITY), min_size=1, unique=True), st.booleans())
def test_pick_list_prefers_the_highest_priority(names: list[str], on_sdn: bool) -> None:
    main, flags = ofac.pick_list([*names, *(["SDN"] if on_sdn else [])])
    assert main == next(n for n in PRIORITY if n in names)
    assert sorted(flags) == sorted(f"also-listed:{n}" for n in [*names, *(["SDN"] if on_sdn else [])] if n != main)


COUNTRIES = {"Russia": "RU", "China": "CN", "Iran": "IR", "Korea, North": "KP", "Syria": "SY", "Germany": "DE"}


@RELAXED
@given(st.lists(st.sampled_from(sorted(COUNTRIES)), min_size=1, max_size=4), st.lists(st.booleans(), min_size=4, max_size=4))
def test_nationalities_in_remarks(names: list[str], styles: list[bool]) -> None:
    text = "DOB 1960; " + "; ".join(f"{'alt. ' if alt else ''}{'nationality' if i % 2 else 'citizen'} {name}"
                                    for i, (name, alt) in enumerate(zip(names, styles, strict=False))) + "."
    assert ofac.nationalities_in_remarks(text) == sorted({COUNTRIES[n] for n in names})
