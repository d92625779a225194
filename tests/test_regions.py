"""One table of regions written where a country is expected: the parsers and the US licence destination read it alike."""

from __future__ import annotations

import pytest

from exportcheck.claims import parse_claims
from exportcheck.controls.us_law_facts import UKRAINE_REGIONS
from exportcheck.controls.us_licence import normalise_destination
from exportcheck.formats.common import list_country
from exportcheck.regions import REGIONS, region_code, region_country


@pytest.mark.parametrize("written", sorted(REGIONS))
def test_a_region_reads_as_its_country_in_a_list_and_as_a_destination(written: str) -> None:
    code = REGIONS[written]
    country = code.split("-")[0]
    assert len(country) == 2 and country.isupper()
    for text in (written, written.upper(), written.title(), f"  {written} "):
        assert region_code(text) == code and region_country(text) == country
        assert list_country(text) == country  # a list's country field
        # a destination: the 746.6 region where the EAR names it, else the country alone
        assert normalise_destination(text) == (country, code if code in UKRAINE_REGIONS else "")
        # a claim's destination: the same reading, kept as the code the determination reads
        claim = parse_claims({"claims": [{"id": "c1", "kind": "no-licence-required", "destination": text}]}).claims[0]
        assert claim.destination == code


def test_every_746_6_region_can_be_named_and_other_text_is_no_region() -> None:
    assert set(UKRAINE_REGIONS) <= set(REGIONS.values())
    assert all(region_code(code.lower()) == code and region_country(code) == "UA" for code in UKRAINE_REGIONS)
    assert normalise_destination("UA-14") == ("UA", "UA-14") and normalise_destination("Ukraine") == ("UA", "")
    assert region_code("Kyiv") == region_country("") == "" and list_country("REGION: WEST BANK") == "PS"

