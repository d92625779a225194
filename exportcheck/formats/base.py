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

import pandas as pd

from exportcheck.model import ControlEntry, Entity


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
