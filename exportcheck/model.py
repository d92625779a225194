"""The normalised records every source is parsed into, and the metadata that travels with them.

Two record kinds exist: :class:`Entity` (a listed party, from entity and sanctions lists) and
:class:`ControlEntry` (one entry of a control list at any depth). Field and schema names follow
followthemoney where they fit (``schema`` uses FtM schema names; ``countries`` are ISO-2 codes;
dates are ISO strings that may be partial, "2021" or "2021-06", as FtM keeps them) so the data can
be exported to FtM without guessing.

Parsers build these models; :mod:`exportcheck.tables` turns lists of them into DataFrames and Parquet
with a fixed Arrow schema, so every snapshot of every source has the same columns.
"""

from __future__ import annotations

import builtins
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EntitySchema = Literal["Organization", "Company", "Person", "Vessel", "Aircraft", "LegalEntity"]
SourceKind = Literal["entities", "controls"]
Regime = Literal["eu", "us", "nl"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Alias(_Record):
    """Another name of a listed party, with the quality the source gives it."""

    name: str
    type: str = "aka"  # aka | fka | nka | original-script | ...
    quality: Literal["strong", "weak", ""] = ""


class Address(_Record):
    """An address as the source states it; ``full`` keeps the whole text, the parts are best effort."""

    full: str = ""
    street: str = ""
    city: str = ""
    postal_code: str = ""
    region: str = ""
    country: str = ""  # ISO-2 (upper case) where known, else ""
    country_name: str = ""  # as written in the source


class Identifier(_Record):
    """A registration number, passport, IMO number, website, ... as the source lists it."""

    type: str
    value: str
    country: str = ""


class Citation(_Record):
    """A legal publication behind a listing: Federal Register notice, OJ reference, UN press release."""

    citation: str
    date: str = ""  # ISO date, possibly partial


class Entity(_Record):
    """One listed party of one list, in the normalised entity schema.

    ``entity_id`` is stable across snapshots (source-prefixed: ``us-csl:…``); ``raw_id`` is the id the
    source itself uses, kept so a user can find the record in the original file.
    """

    entity_id: str
    source: str
    list: str  # the list's name; the field shadows the builtin, hence builtins.list below
    schema_: EntitySchema = Field(alias="schema")
    name: str
    aliases: builtins.list[Alias] = Field(default_factory=builtins.list)
    addresses: builtins.list[Address] = Field(default_factory=builtins.list)
    countries: builtins.list[str] = Field(default_factory=builtins.list)
    identifiers: builtins.list[Identifier] = Field(default_factory=builtins.list)
    programs: builtins.list[str] = Field(default_factory=builtins.list)
    listing_date: str = ""
    end_date: str = ""
    citations: builtins.list[Citation] = Field(default_factory=builtins.list)
    licence_requirement: str = ""
    licence_policy: str = ""
    remarks: str = ""
    parent_name: str = ""
    birth_dates: builtins.list[str] = Field(default_factory=builtins.list)
    nationalities: builtins.list[str] = Field(default_factory=builtins.list)
    flags: builtins.list[str] = Field(default_factory=builtins.list)  # e.g. "lost-characters" where '?' replaced a letter
    source_url: str = ""
    raw_id: str = ""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ControlNote(_Record):
    """A note attached to a control entry: Note, Technical Note, N.B., Decontrol note, ..."""

    kind: str  # "Note", "Technical Note", "N.B.", "Nota", ...
    text: str


class ControlEntry(_Record):
    """One entry of a control list at any depth (``3B001``, ``3B001.f``, ``3B001.f.1.b.2``).

    The same code string can mean different things in different regimes (EU 3B001 ≠ US 3B001), so
    the key is ``(regime, code, valid_from)``, never the code alone.
    """

    entry_id: str  # "<regime>:<code>@<valid_from>"
    regime: Regime
    source: str
    code: str
    parent_code: str = ""
    depth: int = 0
    category: str = ""
    product_group: str = ""
    heading: str = ""
    text: str = ""
    notes: list[ControlNote] = Field(default_factory=list)
    not_used: bool = False
    defined_terms: list[str] = Field(default_factory=list)
    reasons_for_control: list[str] = Field(default_factory=list)
    country_chart: list[str] = Field(default_factory=list)  # e.g. ["NS1", "RS1", "AT1"]
    valid_from: str = ""
    version: str = ""  # e.g. CELEX "02021R0821-20251115"
    partial: bool = False  # the version this entry comes from is only partly held here
    source_url: str = ""


class FileManifest(BaseModel):
    """One raw file of a snapshot."""

    name: str
    sha256: str
    size: int
    url: str = ""


class SnapshotMeta(BaseModel):
    """``meta.json`` of one snapshot folder: everything needed to cite it."""

    source: str
    version: str
    kind: SourceKind
    source_url: str
    retrieved_at: datetime
    data_date: date | None = None
    data_date_basis: str = ""  # where the data date comes from: "file", "filename", "http", "retrieval"
    files: list[FileManifest]
    record_count: int
    alias_count: int = 0
    parser: str
    parser_version: str
    format: str
    verified_on_real_file: bool = True
    warnings: list[str] = Field(default_factory=list)
    tables: list[str] = Field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None


class VersionEntry(BaseModel):
    """One line of ``versions.json``: a run of ``refresh`` for one source."""

    version: str
    retrieved_at: datetime
    data_date: date | None = None
    record_count: int
    sha256: str
    status: Literal["published", "unchanged", "failed"] = "published"
    message: str = ""


class VersionIndex(BaseModel):
    """``versions.json`` of one source: its history and the pointer to the last good snapshot."""

    source: str
    last_successful: str | None = None
    versions: list[VersionEntry] = Field(default_factory=list)
    checks: list[VersionEntry] = Field(default_factory=list)  # runs that published nothing new
