"""Parser for the UN Security Council Consolidated List XML.

Source: https://scsanctions.un.org/resources/xml/en/consolidated.xml (schema
https://www.un.org/sc/resources/sc-sanctions.xsd). Root ``CONSOLIDATED_LIST@dateGenerated`` with
``INDIVIDUALS/INDIVIDUAL`` and ``ENTITIES/ENTITY``. Quirks handled: names split over FIRST..FOURTH_NAME;
empty alias/address/date elements are common; alias QUALITY is ``Good``/``Low`` for individuals but
``a.k.a.``/``f.k.a.`` for entities; dates of birth are a DATE, a YEAR, or a FROM_YEAR..TO_YEAR range
(kept as partial years, never invented days); LISTED_ON sometimes carries a UTC offset
(``2015-04-07-04:00``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from exportcheck.errors import ParseError, RecordSkipped
from exportcheck.formats.base import ParseContext, Parsed, Skips
from exportcheck.formats.common import clean, country_code, partial_date, to_date
from exportcheck.formats.xmlsafe import parse_xml
from exportcheck.model import Address, Alias, Entity, Identifier

NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
#: Every child element the parser reads, per record kind; anything else is reported as a warning.
KNOWN = {
    "INDIVIDUAL": {"DATAID", "VERSIONNUM", *NAME_PARTS, "NAME_ORIGINAL_SCRIPT", "UN_LIST_TYPE", "REFERENCE_NUMBER",
                   "LISTED_ON", "GENDER", "COMMENTS1", "TITLE", "DESIGNATION", "NATIONALITY", "LIST_TYPE",
                   "LAST_DAY_UPDATED", "INDIVIDUAL_ALIAS", "INDIVIDUAL_ADDRESS", "INDIVIDUAL_DATE_OF_BIRTH",
                   "INDIVIDUAL_PLACE_OF_BIRTH", "INDIVIDUAL_DOCUMENT", "SORT_KEY", "SORT_KEY_LAST_MOD",
                   "SUBMITTED_BY", "DELISTED_ON"},
    "ENTITY": {"DATAID", "VERSIONNUM", "FIRST_NAME", "NAME_ORIGINAL_SCRIPT", "UN_LIST_TYPE", "REFERENCE_NUMBER",
               "LISTED_ON", "COMMENTS1", "LIST_TYPE", "LAST_DAY_UPDATED", "ENTITY_ALIAS", "ENTITY_ADDRESS",
               "SORT_KEY", "SORT_KEY_LAST_MOD", "SUBMITTED_ON", "DELISTED_ON"},
}
_QUALITY = {"good": ("aka", "strong"), "low": ("aka", "weak"), "a.k.a.": ("aka", ""), "f.k.a.": ("fka", ""),
            "": ("aka", "")}


def _text(element: etree._Element, tag: str) -> str:
    return clean(element.findtext(tag))


def _values(element: etree._Element, tag: str) -> list[str]:
    """``<NATIONALITY><VALUE>a</VALUE><VALUE>b</VALUE></NATIONALITY>`` → ``["a", "b"]``."""
    return [clean(v.text) for holder in element.findall(tag) for v in holder.findall("VALUE") if clean(v.text)]


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """Every INDIVIDUAL and ENTITY as one entity; ``entity_id`` = ``<source>:<DATAID>``."""
    source_id = ctx.source_id
    (path,) = paths
    root = parse_xml(path, source_id).getroot()
    if root.tag != "CONSOLIDATED_LIST":
        raise ParseError(source_id, f"{path.name}: root element is <{root.tag}>, not <CONSOLIDATED_LIST>")
    generated = root.get("dateGenerated", "")
    warnings: list[str] = []
    unknown: dict[str, int] = {}
    records: list[Entity] = []
    seen: set[str] = set()
    skips = Skips()
    for kind in ("INDIVIDUAL", "ENTITY"):
        for element in root.iter(kind):
            for child in element:
                if isinstance(child.tag, str) and child.tag not in KNOWN[kind]:
                    unknown.setdefault(f"{kind}/{child.tag}", child.sourceline or 0)
            entity = skips.attempt(_entity, element, kind, path.name, ctx, warnings)
            if entity is None:
                continue
            if entity.entity_id in seen:
                raise ParseError(source_id, f"{path.name} line {element.sourceline}: DATAID {entity.raw_id} repeated")
            seen.add(entity.entity_id)
            records.append(entity)
    warnings += [f"{path.name} line {line}: unknown element <{tag}> not read (format changed?)"
                 for tag, line in unknown.items()] + skips.warnings()
    return Parsed(records=records, data_date=to_date(generated[:10]),
                  data_date_basis="file (dateGenerated)" if generated else "filename", warnings=warnings)


def _entity(element: etree._Element, kind: str, file_name: str, ctx: ParseContext, warnings: list[str]) -> Entity:
    source_id = ctx.source_id
    data_id = _text(element, "DATAID")
    if not data_id:
        raise ParseError(source_id, f"{file_name} line {element.sourceline}: <{kind}> without DATAID (truncated?)")
    parts = NAME_PARTS if kind == "INDIVIDUAL" else ("FIRST_NAME",)
    name = " ".join(p for p in (_text(element, t) for t in parts) if p)
    if not name:
        raise RecordSkipped(f"{file_name} line {element.sourceline}: <{kind}> {data_id} has no name")
    aliases = [Alias(name=n, type="original-script") for n in [_text(element, "NAME_ORIGINAL_SCRIPT")] if n]
    for alias in element.findall(f"{kind}_ALIAS"):
        alias_name = _text(alias, "ALIAS_NAME")
        if not alias_name:
            continue
        quality = _text(alias, "QUALITY")
        if quality.lower() not in _QUALITY:
            warnings.append(f"{file_name} line {alias.sourceline}: unknown alias QUALITY {quality!r}, kept as aka")
        alias_type, strength = _QUALITY.get(quality.lower(), ("aka", ""))
        aliases.append(Alias(name=alias_name, type=alias_type, quality=strength))  # type: ignore[arg-type]
    addresses = [a for a in (_address(x) for x in element.findall(f"{kind}_ADDRESS")) if a.full]
    nationalities = sorted({c for c in (country_code(v) for v in _values(element, "NATIONALITY")) if c})
    births: list[str] = []
    birth_notes: list[str] = []
    for dob in element.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        dates, note = birth_dates(dob)
        births += [d for d in dates if d not in births]
        birth_notes += [note] if note else []
    places = [", ".join(p for p in (_text(x, "CITY"), _text(x, "STATE_PROVINCE"), _text(x, "COUNTRY")) if p)
              for x in element.findall("INDIVIDUAL_PLACE_OF_BIRTH")]
    reference = _text(element, "REFERENCE_NUMBER")
    identifiers = [Identifier(type="UN Reference Number", value=reference)] if reference else []
    identifiers += [doc for doc in (_document(d) for d in element.findall("INDIVIDUAL_DOCUMENT")) if doc]
    remarks = [
        _text(element, "COMMENTS1"),
        "; ".join(f"title: {v}" for v in _values(element, "TITLE")),
        "; ".join(f"designation: {v}" for v in _values(element, "DESIGNATION")),
        f"gender: {_text(element, 'GENDER')}" if _text(element, "GENDER") else "",
        "; ".join(f"place of birth: {p}" for p in places if p),
        "; ".join(birth_notes),
    ]
    list_type = _text(element, "UN_LIST_TYPE")
    return Entity(
        entity_id=f"{source_id}:{data_id}",
        source=source_id,
        list=list_type or ctx.list_label,
        schema="Person" if kind == "INDIVIDUAL" else "Organization",
        name=name,
        aliases=aliases,
        addresses=addresses,
        countries=sorted({a.country for a in addresses if a.country} | set(nationalities)),
        identifiers=identifiers,
        programs=[list_type] if list_type else [],
        listing_date=partial_date(_text(element, "LISTED_ON")[:10]),
        end_date=partial_date(_text(element, "DELISTED_ON")[:10]),
        remarks="; ".join(r for r in remarks if r),
        birth_dates=births,
        nationalities=nationalities,
        raw_id=data_id,
    )


def _address(element: etree._Element) -> Address:
    street, city, region = _text(element, "STREET"), _text(element, "CITY"), _text(element, "STATE_PROVINCE")
    postal, country_name, note = _text(element, "ZIP_CODE"), _text(element, "COUNTRY"), _text(element, "NOTE")
    full = ", ".join(p for p in (street, city, region, postal, country_name) if p)
    if note:
        full = f"{full} ({note})" if full else note
    return Address(full=full, street=street, city=city, region=region, postal_code=postal,
                   country=country_code(country_name), country_name=country_name)


def birth_dates(element: etree._Element) -> tuple[list[str], str]:
    """One INDIVIDUAL_DATE_OF_BIRTH → partial ISO dates, plus a note for ranges and approximations."""
    kind = _text(element, "TYPE_OF_DATE")
    exact = partial_date(_text(element, "DATE")[:10]) or partial_date(_text(element, "YEAR"))
    start, end = partial_date(_text(element, "FROM_YEAR")), partial_date(_text(element, "TO_YEAR"))
    dates = [d for d in (exact, start, end) if d]
    note = ""
    if start or end:
        note = f"date of birth between {start or '?'} and {end or '?'}"
    elif kind == "APPROXIMATELY" and exact:
        note = f"date of birth approximately {exact}"
    if _text(element, "NOTE"):
        note = "; ".join(p for p in (note, f"date of birth: {_text(element, 'NOTE')}") if p)
    return dates, note


def _document(element: etree._Element) -> Identifier | None:
    number = _text(element, "NUMBER")
    if not number:
        return None
    doc_type = _text(element, "TYPE_OF_DOCUMENT") or _text(element, "TYPE_OF_DOCUMENT2") or "document"
    country = country_code(_text(element, "ISSUING_COUNTRY") or _text(element, "COUNTRY_OF_ISSUE"))
    return Identifier(type=doc_type, value=number, country=country)
