"""How a listing stood on a claim's date: in force, listed after, listed during the period, removed before.

Why this is its own module: the most common wrong headline is "exported to a blacklisted company"
when the company was blacklisted months after the shipment. Every screening hit passes through
:func:`listing_timing` before any step may call it a contradiction (DOMAIN.md, "Reasoning").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from exportcheck.claims.model import Period
from exportcheck.dates import bounds, listing_relation

Timing = Literal["in-force", "listed-after", "listed-during", "removed-before", "removed-during",
                 "unknown-listing-date", "current"]


@dataclass(frozen=True)
class TimingAnswer:
    timing: Timing
    sentence: str

    @property
    def in_force(self) -> bool:
        return self.timing in ("in-force", "current")

    @property
    def uncertain(self) -> bool:
        return self.timing in ("listed-during", "removed-during", "unknown-listing-date")


def listing_timing(listing_date: str, end_date: str, snapshot_date: str, period: Period | None) -> TimingAnswer:
    """Place a listing (start, end, and the date of the snapshot it was found in) against the claim's date.

    Which relation holds is decided by :func:`exportcheck.dates.listing_relation` (the one rule every
    reader uses); this adds the sentence a report prints, and reads an undated listing by the date of
    the snapshot it was found in.
    """
    if period is None:
        if end_date:
            return TimingAnswer("removed-before", f"listing ended {end_date}")
        return TimingAnswer("current", f"listed in the latest snapshot (since {listing_date or 'an unstated date'}); "
                                       "no export date given, so judged as of today")
    when = period.label()
    relation = listing_relation(listing_date, end_date, period.start, period.end)
    if relation == "removed-before":
        return TimingAnswer("removed-before", f"listing ended {end_date}, before the export ({when})")
    if relation == "removed-during":
        return TimingAnswer("removed-during", f"listed since {listing_date}, listing ended {end_date}, "
                                              f"within the export period {when}")
    if relation == "in-force":
        return TimingAnswer("in-force", f"listed since {listing_date}, before the export ({when})")
    if relation == "listed-after":
        return TimingAnswer("listed-after", f"listed on {listing_date}, after the export ({when}): "
                                            "not in force at the time")
    if relation == "listed-during":
        if period.exact:
            return TimingAnswer("listed-during", f"listed in {listing_date}: the list's date is not precise enough to "
                                                 f"tell whether that was before the export ({when})")
        return TimingAnswer("listed-during", f"listed on {listing_date}, within the export period {when}: "
                                             "whether it applied depends on the exact shipment date")
    snap = bounds(snapshot_date) if snapshot_date else None
    if snap and snap[1] <= period.start:
        return TimingAnswer("in-force", f"in the snapshot of {snapshot_date}, which stood on the export date ({when})")
    return TimingAnswer("unknown-listing-date",
                        f"found only in a snapshot of {snapshot_date or 'unknown date'}, after the export ({when}), "
                        "and the list gives no listing date: cannot tell whether it was listed then")
