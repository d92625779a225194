"""Parser for the official trade.gov Consolidated Screening List JSON (``consolidated.json``).

Source: https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json.
Shape (trade.gov API documentation; also what the OpenSanctions ``us_trade_csl`` crawler reads):
``{"results": [ {...}, ... ]}`` where each result has the CSV's fields, but ``programs``, ``alt_names``,
``citizenships``, ``dates_of_birth``, ``nationalities``, ``places_of_birth`` are arrays, ``addresses``
is an array of ``{address, city, state, postal_code, country}`` and ``ids`` an array of
``{type, number, country, issue_date, expiration_date}``; the record key is ``id``.

No real file of this shape is held here (the current file is ~25 MB, beyond the mirror's size limit),
so the format is registered ``verified=False`` and tested on a fixture written in this shape.
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
    country_code,
    fr_citations,
    has_lost_characters,
    partial_date,
    split_multi,
    to_date,
)
from exportcheck.formats.jsonsafe import expect, load_json, unknown_keys
from exportcheck.model import Address, Alias, Entity, Identifier

LIST_FIELDS = {"programs", "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth",
               "addresses", "ids"}
TEXT_FIELDS = {"id", "_id", "source", "entity_number", "type", "name", "title", "federal_register_notice",
               "start_date", "end_date", "standard_order", "license_requirement", "license_policy", "call_sign",
               "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag", "vessel_owner",
               "remarks", "source_list_url", "source_information_url"}
TOP_KEYS = {"results", "total", "sources", "search_performed_at", "offset"}
_REMARK_FIELDS = ["title", "standard_order", "call_sign", "vessel_type", "gross_tonnage",
                  "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks"]


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """Every result as one entity, with the same ids the CSV parser gives the same party."""
    source_id = ctx.source_id
    (path,) = paths
    data = expect(load_json(path, source_id), dict, source_id, path.name)
    if "results" not in data:
        raise ParseError(source_id, f"{path.name}: not a CSL JSON file, no 'results' key")
    results = expect(data["results"], list, source_id, f"{path.name}: results")
    seen: Counter[str] = Counter()
    extra: set[str] = set()
    records: list[Entity] = []
    newest = ""
    skips = Skips()
    for index, raw in enumerate(results):
        where = f"{path.name}: results[{index}]"
        result = expect(raw, dict, source_id, where)
        extra |= set(result) - TEXT_FIELDS - LIST_FIELDS
        entity = skips.attempt(_entity, result, seen, where, source_id)
        if entity is None:
            continue
        records.append(entity)
        newest = max(newest, entity.listing_date if len(entity.listing_date) == 10 else "")
    warnings = unknown_keys(set(data), TOP_KEYS, path.name) + unknown_keys(extra, set(), f"{path.name}: results")
    warnings += skips.warnings()
    updated = [str(s.get("source_last_updated") or "")[:10] for s in data.get("sources") or [] if isinstance(s, dict)]
    if stated := max((u for u in updated if to_date(u)), default=""):
        return Parsed(records=records, data_date=to_date(stated), data_date_basis="file (sources.source_last_updated)",
                      warnings=warnings)
    return Parsed(records=records, data_date=to_date(newest), data_date_basis="file (newest start_date)",
                  warnings=warnings)


def _text(result: dict[str, Any], key: str) -> str:
    value = result.get(key)
    return clean(str(value)) if value is not None else ""


def _list(result: dict[str, Any], key: str, where: str, source_id: str) -> list[Any]:
    value = result.get(key)
    if value is None:
        return []
    return list(expect(value, list, source_id, f"{where}.{key}"))


def _address(item: Any, where: str, source_id: str) -> Address:
    item = expect(item, dict, source_id, f"{where}.addresses[]")
    parts = {k: clean(str(item.get(k) or "")) for k in ("address", "city", "state", "postal_code", "country")}
    full = ", ".join(v for v in parts.values() if v)
    return Address(full=full, street=parts["address"], city=parts["city"], region=parts["state"],
                   postal_code=parts["postal_code"], country=country_code(parts["country"]),
                   country_name=parts["country"])


def _entity(result: dict[str, Any], seen: Counter[str], where: str, source_id: str) -> Entity:
    name = _text(result, "name")
    if not name:
        raise RecordSkipped(f"{where}: no name")
    list_label = csl.list_name(_text(result, "source"))
    base_id = csl.entity_id(source_id, list_label, _text(result, "entity_number"), name)
    seen[base_id] += 1
    # trade.gov's arrays may still hold "a; b" cells: split them as the CSV parser does.
    aliases = [Alias(name=part, type="aka") for cell in _list(result, "alt_names", where, source_id)
               for part in split_multi(str(cell))]
    addresses = [_address(a, where, source_id) for a in _list(result, "addresses", where, source_id)]
    identifiers, dated = [], {}
    for item in _list(result, "ids", where, source_id):
        item = expect(item, dict, source_id, f"{where}.ids[]")
        id_type, number = clean(str(item.get("type") or "")), clean(str(item.get("number") or ""))
        if "date" in id_type.lower() and partial_date(number):
            dated[id_type] = partial_date(number)
        identifiers.append(Identifier(type=id_type, value=number, country=country_code(str(item.get("country") or ""))))
    people = [str(c) for c in _list(result, "citizenships", where, source_id) + _list(result, "nationalities", where, source_id)]
    texts = [name, *(a.name for a in aliases), *(a.full for a in addresses)]
    listing = partial_date(_text(result, "start_date")) or next(
        (v for k, v in dated.items() if k.startswith("Listing Date")), "")
    return Entity(
        entity_id=base_id if seen[base_id] == 1 else f"{base_id}:{seen[base_id]}",
        source=source_id,
        list=list_label,
        schema=csl.SCHEMAS.get(_text(result, "type"), "LegalEntity"),
        name=name,
        aliases=aliases,
        addresses=addresses,
        countries=sorted({a.country for a in addresses if a.country} | {country_code(c) for c in people} - {""}),
        identifiers=identifiers,
        programs=[p for cell in _list(result, "programs", where, source_id) for p in split_multi(str(cell))],
        listing_date=listing,
        end_date=partial_date(_text(result, "end_date")),
        citations=fr_citations(_text(result, "federal_register_notice")),
        licence_requirement=_text(result, "license_requirement"),
        licence_policy=_text(result, "license_policy"),
        remarks="; ".join(f"{k}: {_text(result, k)}" if k != "remarks" else _text(result, k)
                          for k in _REMARK_FIELDS if _text(result, k)),
        birth_dates=[d for d in (partial_date(str(x)) for x in _list(result, "dates_of_birth", where, source_id)) if d],
        nationalities=sorted({country_code(str(c)) for c in _list(result, "nationalities", where, source_id)} - {""}),
        flags=[LOST_CHARACTERS] if any(has_lost_characters(t) for t in texts) else [],
        source_url=_text(result, "source_information_url") or _text(result, "source_list_url"),
        raw_id=_text(result, "id") or _text(result, "_id"),
    )
