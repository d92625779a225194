"""State groups whose units are listed one by one, folded to one token so group names decide a match.

Why: "the 25th Research Institute of CASIC" and "the 25th Research Institute of CETC" share every word
but the group; "CETC" and "China Electronics Technology Group Corporation" share no word at all. Each
group's English long forms (as the US lists and the groups themselves write them) and its acronym are
folded to the acronym, which the scorer treats as a *group token*: two different group tokens never
match, and a group token is how related parties (parent group ↔ its institutes) are found.

Acronyms not in this table are still matched to their expansion generically by the scorer (initials
of a run of words: "NRIET" ↔ "Nanjing Research Institute of Electronics Technology").
"""

from __future__ import annotations

import re
from functools import cache

# acronym → long forms, written after normalisation (lower case, abbreviations expanded: "corp" is
# already "corporation"). A trailing "group"/"corporation"/"company"/"limited" is optional.
GROUPS: dict[str, tuple[str, ...]] = {
    "cetc": ("china electronics? technology group", "china electronics? technologies group",
             "china electronics? science and technology group", "china electronics? technology corporation"),
    "casc": ("china aerospace science and technology",),
    "casic": ("china aerospace science and industry",),
    "avic": ("aviation industry corporation of china", "china aviation industry"),
    "norinco": ("china north industries group", "china north industries", "china ordnance industry group",
                "china north industry"),
    "csgc": ("china south industries group", "china south industries", "china ordnance equipment group"),
    "cssc": ("china state shipbuilding",),
    "csic": ("china shipbuilding industry",),
    "caep": ("china academy of engineering physics",),
    "cnnc": ("china national nuclear",),
    "cas": ("chinese academy of sciences",),
    "nudt": ("national university of defense technology", "national university of defence technology"),
    "cec": ("china electronics corporation", "china electronics information industry group"),
    "comac": ("commercial aircraft corporation of china",),
    "cgn": ("china general nuclear power", "china guangdong nuclear power"),
    "smic": ("semiconductor manufacturing international",),
    "ymtc": ("yangtze memory technologies", "yangtze memory technology"),
}

_TAIL = r"(?: (?:group|corporation|company|limited|llc|jsc|holding|holdings))*"


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for acronym, forms in GROUPS.items():
        for form in sorted(forms, key=len, reverse=True):
            out.append((re.compile(rf"(?<![a-z0-9]){form}{_TAIL}(?![a-z0-9])"), acronym))
    out.sort(key=lambda p: len(p[0].pattern), reverse=True)
    return out


GROUP_TOKENS: frozenset[str] = frozenset(GROUPS)


def fold_groups(text: str) -> str:
    """Replace each group's long form in normalised text by its acronym (the group token)."""
    if "china" not in text and "chinese" not in text and "national" not in text and "aviation" not in text \
            and "commercial" not in text and "semiconductor" not in text and "yangtze" not in text:
        return text
    for pattern, acronym in _patterns():
        text = pattern.sub(acronym, text)
    return text
