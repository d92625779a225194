"""OFAC conventions shared by every OFAC file shape: programs, entry types, sub-lists, remark facts.

OFAC publishes the SDN list and the Consolidated (non-SDN) list in several shapes (legacy CSV set,
``sdnList`` XML, enhanced XML). They all name programs the same way (``CMIC-EO13959``,
``UKRAINE-EO13662``) and type entries the same way (``individual``/``Entity``/``vessel``), but only the
enhanced XML names the sub-list an entry is on. For the other shapes the sub-list is derived from the
programs here, so all shapes of one list give the same ``list`` value.
"""

from __future__ import annotations

import re

from exportcheck.formats.common import clean, country_code, partial_date
from exportcheck.model import EntitySchema

#: OFAC entry types (any shape, case-insensitive) → followthemoney schema. OFAC's legacy CSV writes
#: ``-0- `` (null) for organisations, which :func:`schema_for` maps to Organization too.
SCHEMAS: dict[str, EntitySchema] = {
    "": "Organization",
    "entity": "Organization",
    "individual": "Person",
    "vessel": "Vessel",
    "aircraft": "Aircraft",
}

#: Sub-lists of the Consolidated (non-SDN) list, highest priority first: an entry on several sub-lists
#: gets the first as its ``list`` (NS-CMIC matters most for the claims engine) and the others as flags.
CONS_LISTS = ("NS-CMIC", "SSI", "NS-PLC", "FSE", "NS-MBS", "CAPTA", "NS-ISA", "13599")

#: Enhanced XML ``sanctionsList`` names → short names used by trade.gov's CSL and by users.
LIST_NAMES = {
    "SDN List": "SDN",
    "Non-SDN CMIC List": "NS-CMIC",
    "Sectoral Sanctions Identifications List": "SSI",
    "Non-SDN Palestinian Legislative Council List": "NS-PLC",
    "FSE List": "FSE",
    "Foreign Sanctions Evaders List": "FSE",
    "Non-SDN Menu-Based Sanctions List": "NS-MBS",
    "CAPTA List": "CAPTA",
    "Correspondent Account or Payable-Through Account Sanctions (CAPTA) List": "CAPTA",
    "Non-SDN Iran Sanctions Act List": "NS-ISA",
    "Consolidated List": "Consolidated",
}

#: Program tag → consolidated sub-list, for shapes that do not name the sub-list. Derived from the
#: 2025-01-10 CONS_ENHANCED.XML, where every entry carries both (e.g. CMIC-EO13959 ↔ Non-SDN CMIC List,
#: RUSSIA-EO14024 alone ↔ NS-MBS). ``IRAN`` on the 2018 consolidated list is the E.O. 13599 list
#: ("Not on the SDN List ... Pursuant to Executive Order 13599" in every such entry).
_PROGRAM_LISTS = {
    "CMIC-EO13959": "NS-CMIC",
    "CMIC-EO14032": "NS-CMIC",
    "UKRAINE-EO13662": "SSI",
    "NS-PLC": "NS-PLC",
    "561-RELATED": "CAPTA",
    "561LIST": "CAPTA",
    "CAATSA - RUSSIA": "NS-MBS",
    "BURMA-EO14014": "NS-MBS",
    "ILLICIT-DRUGS-EO14059": "NS-MBS",
    "IRAN": "13599",
    "ISA": "NS-ISA",
}
#: Programs that stand for a sub-list only when no other program does: RUSSIA-EO14024 alone is the
#: NS-MBS list, but next to UKRAINE-EO13662 it is the entry's SDN program (enhanced XML, 2025-01-10).
#: The legacy shapes cannot tell the rare SSI + NS-MBS entries (2 of 443) from SSI + SDN ones.
_FALLBACK_PROGRAM_LISTS = {"RUSSIA-EO14024": "NS-MBS"}


def schema_for(sdn_type: str) -> EntitySchema | None:
    """FtM schema for an OFAC entry type; ``None`` for a type OFAC never used (the caller reports it)."""
    return SCHEMAS.get(clean(sdn_type).lower())


