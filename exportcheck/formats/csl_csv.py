"""Parser for the official trade.gov Consolidated Screening List CSV (29 columns, header row).

Source: https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv
(earlier at api.trade.gov). Multi-valued cells are joined with ``;`` (usually ``"; "``); BIS and State
rows have an empty ``type``; trade.gov sometimes replaced non-ASCII letters with ``?`` (``Xi?an``),
which we keep and flag. Gzipped copies (``.csv.gz``) are read transparently.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from exportcheck.errors import ParseError
from exportcheck.formats import csl
from exportcheck.formats.base import ParseContext, Parsed
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
from exportcheck.formats.safeio import decode, read_input
from exportcheck.model import Alias, Entity

COLUMNS = [
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
    "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
    "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
    "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids",
]
#: Columns whose content goes into ``remarks`` as ``label: value`` (kept, not normalised further).
_REMARK_COLUMNS = ["title", "standard_order", "call_sign", "vessel_type", "gross_tonnage",
                   "gross_registered_tonnage", "vessel_flag", "vessel_owner", "places_of_birth", "remarks"]


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """Every row of the CSV as one entity; ``entity_id`` from :func:`csl.entity_id` (``:2`` for repeats)."""
    source_id = ctx.source_id
    (path,) = paths
    warnings: list[str] = []
    text = decode(read_input(path, source_id), path.name, warnings)  # a .gz copy is decompressed, capped
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ParseError(source_id, f"{path.name}: not a CSL CSV, missing columns {', '.join(missing)}")
    if any(c not in COLUMNS for c in header):
        warnings.append(f"{path.name}: unknown new columns kept out of the table: "
                        f"{', '.join(c for c in header if c not in COLUMNS)}")
    records: list[Entity] = []
    seen: Counter[str] = Counter()
    newest = ""
    try:
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise ParseError(source_id, f"{path.name} line {reader.line_num}: wrong number of fields (truncated file?)")
            records.append(_entity(row, seen, source_id))
            newest = max(newest, row["start_date"] or "")
    except csv.Error as exc:
        raise ParseError(source_id, f"{path.name} line {reader.line_num}: {exc}") from exc
    return Parsed(records=records, data_date=to_date(newest), data_date_basis="file (newest start_date)",
                  warnings=warnings)


def _entity(row: dict[str, str], seen: Counter[str], source_id: str) -> Entity:
    list_label = csl.list_name(row["source"])
    base_id = csl.entity_id(source_id, list_label, row["entity_number"], row["name"])
    seen[base_id] += 1
    entity_id = base_id if seen[base_id] == 1 else f"{base_id}:{seen[base_id]}"
    name = clean(row["name"])
    aliases = [Alias(name=a, type="aka") for a in split_multi(row["alt_names"])]
    ids, dated = csl.identifiers(row["ids"])
    listing = partial_date(row["start_date"]) or next((v for k, v in dated.items() if k.startswith("Listing Date")), "")
    addresses = csl.addresses(row["addresses"])
    countries = sorted({a.country for a in addresses if a.country}
                       | {country_code(c) for c in split_multi(row["citizenships"]) + split_multi(row["nationalities"])} - {""})
    remarks = "; ".join(f"{col}: {clean(row[col])}" if col != "remarks" else clean(row[col])
                        for col in _REMARK_COLUMNS if clean(row[col]))
    texts = [name, *(a.name for a in aliases), *(a.full for a in addresses)]
    flags = [LOST_CHARACTERS] if any(has_lost_characters(t) for t in texts) else []
    return Entity(
        entity_id=entity_id,
        source=source_id,
        list=list_label,
        schema=csl.SCHEMAS.get(row["type"], "LegalEntity"),  # BIS/State rows give no type
        name=name,
        aliases=aliases,
        addresses=addresses,
        countries=countries,
        identifiers=ids,
        programs=split_multi(row["programs"]),
        listing_date=listing,
        end_date=partial_date(row["end_date"]),
        citations=fr_citations(row["federal_register_notice"]),
        licence_requirement=clean(row["license_requirement"]),
        licence_policy=clean(row["license_policy"]),
        remarks=remarks,
        birth_dates=[d for d in (partial_date(x) for x in split_multi(row["dates_of_birth"])) if d],
        nationalities=sorted({country_code(c) for c in split_multi(row["nationalities"])} - {""}),
        flags=flags,
        source_url=clean(row["source_information_url"]) or clean(row["source_list_url"]),
        raw_id=row["_id"],
    )
