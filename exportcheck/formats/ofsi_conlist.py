"""Parser for OFSI's (formerly HM Treasury's) Consolidated List, ``ConList``: CSV (to 2022) and XLSX (2022 on).

Source: https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.xlsx (and the older
``ConList.csv`` / ``sanctionsconlist.csv``); SOURCES.md, "Third gathering pass". The list has one row
per *name*: a party with three aliases is four rows sharing a ``Group ID``, and a name repeated with
another date of birth is another row. This parser returns one entity per Group ID with every name,
date of birth, nationality, address and regime its rows carry.

Shapes: the CSV is cp1252 (not UTF-8), row 1 ``Last Updated,DD/MM/YYYY`` (padded with empty fields in
2018), row 2 a 29-column header, Alias Type ``Prime Alias``/``AKA``/``FKA``. The XLSX has one sheet
``Data``, every cell a string, the same first row and a 36-column header that adds the name in
non-Latin script, passport and national-id numbers, ``Alias Quality`` and ``UK Sanctions List Date
Designated``; its Alias Types are ``Primary name``/``Primary name variation``/``AKA``/``FKA``, and
``Other Information`` packs the UK Sanctions List reference (``(UK Sanctions List Ref):RUS0001``).
Dates are ``DD/MM/YYYY`` with ``00`` for an unknown day or month. Names: ``Name 6`` is the surname (or
the whole name of an entity or ship), ``Name 1``-``5`` the given names, as OFSI's guidance says.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from exportcheck.errors import ParseError
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.common import clean, country_code, partial_date, to_date
from exportcheck.formats.xlsx import read_rows
from exportcheck.model import Address, Alias, Entity, EntitySchema, Identifier

CSV_COLUMNS = 29
XLSX_COLUMNS = 36
REQUIRED = ("Name 6", "Name 1", "Group Type", "Alias Type", "Regime", "Listed On", "Group ID")
SCHEMAS: dict[str, EntitySchema] = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
#: Alias Type → (is the primary name, alias type written on the other names).
ALIAS_TYPES = {"prime alias": (True, "aka"), "primary name": (True, "aka"), "primary name variation": (False, "aka"),
               "aka": (False, "aka"), "fka": (False, "fka")}
QUALITY = {"good quality": "strong", "low quality": "weak"}
_UK_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_UKSL_REF = re.compile(r"\(UK Sanctions List Ref\):\s*([A-Z]{2,4}\d{3,5})")
_NUMBERED = re.compile(r"(?:^|\s)\(?\d{1,2}\)\s*")
_NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
_ADDRESS_COLUMNS = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6", "Post/Zip Code",
                    "Country")
_ID_COLUMNS = ("Passport Number", "Passport Details", "National Identification Number",
               "National Identification Details", "NI Number")


@lru_cache(maxsize=8192)
def uk_date(text: str | None) -> str:
    """``DD/MM/YYYY`` → ISO, keeping only the known precision (``00/00/1980`` → ``1980``, ``00/05/1980`` → ``1980-05``)."""
    value = clean(text)
    match = _UK_DATE.match(value)
    if not match:
        return partial_date(value)
    day, month, year = match.groups()
    if month == "00":
        return partial_date(year)
    return partial_date(f"{year}-{month}" if day == "00" else f"{year}-{month}-{day}")


def numbered(text: str) -> list[str]:
    """``1) Saudi Arabia 2) Qatar`` or ``(1) Germany. (2) Morocco`` → the values; an unnumbered cell is one value."""
    parts = [clean(p).rstrip(".,;").strip() for p in _NUMBERED.split(text or "")]
    return [p for p in parts if p]


@dataclass
class _Group:
    """Everything the rows of one Group ID say, gathered before the entity is built."""

    group_id: str
    schema: EntitySchema
    first_line: int
    names: list[tuple[str, bool, str, str]] = field(default_factory=list)  # name, primary, type, quality
    regimes: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    designated: list[str] = field(default_factory=list)
    births: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    addresses: dict[str, Address] = field(default_factory=dict)
    identifiers: dict[tuple[str, str], Identifier] = field(default_factory=dict)
    facts: list[str] = field(default_factory=list)


def _rows(path: Path, sid: str) -> tuple[list[list[str]], int]:
    """The file's rows as strings, and the number of header columns its shape must have."""
    if path.suffix.lower() == ".xlsx":
        _sheet, rows = read_rows(path, sid, "Data")
        return rows, XLSX_COLUMNS
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ParseError(sid, f"{path.name}: not cp1252 text at byte {exc.start}") from exc
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))), CSV_COLUMNS


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """One entity per Group ID; ``entity_id`` = ``<source>:<Group ID>`` (OFSI's id, stable across editions)."""
    (path,) = paths
    sid = ctx.source_id
    rows, width = _rows(path, sid)
    if len(rows) < 2 or clean(rows[0][0] if rows[0] else "") != "Last Updated":
        raise ParseError(sid, f"{path.name}: row 1 is not 'Last Updated,<date>' (not an OFSI ConList file?)")
    header = [clean(h) for h in rows[1]]
    while header and not header[-1]:
        header.pop()
    missing = [c for c in REQUIRED if c not in header]
    if missing or len(header) != width:
        raise ParseError(sid, f"{path.name}: header has {len(header)} columns (expected {width}); "
                              f"missing {', '.join(missing) or 'none'}")
    groups: dict[str, _Group] = {}
    warnings: list[str] = []
    for offset, row in enumerate(rows[2:], start=3):
        # only the filled cells, cleaned (most of a row's 29-36 cells are empty); missing ones read as "".
        # strict=False: an XLSX row stops at its last filled cell, and a CSV row's width is checked below
        cells = {name: " ".join(value.split()) for name, value in zip(header, row, strict=False)
                 if value and not value.isspace()}
        if not cells:
            continue
        if len(row) < width and path.suffix.lower() != ".xlsx":
            raise ParseError(sid, f"{path.name} line {offset}: {len(row)} fields, expected {width} (truncated file?)")
        _add_row(groups, cells, offset, path.name, sid)
    records = [_entity(g, ctx) for g in groups.values()]
    stated = uk_date(rows[0][1] if len(rows[0]) > 1 else "")
    return Parsed(records=records, data_date=to_date(stated),
                  data_date_basis="file (Last Updated)" if stated else "filename", warnings=warnings)


