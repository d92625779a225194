"""How a source is declared: its metadata (:class:`SourceSpec`) and the file formats it can read.

A source module (``exportcheck/sources/<id>.py``) defines one ``SOURCE = Source(spec=..., formats=[...])``:
what the list is (publisher, legal nature, jurisdiction, FtM topics, effect, count bounds) and which
parsers of :mod:`exportcheck.formats` read its files. Adding a list touches its declaration and its
parser only. Only :mod:`exportcheck.http` touches the network; a parser takes local paths and a
:class:`~exportcheck.formats.base.ParseContext` and returns a :class:`Parsed`, so every parser is
tested on files.

Why formats are separate from sources: one list arrives in several shapes (the official CSV, the
official XML, a third party's JSON copy on an air-gapped mirror); each shape is parsed into the same
normalised records, so the rest of exportcheck never knows which shape was read.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from exportcheck.errors import ConfigError
from exportcheck.formats.base import ContextParseFn, ParseContext, Parsed
from exportcheck.model import SourceKind

#: The legal nature of a list. Only ``sanctions``, ``export-control-end-user`` and
#: ``export-control-items`` can make an export licensable or prohibited by themselves; every other
#: nature is a red flag relevant to what an exporter knew (DOMAIN.md, "Lists that are not export bans").
LegalNature = Literal[
    "sanctions",               # asset freezes and dealing bans (OFAC SDN, EU FSF, UN, UK)
    "export-control-end-user", # end-user licence requirements (Entity List, MEU List)
    "export-control-items",    # control lists of items (Annex I, CCL, Dutch national measures)
    "red-flag",                # designations without a licence effect (1260H, NS-CMIC)
    "import-restriction",      # UFLPA: presumption against imports into the US
    "research-security",       # DoD 1286: a government list restricting research funding
    "research",                # ASPI's tracker: a think tank's research dataset, no legal effect, never a listing
    "procurement",             # government procurement / assistance bans (State nonproliferation)
    "equipment-authorisation", # FCC Covered List
    "foreign-export-control",  # another country's end-user list binding its own exporters (METI)
    "countermeasure",          # China's lists binding exports from China and dealings with listed firms
]


#: The natures whose entries make an export licensable or prohibited by themselves: a hit on one of them can
#: contradict a "no licence required" or "not sanctioned" claim. Every other nature is a red flag.
LISTING_NATURES: frozenset[str] = frozenset({"sanctions", "export-control-end-user", "export-control-items"})

#: How a finding names a hit of each red-flag nature: what it is for the exporter (the effect line of the
#: source says what it does in law). China's lists are the counterparty's exposure, not the exporter's.
RED_FLAG_LABELS: dict[str, str] = {
    "red-flag": "a red flag relevant to awareness, not an export ban",
    "import-restriction": "a red flag relevant to awareness (a US import restriction), not an export ban",
    "research-security": "a red flag relevant to awareness (a research-funding restriction), not an export ban",
    "research": "a red flag from research (no legal effect, not a listing)",
    "procurement": "a red flag relevant to awareness (US procurement and assistance measures), not an EU export ban",
    "equipment-authorisation": "a red flag relevant to awareness (a US equipment-authorisation bar), not an export ban",
    "foreign-export-control": "a red flag relevant to awareness (another country's end-user list, binding its "
                              "own exporters), not an EU export ban",
    "countermeasure": "the counterparty's exposure under Chinese law (binds exports from China and dealings "
                      "with the party), not an EU export ban",
}


def binds_as_listing(nature: str) -> bool:
    """True when an entry of this nature makes an export licensable or prohibited by itself (a listing);
    False for a red flag (relevant to awareness, or the counterparty's exposure)."""
    return nature in LISTING_NATURES


def is_research(nature: str) -> bool:
    """A research dataset (no government designated anyone): being in it is never "being listed"."""
    return nature == "research"


class OfficialFile(BaseModel):
    """A file the publisher serves: ``name`` is what we save it as, ``url`` where it comes from."""

    name: str
    url: str


class SubList(BaseModel):
    """What one sub-list of an aggregated source is in law (a CSL row from the Entity List is not a sanction).

    Records carry their sub-list in ``Entity.list``; :meth:`SourceSpec.nature_of` and friends read this
    table before the source's own declaration.
    """

    nature: LegalNature
    topics: list[str]
    effect: str


class SourceSpec(BaseModel):
    """Declarative description of a public list (zavod's dataset YAML, followthemoney's DatasetModel).

    ``nature``, ``jurisdiction``, ``topics`` and ``effect`` are required: what a list is in law is
    declared here once and read by the claims engine and the FtM export, never re-declared elsewhere.
    ``country_bounds`` (ISO-2 → min, max entities with that country) catch a file whose country column
    broke or that lost a country's rows, which the total count alone would hide (zavod's assertions).
    """

    id: str
    title: str
    publisher: str
    kind: SourceKind
    homepage: str
    nature: LegalNature
    jurisdiction: str  # ISO-2 ("US", "GB", "NL", "JP", "CN") or "EU" / "UN": whose law the list is
    topics: list[str]  # FollowTheMoney topics, e.g. ["sanction"], ["export.control"]
    effect: str  # one line: what being on this list does in law (and what it does not)
    downloads: list[OfficialFile] = Field(default_factory=list)
    formats_published: list[str] = Field(default_factory=list)
    licence: str = ""
    attribution: str = ""
    min_records: int = 1
    max_records: int = 10_000_000
    country_bounds: dict[str, tuple[int, int]] = Field(default_factory=dict)
    mirror_dirs: list[str] = Field(default_factory=list)
    notes: str = ""
    #: The ``list`` value records carry when the file does not name its own sub-list ("Entity List", "SDN").
    list_label: str = ""
    #: Snapshots whose data dates are at most this many days apart hold the same edition of the list (two
    #: copies dating one edition differently: DoD's release date vs its Federal Register publication). Among
    #: them the snapshot of the format with the higher ``Format.fullness`` is read (SnapshotStore.choose).
    same_edition_days: int = Field(default=0, ge=0, le=31)
    #: Sub-lists of an aggregated source (trade.gov's CSL, OFAC's non-SDN lists) by the ``list`` value
    #: records carry; a sub-list not declared here takes the source's own nature.
    sub_lists: dict[str, SubList] = Field(default_factory=dict)

    @property
    def url(self) -> str:
        """The first official download URL, or the homepage when the list is only published as a page."""
        return self.downloads[0].url if self.downloads else self.homepage

    def nature_of(self, list_name: str = "") -> LegalNature:
        """The legal nature of a record of this source on sub-list ``list_name``."""
        sub = self.sub_lists.get(list_name)
        return sub.nature if sub is not None else self.nature

    def topics_of(self, list_name: str = "") -> list[str]:
        """The FtM topics of a record of this source on sub-list ``list_name``."""
        sub = self.sub_lists.get(list_name)
        return list(sub.topics if sub is not None else self.topics)

    def effect_of(self, list_name: str = "") -> str:
        """The one-line legal effect of a record of this source on sub-list ``list_name``."""
        sub = self.sub_lists.get(list_name)
        return sub.effect if sub is not None else self.effect


@dataclass(frozen=True)
class Format:
    """One file shape of a source, and the parser that reads it.

    ``primary`` is a glob that must match one file of a set (``also_primary`` more globs: OFAC's
    ``sdn.csv`` and ``sdn_2024-05-03.csv`` but not ``sdn_comments.csv``, which no single glob says);
    ``companions`` are globs for files that belong to the same set when they carry the same date key in
    their name (OFAC's sdn/add/alt/comments CSVs). ``official`` is False for third-party copies
    (``DERIVED_*``); ``verified`` is False while the parser was only tested on fixtures we wrote, never
    on a real published file.

    ``parse`` is a parser from :mod:`exportcheck.formats`: it takes the files and a
    :class:`~exportcheck.formats.base.ParseContext`. The :class:`Source` a format is declared in fills
    ``context`` from its spec, so the parser never hard-codes which list it reads.
    """

    name: str
    parse: ContextParseFn
    primary: str
    also_primary: tuple[str, ...] = ()
    companions: tuple[str, ...] = ()
    official: bool = True
    verified: bool = True
    parser_version: str = "1"
    min_records: int | None = None  # overrides the source's bounds for this shape (e.g. a partial copy)
    max_records: int | None = None
    #: Overrides the source's per-country bounds for this shape (``{}``: a copy without countries).
    country_bounds: dict[str, tuple[int, int]] | None = None
    context: ParseContext | None = None
    #: How complete this shape is relative to the source's other formats: on the same edition (equal data
    #: dates, or within ``SourceSpec.same_edition_days``) the snapshot of the fuller format is read, whatever
    #: order the files were refreshed in. A partial third-party copy declares a lower value than the full one.
    fullness: int = 0

    def matches_primary(self, name: str) -> bool:
        lowered = name.lower()
        return any(fnmatch.fnmatch(lowered, pat.lower()) for pat in (self.primary, *self.also_primary))

    def matches_companion(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name.lower(), pat.lower()) for pat in self.companions)

    def read(self, paths: Sequence[Path]) -> Parsed:
        """Parse one input set with this format's parser and its source's context."""
        if self.context is None:
            raise ConfigError(f"format {self.name!r} is not declared in a source, so it has no parse context")
        return self.parse(paths, self.context)