def split_programs(cell: str) -> list[str]:
    """``UKRAINE-EO13662] [RUSSIA-EO14024`` (legacy CSV) → ``["UKRAINE-EO13662", "RUSSIA-EO14024"]``."""
    return [p for p in (clean(part.strip("[] ")) for part in (cell or "").split("] [")) if p]


def cons_lists(programs: list[str]) -> list[str]:
    """Consolidated sub-lists the programs stand for, in :data:`CONS_LISTS` priority order."""
    found = set()
    for program in programs:
        key = program.upper()
        if key.startswith("FSE-"):
            found.add("FSE")
        elif key in _PROGRAM_LISTS:
            found.add(_PROGRAM_LISTS[key])
    if not found:
        found = {_FALLBACK_PROGRAM_LISTS[p.upper()] for p in programs if p.upper() in _FALLBACK_PROGRAM_LISTS}
    return [name for name in CONS_LISTS if name in found]


def pick_list(names: list[str]) -> tuple[str, list[str]]:
    """The one ``list`` value for an entry on several sub-lists, plus ``also-listed:<X>`` flags for the rest."""
    ordered = [n for n in ("SDN", *CONS_LISTS) if n in names] + sorted(
        n for n in names if n not in CONS_LISTS and n not in ("SDN", "Consolidated"))
    if not ordered:
        return "Consolidated", []
    # An entry on the SDN list and a non-SDN sub-list is in the consolidated files for the sub-list.
    main = next((n for n in ordered if n != "SDN"), ordered[0])
    return main, [f"also-listed:{n}" for n in ordered if n != main]


_LISTING_DATE = re.compile(r"Listing Date \(([^)]*)\):?\s*(\d{1,2} [A-Z][a-z]{2} \d{4})")
_DOB = re.compile(r"\bDOB\s+((?:\d{1,2}\s+)?(?:[A-Z][a-z]{2}\s+)?\d{4})\b")


def listing_date_in_remarks(remarks: str) -> str:
    """A listing date OFAC wrote into the remarks (``Listing Date (CMIC) 03 Jun 2021``), CMIC first.

    Why from remarks: the legacy CSV and XML have no listing-date field; OFAC puts the CMIC and
    directive listing dates there, and for NS-CMIC entries that date is what a user needs.
    """
    found = [(label, partial_date(value)) for label, value in _LISTING_DATE.findall(remarks or "")]
    cmic = [d for label, d in found if "CMIC" in label and d]
    dates = cmic or [d for _, d in found if d]
    return dates[0] if dates else ""


def birth_dates_in_remarks(remarks: str) -> list[str]:
    """``DOB 1962``, ``DOB 05 Jan 1962``, ``alt. DOB Jan 1962`` → partial ISO dates (``circa`` is skipped)."""
    return list(dict.fromkeys(d for d in (partial_date(m) for m in _DOB.findall(remarks or "")) if d))


_REMARK_ALIAS = re.compile(r"\b([afn])\.k\.a\.,?\s+'(.+?)'(?=[.;,)]|\s|$)")


def weak_aliases_in_remarks(remarks: str) -> list[tuple[str, str]]:
    """``a.k.a. 'CETC'`` in remarks → ``[("aka", "CETC")]``.

    Why: the legacy CSV and ``sdnList`` XML keep OFAC's *weak* (low-quality) aliases only in the
    remarks (the enhanced XML marks the same names ``isLowQuality``); dropping them would lose names
    users screen against, e.g. CETC for China Electronics Technology Group Corporation.
    """
    return [(f"{kind}ka", clean(name)) for kind, name in _REMARK_ALIAS.findall(remarks or "") if clean(name)]


_NATIONALITY = re.compile(r"(?:^|; )(?:alt\. )?(?:nationality|citizen) ([^;]+?)\.?(?=;|$)")


def nationalities_in_remarks(remarks: str) -> list[str]:
    """``nationality Russia; alt. citizen Korea, North`` → ``["RU", "KP"]`` (ISO-2, sorted, unknown names dropped).

    Why from remarks: the legacy CSV has no nationality column; OFAC writes nationality and
    citizenship into the remarks, and screening needs them as countries.
    """
    return sorted({code for code in (country_code(v) for v in _NATIONALITY.findall(remarks or "")) if code})