def _add_row(groups: dict[str, _Group], cells: dict[str, str], line: int, file_name: str, sid: str) -> None:
    group_id = cells.get("Group ID", "")
    if not group_id:
        raise ParseError(sid, f"{file_name} line {line}: row without a Group ID")
    kind = cells.get("Group Type", "").lower()
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise ParseError(sid, f"{file_name} line {line}: unknown Group Type {cells.get('Group Type', '')!r}")
    group = groups.setdefault(group_id, _Group(group_id, schema, line))
    alias_type = cells.get("Alias Type", "").lower()
    if alias_type not in ALIAS_TYPES:
        raise ParseError(sid, f"{file_name} line {line}: unknown Alias Type {cells.get('Alias Type', '')!r}")
    primary, typ = ALIAS_TYPES[alias_type]
    name = " ".join(cells[c] for c in _NAME_COLUMNS if c in cells)
    quality = QUALITY.get(cells.get("Alias Quality", "").lower(), "")
    if name:
        group.names.append((name, primary, typ, quality))
    if cells.get("Name Non-Latin Script"):
        script = " ".join(p for p in (cells.get("Non-Latin Script Type", ""), cells.get("Non-Latin Script Language", ""))
                          if p)
        group.names.append((cells["Name Non-Latin Script"], False, "original-script", ""))
        if script:
            group.facts.append(f"non-Latin script: {script}")
    for target, value in ((group.regimes, cells.get("Regime", "")), (group.listed, uk_date(cells.get("Listed On", ""))),
                          (group.designated, uk_date(cells.get("UK Sanctions List Date Designated", ""))),
                          (group.births, uk_date(cells.get("DOB", "")))):
        if value and value not in target:
            target.append(value)
    for nationality in numbered(cells["Nationality"]) if "Nationality" in cells else ():
        if nationality not in group.nationalities:
            group.nationalities.append(nationality)
    if any(c in cells for c in _ADDRESS_COLUMNS):
        address = _address(cells)
        group.addresses.setdefault(address.full, address)
    for column in _ID_COLUMNS:
        if cells.get(column):
            group.identifiers.setdefault((column, cells[column]), Identifier(type=column, value=cells[column]))
    for ref in _UKSL_REF.findall(cells["Other Information"]) if "Other Information" in cells else ():
        group.identifiers.setdefault(("UK Sanctions List Ref", ref), Identifier(type="UK Sanctions List Ref", value=ref,
                                                                                country="GB"))
    for label in ("Title", "Position", "Town of Birth", "Country of Birth", "Other Information"):
        if cells.get(label):
            fact = f"{label.lower()}: {cells[label]}"
            if fact not in group.facts:
                group.facts.append(fact)


def _address(cells: dict[str, str]) -> Address:
    lines = [cells.get(f"Address {i}", "") for i in range(1, 7)]
    postal, country_name = cells.get("Post/Zip Code", ""), cells.get("Country", "")
    full = ", ".join(p for p in (*lines, postal, country_name) if p)
    return Address(full=full, street=", ".join(p for p in lines[:-1] if p), city=lines[5] if lines[5] else "",
                   postal_code=postal, country=country_code(country_name) if country_name else "",
                   country_name=country_name)


def _entity(group: _Group, ctx: ParseContext) -> Entity:
    names = group.names
    if not names:
        raise ParseError(ctx.source_id, f"Group ID {group.group_id} (line {group.first_line}) has no name")
    main = next((n for n in names if n[1]), names[0])[0]
    aliases: list[Alias] = []
    seen = {main}
    for name, _primary, typ, quality in names:
        if name not in seen:
            seen.add(name)
            aliases.append(Alias(name=name, type=typ, quality=quality))  # type: ignore[arg-type]
    nationality_codes = sorted({c for c in (country_code(n) for n in group.nationalities) if c})
    countries = sorted({a.country for a in group.addresses.values() if a.country} | set(nationality_codes))
    facts = list(group.facts)
    if group.designated:
        facts.insert(0, f"UK Sanctions List date designated: {', '.join(sorted(group.designated))}")
    unplaced = [n for n in group.nationalities if not country_code(n)]
    if unplaced:
        facts.append(f"nationality as written: {'; '.join(unplaced)}")
    return Entity(
        entity_id=f"{ctx.source_id}:{group.group_id}",
        source=ctx.source_id,
        list=ctx.list_label or "UK consolidated list",
        schema=group.schema,
        name=main,
        aliases=aliases,
        addresses=list(group.addresses.values()),
        countries=countries,
        identifiers=list(group.identifiers.values()),
        programs=group.regimes,
        listing_date=min(group.listed) if group.listed else "",
        remarks="; ".join(facts),
        birth_dates=group.births,
        nationalities=nationality_codes,
        raw_id=group.group_id,
    )
