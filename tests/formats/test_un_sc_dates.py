"""Property-based tests for the UN SC date-of-birth normaliser: precision is kept, never invented."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from exportcheck.formats.un_sc_xml import birth_dates

#: No deadline: the first country lookup loads rigour's data (seconds), and the test suite runs
#: on a shared 2-core machine; correctness, not speed, is what these properties check.
RELAXED = settings(deadline=None)

DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))
YEARS = st.integers(min_value=1900, max_value=2030)


def dob(**children: str) -> etree._Element:
    element = etree.Element("INDIVIDUAL_DATE_OF_BIRTH")
    for tag, text in children.items():
        etree.SubElement(element, tag).text = text
    return element


@RELAXED
@given(DAYS)
def test_exact_date(day: date) -> None:
    assert birth_dates(dob(TYPE_OF_DATE="EXACT", DATE=day.isoformat())) == ([day.isoformat()], "")


@RELAXED
@given(YEARS, st.sampled_from(["EXACT", "APPROXIMATELY"]))
def test_year_only_stays_a_year(year: int, kind: str) -> None:
    dates, note = birth_dates(dob(TYPE_OF_DATE=kind, YEAR=str(year)))
    assert dates == [str(year)]
    assert ("approximately" in note) == (kind == "APPROXIMATELY")


@RELAXED
@given(YEARS, st.integers(min_value=0, max_value=10))
def test_range_keeps_both_years(start: int, span: int) -> None:
    dates, note = birth_dates(dob(TYPE_OF_DATE="BETWEEN", FROM_YEAR=str(start), TO_YEAR=str(start + span)))
    assert dates == [str(start), str(start + span)]
    assert note == f"date of birth between {start} and {start + span}"


@RELAXED
@given(st.text(alphabet="abcxyz -", max_size=12))
def test_garbage_gives_no_date(text: str) -> None:
    assert birth_dates(dob(TYPE_OF_DATE="EXACT", DATE=text, YEAR=text))[0] == []
