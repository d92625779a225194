"""Parser for OFAC's legacy four-file CSV set: the SDN list (sdn/add/alt/sdn_comments.csv) and the
Consolidated non-SDN list (cons_prim/cons_add/cons_alt/cons_comments.csv).

Source: https://www.treasury.gov/ofac/downloads/sdn.csv (and add/alt/sdn_comments.csv), and
https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv (and cons_add/alt/comments.csv).

Quirks handled: no header row; CRLF; UTF-8 with a cp1252 fallback; a trailing Ctrl-Z (0x1A) byte;
the literal ``-0- `` for null; several programs written as ``A] [B``; Remarks cut at 1,000 characters
with the rest in the comments file (``ent_num,remarks``). Aliases come from alt.csv (OFAC's strong
aliases) plus the weak ``a.k.a. '...'`` names OFAC keeps only in the remarks. The split was checked
against CONS_ENHANCED.XML, which marks quality explicitly: of the names both shapes share, every alt.csv
name is a strong alias there and every remark name a low-quality one (tests/sources/test_ofac_shapes_agree.py). The four files are joined on ``ent_num``
only within one set (the refresh framework groups files of the same date); an address or alias row
whose ``ent_num`` is not in the primary file is reported, since it means the set is mixed up.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from exportcheck.errors import ParseError
from exportcheck.formats import ofac
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.common import clean, country_code
from exportcheck.formats.safeio import decode
from exportcheck.model import Address, Alias, Entity, Identifier

NULL = "-0-"
PRIMARY_COLUMNS = ["ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type", "Tonnage",
                   "GRT", "Vess_flag", "Vess_owner", "Remarks"]
ADD_COLUMNS = ["ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks"]
ALT_COLUMNS = ["ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"]
COMMENT_COLUMNS = ["ent_num", "remarks"]
#: OFAC cuts Remarks at this length and continues them in the comments file.
REMARKS_CUT = 1000
TRUNCATED = "remarks-truncated"
_ALIAS_TYPES = {"aka": "aka", "fka": "fka", "nka": "nka"}
#: Vessel/title columns kept in ``remarks`` as ``label: value`` (no normalised field exists for them).
_REMARK_COLUMNS = {"Title": "title", "Vess_type": "vessel type", "Tonnage": "tonnage", "GRT": "GRT",
                   "Vess_flag": "vessel flag", "Vess_owner": "vessel owner"}


@dataclass(frozen=True)
class Roles:
    """Which file of a set is which, recognised by name prefix (``cons_add`` before ``add``)."""

    primary: Path
    add: Path | None
    alt: Path | None
    comments: Path | None


def roles(paths: Sequence[Path], source_id: str) -> Roles:
    found: dict[str, Path] = {}
    for path in paths:
        name = path.name.lower()
        for role, prefixes in (("comments", ("sdn_comments", "cons_comments")), ("add", ("cons_add", "add")),
                               ("alt", ("cons_alt", "alt")), ("primary", ("cons_prim", "sdn"))):
            if name.startswith(prefixes):
                if role in found:
                    raise ParseError(source_id, f"two {role} files in one set: {found[role].name}, {path.name}")
                found[role] = path
                break
        else:
            raise ParseError(source_id, f"{path.name}: not part of an OFAC legacy CSV set")
    if "primary" not in found:
        raise ParseError(source_id, f"no sdn.csv / cons_prim.csv among {', '.join(p.name for p in paths)}")
    return Roles(found["primary"], found.get("add"), found.get("alt"), found.get("comments"))


def read_rows(path: Path, columns: list[str], source_id: str, warnings: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of one headerless OFAC CSV as dicts, ``-0- `` turned into ``""``, with their line numbers.

    A row with fewer fields than expected is a truncated or foreign file (ParseError); extra fields are
    a format change OFAC made, so they are reported once as a warning rather than silently dropped.
    """
    raw = path.read_bytes()
    if raw.endswith(b"\x1a"):
        raw = raw[:-1]
    elif raw:
        warnings.append(f"{path.name}: no Ctrl-Z (0x1A) end marker, which OFAC's files carry; file may be truncated")
    text = decode(raw, path.name, warnings)
    if "\x1a" in text:
        raise ParseError(source_id, f"{path.name}: Ctrl-Z (0x1A) byte inside the file, not only at its end")
    if text and not text.endswith("\n"):
        raise ParseError(source_id, f"{path.name} line {text.count(chr(10)) + 1}: file ends in the middle of a line "
                                    "(truncated download?)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    extra_reported = False
    try:
        for row in reader:
            if not row or row == [""]:
                continue
            line = reader.line_num
            if len(row) < len(columns):
                raise ParseError(source_id, f"{path.name} line {line}: {len(row)} fields, expected {len(columns)} "
                                            "(truncated or not an OFAC legacy CSV)")
            if len(row) > len(columns) and not extra_reported:
                warnings.append(f"{path.name} line {line}: {len(row) - len(columns)} unknown extra column(s) "
                                f"after {columns[-1]} not read (format changed?)")
                extra_reported = True
            values = {col: ("" if cell.strip() == NULL else cell) for col, cell in zip(columns, row, strict=False)}
            if not values["ent_num"].strip().isdigit():
                raise ParseError(source_id, f"{path.name} line {line}: ent_num {values['ent_num']!r} is not a number")
            yield line, values
    except csv.Error as exc:
        raise ParseError(source_id, f"{path.name} line {reader.line_num}: {exc}") from exc


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """One entity per primary row, with its addresses, aliases and continued remarks joined on ent_num.

    With a ``ctx.list_label`` (the SDN list) every row is on that list; without one (the non-SDN
    ``cons_*`` set) each row's sub-list is derived from its programs.
    """
    source_id = ctx.source_id
    files = roles(paths, source_id)
    warnings: list[str] = []
    primary = list(read_rows(files.primary, PRIMARY_COLUMNS, source_id, warnings))
    known = {row["ent_num"].strip() for _, row in primary}
    if len(known) != len(primary):
        raise ParseError(source_id, f"{files.primary.name}: ent_num repeated; a set must list each entry once")

    def grouped(path: Path | None, columns: list[str]) -> dict[str, list[dict[str, str]]]:
        groups: dict[str, list[dict[str, str]]] = defaultdict(list)
        if path is None:
            return groups
        stray = 0
        for _, row in read_rows(path, columns, source_id, warnings):
            uid = row["ent_num"].strip()
            if uid in known:
                groups[uid].append(row)
            else:
                stray += 1
        if stray:
            warnings.append(f"{path.name}: {stray} row(s) refer to entries not in {files.primary.name}; not joined")
        return groups

    adds = grouped(files.add, ADD_COLUMNS)
    alts = grouped(files.alt, ALT_COLUMNS)
    comments = grouped(files.comments, COMMENT_COLUMNS)
    cut = [row["ent_num"] for _, row in primary if len(row["Remarks"]) >= REMARKS_CUT and not comments.get(row["ent_num"].strip())]
    if cut:
        warnings.append(f"{files.primary.name}: remarks of {len(cut)} entries stop at OFAC's {REMARKS_CUT}-character cut "
                        f"with no continuation in a comments file of the same date; flagged {TRUNCATED}")
    records = [_entity(row, line, files.primary.name, ctx, adds, alts, comments, warnings)
               for line, row in primary]
    return Parsed(records=records, data_date=None, data_date_basis="filename", warnings=warnings)


def _entity(row: dict[str, str], line: int, file_name: str, ctx: ParseContext,
            adds: dict[str, list[dict[str, str]]], alts: dict[str, list[dict[str, str]]],
            comments: dict[str, list[dict[str, str]]], warnings: list[str]) -> Entity:
    source_id = ctx.source_id
    uid = row["ent_num"].strip()
    schema = ofac.schema_for(row["SDN_Type"])
    if schema is None:
        raise ParseError(source_id, f"{file_name} line {line}: unknown SDN_Type {row['SDN_Type']!r}")
    # Remarks are cut off mid-word; the comments file holds the continuation verbatim, so join without a space.
    remarks = row["Remarks"] + "".join(c["remarks"] for c in comments.get(uid, []))
    flags = [TRUNCATED] if len(row["Remarks"]) >= REMARKS_CUT and uid not in comments else []
    programs = ofac.split_programs(row["Program"])
    if ctx.list_label:
        list_name = ctx.list_label
    else:
        sub_lists = ofac.cons_lists(programs)
        if not sub_lists:
            warnings.append(f"{file_name} line {line}: programs {programs} map to no known non-SDN list")
        list_name, also = ofac.pick_list(sub_lists)
        flags += also
    aliases = []
    for alt in alts.get(uid, []):
        name = clean(alt["alt_name"])
        if name:
            alias_type = clean(alt["alt_type"]).lower().replace(".", "")
            aliases.append(Alias(name=name, type=_ALIAS_TYPES.get(alias_type, alias_type or "aka"), quality="strong"))
    aliases += [Alias(name=name, type=kind, quality="weak") for kind, name in ofac.weak_aliases_in_remarks(remarks)]
    addresses = [_address(a) for a in adds.get(uid, [])]
    addresses = [a for a in addresses if a.full or a.country_name]
    nationalities = ofac.nationalities_in_remarks(remarks)
    extra = "; ".join(f"{label}: {clean(row[col])}" for col, label in _REMARK_COLUMNS.items() if clean(row[col]))
    identifiers = [Identifier(type="Call Sign", value=clean(row["Call_Sign"]))] if clean(row["Call_Sign"]) else []
    return Entity(
        entity_id=f"{source_id}:{uid}",
        source=source_id,
        list=list_name,
        schema=schema,
        name=clean(row["SDN_Name"]),
        aliases=aliases,
        addresses=addresses,
        countries=sorted({a.country for a in addresses if a.country} | set(nationalities)),
        identifiers=identifiers,
        programs=programs,
        listing_date=ofac.listing_date_in_remarks(remarks),
        remarks="; ".join(p for p in (clean(remarks), extra) if p),
        birth_dates=ofac.birth_dates_in_remarks(remarks) if schema == "Person" else [],
        nationalities=nationalities,
        flags=flags,
        raw_id=uid,
    )


def _address(row: dict[str, str]) -> Address:
    street, city, country_name = clean(row["address"]), clean(row["city_state_postal"]), clean(row["country"])
    full = ", ".join(p for p in (street, city, country_name) if p)
    return Address(full=full, street=street, city=city, country=country_code(country_name), country_name=country_name)
