"""Placing a listing against an export date or period (the check that prevents "listed after" headlines)."""

from __future__ import annotations

import pytest

import exportcheck.claims as claims_api
from exportcheck.claims.model import Period
from exportcheck.claims.timing import listing_timing

DAY = Period.parse("2024-02-05")
YEAR = Period.parse("2024")


@pytest.mark.parametrize(("listed", "ended", "snap", "period", "timing"), [
    ("2018-08-01", "", "2026-07-09", DAY, "in-force"),
    ("2024-05-14", "", "2026-07-09", DAY, "listed-after"),
    ("2024-05-14", "", "2026-07-09", YEAR, "listed-during"),
    ("2024-02-05", "", "2026-07-09", DAY, "in-force"),          # listed that day: in force that day
    ("2024", "", "2026-07-09", DAY, "listed-during"),            # partial date: could be before or after
    ("2024", "", "2026-07-09", YEAR, "listed-during"),
    ("2023", "", "2026-07-09", DAY, "in-force"),
    ("2021-06-03", "2023-01-01", "2026-08-20", DAY, "removed-before"),
    ("2021-06-03", "2024-06-30", "2026-08-20", YEAR, "removed-during"),
    ("", "", "2024-01-10", DAY, "in-force"),                      # undated, but the snapshot stood on the date
    ("", "", "2026-07-31", DAY, "unknown-listing-date"),          # undated, found only later
    ("2024-05-14", "", "2026-07-09", None, "current"),
])
def test_listing_timing(listed: str, ended: str, snap: str, period: Period | None, timing: str) -> None:
    answer = listing_timing(listed, ended, snap, period)
    assert answer.timing == timing
    assert answer.sentence
    if timing == "listed-during":
        assert ("not precise enough" in answer.sentence) == bool(period and period.exact)


def test_public_api_names() -> None:
    assert sorted(claims_api.__all__) == claims_api.__all__
    for name in claims_api.__all__:
        assert getattr(claims_api, name) is not None
    assert {"load_claims", "verify", "Report", "Context", "default_context"} <= set(claims_api.__all__)
