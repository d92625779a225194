"""Parser for ASPI's China Defence Universities Tracker, as the MISP galaxy JSON copy.

Source: MISP/misp-galaxy ``clusters/china-defence-universities.json`` (SOURCES.md, third pass), a copy
of https://unitracker.aspi.org.au scraped in August 2020 (CC0 / BSD-2). Shape: ``{name, source,
description, uuid, version, values[{value, uuid, description, meta{aliases, categories, supervising
agencies, major defence laboratories, subsidiaries, topics, address, lat, long, refs}}]}``; ``value``
is ``English (中文)`` and so are the laboratory and subsidiary strings. ASPI's risk ratings are not in it.

Laboratories and subsidiaries are *not* aliases: a "National Key Laboratory of ..." hosted by a
university is another unit with its own name, and calling it a name of the university would make a
screen of the university's name report the lab's listing and the other way round. Each becomes an
entity of its own with ``parent_name`` = its institution, so a screen of the lab's name finds it and
says whose lab it is. The tracker is research, not law: nothing here is a listing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from normality import slugify

from exportcheck.errors import ParseError
from exportcheck.formats.base import ParseContext, Parsed
from exportcheck.formats.common import clean, country_code
from exportcheck.formats.jsonsafe import audited_objects, expect, load_json, unknown_keys
from exportcheck.model import Address, Alias, Entity

TOP_KEYS = {"authors", "category", "description", "name", "source", "type", "uuid", "values", "version"}
VALUE_KEYS = {"description", "meta", "uuid", "value", "related"}
META_KEYS = {"address", "aliases", "categories", "lat", "long", "major defence laboratories", "refs", "subsidiaries",
             "supervising agencies", "topics"}
#: ``English (中文)``, the closing bracket sometimes missing in the copy.
_BILINGUAL = re.compile(r"^(.*?)\s*[（(]([^()（）]*[\u3400-\u9fff][^()（）]*)[）)]?\s*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
RELATED = {"major defence laboratories": "defence laboratory", "subsidiaries": "subsidiary"}


def split_bilingual(text: str) -> tuple[str, str]:
    """``Academy of Military Science (中国人民解放军军事科学院)`` → English and Chinese names (either may be "")."""
    value = clean(text)
    match = _BILINGUAL.match(value)
    if match and match.group(1):
        return clean(match.group(1)), clean(match.group(2))
    if _CJK.search(value) and not re.search(r"[A-Za-z]", value):
        return "", value
    return value, ""


def _names(text: str) -> tuple[str, list[Alias]]:
    english, chinese = split_bilingual(text)
    name = english or chinese
    return name, [Alias(name=chinese, type="chinese-name")] if english and chinese else []


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """Institutions, and their defence laboratories and subsidiaries as entities with ``parent_name``."""
    (path,) = paths
    sid = ctx.source_id
    data = expect(load_json(path, sid), dict, sid, path.name)
    if "values" not in data:
        raise ParseError(sid, f"{path.name}: not a MISP galaxy cluster, no 'values' key")
    warnings = unknown_keys(set(data), TOP_KEYS, path.name)
    values = expect(data["values"], list, sid, f"{path.name}: values")
    records: list[Entity] = []
    seen: Counter[str] = Counter()
    meta_keys: set[str] = set()
    for where, item in audited_objects(values, VALUE_KEYS, sid, f"{path.name}: values", None, warnings):
        meta = expect(item.get("meta") or {}, dict, sid, f"{where}.meta")
        meta_keys |= set(meta)
        institution = _institution(item, meta, ctx, seen, where)
        records.append(institution)
        for key, role in RELATED.items():
            for raw in expect(meta.get(key) or [], list, sid, f"{where}.meta.{key}"):
                records.append(_related(str(raw), role, institution, ctx, seen))
    warnings += unknown_keys(meta_keys, META_KEYS, f"{path.name}: values[].meta")
    return Parsed(records=records, data_date=None, data_date_basis="filename", warnings=warnings)


def _institution(item: dict[str, Any], meta: dict[str, Any], ctx: ParseContext, seen: Counter[str],
                 where: str) -> Entity:
    sid = ctx.source_id
    name, aliases = _names(str(item.get("value") or ""))
    if not name:
        raise ParseError(sid, f"{where}: no name")
    for other in meta.get("aliases") or []:
        text = clean(str(other))
        if text and text != name and text not in {a.name for a in aliases}:
            aliases.append(Alias(name=text, type="chinese-name" if _CJK.search(text) else "aka"))
    base = f"{sid}:{slugify(name) or 'x'}"
    seen[base] += 1
    address = clean(str(meta.get("address") or ""))
    categories = [clean(str(c)) for c in meta.get("categories") or [] if clean(str(c))]
    facts = [f"ASPI category: {', '.join(categories)}" if categories else "",
             f"supervising agencies: {'; '.join(clean(str(a)) for a in meta.get('supervising agencies') or [])}"
             if meta.get("supervising agencies") else "",
             f"research topics: {'; '.join(clean(str(t)) for t in meta.get('topics') or [])}" if meta.get("topics") else ""]
    refs = [clean(str(r)) for r in meta.get("refs") or [] if clean(str(r))]
    return Entity(
        entity_id=base if seen[base] == 1 else f"{base}:{seen[base]}",
        source=sid,
        list=ctx.list_label or "ASPI China Defence Universities Tracker",
        schema="Organization",
        name=name,
        aliases=aliases,
        addresses=[Address(full=address, country="CN" if address.startswith("China") else "",
                           country_name="China" if address.startswith("China") else "")] if address else [],
        countries=["CN"],
        remarks="; ".join(f for f in facts if f),
        source_url=refs[0] if refs else "",
        raw_id=clean(str(item.get("uuid") or "")),
    )


_PLACE = re.compile(r"^(.*\S)\s*\(([A-Za-z][A-Za-z .'-]+)\)$")


def _related(raw: str, role: str, institution: Entity, ctx: ParseContext, seen: Counter[str]) -> Entity:
    name, aliases = _names(raw)
    country, place = "CN", ""
    if (match := _PLACE.match(name)) and role == "subsidiary":  # "FACC AG (Austria)", "AVICOPTER PLC (Shanghai)"
        name, place = match.group(1), match.group(2)
        country = country_code(place, fuzzy=False) or "CN"
    base = f"{institution.entity_id}:{slugify(name) or 'x'}"
    seen[base] += 1
    return Entity(
        entity_id=base if seen[base] == 1 else f"{base}:{seen[base]}",
        source=ctx.source_id,
        list=ctx.list_label or "ASPI China Defence Universities Tracker",
        schema="Organization",
        name=name or clean(raw),
        aliases=aliases,
        countries=[country],
        parent_name=institution.name,
        remarks=f"{role} of {institution.name} (ASPI)" + (f"; place as written: {place}" if place else ""),
        source_url=institution.source_url,
        raw_id=clean(raw),
    )
