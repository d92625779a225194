"""The two date services every reader shares: which snapshot applies on a date, and was a listing in force."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from exportcheck.dates import as_date, bounds, in_force, in_force_mask, listing_relation
from exportcheck.errors import InputError
from exportcheck.store import STALE_DAYS, SnapshotStore

DAY = date(2024, 2, 5)


@pytest.mark.parametrize(("listed", "ended", "start", "end", "relation"), [
    ("2018-08-01", "", DAY, None, "in-force"),
    ("2024-02-05", "", DAY, None, "in-force"),            # listed that day: in force that day
    ("2024-02-06", "", DAY, None, "listed-after"),
    ("2024", "", DAY, None, "listed-during"),              # a year: could be before or after the day
    ("2024-02", "", DAY, None, "listed-during"),
    ("2023", "", DAY, None, "in-force"),
    ("2021-06-03", "2024-02-05", DAY, None, "removed-before"),  # lifted that day: no longer binding on it
    ("2021-06-03", "2024-02-06", DAY, None, "in-force"),
    ("2021-06-03", "2024", DAY, None, "removed-during"),
    ("2024-05-14", "", date(2024, 1, 1), date(2024, 12, 31), "listed-during"),
    ("2025-01-01", "", date(2024, 1, 1), date(2024, 12, 31), "listed-after"),
    ("", "", DAY, None, "undated"),
    ("", "2020-01-01", DAY, None, "removed-before"),
])
def test_listing_relation(listed: str, ended: str, start: date, end: date | None, relation: str) -> None:
    assert listing_relation(listed, ended, start, end) == relation
    assert in_force(listed, ended, start) == (listing_relation(listed, ended, start) not in
                                              ("listed-after", "removed-before"))


def test_bounds_of_partial_dates() -> None:
    assert bounds("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert bounds("2024-05-14T00:00:00") == (date(2024, 5, 14), date(2024, 5, 14))
    assert bounds("") is None and bounds("n/a") is None and bounds("2024-02-30") is None


def test_the_table_and_the_row_rule_agree_on_real_listings(real_lists_dir: Path) -> None:
    """Every distinct pair of real listing/end dates is decided the same way for a table as for one row."""
    store = SnapshotStore(real_lists_dir)
    frames = [s.load(columns=["listing_date", "end_date"]) for sid in ("us-1260h", "us-entity-list", "us-ofac-cons")
              for s in store.snapshots(sid)]
    frame = pd.concat(frames, ignore_index=True).drop_duplicates().reset_index(drop=True)
    assert frame["end_date"].fillna("").ne("").any()  # the 1260H history has ended listings
    for when in (date(2018, 8, 1), DAY, date(2026, 1, 1)):
        mask = in_force_mask(frame, when)
        expected = [in_force(str(a or ""), str(b or ""), when) for a, b in zip(frame.listing_date, frame.end_date,
                                                                                strict=True)]
        assert mask.tolist() == expected
        assert 0 < mask.sum() < len(frame) or when == date(2026, 1, 1)


def test_snapshot_choice_on_the_real_store(real_lists_dir: Path) -> None:
    store = SnapshotStore(real_lists_dir)
    csl = store.snapshots("us-csl")
    dates = sorted(s.meta.data_date for s in csl if s.meta.data_date)
    assert len(dates) >= 2
    first, last = dates[0], dates[-1]
    latest = store.choose("us-csl")
    assert latest.snapshot is not None and latest.snapshot.meta.data_date == last and latest.later is None
    on = store.choose("us-csl", first)
    assert on.snapshot is not None and on.snapshot.meta.data_date == first and not on.stale and on.later is None
    before = store.choose("us-csl", date(first.year - 1, 1, 1))  # only newer snapshots: the oldest, said so
    assert before.snapshot is not None and before.snapshot.meta.data_date == first and before.newer_than_date
    assert "newer than" in before.note()
    stale_day = date.fromordinal(first.toordinal() + STALE_DAYS + 1)
    assert stale_day < last
    stale = store.choose("us-csl", stale_day)
    assert stale.stale and stale.later is not None and stale.later.meta.data_date == last
    assert [s.meta.data_date for s in stale.snapshots] == [first, last] and "older than" in stale.note()
    assert store.as_of("us-csl", stale_day) == stale.snapshot
    assert store.choose("no-such-source", DAY).snapshot is None


@pytest.mark.parametrize(("given", "expected"), [
    (None, None), ("", None), ("  ", None), (DAY, DAY), ("2024-02-05", DAY), (" 2024-02-05 ", DAY)])
def test_as_date_reads_what_a_user_gives(given: object, expected: date | None) -> None:
    assert as_date(given, "--as-of") == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("given", ["2024-02-30", "yesterday", "2024-13-01", "05/02/2024"])
def test_as_date_refuses_what_is_no_day_in_one_line_naming_the_option(given: str) -> None:
    with pytest.raises(InputError) as info:
        as_date(given, "--as-of")
    assert str(info.value) == f"--as-of {given!r}: not a date (use YYYY-MM-DD)"
