"""The claims file: what a company said about an export, pinned to checkable facts.

A claims file (YAML or JSON, see ``examples/``) holds a title, defaults shared by its claims (the
exporter) and a list of claims. Each claim quotes a statement (``text``) and pins the facts it is
about — the export date or period, the exporter, the destination, the parties with all their name
variants, the item — because the decision procedure in ``shared/DOMAIN.md`` can only be applied to
facts, never to a sentence. ``exportcheck schema claims`` publishes the JSON Schema of
:class:`ClaimsFile`.

Dates are parsed here, not by YAML: a claims file may give ``2024-02-05``, ``2024-02`` or ``2024``
(a month or year stands for the whole period) or ``{from: ..., to: ...}``; an impossible date such
as ``2024-13-01`` is reported with the field that holds it.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from exportcheck.countries import country_hint
from exportcheck.errors import InputError
from exportcheck.regions import region_code

ClaimKind = Literal[
    "no-licence-required",
    "party-not-listed",
    "item-not-controlled",
    "sanctions-compliant",
    "customer-judgement",
]
#: What each kind asserts, in the words reports use.
KIND_MEANING: dict[str, str] = {
    "no-licence-required": "the export of this item to these parties needed no licence",
    "party-not-listed": "these parties are on none of the given lists",
    "item-not-controlled": "this item is not on the given regimes' control lists",
    "sanctions-compliant": "no party to the export is sanctioned",
    "customer-judgement": "the supplier could not itself judge whether the customer falls under an export-control regime",
}
Role = Literal["consignee", "end-user", "intermediary", "purchaser", "other"]
Regime = Literal["eu", "nl", "us"]
UsContent = Literal["yes", "no", "unknown"]

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class _Strict(BaseModel):
    """Unknown fields are errors: a typo such as ``destiantion`` must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def parse_claim_date(value: Any, *, end: bool = False) -> date:
    """One calendar day from an ISO date or a partial ``YYYY`` / ``YYYY-MM`` (its first or last day).

    Raises ``ValueError("invalid date '...'")`` so the loader can name the field.
    """
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _ISO_PARTIAL.match(text)
    if not match:
        raise ValueError(f"invalid date {text!r} (use YYYY-MM-DD, YYYY-MM or YYYY)")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        if month is None:
            return date(year, 12, 31) if end else date(year, 1, 1)
        if day is None:
            return date(year, month, monthrange(year, month)[1] if end else 1)
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"invalid date {text!r}") from None


class Period(_Strict):
    """The day or days an export happened; ``exact`` is False for a period (a month, a year, a range).

    Why keep periods: the news report says "in 2024"; a party listed on 14 May 2024 was listed during
    that period, which is neither a contradiction nor a clean bill of health.
    """

    start: date = Field(alias="from")
    end: date = Field(alias="to")
    written: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"'to' ({self.end}) is before 'from' ({self.start})")
        return self

    @property
    def exact(self) -> bool:
        return self.start == self.end

    def label(self) -> str:
        if self.written:
            return self.written
        return self.start.isoformat() if self.exact else f"{self.start.isoformat()} to {self.end.isoformat()}"

    @classmethod
    def parse(cls, value: Any) -> Period:
        """``2024-02-05`` | ``2024-02`` | ``2024`` | ``{from, to}`` (either bound may be partial)."""
        if isinstance(value, Period):
            return value
        if isinstance(value, dict):
            unknown = set(value) - {"from", "to", "start", "end"}
            if unknown:
                raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))} (use 'from' and 'to')")
            low = value.get("from", value.get("start"))
            high = value.get("to", value.get("end"))
            if low is None or high is None:
                raise ValueError("a period needs both 'from' and 'to'")
            return cls.model_validate({"from": parse_claim_date(low), "to": parse_claim_date(high, end=True)})
        text = value.isoformat() if isinstance(value, date) else str(value).strip()
        return cls.model_validate({"from": parse_claim_date(text), "to": parse_claim_date(text, end=True),
                                   "written": text})


class Exporter(_Strict):
    name: str
    country: str = Field(default="", description="The exporting country: ISO-2 code (NL), three-letter code or name; "
                         "read as ISO-2")

    @field_validator("country")
    @classmethod
    def _iso2(cls, value: str) -> str:
        return _iso2(value)


class Party(_Strict):
    """A party to the export, with every name variant known (lists spell names differently)."""

    name: str
    aliases: list[str] = Field(default_factory=list, description="Other names: abbreviations, native script, former names")
    country: str = Field(default="", description="ISO-2 code (CN), three-letter code or name; read as ISO-2")
    role: Role = "end-user"
    parent: str = Field(default="", description="Parent company, screened for red flags only: ownership does not propagate")
    distinct_from: list[str] = Field(default_factory=list, description="Similar names of DIFFERENT organisations, "
                                     "screened and reported so that their listings are not mistaken for this party's")

    @field_validator("country")
    @classmethod
    def _iso2(cls, value: str) -> str:
        return _iso2(value)

    def names(self) -> list[str]:
        seen: list[str] = []
        for name in [self.name, *self.aliases]:
            if name.strip() and name.strip() not in seen:
                seen.append(name.strip())
        return seen


