"""Parser for OFAC's legacy ``sdnList`` XML: sdn.xml (SDN list) and consolidated.xml (non-SDN lists).

Source: https://www.treasury.gov/ofac/downloads/sdn.xml and
https://www.treasury.gov/ofac/downloads/consolidated/consolidated.xml (schema sdn.xsd /
consolidated.xsd). Both files use the same element names. Quirks handled: the default namespace is
``http://tempuri.org/sdnList.xsd`` while the XSD says ``.../consolidated.xsd``, so elements are matched
on local names; the header is ``publshInformation`` (sic) with ``Publish_Date`` as MM/DD/YYYY and a
``Record_Count`` we check against the entries found (a truncated file fails); individuals' names are
split into lastName/firstName and written ``LAST, First`` as OFAC's CSV does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from exportcheck.errors import ParseError, RecordSkipped
from exportcheck.formats import ofac
from exportcheck.formats.base import ParseContext, Parsed, Skips
from exportcheck.formats.common import clean, country_code, partial_date, to_date
from exportcheck.formats.xmlsafe import parse_xml, strip_namespaces
from exportcheck.model import Address, Alias, Entity, Identifier

#: Children of ``sdnEntry`` the parser reads; anything else is reported as a warning.
KNOWN = {"uid", "firstName", "lastName", "title", "sdnType", "remarks", "programList", "idList", "akaList",
         "addressList", "nationalityList", "citizenshipList", "dateOfBirthList", "placeOfBirthList", "vesselInfo"}
_ALIAS_TYPES = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "nka"}
_VESSEL = {"vesselType": "vessel type", "vesselFlag": "vessel flag",
           "vesselOwner": "vessel owner", "tonnage": "tonnage", "grossRegisteredTonnage": "GRT"}


def _t(element: etree._Element | None, path: str) -> str:
    return clean(element.findtext(path)) if element is not None else ""


def _full_name(element: etree._Element) -> str:
    last, first = _t(element, "lastName"), _t(element, "firstName")
    return f"{last}, {first}" if last and first else (last or first)


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """One entity per ``sdnEntry``; ``entity_id`` = ``<source>:<uid>`` (OFAC's uid, stable over time).

    With a ``ctx.list_label`` (the SDN list) every entry is on that list; without one (the consolidated
    non-SDN file) each entry's sub-list is derived from its programs.
    """
    (path,) = paths
    source_id = ctx.source_id
    root = parse_xml(path, source_id).getroot()
    strip_namespaces(root)
    if root.tag != "sdnList":
        raise ParseError(source_id, f"{path.name}: root element is <{root.tag}>, not <sdnList>")
    warnings: list[str] = []
    unknown: dict[str, int] = {}
    entries = root.findall("sdnEntry")
    stated = _t(root, "publshInformation/Record_Count") or _t(root, "publishInformation/Record_Count")
    if stated and stated.isdigit() and int(stated) != len(entries):
        raise ParseError(source_id, f"{path.name}: Record_Count says {stated} entries, found {len(entries)} "
                                    f"(truncated or edited file; last entry ends at line {entries[-1].sourceline if entries else 0})")
    records: list[Entity] = []
    seen: set[str] = set()
    skips = Skips()
    for entry in entries:
        for child in entry:
            if isinstance(child.tag, str) and child.tag not in KNOWN:
                unknown.setdefault(child.tag, child.sourceline or 0)
        entity = skips.attempt(_entity, entry, path.name, ctx, warnings)
        if entity is None:
            continue
        if entity.entity_id in seen:
            raise ParseError(source_id, f"{path.name} line {entry.sourceline}: uid {entity.raw_id} repeated")
        seen.add(entity.entity_id)
        records.append(entity)
    warnings += [f"{path.name} line {line}: unknown element <sdnEntry/{tag}> not read (format changed?)"
                 for tag, line in unknown.items()] + skips.warnings()
    published = partial_date(_t(root, "publshInformation/Publish_Date") or _t(root, "publishInformation/Publish_Date"))
    return Parsed(records=records, data_date=to_date(published),
                  data_date_basis="file (Publish_Date)" if published else "filename", warnings=warnings)


def _entity(entry: etree._Element, file_name: str, ctx: ParseContext, warnings: list[str]) -> Entity:
    source_id = ctx.source_id
    uid = _t(entry, "uid")
    if not uid:
        raise ParseError(source_id, f"{file_name} line {entry.sourceline}: <sdnEntry> without uid (truncated?)")
    schema = ofac.schema_for(_t(entry, "sdnType"))
    if schema is None:
        raise ParseError(source_id, f"{file_name} line {entry.sourceline}: unknown sdnType {_t(entry, 'sdnType')!r}")
    name = _full_name(entry)
    if not name:
        raise RecordSkipped(f"{file_name} line {entry.sourceline}: sdnEntry {uid} has no name")
    programs = [clean(p.text) for p in entry.findall("programList/program") if clean(p.text)]
    if ctx.list_label:
        list_name, flags = ctx.list_label, list[str]()
    else:
        sub_lists = ofac.cons_lists(programs)
        if not sub_lists:
            warnings.append(f"{file_name} line {entry.sourceline}: programs {programs} map to no known non-SDN list")
        list_name, flags = ofac.pick_list(sub_lists)
    aliases = []
    for aka in entry.findall("akaList/aka"):
        alias_name = _full_name(aka)
        if alias_name:
            quality = _t(aka, "category").lower()
            aliases.append(Alias(name=alias_name, type=_ALIAS_TYPES.get(_t(aka, "type").lower(), "aka"),
                                 quality=quality if quality in ("strong", "weak") else ""))  # type: ignore[arg-type]
    identifiers, listing = [], ""
    for item in entry.findall("idList/id"):
        id_type, value = _t(item, "idType"), _t(item, "idNumber")
        if "Listing Date" in id_type and partial_date(value) and (not listing or "CMIC" in id_type):
            listing = partial_date(value)
        identifiers.append(Identifier(type=id_type, value=value, country=country_code(_t(item, "idCountry"))))
    addresses = [a for a in (_address(x) for x in entry.findall("addressList/address")) if a.full]
    nationalities = sorted({c for c in (country_code(_t(x, "country")) for x in
                                        entry.findall("nationalityList/nationality")
                                        + entry.findall("citizenshipList/citizenship")) if c})
    births = [d for d in (partial_date(_t(x, "dateOfBirth")) for x in entry.findall("dateOfBirthList/dateOfBirthItem")) if d]
    unparsed_births = [_t(x, "dateOfBirth") for x in entry.findall("dateOfBirthList/dateOfBirthItem")
                       if not partial_date(_t(x, "dateOfBirth"))]
    vessel = entry.find("vesselInfo")
    if _t(vessel, "callSign"):  # an identifier, as in the legacy CSV's Call_Sign column
        identifiers.append(Identifier(type="Call Sign", value=_t(vessel, "callSign")))
    remarks = [
        _t(entry, "remarks"),
        f"title: {_t(entry, 'title')}" if _t(entry, "title") else "",
        "; ".join(f"place of birth: {_t(x, 'placeOfBirth')}" for x in entry.findall("placeOfBirthList/placeOfBirthItem")),
        "; ".join(f"date of birth: {d}" for d in unparsed_births if d),
        "; ".join(f"{label}: {_t(vessel, tag)}" for tag, label in _VESSEL.items() if _t(vessel, tag)),
    ]
    return Entity(
        entity_id=f"{source_id}:{uid}",
        source=source_id,
        list=list_name,
        schema=schema,
        name=name,
        aliases=aliases,
        addresses=addresses,
        countries=sorted({a.country for a in addresses if a.country} | set(nationalities)),
        identifiers=identifiers,
        programs=programs,
        listing_date=listing or ofac.listing_date_in_remarks(_t(entry, "remarks")),
        remarks="; ".join(r for r in remarks if r),
        birth_dates=list(dict.fromkeys(births)),
        nationalities=nationalities,
        flags=flags,
        raw_id=uid,
    )


def _address(element: etree._Element) -> Address:
    street = ", ".join(p for p in (_t(element, f"address{i}") for i in (1, 2, 3)) if p)
    city, region, postal = _t(element, "city"), _t(element, "stateOrProvince"), _t(element, "postalCode")
    country_name = _t(element, "country")
    full = ", ".join(p for p in (street, city, region, postal, country_name) if p)
    return Address(full=full, street=street, city=city, region=region, postal_code=postal,
                   country=country_code(country_name), country_name=country_name)
