"""Small normalisers every parser uses: multi-value cells, countries, dates, lost characters, ids, citations.

Why shared: each list writes the same things differently (``China``/``CN``/``CHN``; ``1967``,
``Jan 1967``, ``01/05/1967``), and the normalised table must not depend on which parser wrote it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from functools import cache, lru_cache

from normality import slugify
from rigour.territories import Territory, get_territories, lookup_territory

from exportcheck.model import Citation
from exportcheck.regions import region_country

LOST_CHARACTERS = "lost-characters"
#: A ``?`` touching a letter or digit on either side (``Xi?an``, ``?Taman?``, ``Academy?s``). A ``?`` on its
#: own between spaces is left alone: it is punctuation, not a replaced letter.
_LOST = re.compile(r"\w\?|\?\w")


def split_multi(value: str | None, sep: str = ";") -> list[str]:
    """Split a multi-valued cell (``a; b;c``), dropping empty parts and surrounding space."""
    if not value:
        return []
    return [part.strip() for part in value.split(sep) if part.strip()]


def has_lost_characters(text: str) -> bool:
    """True where a ``?`` stands inside a word: trade.gov replaced a non-ASCII letter (``Xi?an``)."""
    return bool(_LOST.search(text or ""))


def _iso2(territory: Territory) -> str:
    code = territory.ftm_country or territory.code
    return code.upper() if code and len(code) == 2 else (territory.code.upper() if len(territory.code) == 2 else "")


def _name_key(text: str) -> str:
    """Case, spacing and typographic apostrophes folded (``People’s Republic`` = ``people's republic``)."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").casefold().split())


@cache
def _exact_names() -> dict[str, str]:
    """Codes and official names of every rigour territory → ISO-2, for the common exact case.

    Why: rigour's fuzzy ``lookup_territory`` builds a transliterated name index on first use (~3 s);
    most list cells are plain codes or official names, and a parse should not pay that when it can
    be avoided. Anything not found here still goes through ``lookup_territory``.
    """
    names: dict[str, str] = {}
    for territory in get_territories():
        iso2 = _iso2(territory)
        if not iso2:
            continue
        for key in (territory.code, territory.alpha3, territory.name, territory.full_name):
            if key:
                names.setdefault(_name_key(key), iso2)
    try:  # rigour's strong names ("Russian Federation", "Burma"): private API, so optional
        from rigour.territories.lookup import _load_territory_names
    except ImportError:  # pragma: no cover - a rigour release that moved it: the fuzzy lookup still works
        return names
    for territory, strong_names, _weak, _places in _load_territory_names():
        iso2 = _iso2(territory)
        for name in strong_names if iso2 else []:
            names.setdefault(_name_key(name), iso2)
    return names


@lru_cache(maxsize=4096)
def country_code(value: str | None, fuzzy: bool = True) -> str:
    """ISO-2 code (upper case) for a country name or code as lists write it; ``""`` if unknown.

    ``fuzzy=False`` accepts only codes and rigour's names as written: for text that may not be a
    country at all (the last comma part of a free-text address), where a fuzzy match would invent one.
    """
    if not value or not value.strip():
        return ""
    text = value.strip()
    if found := _exact_names().get(_name_key(text)):
        return found
    if not fuzzy:
        return ""
    territory = lookup_territory(text)
    return _iso2(territory) if territory is not None else ""


#: "REGION: WEST BANK", "CRIMEA (OCCUPIED)": how the CSL writes some address countries.
_REGION_PREFIX = re.compile(r"^region\s*:\s*", re.I)
_PAREN_NOTE = re.compile(r"\s*\((?:temporarily )?occupied\)\s*$", re.I)  # not any bracket: "Congo (Democratic Republic)"


def list_country(name: str) -> str:
    """ISO-2 for a country as a list writes it in a heading or an address field, or ``""`` where it names none.

    Beyond :func:`country_code`: inverted headings ("CHINA, PEOPLE'S REPUBLIC OF", "MAN, ISLE OF"), regions written as
    countries ("Crimea Region of Ukraine", "REGION: WEST BANK", "CRIMEA (OCCUPIED)") and the short forms rigour reads
    only fuzzily ("PRC"). Why one function: the Entity List, the MEU list and the CSL write the same places so, and a
    country left as written ("TURKIYE") never equals a user's country hint ("TR"), so the screener marked every match
    of the right country as of another.
    """
    text = clean(name)
    plain = _PAREN_NOTE.sub("", _REGION_PREFIX.sub("", text))
    for form in dict.fromkeys((text, plain)):
        head, _, tail = form.partition(", ")
        # the eCFR writes inverted headings: "CHINA, PEOPLE'S REPUBLIC OF", "KOREA, REPUBLIC OF"
        for candidate in (form, f"{tail} {head}" if tail else "", head if tail else ""):
            if found := region_country(candidate) or country_code(candidate, fuzzy=False):
                return found
    return country_code(text)


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_DMY_TEXT = re.compile(r"^(?:(\d{1,2})\s+)?([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_MDY_TEXT = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})$")  # June 10, 2026
_DMY_DOT = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")  # the EU Official Journal: 12.9.2014
_CIRCA = re.compile(r"^(?:circa|ca\.|approx\.?|about)\s+", re.I)


def partial_date(value: str | None) -> str:
    """An ISO date that keeps only the precision the source gives: ``2021``, ``2021-06`` or ``2021-06-03``.

    Accepts ISO (``2021-06-03``, ``2021-6``), US ``MM/DD/YYYY``, the OJ's ``12.9.2014``, ``03 Jun 2021``, ``June 10, 2026``,
    ``Jun 2021``, each optionally after ``circa`` (the CSL's approximate birth years). Returns
    ``""`` for anything else rather than guessing: a wrong listing date is worse than none.
    """
    if not value:
        return ""
    text = _CIRCA.sub("", value.strip())
    text = text.split("T", 1)[0] if re.match(r"^\d{4}-\d{2}-\d{2}T", text) else text
    if m := _ISO.match(text):
        year, month, day = m.groups()
        return _checked(int(year), int(month) if month else None, int(day) if day else None)
    if m := _US.match(text):
        month, day, year = m.groups()
        y = int(year)
        if len(year) == 2:
            y += 2000 if y < 70 else 1900
        return _checked(y, int(month), int(day))
    if m := _MDY_TEXT.match(text):
        mon, day, year = m.groups()
        month_num = _MONTHS.get(mon.lower())
        if month_num:
            return _checked(int(year), month_num, int(day))
    if m := _DMY_DOT.match(text):
        day, month, year = m.groups()
        return _checked(int(year), int(month), int(day))
    if m := _DMY_TEXT.match(text):
        day, mon, year = m.groups()
        month_num = _MONTHS.get(mon.lower()[:3])
        if month_num:
            return _checked(int(year), month_num, int(day) if day else None)
    return ""


def _checked(year: int, month: int | None, day: int | None) -> str:
    if not 1000 <= year <= 2999:
        return ""
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return ""
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def to_date(value: str | None) -> date | None:
    """A full :class:`date` for a complete ISO date string, else ``None``."""
    if not value:
        return None
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").date()
    except ValueError:
        return None


def clean(value: str | None) -> str:
    """Collapse internal whitespace and strip; ``None`` becomes ``""``."""
    return " ".join(value.split()) if value else ""


# --- names and citations, the same in every US list ---------------------------------------------
def name_key(name: str) -> str:
    """A short stable key from a name: ``sha1`` of its case- and space-folded form (12 hex digits)."""
    return hashlib.sha1(" ".join(name.casefold().split()).encode()).hexdigest()[:12]


def name_slug(name: str) -> str:
    """A readable id part from a name (``360 Security Technology, Inc.`` → ``360-security-technology-inc``)."""
    return slugify(name) or name_key(name)


#: ``66 FR 24266``, ``68 F.R. 38290 6/27/03``, ``89 FR 41888, 5/14/24`` (BIS puts a comma before the date,
#: the eCFR text sometimes a line break: both are separators here; notices write ``(June 10, 2026)``).
_FR_CITATION = re.compile(
    r"(\d+[.\s]*F\.?\s?R\.?\s*\d+)(?:\s*\(no\.\s*\d+\))?"
    r"(?:[,\s]+(\d{1,2}/\d{1,2}/\d{2,4})|\s*\(([A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4})\))?", re.I)


def fr_citations(text: str) -> list[Citation]:
    """Federal Register citations with their dates where given, one per citation in the cell.

    Text that holds no recognisable citation is kept whole as one citation rather than dropped.
    """
    found = [
        Citation(citation=clean(m.group(1)), date=partial_date(m.group(2) or m.group(3)))
        for m in _FR_CITATION.finditer(text or "")
    ]
    if not found and clean(text):
        found = [Citation(citation=clean(text))]
    return found
