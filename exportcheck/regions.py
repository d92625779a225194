"""Regions written where a country is expected, with their ISO 3166-2 code (or ISO-2 where they have none).

Why one table: the lists write regions in their country fields ("Crimea Region of Ukraine", "REGION: WEST BANK"),
which a parser reads as the country they lie in (:func:`exportcheck.formats.common.list_country`), and a user
names them as a destination ("Crimea", "DNR"), which a US licence determination reads as the 746.6 region
(:func:`exportcheck.controls.us_licence.normalise_destination`). Both read this table; which regions the EAR
covers is a legal fact kept apart (:data:`exportcheck.controls.us_law_facts.UKRAINE_REGIONS`).
"""

from __future__ import annotations

#: Region as written (casefolded) → ISO 3166-2 code where it has one, else the ISO-2 code of the country it lies in
#: (ISO 3166: PS covers the West Bank and Gaza). Rigour's territory table does not resolve these on its own. Disputed
#: places (Kashmir, Kafia Kingi) and groups of states are left out: a list naming them names no single country.
REGIONS: dict[str, str] = {
    "crimea": "UA-43", "crimea region of ukraine": "UA-43", "sevastopol": "UA-40",
    "donetsk": "UA-14", "dnr": "UA-14", "luhansk": "UA-09", "lugansk": "UA-09", "lnr": "UA-09",
    "west bank": "PS", "gaza": "PS", "gaza strip": "PS", "north gaza": "PS", "northern gaza": "PS",
    "northern mali": "ML",
}

#: The ISO 3166-2 codes of :data:`REGIONS` (a user may give one as it is: "UA-43").
REGION_CODES = frozenset(code for code in REGIONS.values() if "-" in code)


def region_code(text: str) -> str:
    """The code of a region written ``text`` (its name or one of :data:`REGION_CODES`, any case), or ``""`` where it
    names none of :data:`REGIONS`."""
    plain = text.strip()
    return plain.upper() if plain.upper() in REGION_CODES else REGIONS.get(plain.casefold(), "")


def region_country(text: str) -> str:
    """ISO-2 of the country a region written ``text`` lies in, or ``""``."""
    return region_code(text).split("-")[0]
