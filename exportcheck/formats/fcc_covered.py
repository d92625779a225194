"""Parser for the FCC Covered List, as the nsfreg JSON copy of the FCC's page.

Source: phagehunter/nsfreg ``data/fcc_covered.json`` (SOURCES.md, third pass), a third party's parse of
https://www.fcc.gov/supplychain/coveredlist. Shape: nsfreg's (``entities[{name, aliases, country,
effective_date, notes}]``); ``notes`` is the FCC's description of the covered equipment or service and
``effective_date`` the date it was added to the list.

Why a parser of its own: since December 2025 the list also covers *classes* of equipment (``Uncrewed
aircraft systems (UAS) and UAS critical components produced in a foreign country``, ``Routers produced
in a foreign country``). Those are not parties: screening a customer name against "Routers" would be
noise. They go to the ``covered_classes`` table, the named producers and providers to the records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from normality import slugify

from exportcheck.errors import ParseError
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.common import clean, country_code, partial_date, to_date
from exportcheck.formats.jsonsafe import expect, nsfreg_entities
from exportcheck.model import Alias, Entity

#: An entry that names a class of equipment made abroad rather than a producer.
CLASS_ENTRY = re.compile(r"\bproduced in a foreign country\b", re.I)


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """Named producers and providers as entities; classes of equipment in ``covered_classes``."""
    (path,) = paths
    sid = ctx.source_id
    data, walk, warnings = nsfreg_entities(path, sid)
    records: list[Entity] = []
    classes: list[dict[str, str]] = []
    for where, item in walk:
        name = clean(item.get("name"))
        if not name:
            raise ParseError(sid, f"{where}: no name")
        added = partial_date(str(item.get("effective_date") or ""))
        description = clean(item.get("notes"))
        if CLASS_ENTRY.search(name) or description.lower().startswith("category listing"):
            classes.append({"description": name, "added": added, "notes": description})
            continue
        country_name = clean(item.get("country"))
        code = country_code(country_name, fuzzy=False) if country_name else ""
        records.append(Entity(
            entity_id=f"{sid}:{slugify(name) or 'x'}",
            source=sid,
            list=ctx.list_label or "FCC Covered List",
            schema="Company",
            name=name,
            aliases=[Alias(name=clean(str(a))) for a in expect(item.get("aliases") or [], list, sid, f"{where}.aliases")
                     if clean(str(a))],
            countries=[code] if code else [],
            listing_date=added,
            remarks=f"covered: {description}" if description else "",
            raw_id=name,
        ))
    if len({r.entity_id for r in records}) != len(records):
        raise ParseError(sid, f"{path.name}: two entries with the same name")
    return Parsed(records=records, data_date=to_date(str(data.get("extracted") or "")),
                  data_date_basis="file (extracted)", warnings=warnings,
                  extra_tables={"covered_classes": pd.DataFrame(classes, columns=["description", "added", "notes"])})
