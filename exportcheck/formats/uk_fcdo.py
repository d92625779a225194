"""Parser for the UK Sanctions List XML published by the FCDO (``UK_Sanctions_List.xml``).

Source: https://www.gov.uk/government/publications/the-uk-sanctions-list (the XML link on that page).
Shape (as the OpenSanctions ``gb_fcdo_sanctions`` crawler reads it): one ``Designation`` per listed party
with ``UniqueID``, ``OFSIGroupID``, ``UNReferenceNumber``, ``LastUpdated`` and ``DateDesignated``
(``DD/MM/YYYY``; ``00`` for an unknown day or month), ``Names/Name`` (``Name1``..``Name6``, ``NameType``
``Primary Name`` / ``Primary Name Variation`` / ``Alias``, ``AliasStrength``), ``NonLatinNames``,
``RegimeName``, ``IndividualEntityShip`` (Individual / Entity / Ship), ``SanctionsImposed``
(``|``-joined), ``OtherInformation``, ``UKStatementofReasons``, ``Addresses/Address`` (``AddressLine1-6``,
``AddressPostalCode``, ``AddressCountry``), contact details, and per type ``IndividualDetails`` (DOBs,
nationalities, positions) or ``ShipDetails`` (IMO numbers, flags).

No real file is held here; the format is registered ``verified=False`` and tested on a fixture
written in this shape.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from exportcheck.errors import ParseError, RecordSkipped
from exportcheck.formats.base import ParseContext, Parsed, Skips
from exportcheck.formats.common import clean, country_code, partial_date, split_multi, to_date
from exportcheck.formats.xmlsafe import iter_elements, local
from exportcheck.model import Address, Alias, Entity, EntitySchema, Identifier

SCHEMAS: dict[str, EntitySchema] = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
KNOWN = {"LastUpdated", "DateDesignated", "UniqueID", "OFSIGroupID", "UNReferenceNumber", "Names", "NonLatinNames",
         "RegimeName", "IndividualEntityShip", "DesignationSource", "SanctionsImposed", "OtherInformation",
         "UKStatementofReasons", "Addresses", "PhoneNumbers", "EmailAddresses", "Websites", "IndividualDetails",
         "ShipDetails", "EntityDetails"}
_UK_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def uk_date(text: str | None) -> str:
    """``DD/MM/YYYY`` → ISO, keeping only the known precision (``00/00/1980`` → ``1980``)."""
    match = _UK_DATE.match(clean(text))
    if not match:
        return partial_date(text)
    day, month, year = match.groups()
    if month == "00":
        return partial_date(year)
    return partial_date(f"{year}-{month}" if day == "00" else f"{year}-{month}-{day}")


def _texts(node: etree._Element, path: str) -> list[str]:
    steps = path.split("/")
    found = [node]
    for step in steps:
        found = [c for f in found for c in f if isinstance(c.tag, str) and local(c.tag) == step]
    return [clean(f.text) for f in found if clean(f.text)]


def _first(node: etree._Element, path: str) -> str:
    return next(iter(_texts(node, path)), "")


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """Every ``Designation`` as one entity; ``entity_id`` = ``<source>:<UniqueID>``."""
    source_id = ctx.source_id
    (path,) = paths
    records: list[Entity] = []
    unknown: set[str] = set()
    generated = ""
    skips = Skips()
    for element in iter_elements(path, ("Designation", "DateGenerated"), source_id):
        if local(element.tag) == "DateGenerated":
            generated = clean(element.text)
            continue
        unknown |= {local(c.tag) for c in element if isinstance(c.tag, str)} - KNOWN
        entity = skips.attempt(_entity, element, f"{path.name} line {element.sourceline}", ctx)
        if entity is not None:
            records.append(entity)
    if not records and not skips.reasons:
        raise ParseError(source_id, f"{path.name}: no Designation elements (not a UK Sanctions List XML file?)")
    warnings = [f"{path.name}: unknown Designation children not read: {', '.join(sorted(unknown))}"] if unknown else []
    warnings += skips.warnings()
    return Parsed(records=records, data_date=to_date(generated[:10]),
                  data_date_basis="file (DateGenerated)" if generated else "filename", warnings=warnings)


def _full_name(name: etree._Element) -> str:
    parts = [_first(name, f"Name{i}") for i in range(1, 7)]
    return clean(" ".join(p for p in parts if p))


def _entity(node: etree._Element, where: str, ctx: ParseContext) -> Entity:
    source_id = ctx.source_id
    unique_id = _first(node, "UniqueID")
    if not unique_id:
        raise ParseError(source_id, f"{where}: Designation without UniqueID")
    kind = _first(node, "IndividualEntityShip").lower()
    primary, aliases = "", []
    for name in [c for n in node if local(n.tag) == "Names" for c in n if local(c.tag) == "Name"]:
        full, name_type = _full_name(name), _first(name, "NameType")
        if not full:
            continue
        if name_type == "Primary Name" and not primary:
            primary = full
            continue
        strength = _first(name, "AliasStrength").lower()
        aliases.append(Alias(name=full, type="aka" if name_type != "Primary Name Variation" else "variation",
                             quality="weak" if "low" in strength else ("strong" if strength else "")))
    if not primary:
        raise RecordSkipped(f"{where}: Designation {unique_id} has no Primary Name")
    aliases += [Alias(name=n, type="original-script") for n in _texts(node, "NonLatinNames/NameNonLatinScript")]
    addresses = []
    for address in [c for a in node if local(a.tag) == "Addresses" for c in a if local(c.tag) == "Address"]:
        lines = [_first(address, f"AddressLine{i}") for i in range(1, 7)]
        postal, country_name = _first(address, "AddressPostalCode"), _first(address, "AddressCountry")
        full = ", ".join(p for p in [*lines, postal, country_name] if p)
        addresses.append(Address(full=full, street=", ".join(p for p in lines[:5] if p), city=lines[5],
                                 postal_code=postal, country=country_code(country_name), country_name=country_name))
    identifiers = [Identifier(type="phone", value=v) for v in _texts(node, "PhoneNumbers/PhoneNumber")]
    identifiers += [Identifier(type="email", value=e) for v in _texts(node, "EmailAddresses/EmailAddress")
                    for e in re.split(r"[;\s]+", v) if e]
    identifiers += [Identifier(type="website", value=v) for v in _texts(node, "Websites/Website")]
    identifiers += [Identifier(type="IMO number", value=v) for v in _texts(node, "ShipDetails/Ship/IMONumbers/IMONumber")]
    identifiers += [Identifier(type="UN reference number", value=v) for v in _texts(node, "UNReferenceNumber")]
    nationalities = sorted({country_code(n) for n in
                            _texts(node, "IndividualDetails/Individual/Nationalities/Nationality")} - {""})
    remarks = [f"sanctions imposed: {', '.join(split_multi(_first(node, 'SanctionsImposed'), '|'))}"
               if _first(node, "SanctionsImposed") else "",
               _first(node, "OtherInformation"),
               f"statement of reasons: {_first(node, 'UKStatementofReasons')}" if _first(node, "UKStatementofReasons") else "",
               *(f"position: {p}" for p in _texts(node, "IndividualDetails/Individual/Positions/Position"))]
    return Entity(
        entity_id=f"{source_id}:{unique_id}",
        source=source_id,
        list=ctx.list_label,
        schema=SCHEMAS.get(kind, "LegalEntity"),
        name=primary,
        aliases=aliases,
        addresses=addresses,
        countries=sorted({a.country for a in addresses if a.country} | set(nationalities)),
        identifiers=identifiers,
        programs=_texts(node, "RegimeName"),
        listing_date=uk_date(_first(node, "DateDesignated")),
        remarks="; ".join(r for r in remarks if r),
        birth_dates=[d for d in (uk_date(t) for t in _texts(node, "IndividualDetails/Individual/DOBs/DOB")) if d],
        nationalities=nationalities,
        source_url="https://www.gov.uk/government/publications/the-uk-sanctions-list",
        raw_id=unique_id,
    )
