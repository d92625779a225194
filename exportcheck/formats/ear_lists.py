"""Conventions of the EAR end-user lists (15 CFR 744 Supp. 4 Entity List, Supp. 7 MEU List).

Shared by the official eCFR XML parser and the parser of the nsfreg JSON copy, so both give the
same ids, addresses and footnote flags for the same entry.

Footnotes: the Entity List marks entries with superscript footnote numbers in the licence
requirement column (1 = Huawei foreign-direct-product rule §734.9(e)(1), 3 = Russia/Belarus military
end-user FDP rule §734.9(g), 4 = advanced-computing FDP rule §734.9(e)(2)... 5 = the Dec 2024 SME FDP
rule). Plain-text copies flatten the superscript into the text (``§§ 734.9(e) 1 and 744.11 of the EAR 2``);
the eCFR XML has them as ``<SU>``. Either way they become flags ``footnote-<n>``.
"""

from __future__ import annotations

import re

from exportcheck.formats.common import clean, list_country
from exportcheck.model import Address

#: A flattened superscript: one digit right after ``)``, ``,`` or ``EAR``, before a space, punctuation or
#: the end (``(e) 1 and``, ``(g),3 746``, ``of the EAR 2``, ``EAR) 4``). ``(a)(3)`` is not one: its
#: digit follows ``(``.
_FOOTNOTE = re.compile(r"(?:(?<=\))|(?<=,)|(?<=EAR))\s?([1-9])(?=[\s,.;)]|$)")
_ADDRESS_SPLIT = re.compile(r";\s*(?:and\s+)?")

def footnotes(text: str) -> list[str]:
    """``footnote-<n>`` flags for the footnote markers flattened into a licence-requirement text."""
    return [f"footnote-{n}" for n in dict.fromkeys(_FOOTNOTE.findall(text or ""))]


def addresses(text: str, country_name: str) -> list[Address]:
    """Split an entry's address text (``...; and ...``) into addresses in the entry's country."""
    code = list_country(country_name)
    found = []
    for part in _ADDRESS_SPLIT.split(text or ""):
        part = clean(part).rstrip(".").strip()
        if part and part.lower() != "and":
            found.append(Address(full=part, country=code, country_name=clean(country_name)))
    return found
