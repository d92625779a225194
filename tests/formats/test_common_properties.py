"""Property-based tests (hypothesis) for the shared normalisers: dates, names, multi-value cells, addresses."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from exportcheck.formats import csl, ear_lists
from exportcheck.formats.common import clean, country_code, has_lost_characters, partial_date, split_multi

_SHAPE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
dates = st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31))


def _valid(result: str) -> bool:
    if result == "":
        return True
    match = _SHAPE.match(result)
    if not match:
        return False
    _year, month, day = match.groups()
    if day:
        date.fromisoformat(result)  # raises if not a real day
    return month is None or 1 <= int(month) <= 12


@given(st.text())
def test_partial_date_never_raises_and_has_a_known_shape(text: str) -> None:
    result = partial_date(text)
    assert _valid(result)
    assert partial_date(result) == result  # idempotent


@settings(max_examples=60)
@given(st.from_regex(r"\A\s*(circa )?\d{1,4}([-/.]\d{1,2}([-/.]\d{1,4})?)?\s*\Z"))
def test_partial_date_on_date_like_text(text: str) -> None:
    result = partial_date(text)
    assert _valid(result) and partial_date(result) == result


@given(dates)
def test_partial_date_reads_every_format_lists_use(day: date) -> None:
    iso = day.isoformat()
    month = _MONTHS[day.month - 1]
    for text in (iso, f"{iso}T00:00:00", f"{day.month}/{day.day}/{day.year}", f"{day.day}.{day.month}.{day.year}",
                 f"{day.day:02d} {month} {day.year}", f"{month} {day.day}, {day.year}", f"{month}uary {day.day}, {day.year}"
                 if month == "Jan" else f"{month} {day.day}, {day.year}"):
        assert partial_date(text) == iso, text
    assert partial_date(f"{month} {day.year}") == iso[:7]
    assert partial_date(str(day.year)) == partial_date(f"circa {day.year}") == iso[:4]


@given(st.text())
def test_clean_is_idempotent_and_trimmed(text: str) -> None:
    result = clean(text)
    assert clean(result) == result
    assert result == result.strip() and "  " not in result and "\n" not in result


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters=";"), min_size=0, max_size=12), max_size=8))
def test_split_multi_round_trip(parts: list[str]) -> None:
    cell = ";".join(parts)
    result = split_multi(cell)
    assert result == [p.strip() for p in parts if p.strip()]
    assert split_multi("; ".join(result)) == result  # idempotent over its own output


@given(st.text(alphabet=st.characters(blacklist_characters="?")))
def test_no_question_mark_no_lost_characters(text: str) -> None:
    assert has_lost_characters(text) is False
    assert has_lost_characters(f"Xi?an {text}") is True


@given(st.text(max_size=40))
def test_country_code_is_iso2_or_empty(text: str) -> None:
    result = country_code(text, fuzzy=False)
    assert result == "" or re.fullmatch(r"[A-Z]{2}", result)


@given(st.sampled_from(["CN", "RU", "HK", "IR", "BY", "US", "TW", "KP", "China", "Russian Federation", "Hong Kong"]))
def test_country_code_known_values(value: str) -> None:
    code = country_code(value)
    assert len(code) == 2 and country_code(code) == code  # a code maps to itself


@given(st.text(max_size=80))
def test_csl_address_never_raises_and_keeps_the_text(text: str) -> None:
    address = csl.address(text)
    assert address.full == text
    assert address.country == "" or re.fullmatch(r"[A-Z]{2}", address.country)


@settings(max_examples=50)
@given(st.lists(st.text(alphabet=st.characters(blacklist_characters=";", blacklist_categories=("Cs",)), min_size=1,
                        max_size=30).filter(lambda s: clean(s).rstrip(".") and clean(s).lower() != "and"),
                min_size=1, max_size=5))
def test_ear_addresses_split_on_semicolon_and(parts: list[str]) -> None:
    text = "; and ".join(parts)
    found = ear_lists.addresses(text, "China")
    assert len(found) == len(parts)
    assert all(a.country == "CN" and a.full == a.full.strip() for a in found)
