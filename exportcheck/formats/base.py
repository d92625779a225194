"""What every parser returns and the little it is told about the list it parses.

Parsers sit below sources: they import nothing from the source declarations and hard-code no source
id. A source's declaration names its parsers and hands each a :class:`ParseContext` (zavod gives its
crawlers a ``context`` the same way), so one format serves several lists (OFAC's SDN and non-SDN files,
the nsfreg copies of five US lists) without wrappers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from exportcheck.errors import RecordSkipped
from exportcheck.model import ControlEntry, Entity

if TYPE_CHECKING:  # not imported at run time: screening imports this module and needs no pandas
    import pandas as pd

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class ParseContext:
    """Who is being parsed: the source id that prefixes entity ids and the list's label in records."""

    source_id: str
    list_label: str = ""


@dataclass
class Parsed:
    """What a parser returns: the normalised records plus what the file says about itself."""

    records: Sequence[Entity] | Sequence[ControlEntry]
    data_date: date | None = None
    data_date_basis: str = "file"
    extra_tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


#: A parser: the files of one set (primary first, companions after) and the context → records.
ContextParseFn = Callable[[Sequence[Path], ParseContext], Parsed]


@dataclass
class Skips:
    """The records a parser skipped, reported in ``Parsed.warnings`` with their count (nothing is dropped silently).

    Why a split: a file that is broken as a whole (truncated, a record without its id) aborts its source
    with :class:`~exportcheck.errors.ParseError`; one record that cannot be used (listed without a name,
    so nothing can match it) raises :class:`~exportcheck.errors.RecordSkipped`, and the rest of the list
    is still published (nomenklatura's EnrichmentException / EnrichmentAbort).
    """

    reasons: list[str] = field(default_factory=list)

    def attempt(self, build: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """``build(*args, **kwargs)``, or ``None`` when it raised :class:`RecordSkipped` (counted, with its reason)."""
        try:
            return build(*args, **kwargs)
        except RecordSkipped as exc:
            self.reasons.append(str(exc))
            return None

    def warnings(self) -> list[str]:
        if not self.reasons:
            return []
        shown = "; ".join(self.reasons[:3]) + ("; ..." if len(self.reasons) > 3 else "")
        return [f"{len(self.reasons)} record(s) skipped: {shown}"]
