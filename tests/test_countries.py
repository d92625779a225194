"""A party's country as users write it, read as the lists' ISO-2 codes (exportcheck.countries)."""

from __future__ import annotations

import pytest

from exportcheck.countries import country_hint, row_country_hint
from exportcheck.errors import InputError


@pytest.mark.parametrize(("given", "code"), [
    ("CN", "CN"), ("cn", "CN"), (" CN ", "CN"), ("CHN", "CN"), ("China", "CN"), ("People's Republic of China", "CN"),
    ("UK", "GB"), ("United Kingdom", "GB"), ("IRN", "IR"), ("Iran", "IR"), ("Hong Kong", "HK"), ("Nederland", "NL"),
    (None, None), ("", None), ("  ", None),
])
def test_codes_three_letter_codes_and_names_read_as_iso2(given: str | None, code: str | None) -> None:
    assert country_hint(given) == code


@pytest.mark.parametrize("given", ["Narnia", "XX", "N/A", "abc", "ZZ", "EU", "UN", "European Union", "Global"])
def test_text_naming_no_country_is_one_line_naming_the_option(given: str) -> None:
    with pytest.raises(InputError) as info:
        country_hint(given, "--country")
    assert str(info.value).startswith(f"--country {given!r}: not a country")


def test_a_batch_cell_naming_no_country_gives_no_hint() -> None:
    assert [row_country_hint(c) for c in ["China", "n/a", "", " GB "]] == ["CN", None, None, "GB"]
