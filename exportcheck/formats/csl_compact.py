"""Parser for a third party's compact copy of the trade.gov CSL JSON (``DERIVED_csl-compact_*.json``).

Source: seelpeed-debug/export-controls-agent-mcp ``src/data/screening-list.json``, built from
https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json (see SOURCES.md).
Not an official format: entries use short keys (``n`` name, ``a`` aliases, ``s`` source index, ``t`` type,
``c`` ISO-2 countries, ``e`` entity number, ``lr``/``lp`` licence requirement/policy index, ``pg``
programmes index, ``fr`` Federal Register notice, ``u`` URL index) that point into ``tables``. Street
addresses, dates, ids and remarks were dropped by the compaction, so those fields stay empty here.

Quirk inherited from trade.gov: one alias string can hold several aliases joined by ``;`` with no
space (``"CETC 24;Sichuan Solid Circuit Research Institute;CETC 44;..."``); they are split.
``?`` standing for a lost character is kept and the entity flagged.

Quirk of ``c``: besides ISO-2 codes it holds country names and regions as the CSL's address field writes them
("TURKIYE", "PRC", "MAN, ISLE OF", "REGION: WEST BANK", "CRIMEA (OCCUPIED)"). Each is read to ISO-2 by
:func:`.common.list_country`; one that names no single country ("REGION: KASHMIR", "REGION: COMMONWEALTH OF
INDEPENDENT STATES") is left out of ``countries`` and kept, as written, in ``remarks``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from exportcheck.errors import ParseError, RecordSkipped
from exportcheck.formats import csl
from exportcheck.formats.base import ParseContext, Parsed, Skips
from exportcheck.formats.common import (
    LOST_CHARACTERS,
    clean,
    fr_citations,
    has_lost_characters,
    list_country,
    split_multi,
    to_date,
)
from exportcheck.formats.jsonsafe import audited_objects, expect, load_json, unknown_keys
from exportcheck.model import Alias, Entity

ENTRY_KEYS = {"n", "a", "s", "t", "c", "e", "lr", "lp", "pg", "fr", "u"}
TOP_KEYS = {"$comment", "citation", "source", "sourceGeneratedAt", "retrievedAt", "entryCount", "countsBySource",
            "listAuthority", "fieldKey", "tables", "entries"}
TABLES = {"s": "sources", "lr": "licenceRequirements", "lp": "licencePolicies", "pg": "programmes", "u": "urls"}


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """Every entry as one entity; ids as in the official CSV (OFAC uid, else a key from the name)."""
    source_id = ctx.source_id
    (path,) = paths
    data = expect(load_json(path, source_id), dict, source_id, path.name)
    for key in ("tables", "entries"):
        if key not in data:
            raise ParseError(source_id, f"{path.name}: not a compact CSL file, no {key!r} key")
    tables = expect(data["tables"], dict, source_id, f"{path.name}: tables")
    entries = expect(data["entries"], list, source_id, f"{path.name}: entries")
    warnings = unknown_keys(set(data), TOP_KEYS, path.name)
    seen: Counter[str] = Counter()
    skips = Skips()
    built = [skips.attempt(_entity, entry, tables, seen, where, source_id) for where, entry in
             audited_objects(entries, ENTRY_KEYS, source_id, f"{path.name}: entries", data.get("entryCount"), warnings)]
    records = [r for r in built if r is not None]
    warnings += skips.warnings()
    generated = str(data.get("sourceGeneratedAt") or "")
    return Parsed(records=records, data_date=to_date(generated[:10]),
                  data_date_basis="file (sourceGeneratedAt)", warnings=warnings)


def _lookup(entry: dict[str, Any], key: str, tables: dict[str, Any], where: str, source_id: str) -> str:
    if key not in entry:
        return ""
    table = tables.get(TABLES[key])
    index = entry[key]
    if not isinstance(table, list) or not isinstance(index, int) or not 0 <= index < len(table):
        raise ParseError(source_id, f"{where}: {key}={index!r} does not point into tables.{TABLES[key]}")
    return str(table[index])


def _entity(entry: dict[str, Any], tables: dict[str, Any], seen: Counter[str], where: str, source_id: str) -> Entity:
    name = clean(entry.get("n"))
    if not name:
        raise RecordSkipped(f"{where}: no name (n)")
    list_label = csl.list_name(_lookup(entry, "s", tables, where, source_id))
    number = str(entry.get("e") or "")
    base_id = csl.entity_id(source_id, list_label, number, name)
    seen[base_id] += 1
    aliases = [Alias(name=part, type="aka") for cell in expect(entry.get("a", []), list, source_id, f"{where}.a")
               for part in split_multi(str(cell))]
    flags = [LOST_CHARACTERS] if any(has_lost_characters(t) for t in [name, *(a.name for a in aliases)]) else []
    written = [clean(str(c)) for c in expect(entry.get("c", []), list, source_id, f"{where}.c") if c]
    codes = {c: list_country(c) for c in written}
    unread = [c for c, code in codes.items() if not code]
    return Entity(
        entity_id=base_id if seen[base_id] == 1 else f"{base_id}:{seen[base_id]}",
        source=source_id,
        list=list_label,
        schema=csl.SCHEMAS.get(str(entry.get("t") or ""), "LegalEntity"),
        name=name,
        aliases=aliases,
        countries=sorted({code for code in codes.values() if code}),
        remarks=f"address country as written, not read as one country: {'; '.join(unread)}" if unread else "",
        programs=split_multi(_lookup(entry, "pg", tables, where, source_id)),
        citations=fr_citations(str(entry.get("fr") or "")),
        licence_requirement=clean(_lookup(entry, "lr", tables, where, source_id)),
        licence_policy=clean(_lookup(entry, "lp", tables, where, source_id)),
        flags=flags,
        source_url=_lookup(entry, "u", tables, where, source_id),
        raw_id=number,
    )