class ControlCode(_Strict):
    """A control-list code the exporter (or a reporter) gives for the item, with its regime.

    The regime is required because the same string means different things: EU 3B001 is not US 3B001
    and neither is Dutch 3B001.l (DOMAIN.md, trap 2). ``EAR99`` and ``not-listed`` state that the
    item is on no list of that regime.
    """

    regime: Regime
    code: str

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            regime, sep, code = value.partition(":")
            if not sep:
                raise ValueError(
                    f"give the regime of {value!r}, e.g. 'eu:{value}' (the same code means different things "
                    "in the EU, US and Dutch lists)")
            return {"regime": regime.strip().lower(), "code": code.strip()}
        return value

    @property
    def states_unlisted(self) -> bool:
        return self.code.strip().upper() in {"EAR99", "NOT-LISTED", "NONE", "NLR"}

    def label(self) -> str:
        return f"{self.regime.upper()} {self.code}"


_DATE_TEXT = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
              "description": "YYYY-MM-DD, or YYYY-MM / YYYY for the whole month or year"}
DATE_SCHEMA = WithJsonSchema({"anyOf": [
    _DATE_TEXT,
    {"type": "object", "additionalProperties": False, "required": ["from", "to"],
     "properties": {"from": _DATE_TEXT, "to": _DATE_TEXT}},
    {"type": "null"},
]})
CODE_SCHEMA = WithJsonSchema({"anyOf": [
    {"type": "string", "pattern": r"^(eu|nl|us):\S+$", "description": "regime:code, e.g. eu:3B001.f or us:EAR99"},
    {"type": "object", "additionalProperties": False, "required": ["regime", "code"],
     "properties": {"regime": {"enum": ["eu", "nl", "us"]}, "code": {"type": "string"}}},
]})


class Item(_Strict):
    description: str = ""
    part_number: str = ""
    parent_machine: str = Field(default="", description="The machine the part belongs to, e.g. 'TWINSCAN NXT:1980i'")
    control_codes: list[Annotated[ControlCode, CODE_SCHEMA]] = Field(default_factory=list, description="Codes claimed, each with its regime ('eu:3B001.f')")
    us_content: UsContent = "unknown"
    parameters: dict[str, str | float] = Field(
        default_factory=dict,
        description="Technical parameters as stated, each with its unit: {wavelength: '193 nm', numerical_aperture: 1.35, "
                    "dedicated_chuck_overlay: '1.3 nm'}. Compared with the entries' criteria; numbers in the description "
                    "are read too and reported as such.")


class Authority(_Strict):
    """An authority's decision the claim rests on (a licence, a ruling that no licence is needed)."""

    body: str = Field(description="e.g. 'CDIU (Dutch Customs, Central Import and Export Service)'")
    decision: str = Field(default="", description="What was decided, as published or shown")
    reference: str = Field(default="", description="Licence or ruling number, or where it is published")
    date: str = ""


class Claim(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
    kind: ClaimKind
    text: str = Field(default="", description="The statement, quoted as made")
    said_by: str = Field(default="", description="Who made the statement, where and when")
    lang: str = ""
    date: Annotated[Period | None, DATE_SCHEMA] = Field(default=None, description="Export date, or {from, to} for a period")
    exporter: Exporter | None = None
    destination: str = Field(default="", description="ISO-2, or ISO 3166-2 for a region the law treats apart (UA-43 Crimea)")
    parties: list[Party] = Field(default_factory=list)
    item: Item | None = None
    lists: list[str] = Field(default_factory=list, description="Source ids to screen against (default: all)")
    regimes: list[Regime] = Field(default_factory=list, description="Control regimes to check (default: eu, nl, us)")
    authority: Authority | None = None
    notes: str = ""

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return None if value in (None, "") else Period.parse(value)

    @field_validator("destination")
    @classmethod
    def _dest(cls, value: str) -> str:
        # a region ("Crimea", "UA-43") kept as its ISO 3166-2 code: the EAR's Part 746.6 embargo is on the region,
        # not on Ukraine, and the US licence determination reads the code; read as that determination reads it
        # (exportcheck.regions), so "West Bank" is PS here too
        return region_code(value) or _iso2(value)


class ClaimsFile(_Strict):
    title: str = ""
    source: str = Field(default="", description="Where the statements come from")
    exporter: Exporter | None = Field(default=None, description="Default exporter for every claim")
    claims: list[Claim] = Field(min_length=1)

    @model_validator(mode="after")
    def _defaults_and_ids(self) -> ClaimsFile:
        seen: set[str] = set()
        for i, claim in enumerate(self.claims):
            if claim.id in seen:
                raise ValueError(f"claims[{i}].id: duplicate id {claim.id!r}")
            seen.add(claim.id)
            if claim.exporter is None and self.exporter is not None:
                claim.exporter = self.exporter
        return self


def _iso2(value: str) -> str:
    """A country as ISO-2: the code, a three-letter code or a name ("CHN", "China"), read as every hint is
    (:func:`exportcheck.countries.country_hint`), so a party's country compares with the lists' codes."""
    try:
        return country_hint(value) or ""
    except InputError:
        raise ValueError(f"invalid country {value.strip()!r} (use an ISO-2 code such as CN or NL, or a country name)") from None
