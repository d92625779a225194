"""Parser for the nsfreg project's JSON copies of US lists (``DERIVED_*`` in ``us-ear/`` and ``us-1260h/``).

Source: phagehunter/nsfreg ``data/bis_entity_list.json``, ``data/bis_meu.json``, ``data/dow_1260h.json``
(see SOURCES.md), a third party's parse of the eCFR text (Entity List, MEU List) and of the 1260H Federal
Register notice. Shape: ``{list_id, source_file, extracted, count, entities: [{name, aliases[], country,
address, status, effective_date, federal_register, notes}]}``. ``federal_register`` may hold several
citations separated by line breaks; for the Entity List ``notes`` is the licence-requirement text (cut
by the copier at 200 characters), for the MEU and 1260H lists it is a remark. The licence review
policy column was not kept by the copier, so it stays empty here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from normality import slugify

from exportcheck.errors import RecordSkipped
from exportcheck.formats import ear_lists
from exportcheck.formats.base import ContextParseFn, ParseContext, Parsed, Skips
from exportcheck.formats.common import clean, fr_citations, list_country, name_slug, partial_date, to_date
from exportcheck.formats.jsonsafe import expect, nsfreg_entities
from exportcheck.model import Alias, Entity, EntitySchema

_ARTEFACT = re.compile(r"^Address \d+$")


@dataclass(frozen=True)
class ListShape:
    """How one nsfreg file maps onto the normalised schema."""

    schema: EntitySchema
    notes_are_licence_requirement: bool
    id_by_country: bool  # EAR lists repeat a name under several countries; 1260H names are unique
    #: The 1260H copy is one Federal Register edition: its date is the data date, not the copy's date.
    date_from_effective_dates: bool = False


def parser(shape: ListShape) -> ContextParseFn:
    """A parser for nsfreg list files of one shape; the context names the list (id prefix, ``list`` label)."""

    def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
        (path,) = paths
        return _parse(path, shape, ctx)

    return parse


def _parse(path: Path, shape: ListShape, ctx: ParseContext) -> Parsed:
    sid = ctx.source_id
    data, walk, warnings = nsfreg_entities(path, sid)
    seen: Counter[str] = Counter()
    skips = Skips()
    built = [skips.attempt(_entity, item, shape, ctx, seen, where) for where, item in
             walk]
    records = [r for r in built if r is not None]
    warnings += skips.warnings()
    unknown = sorted({r.addresses[0].country_name for r in records if r.addresses and not r.addresses[0].country}
                     | {str(e.get("country")) for e in data["entities"] if isinstance(e, dict) and e.get("country")
                        and not list_country(str(e["country"]))})
    if unknown:
        warnings.append(f"{path.name}: country names with no ISO code: {', '.join(unknown)}")
    artefacts = [r.name for r in records if _ARTEFACT.match(r.name)]
    if artefacts:  # kept (nothing is dropped silently), but a user should know they are not parties
        warnings.append(f"{path.name}: {len(artefacts)} entries named like {artefacts[0]!r} look like the copier's "
                        "parse artefacts (address lines read as names)")
    if shape.date_from_effective_dates:
        newest = max((r.listing_date for r in records if len(r.listing_date) == 10), default="")
        return Parsed(records=records, data_date=to_date(newest), data_date_basis="file (newest effective_date)",
                      warnings=warnings)
    return Parsed(records=records, data_date=to_date(str(data.get("extracted") or "")),
                  data_date_basis="file (extracted)", warnings=warnings)


def _entity(item: dict[str, Any], shape: ListShape, ctx: ParseContext, seen: Counter[str], where: str) -> Entity:
    sid = ctx.source_id
    name = clean(item.get("name"))
    if not name:
        raise RecordSkipped(f"{where}: no name")
    country_name = clean(item.get("country"))
    code = list_country(country_name)
    base = f"{sid}:{(code or slugify(country_name) or 'xx').lower()}:{name_slug(name)}" if shape.id_by_country \
        else f"{sid}:{name_slug(name)}"
    seen[base] += 1
    aliases = [Alias(name=clean(str(a)), type="aka") for a in expect(item.get("aliases") or [], list, sid, f"{where}.aliases")
               if clean(str(a))]
    notes = clean(item.get("notes"))
    status = clean(str(item.get("status") or ""))
    citations = fr_citations(str(item.get("federal_register") or ""))
    dated = sorted(c.date for c in citations if c.date)
    requirement = notes if shape.notes_are_licence_requirement else ""
    return Entity(
        entity_id=base if seen[base] == 1 else f"{base}:{seen[base]}",
        source=sid,
        list=ctx.list_label,
        schema=shape.schema,
        name=name,
        aliases=aliases,
        addresses=ear_lists.addresses(str(item.get("address") or ""), country_name),
        countries=[code] if code else [],
        listing_date=partial_date(str(item.get("effective_date") or "")) or (dated[0] if dated else ""),
        citations=citations,
        licence_requirement=requirement,
        remarks="; ".join(t for t in ("" if shape.notes_are_licence_requirement else notes,
                                      f"status: {status}" if status else "") if t),
        flags=ear_lists.footnotes(requirement),
        raw_id=name,
    )
