"""Which version of a control list applied on a date, and which versions are held here.

Annex I to Regulation (EU) 2021/821 is replaced by delegated regulations; the dates below are the
days each consolidated annex took effect. Items marked "(check)" were not confirmed from the primary
text (see DOMAIN.md). The US list is held as one eCFR issue only, and the Dutch measures only as the
versions whose Staatscourant XML was imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class KnownVersion:
    """One version of a list in the legal timeline, whether or not a copy is held here."""

    regime: str
    label: str
    valid_from: date
    version: str = ""  # the version id our parsers write (CELEX consolidated id) where a copy may exist


EU_TIMELINE: tuple[KnownVersion, ...] = (
    KnownVersion("eu", "Annex I as amended by Delegated Regulation (EU) 2023/996 (consolidated 02021R0821-20230526)",
                 date(2023, 5, 26), "02021R0821-20230526"),
    KnownVersion("eu", "Annex I as replaced by Delegated Regulation (EU) 2023/2616", date(2023, 11, 16)),
    KnownVersion("eu", "Annex I as replaced by Delegated Regulation (EU) 2024/2547 (check)", date(2024, 11, 15)),
    KnownVersion("eu", "Annex I as replaced by Delegated Regulation (EU) 2025/2003 (consolidated 02021R0821-20251115)",
                 date(2025, 11, 15), "02021R0821-20251115"),
)
#: EU-only entries (third digit 5: 3A501, 3B501, 3B503 ...) were created by Delegated Regulation 2025/2003.
EU_ONLY_FROM = date(2025, 11, 15)


def is_eu_only_code(code: str) -> bool:
    """``3B501``, ``4A506.b``: the EU-only "5xx" numbers, not Wassenaar entries."""
    top = code.split(".", 1)[0]
    return len(top) == 5 and top[2] == "5"


def eu_version_on(when: date) -> KnownVersion | None:
    """The Annex I version in force on ``when`` (``None`` before the earliest one this module knows)."""
    chosen = None
    for known in EU_TIMELINE:
        if known.valid_from <= when:
            chosen = known
    return chosen


def next_eu_version(after: KnownVersion) -> KnownVersion | None:
    later = [k for k in EU_TIMELINE if k.valid_from > after.valid_from]
    return later[0] if later else None
