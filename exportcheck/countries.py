"""The country a user gives for a party ("CN", "CHN", "China", "UK"): one reading for every way in.

Why: the screener compares the hint with the ISO-2 codes the lists carry and marks a listed party of another
country as a mismatch (``COUNTRY_MISMATCH``). A hint written "CHN", "China" or "UK" never equals the lists'
"CN" or "GB", so every match of the right country was marked "listed for CN, not CHN" and lowered. The lists'
codes were made by :func:`exportcheck.formats.common.country_code`; reading the hint with the same function makes
the two comparable. The command line, the Python API, watchlists, batch files and the server all read it here.
"""

from __future__ import annotations

from functools import lru_cache

from exportcheck.errors import InputError

# Codes rigour's territory table holds for what is no party's country: the whole world ("ZZ", "Global"), the EU and
# the UN. No list gives them, so as a hint each would mark every match as of another country.
NO_COUNTRY = frozenset({"ZZ", "EU", "UN"})


@lru_cache(maxsize=4096)
def iso2(text: str) -> str:
    """ISO-2 for a country as a user writes it (code, three-letter code or name), or ``""`` where it names none.

    The one reading of a user's country: party hints here, and the destination of a US licence determination
    (:func:`exportcheck.controls.us_licence.normalise_destination`, which reads the 746.6 regions first).
    """
    from exportcheck.formats.common import country_code  # rigour's territories: loaded only when a hint is given

    # two letters are a code or nothing: a fuzzy name match would turn a wrong code into some country
    code = country_code(text.upper(), fuzzy=False) if len(text) == 2 else country_code(text)
    return "" if code in NO_COUNTRY else code


def country_hint(value: str | None, what: str = "country") -> str | None:
    """ISO-2 code for a party's country as a user writes it (code, three-letter code or name); None for nothing.

    Text that names no country is an :class:`InputError` naming ``what`` (the option or field): a hint that cannot
    be read must not quietly mark every match as of another country.
    """
    text = (value or "").strip()
    if not text:
        return None
    code = iso2(text)
    if not code:
        raise InputError(f"{what} {value!r}: not a country (use an ISO-2 code such as CN, or a country name)")
    return code


def row_country_hint(cell: str) -> str | None:
    """The hint of one row of a batch file: as :func:`country_hint`, but a cell that names no country ("N/A",
    "unknown") gives no hint instead of stopping a million-row batch (the row is screened without one)."""
    text = cell.strip()
    return (iso2(text) or None) if text else None
