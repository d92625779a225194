"""Parser for OpenSanctions' transcription of EU regulation annexes (``eu/journal_sanctions`` consolidated CSVs).

Source: https://github.com/opensanctions/opensanctions datasets/eu/journal_sanctions/data/consolidated/
32014R0833.csv: Council Regulation (EU) No 833/2014's annex listings typed from the Official Journal,
45 columns (``celex, recordId, programKey, annex, measure, startDate, reason, schema, name, alias, ...,
address, notes``), FtM property names as column names. One file holds every annex; a source picks one
(``annex`` = ``IV`` for the military end-user list). Multi-valued cells are ``; ``-joined; names in
Cyrillic or Chinese script are kept as aliases of type ``original-script``. ``startDate`` is the OJ's
``D.M.YYYY``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

from exportcheck.errors import ParseError
from exportcheck.formats.base import ContextParseFn, ParseContext, Parsed
from exportcheck.formats.common import clean, country_code, partial_date, split_multi
from exportcheck.model import Address, Alias, Entity, EntitySchema, Identifier

COLUMNS = ["celex", "recordId", "programKey", "annex", "measure", "startDate", "reason", "schema", "name", "alias",
           "weakAlias", "previousName", "country", "nationality", "jurisdiction", "birthDate", "birthPlace",
           "position", "passportNumber", "gender", "appearance", "ethnicity", "fatherName", "motherName",
           "incorporationDate", "legalForm", "sector", "registrationNumber", "taxNumber", "idNumber", "innCode",
           "ogrnCode", "kppCode", "okpoCode", "leiCode", "swiftBic", "ticker", "imoNumber", "mmsi", "flag", "address",
           "phone", "email", "website", "notes"]
#: Columns read as identifiers, by FtM property name.
ID_COLUMNS = ["registrationNumber", "taxNumber", "idNumber", "innCode", "ogrnCode", "kppCode", "okpoCode", "leiCode",
              "swiftBic", "ticker", "imoNumber", "mmsi", "passportNumber", "phone", "email", "website"]
#: Columns kept as ``label: value`` remarks (person details this list does not use yet, and notes).
REMARK_COLUMNS = ["reason", "position", "gender", "appearance", "ethnicity", "fatherName", "motherName",
                  "incorporationDate", "legalForm", "sector", "birthPlace", "flag", "notes"]
_SCHEMAS: dict[str, EntitySchema] = {"LegalEntity": "LegalEntity", "Organization": "Organization",
                                     "Company": "Company", "Person": "Person", "Vessel": "Vessel",
                                     "Airplane": "Aircraft"}
_NON_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u052f\u0590-\u06ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_ID_TYPE = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")


def is_original_script(text: str) -> bool:
    """True for a name written (partly) in a non-Latin script: Cyrillic, Greek, Arabic, Hebrew, CJK, Hangul."""
    return bool(_NON_LATIN.search(text))


def parser(annex: str) -> ContextParseFn:
    """A parser reading the rows of one annex of the consolidated CSV; the context names the list."""

    def parse(paths: Sequence[Path], ctx: ParseContext) -> Parsed:
        (path,) = paths
        return _parse(path, ctx.source_id, annex, ctx.list_label)

    return parse


def _parse(path: Path, source_id: str, annex: str, list_label: str) -> Parsed:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(source_id, f"{path.name}: not UTF-8 at byte {exc.start}") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    header = reader.fieldnames or []
    missing = [c for c in ("recordId", "annex", "name") if c not in header]
    if missing:
        raise ParseError(source_id, f"{path.name}: not an OpenSanctions journal CSV, missing {', '.join(missing)}")
    extra = [c for c in header if c not in COLUMNS]
    warnings = [f"{path.name}: unknown new columns not read: {', '.join(extra)}"] if extra else []
    records: list[Entity] = []
    try:
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise ParseError(source_id, f"{path.name} line {reader.line_num}: wrong number of fields (truncated file?)")
            if clean(row["annex"]) != annex:
                continue
            records.append(_entity(row, source_id, list_label, f"{path.name} line {reader.line_num}"))
    except csv.Error as exc:
        raise ParseError(source_id, f"{path.name} line {reader.line_num}: {exc}") from exc
    # The file states no edition date (its listings' start dates are not it): the mirror file name's
    # date (the transcription's commit date) is used by refresh.
    return Parsed(records=records, data_date=None, data_date_basis="filename", warnings=warnings)


def _entity(row: dict[str, str], source_id: str, list_label: str, where: str) -> Entity:
    record_id = clean(row["recordId"])
    name = clean(row["name"])
    if not record_id or not name:
        raise ParseError(source_id, f"{where}: row without recordId or name")
    aliases = [Alias(name=a, type="original-script" if is_original_script(a) else "aka")
               for a in split_multi(row.get("alias"))]
    aliases += [Alias(name=a, type="aka", quality="weak") for a in split_multi(row.get("weakAlias"))]
    aliases += [Alias(name=a, type="fka") for a in split_multi(row.get("previousName"))]
    if is_original_script(name):  # a native-script heading: also an alias, so matching sees it either way
        aliases.insert(0, Alias(name=name, type="original-script"))
    addresses = []
    for item in split_multi(row.get("address")):
        last = item.rsplit(",", 1)[-1].strip()
        code = country_code(last, fuzzy=False)
        addresses.append(Address(full=item, country=code, country_name=last if code else ""))
    identifiers = []
    for column in ID_COLUMNS:
        for value in split_multi(row.get(column)):
            match = _ID_TYPE.match(value)
            id_type, id_value = (match.group(2), match.group(1)) if match and column == "registrationNumber" \
                else (column, value)
            identifiers.append(Identifier(type=id_type, value=id_value))
    countries = {a.country for a in addresses if a.country}
    for column in ("country", "nationality", "jurisdiction"):
        countries |= {country_code(c) for c in split_multi(row.get(column))}
    return Entity(
        entity_id=f"{source_id}:{record_id}",
        source=source_id,
        list=list_label,
        schema=_SCHEMAS.get(clean(row.get("schema")), "LegalEntity"),
        name=name,
        aliases=aliases,
        addresses=addresses,
        countries=sorted(countries - {""}),
        identifiers=identifiers,
        programs=[p for p in (clean(row.get("programKey")), clean(row.get("measure"))) if p],
        listing_date=partial_date(row.get("startDate")),
        remarks="; ".join(f"{c}: {clean(row.get(c))}" for c in REMARK_COLUMNS if clean(row.get(c))),
        birth_dates=[d for d in (partial_date(x) for x in split_multi(row.get("birthDate"))) if d],
        nationalities=sorted({country_code(c) for c in split_multi(row.get("nationality"))} - {""}),
        source_url=f"https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{clean(row.get('celex')) or '32014R0833'}",
        raw_id=record_id,
    )