@dataclass(frozen=True)
class Source:
    """A declared list and the formats exportcheck can read it in.

    Each format gets the parse context of this source (its id and list label) when the source is built.
    """

    spec: SourceSpec
    formats: tuple[Format, ...] = ()

    def __post_init__(self) -> None:
        context = ParseContext(self.spec.id, self.spec.list_label)
        bound = tuple(f if f.context is not None else replace(f, context=context) for f in self.formats)
        object.__setattr__(self, "formats", bound)  # frozen: set once, while the source is built

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def has_parser(self) -> bool:
        return bool(self.formats)

    @property
    def verified(self) -> bool:
        """True when at least one format was tested on a real published file."""
        return any(f.verified for f in self.formats)

    def official_format(self) -> Format | None:
        return next((f for f in self.formats if f.official), None)

    def format(self, name: str) -> Format:
        """The format called ``name``; a :class:`ConfigError` naming the known formats otherwise."""
        for fmt in self.formats:
            if fmt.name == name:
                return fmt
        raise ConfigError(f"{self.id}: no format {name!r}; formats: {', '.join(f.name for f in self.formats)}")

    def fullness_of(self, format_name: str) -> int:
        """The declared fullness of the format called ``format_name`` (0 for a format no longer declared)."""
        return next((f.fullness for f in self.formats if f.name == format_name), 0)

    def mirror_dir_names(self) -> list[str]:
        return [self.spec.id, *[d for d in self.spec.mirror_dirs if d != self.spec.id]]


_DATE_KEY = re.compile(r"(?<!\d)(\d{4})-?(\d{2})(?:-?(\d{2}))?(?!\d)")


def date_key(filename: str) -> str:
    """The data date written in a file name (``sdn_2024-05-03.csv`` → ``2024-05-03``), or ``""``.

    Why from the name: mirror files are named by the date they hold, and several files of one date
    form one set (OFAC's four CSVs); the parser later reads the date the file itself states.
    """
    found = ""
    for match in _DATE_KEY.finditer(filename):
        year, month, day = match.groups()
        if not (1900 < int(year) < 2200 and 1 <= int(month) <= 12):
            continue
        if day and not 1 <= int(day) <= 31:
            continue
        found = f"{year}-{month}-{day}" if day else f"{year}-{month}"
    return found


def date_from_key(key: str) -> date | None:
    """The first day a partial date key stands for ("2025-12" → 2025-12-01)."""
    if not key:
        return None
    parts = [int(p) for p in key.split("-")]
    return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
