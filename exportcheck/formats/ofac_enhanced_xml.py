"""Parser for OFAC's enhanced XML: CONS_ENHANCED.XML (non-SDN lists) and SDN_ENHANCED.XML (SDN list).

Source: https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_ENHANCED.ZIP
(and SDN_ENHANCED.ZIP), each a zip holding one XML file in the namespace
``.../exports/ENHANCED_XML``. The zip is read in memory (no extraction to disk); a bare ``.XML`` works too.

Unlike the legacy shapes, the enhanced XML names every list an entry is on (with the date it was
published there), marks low-quality aliases, keeps non-Latin name translations, and stores ids, dates
and CMIC fields as typed ``features``. ``referenceValues`` resolves coded values (``valueRefId``) where
a feature carries no text. Elements are matched on local names.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from exportcheck.errors import ParseError, RecordSkipped
from exportcheck.formats import ofac
from exportcheck.formats.base import ParseContext, Parsed, Skips
from exportcheck.formats.common import clean, country_code, partial_date, to_date
from exportcheck.formats.safeio import zip_member
from exportcheck.formats.xmlsafe import parse_xml, strip_namespaces
from exportcheck.model import Address, Alias, Citation, Entity, Identifier

#: Children of ``entity`` the parser reads; anything else is reported as a warning.
KNOWN = {"generalInfo", "sanctionsLists", "sanctionsPrograms", "sanctionsTypes", "legalAuthorities", "names",
         "addresses", "features", "identityDocuments", "relationships"}
_ALIAS_TYPES = {"A.K.A.": "aka", "F.K.A.": "fka", "N.K.A.": "nka"}
_ADDRESS_PARTS = {"ADDRESS1": "street", "ADDRESS2": "street", "ADDRESS3": "street", "CITY": "city",
                  "STATE/PROVINCE": "region", "REGION": "region", "POSTAL CODE": "postal_code"}
#: Features that fill normalised fields rather than ``identifiers``.
_NATIONALITY_FEATURES = {"Nationality Country", "Citizenship Country"}
_REMARK_FEATURES = {"Place of Birth": "place of birth", "Gender": "gender"}


def _t(element: etree._Element | None, path: str) -> str:
    return clean(element.findtext(path)) if element is not None else ""


def _read_root(path: Path, source_id: str) -> etree._Element:
    if path.suffix.lower() != ".zip":
        return parse_xml(path, source_id).getroot()
    label, opener = zip_member(path, source_id, ".xml")  # decompressed size capped
    return parse_xml(opener, source_id, label).getroot()


def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
    """One entity per ``entities/entity``; ``entity_id`` = ``<source>:<id>`` (OFAC's uid, as in the CSV).

    With a ``ctx.list_label`` (the SDN list) every entry is on that list and its other lists become
    ``also-listed`` flags; without one (CONS_ENHANCED) the entry's own lists decide.
    """
    (path,) = paths
    source_id = ctx.source_id
    root = _read_root(path, source_id)
    strip_namespaces(root)
    if root.tag != "sanctionsData":
        raise ParseError(source_id, f"{path.name}: root element is <{root.tag}>, not <sanctionsData>")
    refs = {r.get("refId", ""): _t(r, "value") for r in root.findall("referenceValues/referenceValue")}
    warnings: list[str] = []
    unknown: dict[str, int] = {}
    records: list[Entity] = []
    seen: set[str] = set()
    skips = Skips()
    for entry in root.findall("entities/entity"):
        for child in entry:
            if isinstance(child.tag, str) and child.tag not in KNOWN:
                unknown.setdefault(child.tag, child.sourceline or 0)
        entity = skips.attempt(_entity, entry, refs, path.name, ctx, warnings)
        if entity is None:
            continue
        if entity.entity_id in seen:
            raise ParseError(source_id, f"{path.name} line {entry.sourceline}: entity id {entity.raw_id} repeated")
        seen.add(entity.entity_id)
        records.append(entity)
    warnings += [f"{path.name} line {line}: unknown element <entity/{tag}> not read (format changed?)"
                 for tag, line in unknown.items()] + skips.warnings()
    as_of = _t(root, "publicationInfo/dataAsOf")
    return Parsed(records=records, data_date=to_date(as_of[:10]),
                  data_date_basis="file (dataAsOf)" if as_of else "filename", warnings=warnings)


def _names(entry: etree._Element) -> tuple[str, list[Alias]]:
    """Primary name (its primary translation) and every other name translation as an alias."""
    main = ""
    aliases: list[Alias] = []
    for name in entry.findall("names/name"):
        primary = _t(name, "isPrimary") == "true"
        alias_type = _ALIAS_TYPES.get(_t(name, "aliasType"), "aka")
        quality = "weak" if _t(name, "isLowQuality") == "true" else "strong"
        for translation in name.findall("translations/translation"):
            text = _t(translation, "formattedFullName")
            if not text:
                continue
            if primary and _t(translation, "isPrimary") == "true" and not main:
                main = text
            elif primary:  # the primary name in another script (Cyrillic, Chinese)
                aliases.append(Alias(name=text, type="original-script"))
            else:
                aliases.append(Alias(name=text, type=alias_type, quality=quality))  # type: ignore[arg-type]
    return main, aliases


def _entity(entry: etree._Element, refs: dict[str, str], file_name: str, ctx: ParseContext,
            warnings: list[str]) -> Entity:
    source_id = ctx.source_id
    uid = entry.get("id", "")
    line = entry.sourceline
    if not uid:
        raise ParseError(source_id, f"{file_name} line {line}: <entity> without id (truncated?)")
    schema = ofac.schema_for(_t(entry, "generalInfo/entityType"))
    if schema is None:
        raise ParseError(source_id, f"{file_name} line {line}: unknown entityType {_t(entry, 'generalInfo/entityType')!r}")
    name, aliases = _names(entry)
    if not name:
        raise RecordSkipped(f"{file_name} line {line}: entity {uid} has no primary name")
    published = {ofac.LIST_NAMES.get(_t(x, "."), _t(x, ".")): x.get("datePublished", "")
                 for x in entry.findall("sanctionsLists/sanctionsList")}
    if ctx.list_label:
        list_name = ctx.list_label
        flags = [f"also-listed:{n}" for n in sorted(published) if n not in (list_name, "Consolidated")]
    else:
        list_name, flags = ofac.pick_list(list(published))
    programs = [_t(p, ".") for p in entry.findall("sanctionsPrograms/sanctionsProgram") if _t(p, ".")]
    identifiers: list[Identifier] = []
    nationalities: set[str] = set()
    births: list[str] = []
    remarks = [_t(entry, "generalInfo/remarks")]
    listing = ""
    for feature in entry.findall("features/feature"):
        kind = _t(feature, "type")
        value = _t(feature, "value") or refs.get(_t(feature, "valueRefId"), "")
        if not value:
            continue
        if kind == "Birthdate":
            if partial_date(value):
                births.append(partial_date(value))
            else:  # "circa 1962", "1960 to 1962": kept as written, never turned into a made-up date
                remarks.append(f"date of birth: {value}")
        elif kind.startswith("Listing Date") and partial_date(value):
            listing = partial_date(value) if (not listing or "CMIC" in kind) else listing
            identifiers.append(Identifier(type=kind.rstrip(": -"), value=value))
        elif kind in _NATIONALITY_FEATURES and country_code(value):
            nationalities.add(country_code(value))
        elif kind in _REMARK_FEATURES:
            remarks.append(f"{_REMARK_FEATURES[kind]}: {value}")
        else:
            identifiers.append(Identifier(type=kind.rstrip(": -"), value=value))
    for doc in entry.findall("identityDocuments/identityDocument"):
        identifiers.append(Identifier(type=_t(doc, "type"), value=_t(doc, "documentNumber"),
                                      country=country_code(_t(doc, "issuingCountry"))))
    parent = ""
    for rel in entry.findall("relationships/relationship"):
        relation, other = _t(rel, "type"), _t(rel, "relatedEntity")
        remarks.append(f"{relation}: {other}")
        if relation == "Owned or Controlled By" and not parent:
            parent = other
    addresses = [a for a in (_address(x) for x in entry.findall("addresses/address")) if a.full]
    return Entity(
        entity_id=f"{source_id}:{uid}",
        source=source_id,
        list=list_name,
        schema=schema,
        name=name,
        aliases=aliases,
        addresses=addresses,
        countries=sorted({a.country for a in addresses if a.country} | nationalities),
        identifiers=identifiers,
        programs=programs,
        listing_date=listing or partial_date(published.get(list_name, "")),
        citations=[Citation(citation=_t(a, ".")) for a in entry.findall("legalAuthorities/legalAuthority") if _t(a, ".")],
        remarks="; ".join(r for r in remarks if r),
        parent_name=parent,
        birth_dates=list(dict.fromkeys(births)),
        nationalities=sorted(nationalities),
        flags=flags,
        raw_id=uid,
    )


def _address(element: etree._Element) -> Address:
    parts: dict[str, list[str]] = {"street": [], "city": [], "region": [], "postal_code": []}
    translation = next((t for t in element.findall("translations/translation") if _t(t, "isPrimary") == "true"),
                       element.find("translations/translation"))
    if translation is not None:
        for part in translation.findall("addressParts/addressPart"):
            field = _ADDRESS_PARTS.get(_t(part, "type"), "street")
            if _t(part, "value"):
                parts[field].append(_t(part, "value"))
    country_name = _t(element, "country")
    joined = {k: ", ".join(v) for k, v in parts.items()}
    full = ", ".join(p for p in (joined["street"], joined["city"], joined["region"], joined["postal_code"],
                                 country_name) if p)
    return Address(full=full, street=joined["street"], city=joined["city"], region=joined["region"],
                   postal_code=joined["postal_code"], country=country_code(country_name), country_name=country_name)
