"""trade.gov Consolidated Screening List: list names and the cell conventions shared by its CSV and JSON.

The CSL merges eleven-plus US lists (BIS Entity List, MEU, UVL, DPL; Treasury SDN, SSI, NS-CMIC, ...;
State ISN, DTC). Its ``source`` column holds a long name with the short code in parentheses; we keep
the short list names users know ("Entity List", "SDN", "NS-CMIC").
"""

from __future__ import annotations

import re

from exportcheck.formats.common import country_code, name_key, partial_date, split_multi
from exportcheck.model import Address, EntitySchema, Identifier

_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z-]*?)(?: List)?\)")
_LIST_NAMES = {"EL": "Entity List", "CMIC": "NS-CMIC", "CAP": "CAPTA", "NS-MBS": "NS-MBS", "MEU": "MEU"}

SCHEMAS: dict[str, EntitySchema] = {"Individual": "Person", "Entity": "Organization", "Vessel": "Vessel",
                                    "Aircraft": "Aircraft"}


def list_name(source_label: str) -> str:
    """Short list name for a CSL ``source`` value (``Entity List (EL) - Bureau ...`` → ``Entity List``)."""
    match = _ABBREVIATION.search(source_label)
    if not match:
        return source_label.split(" - ")[0].strip()
    code = match.group(1)
    return _LIST_NAMES.get(code, code)


def list_slug(list_label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", list_label.lower()).strip("-")


def entity_id(source_id: str, list_label: str, entity_number: str, name: str) -> str:
    """``<source>:<list>:<key>``: Treasury's uid where the row has one, else a key from the name.

    Why not trade.gov's ``_id``: it is a hash trade.gov may recompute, and the compact JSON copy drops
    it; the OFAC uid and the listed name are what both the CSV and the JSON keep, so ids stay the same
    across formats and editions and ``diff`` sees the same party.
    """
    return f"{source_id}:{list_slug(list_label)}:{entity_number.strip() or name_key(name)}"


_POSTAL = re.compile(r"^[A-Z]{0,2}-?\d[\d -]{2,9}[A-Z]{0,3}$")


def address(item: str) -> Address:
    """``street, city, postal, CC`` → an address; the last comma part is a country code or name.

    trade.gov writes BIS addresses as ``street, city, postal, CC`` and sometimes leaves out the postal
    code, so the part before the country is a postal code only when it looks like one.
    """
    parts = [p.strip() for p in item.split(",") if p.strip()]
    country = country_code(parts[-1], fuzzy=False) if parts else ""
    if not country:
        return Address(full=item)
    rest = parts[:-1]
    postal = rest.pop() if rest and _POSTAL.match(rest[-1]) else ""
    city = rest.pop() if len(rest) >= 2 else ""
    return Address(full=item, street=", ".join(rest), city=city, postal_code=postal, country=country,
                   country_name=parts[-1])


def addresses(cell: str) -> list[Address]:
    """``street, city, postal, CC; ...`` → addresses (the CSV's ``; ``-joined cell)."""
    return [address(item) for item in split_multi(cell)]


def identifiers(cell: str) -> tuple[list[Identifier], dict[str, str]]:
    """``CC, number, type; ...`` → identifiers, plus the dated facts Treasury hides there.

    Treasury writes CMIC listing dates as ids (``03 Jun 2021, Listing Date (CMIC)``); these come back in
    the second value keyed by type so the parser can use them as the listing date.
    """
    ids: list[Identifier] = []
    dated: dict[str, str] = {}
    for item in split_multi(cell):
        parts = [p.strip() for p in item.split(",")]
        if len(parts) < 2:
            ids.append(Identifier(type="", value=item))
            continue
        id_type = parts[-1]
        country = parts[0] if len(parts) >= 3 and re.fullmatch(r"[A-Z]{2}", parts[0]) else ""
        value = parts[-2]
        if "date" in id_type.lower() and partial_date(value):
            dated[id_type] = partial_date(value)
        ids.append(Identifier(type=id_type, value=value, country=country))
    return ids, dated
