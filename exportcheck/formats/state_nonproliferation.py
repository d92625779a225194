"""Parser for the State Department's nonproliferation sanctions, as the nsfreg JSON copy of its master PDF.

Source: phagehunter/nsfreg ``data/state_nonproliferation.json`` (SOURCES.md, third pass), a third
party's parse of the State Department's "Nonproliferation Sanctions" master table (May 2025). The
shape is nsfreg's (``{list_id, source_file, extracted, count, entities[{name, aliases, country, ...}]}``),
but each entity's ``notes`` packs *every sanction* imposed on it, ``" | "``-joined, each as
``Authority: <statute or EO>; imposed M/D/YYYY; status: <Active | Expired on MM/DD/YY | Lifted on ...>;
<Federal Register citation>``, plus free-text parts (``Location: ...``, ``Designation includes any
successor ...``).

Why a parser of its own: most of these sanctions are time-limited (two years under INKSNA and the
missile laws), so one listing date is not enough. Each sanction becomes a row of the ``measures``
table (authority, imposed, status, end date); the entity's ``listing_date`` is its first imposition
and its ``end_date`` the last end date when no measure is still in force (empty while one is). A
status whose end cannot be dated (``Procurement ban ended 02/03, all other sanctions remain``) keeps
the measure in force: a wrong end date would drop a listing that still applies.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from normality import slugify

from exportcheck.errors import ParseError
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.common import clean, country_code, partial_date, to_date
from exportcheck.formats.jsonsafe import expect, nsfreg_entities
from exportcheck.model import Alias, Citation, Entity

MEASURE_COLUMNS = ["entity_id", "name", "authority", "imposed", "imposed_as_written", "status", "end_date", "in_force",
                   "citation"]
_DATE = r"(\d{1,2}/\d{1,2}/\d{2,4})"
#: Status wordings that end a sanction on a stated date (everything it imposed ended then).
_ENDED = re.compile(rf"^(?:expired|lifted|terminated|waived)(?: on)? {_DATE}$|^all provisions expired as of {_DATE}$"
                    rf"|all other sanctions removed {_DATE}$", re.I)
_IMPOSED = re.compile(r"^imposed (.*)$", re.I)


def _country(text: str) -> str:
    """ISO-2 for the copy's country cell: ``North Korea (DPRK)`` and ``Turkey (Turkiye)`` read before the bracket."""
    if not text:
        return ""
    code = country_code(text, fuzzy=False)
    if not code and "(" in text:
        code = country_code(text.split("(", 1)[0].strip(), fuzzy=False)
    return code


def _measure(part: str) -> dict[str, Any] | None:
    """One ``Authority: ...; imposed ...; status: ...; citation`` part → a measure row; ``None`` for free text."""
    if not part.startswith("Authority:"):
        return None
    fields = [clean(f) for f in part.split("; ")]
    authority = clean(fields[0][len("Authority:"):])
    imposed, written, status, rest = "", "", "", []
    for item in fields[1:]:
        if match := _IMPOSED.match(item):
            written = match.group(1)  # kept: the copy cut some years to three digits ("12/11/201")
            imposed = partial_date(written)
        elif item.lower().startswith("status:"):
            status = clean(item[len("status:"):])
        else:
            rest.append(item)
    end = ""
    if match := _ENDED.search(status):
        end = partial_date(next(g for g in match.groups() if g))
    return {"authority": authority, "imposed": imposed, "imposed_as_written": written, "status": status, "end_date": end,
            "in_force": not end, "citation": "; ".join(rest)}


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """One entity per sanctioned party, every sanction of it in the ``measures`` table."""
    (path,) = paths
    sid = ctx.source_id
    data, walk, warnings = nsfreg_entities(path, sid)
    seen: Counter[str] = Counter()
    records: list[Entity] = []
    measures: list[dict[str, Any]] = []
    uncoded: set[str] = set()
    for where, item in walk:
        entity, rows = _entity(item, ctx, seen, where)
        if item.get("country") and not entity.countries:
            uncoded.add(clean(str(item["country"])))
        records.append(entity)
        measures.extend(rows)
    if uncoded:
        warnings.append(f"{path.name}: country cells with no ISO code (kept in remarks): {', '.join(sorted(uncoded))}")
    frame = pd.DataFrame(measures, columns=MEASURE_COLUMNS)
    return Parsed(records=records, data_date=to_date(str(data.get("extracted") or "")),
                  data_date_basis="file (extracted)", warnings=warnings, extra_tables={"measures": frame})


def _entity(item: dict[str, Any], ctx: ParseContext, seen: Counter[str],
            where: str) -> tuple[Entity, list[dict[str, Any]]]:
    sid = ctx.source_id
    name = clean(item.get("name"))
    if not name:
        raise ParseError(sid, f"{where}: no name")
    base = f"{sid}:{slugify(name) or 'x'}"
    seen[base] += 1
    entity_id = base if seen[base] == 1 else f"{base}:{seen[base]}"
    parts = [clean(p) for p in str(item.get("notes") or "").split(" | ") if clean(p)]
    rows, free = [], []
    for part in parts:
        measure = _measure(part)
        if measure is None:
            free.append(part)
        else:
            rows.append({"entity_id": entity_id, "name": name, **measure})
    if not rows:
        raise ParseError(sid, f"{where} ({name}): no 'Authority:' sanction in notes (format changed?)")
    country_name = clean(item.get("country"))
    code = _country(country_name)
    if country_name and not code:
        free.append(f"country as written: {country_name}")
    imposed = sorted(r["imposed"] for r in rows if r["imposed"])
    ends = sorted(r["end_date"] for r in rows if r["end_date"])
    open_measures = any(r["in_force"] for r in rows)
    citations = [Citation(citation=r["citation"], date=r["imposed"]) for r in rows if r["citation"]]
    aliases = [Alias(name=clean(str(a)), type="aka") for a in expect(item.get("aliases") or [], list, sid,
                                                                     f"{where}.aliases") if clean(str(a))]
    statuses = "; ".join(f"{r['authority']} (imposed {r['imposed'] or r['imposed_as_written'] or 'date not stated'}): {r['status'] or 'status not stated'}"
                         for r in rows)
    return Entity(
        entity_id=entity_id,
        source=sid,
        list=ctx.list_label or "State nonproliferation sanctions",
        schema="LegalEntity",
        name=name,
        aliases=aliases,
        countries=[code] if code else [],
        programs=list(dict.fromkeys(r["authority"] for r in rows)),
        listing_date=imposed[0] if imposed else partial_date(str(item.get("effective_date") or "")),
        end_date="" if open_measures else (ends[-1] if ends else ""),
        citations=list({c.citation: c for c in citations}.values()),
        remarks="; ".join([f"measures: {statuses}", *free]),
        raw_id=name,
    ), rows
