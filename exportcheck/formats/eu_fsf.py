"""Parser for the EU Financial Sanctions Files XML 1.1 (``xmlFullSanctionsList_1_1``).

Source: https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=...
(European Commission, DG FISMA). Shape (FSF documentation; the same shape the OpenSanctions FSF
reader in ``zavod/shed/fsf.py`` reads): root ``export`` in namespace ``http://eu.europa.ec/fpi/fsd/export``
with ``generationDate``; one ``sanctionEntity`` (``euReferenceNumber``, ``unitedNationId``, ``logicalId``,
``designationDate``) per listing, children ``remark``, ``regulation`` (``programme``, ``numberTitle``,
``publicationDate``, ``entryIntoForceDate``, ``publicationUrl``), ``subjectType@code``
(person/enterprise/...), ``nameAlias`` (``wholeName``, ``strong``, ``nameLanguage``, ``function``,
``gender``), ``citizenship``, ``birthdate`` (``birthdate`` or ``year``/``monthOfYear``/``dayOfMonth``),
``identification``, ``address`` (with ``contactInfo``).

No real file is held here (the full file is ~25 MB, beyond the mirror's size limit); the format is
registered ``verified=False`` and tested on a fixture written in this shape. Read by streaming
(``iter_elements``) with entity resolution and network access off.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from exportcheck.errors import ParseError, RecordSkipped
from exportcheck.formats.base import ParseContext, Parsed, Skips
from exportcheck.formats.common import clean, country_code, partial_date, to_date
from exportcheck.formats.xmlsafe import iter_elements, local
from exportcheck.model import Address, Alias, Citation, Entity, EntitySchema, Identifier

NS = "http://eu.europa.ec/fpi/fsd/export"
SCHEMAS: dict[str, EntitySchema] = {"person": "Person", "enterprise": "Organization", "vessel": "Vessel",
                                    "aircraft": "Aircraft"}
KNOWN_CHILDREN = {"remark", "regulation", "subjectType", "nameAlias", "citizenship", "birthdate", "identification",
                  "address"}


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str) and local(c.tag) == name]


def _country(node: etree._Element) -> str:
    description = node.get("countryDescription") or ""
    if description.upper() == "UNKNOWN":
        return ""
    return country_code(node.get("countryIso2Code")) or country_code(description)


def _birth(node: etree._Element) -> str:
    if found := partial_date(node.get("birthdate")):
        return found
    year, month, day = (node.get(k) or "0" for k in ("year", "monthOfYear", "dayOfMonth"))
    if not year.isdigit() or int(year) == 0:
        return ""
    text = year if month in ("", "0") else (f"{year}-{month}" if day in ("", "0") else f"{year}-{month}-{day}")
    return partial_date(text)


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """Every ``sanctionEntity`` as one entity; ``entity_id`` = ``<source>:<euReferenceNumber>``."""
    source_id = ctx.source_id
    (path,) = paths
    generated = ""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if b"<export" not in head:
        raise ParseError(source_id, f"{path.name}: no <export> root in the first 4 KB (not an FSF XML 1.1 file?)")
    records: list[Entity] = []
    unknown: set[str] = set()
    skips = Skips()
    for element in iter_elements(path, (f"{{{NS}}}sanctionEntity", "sanctionEntity", f"{{{NS}}}export", "export"),
                                 source_id):
        if local(element.tag) == "export":
            generated = element.get("generationDate") or generated
            continue
        unknown |= {local(c.tag) for c in element if isinstance(c.tag, str)} - KNOWN_CHILDREN
        entity = skips.attempt(_entity, element, f"{path.name} line {element.sourceline}", ctx)
        if entity is not None:
            records.append(entity)
    if not records and not skips.reasons:
        raise ParseError(source_id, f"{path.name}: no sanctionEntity elements")
    warnings = [f"{path.name}: unknown sanctionEntity children not read: {', '.join(sorted(unknown))}"] if unknown else []
    warnings += skips.warnings()
    return Parsed(records=records, data_date=to_date(generated[:10]), data_date_basis="file (generationDate)",
                  warnings=warnings)


def _entity(node: etree._Element, where: str, ctx: ParseContext) -> Entity:
    source_id = ctx.source_id
    ref = clean(node.get("euReferenceNumber")) or f"logical-{clean(node.get('logicalId'))}"
    subject = next(iter(_children(node, "subjectType")), None)
    schema = SCHEMAS.get((subject.get("code") if subject is not None else "") or "", "LegalEntity")
    names = _children(node, "nameAlias")
    if not names or not any(clean(n.get("wholeName")) for n in names):
        raise RecordSkipped(f"{where}: sanctionEntity {ref} has no nameAlias/@wholeName")
    primary = next(n for n in names if clean(n.get("wholeName")))
    aliases = []
    for name in names:
        whole = clean(name.get("wholeName"))
        if name is primary or not whole:
            continue
        alias_type = "original-script" if (name.get("nameLanguage") or "").lower() not in ("", "en") else "aka"
        strong = (name.get("strong") or "").lower() == "true"
        aliases.append(Alias(name=whole, type=alias_type, quality="strong" if strong else "weak"))
    addresses = []
    identifiers = []
    for node_address in _children(node, "address"):
        parts = {k: clean(node_address.get(k)) for k in ("street", "poBox", "zipCode", "city", "region", "place")}
        country = _country(node_address)
        description = clean(node_address.get("countryDescription"))
        full = ", ".join(v for v in [*parts.values(), description] if v and v != "UNKNOWN")
        addresses.append(Address(full=full, street=parts["street"], city=parts["city"], postal_code=parts["zipCode"],
                                 region=parts["region"], country=country, country_name=description))
        for contact in _children(node_address, "contactInfo"):
            identifiers.append(Identifier(type=clean(contact.get("key")).lower(), value=clean(contact.get("value"))))
    if un_id := clean(node.get("unitedNationId")):
        identifiers.append(Identifier(type="UN reference number", value=un_id))
    for ident in _children(node, "identification"):
        number = clean(ident.get("number")) or clean(ident.get("latinNumber"))
        identifiers.append(Identifier(type=clean(ident.get("identificationTypeDescription"))
                                      or clean(ident.get("identificationTypeCode")),
                                      value=number, country=_country(ident)))
    nationalities = sorted({_country(c) for c in _children(node, "citizenship")} - {""})
    regulations = _children(node, "regulation")
    citations = [Citation(citation=clean(r.get("numberTitle")), date=partial_date(r.get("publicationDate")))
                 for r in regulations if clean(r.get("numberTitle"))]
    starts = sorted(d for d in [partial_date(node.get("designationDate")),
                                *(partial_date(r.get("entryIntoForceDate")) for r in regulations)] if d)
    remarks = [clean(r.text) for r in _children(node, "remark") if clean(r.text)]
    functions = [clean(n.get("function")) for n in names if clean(n.get("function"))]
    url = next((clean(r.findtext(f"{{{NS}}}publicationUrl") or r.findtext("publicationUrl")) for r in regulations), "")
    return Entity(
        entity_id=f"{source_id}:{ref}",
        source=source_id,
        list=ctx.list_label,
        schema=schema,
        name=clean(primary.get("wholeName")),
        aliases=aliases,
        addresses=addresses,
        countries=sorted({a.country for a in addresses if a.country} | set(nationalities)),
        identifiers=identifiers,
        programs=sorted({clean(r.get("programme")) for r in regulations if clean(r.get("programme"))}),
        listing_date=starts[0] if starts else "",
        citations=citations,
        remarks="; ".join(remarks + [f"function: {f}" for f in functions]),
        birth_dates=sorted({b for b in (_birth(n) for n in _children(node, "birthdate")) if b}),
        nationalities=nationalities,
        source_url=url,
        raw_id=ref,
    )
