"""Was a listing in force on a date (or during a period)? One rule for every caller.

``exportcheck screen --as-of``, :func:`exportcheck.load` with ``as_of`` and the claims engine all ask
this question; they used to answer it three ways (string prefixes in two places, calendar bounds in a
third), which disagreed on partial dates and on the end date itself. This module is the one answer:

* a listing applies from its ``listing_date`` and no longer applies on its ``end_date`` (the day a
  listing was lifted is the first day it no longer binds);
* a partial date ("2021", "2021-06") is the whole year or month: a listing "in 2024" may or may not
  have applied on 5 Feb 2024, and the answer says so (``listed-during``) instead of guessing;
* an empty listing date means the source does not say (the compact CSL keeps no dates): ``undated``,
  which callers must report, never silently treat as "in force" or "not in force".
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from exportcheck.errors import InputError

if TYPE_CHECKING:  # only in_force_mask needs it
    import pandas as pd

Relation = Literal["in-force", "listed-after", "listed-during", "removed-before", "removed-during", "undated"]
#: Relations where the listing certainly did not apply on any day of the period.
NOT_IN_FORCE: frozenset[str] = frozenset({"listed-after", "removed-before"})

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@lru_cache(maxsize=65536)
def bounds(value: str) -> tuple[date, date] | None:
    """The first and last day a (possibly partial) ISO date can mean; None for an empty or unreadable one.

    ``"2024-05-14"`` → (2024-05-14, 2024-05-14); ``"2024-05"`` → (2024-05-01, 2024-05-31); ``"2024"`` →
    the whole year. A time part ("2024-05-14T00:00:00") is ignored.
    """
    match = _PARTIAL.match((value or "").strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, day), date(year, month, day)
    except ValueError:
        return None


def listing_relation(listing_date: str, end_date: str, start: date, end: date | None = None) -> Relation:
    """How a listing stood against the day ``start`` (or the period ``start``..``end``).

    * ``in-force``: it certainly applied from before the period and was not lifted during it;
    * ``listed-after`` / ``removed-before``: it certainly did not apply on any day of the period;
    * ``listed-during`` / ``removed-during``: it began or ended within the period, or its date is too
      coarse to tell — whether it applied depends on the exact day;
    * ``undated``: the source gives no listing date.
    """
    last = end or start
    ended = bounds(end_date) if end_date else None
    if ended and ended[1] <= start:
        return "removed-before"
    listed = bounds(listing_date) if listing_date else None
    if listed is None:
        return "undated"
    if listed[0] > last:
        return "listed-after"
    if listed[1] <= start:
        if ended and ended[0] <= last:
            return "removed-during"
        return "in-force"
    return "listed-during"


def as_date(value: date | str | None, what: str = "date") -> date | None:
    """A date a user gave (a date, ISO text or nothing) as a date: None for nothing, one message for bad text.

    Why one function: every ``--as-of`` of the CLI, the Python API and the server read this the same way, and a
    date that is no date must be a one-line :class:`InputError` naming ``what`` (the option or field), never a
    traceback. Full dates only: an "as of" is a day (a partial date is a period, :func:`bounds`).
    """
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what} {value!r}: not a date (use YYYY-MM-DD)") from None


def in_force(listing_date: str, end_date: str, when: date) -> bool:
    """Whether a listing may have applied on ``when``: False only where its dates show it did not.

    Undated listings and those whose partial date covers ``when`` are kept (True); callers that filter
    with this must say that such dates could not be checked.
    """
    return listing_relation(listing_date or "", end_date or "", when) not in NOT_IN_FORCE


def in_force_mask(frame: pd.DataFrame, when: date) -> pd.Series:
    """:func:`in_force` for every row of a table with ``listing_date`` and ``end_date`` columns.

    Each distinct pair of dates is decided once by :func:`in_force` itself, so a table and a single row
    can never disagree.
    """
    import pandas as pd

    listed = frame["listing_date"].fillna("").astype(str).tolist()
    ended = frame["end_date"].fillna("").astype(str).tolist()
    decided: dict[tuple[str, str], bool] = {}
    out = []
    for pair in zip(listed, ended, strict=True):
        value = decided.get(pair)
        if value is None:
            value = decided[pair] = in_force(pair[0], pair[1], when)
        out.append(value)
    return pd.Series(out, index=frame.index, dtype=bool)
