"""The one dated table of legal facts: every legal date exportcheck uses, with its citation and status.

Why one table: the same question ("which Annex I applied on 1 June 2022?") used to get two answers,
one from ``controls`` and one from ``claims``, because each wrote its own dates. The facts now live in
``timeline.yaml`` beside this module (package data), validated here once; ``controls`` and ``claims``
read them through this small API, and a test checks that no other module writes a legal date.

API:

- :func:`fact` ``(key) -> Fact``: one fact by key (``KeyError`` naming the known keys if absent).
- :func:`facts` ``() -> tuple[Fact, ...]``: every fact, in file order.
- :func:`editions` ``(regime) -> tuple[Edition, ...]``: the editions of a regime's control list, oldest first.
- :func:`edition_in_force` ``(regime, when) -> Edition | None``: the edition that applied on ``when``
  (``None`` before the first one, or for a regime without an edition table).
- :func:`editions_during` ``(regime, start, end) -> list[Edition]``: every edition that applied on some day.

A fact whose date was not read in a primary text has ``confirmed=False``; :meth:`Fact.label` and
:meth:`Fact.cite` add :data:`UNCONFIRMED` so every output that names it says so. Nothing here is legal
advice. To add a fact, see the comment at the top of ``timeline.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from exportcheck.errors import ConfigError

__all__ = ["UNCONFIRMED", "Edition", "Fact", "edition_in_force", "editions", "editions_during", "fact", "facts",
           "load_timeline"]

#: Appended to the name or citation of a fact whose date/citation was not read in a primary text.
UNCONFIRMED = " (not confirmed from the primary text)"
#: The control list whose editions answer "which version applied" for a regime.
SERIES_OF_REGIME = {"eu": "eu-annex-i"}
TIMELINE_FILE = "timeline.yaml"
_PLACE = re.compile(r"^(?:[A-Z]{2}(?:-[A-Z0-9]{1,3})?|[A-E]:\d)$")


class Fact(BaseModel):
    """One dated legal fact: a rule, an act, or one edition of a control list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    kind: Literal["rule", "edition"] = "rule"
    series: str = ""
    regime: str = Field(min_length=2)
    title: str = Field(min_length=3)
    citation: str = Field(min_length=3)
    url: str = ""
    celex: str = ""
    start: date | None = None
    end: date | None = None
    held: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    scope: str = ""
    confirmed: bool
    note: str = Field(min_length=10)

    @field_validator("held", mode="before")
    @classmethod
    def _held_as_text(cls, value: object) -> object:
        """YAML reads ``02021R0821-20230526`` as text but a bare number as int: held ids are always text."""
        return tuple(str(v) for v in value) if isinstance(value, list | tuple) else value

    @field_validator("countries", mode="before")
    @classmethod
    def _quoted(cls, value: object) -> object:
        if isinstance(value, list) and any(isinstance(c, bool) for c in value):
            raise ValueError("quote the country codes (YAML reads a bare NO as false)")
        return value

    @field_validator("countries")
    @classmethod
    def _iso2(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [c for c in value if not _PLACE.match(c)]
        if bad:
            raise ValueError(f"countries must be ISO-2 codes, ISO 3166-2 regions (UA-43) or EAR country groups "
                             f"(D:5), not {bad}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Fact:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.kind == "edition":
            if not self.series or self.start is None:
                raise ValueError("an edition needs a series and a start date")
            if self.end is not None:
                raise ValueError("an edition ends the day before the next edition of its series starts: no end")
        elif self.series or self.held:
            raise ValueError("series and held are for editions (kind: edition) only")
        return self

    def in_force(self, when: date) -> bool:
        """Whether the fact applied on ``when`` (an undated fact always does; editions: see :class:`Edition`)."""
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)

    def label(self) -> str:
        """The title, marked where the date or citation is not confirmed from the primary text."""
        return self.title + ("" if self.confirmed else UNCONFIRMED)

    def cite(self) -> str:
        """The citation, marked where not confirmed from the primary text."""
        return self.citation + ("" if self.confirmed else UNCONFIRMED)


@dataclass(frozen=True)
class Edition:
    """One edition of a control list with the last day it applied (the day before the next edition)."""

    fact: Fact
    until: date | None = None

    @property
    def key(self) -> str:
        return self.fact.key

    @property
    def title(self) -> str:
        return self.fact.title

    @property
    def start(self) -> date:
        assert self.fact.start is not None  # validated: every edition has a start
        return self.fact.start

    @property
    def held(self) -> tuple[str, ...]:
        return self.fact.held

    @property
    def confirmed(self) -> bool:
        return self.fact.confirmed

    def in_force(self, when: date) -> bool:
        return self.start <= when and (self.until is None or when <= self.until)

    def label(self) -> str:
        return self.fact.label()

    def span(self) -> str:
        """``in force from 2022-01-07 until 2023-01-11`` (until omitted for the current edition)."""
        return f"in force from {self.start.isoformat()}" + (f" until {self.until.isoformat()}" if self.until else "")

    def describe(self) -> str:
        """Title and span, the one sentence ``control show`` and ``verify`` both use to name an edition."""
        return f"{self.label()}, {self.span()}"


class Timeline(BaseModel):
    """The whole file: a list of facts with unique keys and, per series, editions with distinct starts."""

    model_config = ConfigDict(extra="forbid")

    facts: list[Fact]

    @model_validator(mode="after")
    def _unique(self) -> Timeline:
        seen: set[str] = set()
        for f in self.facts:
            if f.key in seen:
                raise ValueError(f"duplicate key {f.key!r}")
            seen.add(f.key)
        starts: dict[str, set[date]] = {}
        for f in self.facts:
            if f.kind == "edition" and f.start is not None:
                if f.start in starts.setdefault(f.series, set()):
                    raise ValueError(f"two editions of {f.series} start on {f.start}")
                starts[f.series].add(f.start)
        return self


def load_timeline(text: str | None = None) -> Timeline:
    """Parse and validate the table (the packaged file unless ``text`` is given): one-line errors."""
    if text is None:
        text = resources.files(__package__).joinpath(TIMELINE_FILE).read_text("utf-8")
    try:
        raw = yaml.safe_load(text)
        return Timeline.model_validate(raw)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{TIMELINE_FILE}: not valid YAML ({exc.__class__.__name__})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{TIMELINE_FILE}: {where}: {first['msg']}") from exc


@cache
def _table() -> tuple[dict[str, Fact], dict[str, tuple[Edition, ...]]]:
    timeline = load_timeline()
    by_key = {f.key: f for f in timeline.facts}
    series: dict[str, list[Fact]] = {}
    for f in timeline.facts:
        if f.kind == "edition":
            series.setdefault(f.series, []).append(f)
    built: dict[str, tuple[Edition, ...]] = {}
    for name, group in series.items():
        group.sort(key=lambda f: f.start or date.min)
        starts = [f.start for f in group[1:] if f.start is not None]  # validated: every edition has a start
        built[name] = tuple(Edition(f, starts[i] - timedelta(days=1) if i < len(starts) else None)
                            for i, f in enumerate(group))
    return by_key, built


def facts() -> tuple[Fact, ...]:
    """Every fact in the table, in file order."""
    return tuple(_table()[0].values())


def fact(key: str) -> Fact:
    """The fact ``key``; a ``KeyError`` that names the known keys if it is absent."""
    by_key = _table()[0]
    if key not in by_key:
        raise KeyError(f"no legal fact {key!r} in {TIMELINE_FILE}; known: {', '.join(sorted(by_key))}")
    return by_key[key]


def editions(regime: str) -> tuple[Edition, ...]:
    """The editions of ``regime``'s control list, oldest first (empty where the table has none)."""
    series = SERIES_OF_REGIME.get(regime, regime)
    return _table()[1].get(series, ())


def edition_in_force(regime: str, when: date) -> Edition | None:
    """The edition of ``regime``'s list that applied on ``when``; ``None`` before the first edition."""
    return next((e for e in editions(regime) if e.in_force(when)), None)


def editions_during(regime: str, start: date, end: date) -> list[Edition]:
    """Every edition that applied on at least one day of ``start``..``end``."""
    return [e for e in editions(regime) if e.start <= end and (e.until is None or e.until >= start)]
