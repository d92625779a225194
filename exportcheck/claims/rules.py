"""The legal facts the decision procedure rests on, each with its citation and the dates it applied.

Where this comes from: ``shared/DOMAIN.md`` (which gives the primary sources) and the opening pages
of the Dutch regulations in ``shared/data/raw/nl-national``. Facts DOMAIN.md marks "(check)" and that
could not be confirmed from a primary text held here carry ``verified=False``; reports show them as
unverified. Nothing here is legal advice.

Why a table and not prose in the steps: the same dated fact (the Dutch regulation in force on 1 Sept
2023, the Affiliates Rule window) is needed by several steps and by the tests, and a date must be
written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exportcheck.sources.base import SourceSpec


@dataclass(frozen=True)
class Rule:
    """A rule or list a step rests on."""

    key: str
    name: str
    citation: str
    url: str = ""
    start: date | None = None
    end: date | None = None
    verified: bool = True
    note: str = ""

    def in_force(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)

    def label(self) -> str:
        return self.name + ("" if self.verified else " (date/citation not confirmed from the primary text)")


EU_DUAL_USE = Rule(
    "eu-2021-821", "Regulation (EU) 2021/821 (dual-use), Art. 3 and Annex I",
    "Regulation (EU) 2021/821, OJ L 206, 11.6.2021, Art. 3(1)", "https://eur-lex.europa.eu/eli/reg/2021/821",
    start=date(2021, 9, 9))
EU_CATCH_ALL = Rule(
    "eu-2021-821-art4", "Regulation (EU) 2021/821, Art. 4 (catch-all for non-listed items)",
    "Regulation (EU) 2021/821, Art. 4(1)(a)-(c), 4(2); Commission information note C/2024/5881",
    "https://eur-lex.europa.eu/eli/reg/2021/821", start=date(2021, 9, 9))
EU_ARMS_EMBARGO_CHINA = Rule(
    "eu-china-embargo-1989", "European Council declaration on China (Madrid, 27 June 1989)",
    "Presidency conclusions, Madrid European Council, 26-27 June 1989 (a declaration, not a Council "
    "decision or common position)", start=date(1989, 6, 27))
EU_NATIONAL_LISTS = Rule(
    "eu-2021-821-art9", "Regulation (EU) 2021/821, Art. 9-10 (national control lists)",
    "Regulation (EU) 2021/821, Art. 9, Art. 10; compilation OJ C/2023/441",
    "https://eur-lex.europa.eu/eli/reg/2021/821")

NL_SEMICONDUCTOR = Rule(
    "nl-stcrt-2023-18212", "Regeling geavanceerde productieapparatuur voor halfgeleiders",
    "Staatscourant 2023, 18212 (Regeling of 23 June 2023), legal basis Art. 9 of Regulation (EU) 2021/821",
    "https://zoek.officielebekendmakingen.nl/stcrt-2023-18212.html", start=date(2023, 9, 1),
    note="licence for listed advanced semiconductor equipment, e.g. immersion DUV TWINSCAN NXT:2000i and newer")
NL_SEMICONDUCTOR_2024 = Rule(
    "nl-bz2404162", "Amendment of the Regeling geavanceerde productieapparatuur (2 Sept 2024, nr. BZ2404162)",
    "Staatscourant 2024, Regeling of 2 Sept 2024 nr. BZ2404162", start=date(2024, 9, 7),
    note="adds immersion DUV TWINSCAN NXT:1970i and NXT:1980i")
NL_SEMICONDUCTOR_2025 = Rule(
    "nl-2025-amendment", "Amendment of the Regeling geavanceerde productieapparatuur (announced 15 Jan 2025)",
    "Staatscourant 2025 (amendment in force 1 April 2025; codes not confirmed here)", start=date(2025, 4, 1),
    verified=False, note="adds metrology and inspection equipment")
NL_ADDITIONAL = Rule(
    "nl-aanvullende-controlemaatregelen", "Regeling aanvullende controlemaatregelen",
    "Staatscourant 2024 (in force 1 Dec 2024; not confirmed from the primary text here)", start=date(2024, 12, 1),
    verified=False, note="semiconductor, quantum and additive-manufacturing items with Dutch-specific codes")
NL_RULES = (NL_SEMICONDUCTOR, NL_SEMICONDUCTOR_2024, NL_SEMICONDUCTOR_2025, NL_ADDITIONAL)

EAR_DE_MINIMIS = Rule("ear-734-4", "EAR de minimis rule", "15 CFR 734.4",
                      "https://www.ecfr.gov/current/title-15/section-734.4")
EAR_FDP = Rule("ear-734-9", "EAR foreign direct product rules", "15 CFR 734.9",
               "https://www.ecfr.gov/current/title-15/section-734.9")
EAR_ENTITY_LIST = Rule("ear-744-supp4", "EAR Entity List", "15 CFR 744.11 and Supplement No. 4 to Part 744",
                       "https://www.ecfr.gov/current/title-15/part-744/appendix-Supplement%20No.%204%20to%20Part%20744")
EAR_END_USE = Rule("ear-744-21-23", "EAR military and semiconductor end-use controls", "15 CFR 744.21, 744.23",
                   "https://www.ecfr.gov/current/title-15/part-744")
AFFILIATES_RULE = Rule(
    "ear-affiliates-rule", "BIS Affiliates Rule (50% ownership)", "90 FR 47201",
    start=date(2025, 9, 29), end=date(2025, 11, 9),
    note="treats entities at least 50% owned by listed parties as listed; suspended 10 Nov 2025 - 9 Nov 2026; "
         "reaches subsidiaries only, never parents")
SANCTIONS = Rule("sanctions", "Sanctions lists (EU, UN, UK, OFAC SDN)",
                 "EU restrictive measures (Art. 29 TEU / 215 TFEU); UN SC resolutions; OFAC 31 CFR chapter V")
RED_FLAGS = Rule(
    "red-flags", "Red-flag lists (DoD 1260H, OFAC NS-CMIC)",
    "Section 1260H NDAA FY2021 (Pub. L. 116-283); Executive Order 14032",
    note="designations of Chinese military companies / investment restrictions: not export bans, relevant "
         "to what an exporter knew")


@dataclass(frozen=True)
class Edition:
    """One consolidated edition of a control list, held or not."""

    regime: str
    version: str
    valid_from: date
    act: str
    verified: bool = True


#: Editions of EU Annex I (Regulation 2021/821) with the day each started to apply. DOMAIN.md gives the
#: delegated regulations; the 2023-11-16 start comes from SOURCES.md (the 2023-05-26 consolidation
#: "applied until Delegated Reg. 2023/2616 took effect"). The start of the 2024 edition is not
#: confirmed from a primary text here.
EU_ANNEX_EDITIONS: tuple[Edition, ...] = (
    Edition("eu", "32021R0821", date(2021, 9, 9), "Regulation (EU) 2021/821 (original Annex I)"),
    Edition("eu", "02021R0821-20230526", date(2023, 5, 26), "as amended by Delegated Regulations 2023/66 and 2023/996"),
    Edition("eu", "02021R0821-20231116", date(2023, 11, 16), "as amended by Delegated Regulation (EU) 2023/2616"),
    Edition("eu", "2024-update", date(2024, 11, 15), "as amended by Delegated Regulation (EU) 2024/2547",
            verified=False),
    Edition("eu", "02021R0821-20251115", date(2025, 11, 15), "as amended by Delegated Regulation (EU) 2025/2003"),
)
EDITIONS: dict[str, tuple[Edition, ...]] = {"eu": EU_ANNEX_EDITIONS}


def edition_in_force(regime: str, when: date) -> Edition | None:
    """The edition of a regime's list that applied on ``when`` (None where no edition table is known)."""
    editions = [e for e in EDITIONS.get(regime, ()) if e.valid_from <= when]
    return editions[-1] if editions else None


def editions_during(regime: str, start: date, end: date) -> list[Edition]:
    """Every edition that applied on some day of ``start``..``end``."""
    result = []
    for i, ed in enumerate(EDITIONS.get(regime, ())):
        following = EDITIONS[regime][i + 1].valid_from if i + 1 < len(EDITIONS[regime]) else None
        if ed.valid_from <= end and (following is None or following > start):
            result.append(ed)
    return result


def nl_rules_in_force(when: date) -> list[Rule]:
    return [r for r in NL_RULES if r.in_force(when)]


# --- what each list is, legally -------------------------------------------------------------------
# Read from the sources' declarations (``nature``, ``jurisdiction``, per-sub-list ``sub_lists``), never
# re-declared here: adding a list touches its declaration and its parser only.

#: Category the claims steps use, by the legal nature a source declares: "sanctions" (binding
#: prohibitions on dealing), "end-user" (export-control end-user lists: licence requirements for items
#: subject to that regime), "red-flag" (designations that are not export bans, DOMAIN.md trap 7: research,
#: procurement, import, securities and foreign lists). Control lists of items are no party category.
NATURE_CATEGORY: dict[str, str] = {"sanctions": "sanctions", "export-control-end-user": "end-user",
                                   "export-control-items": "other"}


def _spec(source: str) -> SourceSpec | None:
    from exportcheck.sources import all_sources

    found = all_sources().get(source)
    return found.spec if found is not None else None


def list_nature(source: str, list_name: str = "") -> str:
    """The legal nature a source declares for a record on sub-list ``list_name`` ("" for an unknown source)."""
    spec = _spec(source)
    return spec.nature_of(list_name) if spec is not None else ""


def sanctions_sources() -> tuple[str, ...]:
    """Entity sources that hold sanctions listings, alone or among other sub-lists (the CSL)."""
    from exportcheck.sources import all_sources

    return tuple(sid for sid, src in all_sources().items() if src.spec.kind == "entities"
                 and "sanctions" in {src.spec.nature, *(sub.nature for sub in src.spec.sub_lists.values())})


def eu_binding_sanctions() -> tuple[str, ...]:
    """Sanctions sources that bind an exporter in the EU whatever the item (EU and UN lists).

    Without one of them read, "no party is sanctioned" cannot be said for a Dutch exporter.
    """
    return tuple(sid for sid in sanctions_sources() if jurisdiction(sid, "") in ("eu", "un"))


def public_url(source: str, url: str) -> str:
    """``url`` unless it points into a local mirror (``file:``), else the publisher's page for the source.

    The page, not a download address: a download URL names one edition (the 2025 Annex I), which would
    mislabel evidence from another edition.
    """
    if url and not url.startswith("file:"):
        return url
    from exportcheck.sources import all_sources

    spec = all_sources().get(source)
    return spec.spec.homepage if spec is not None else url


def list_category(source: str, list_name: str, programs: list[str] | None = None) -> str:
    """sanctions | end-user | red-flag | other, for one list entry, from its source's declaration.

    ``programs`` is accepted for callers that pass it; the sub-list (``list_name``) already carries
    what programs told the parsers (OFAC's CMIC programs give the NS-CMIC sub-list).
    """
    nature = list_nature(source, list_name)
    if not nature:
        return "other"
    return NATURE_CATEGORY.get(nature, "red-flag")


def jurisdiction(source: str, list_name: str) -> str:
    """eu | un | gb | us | ...: whose law the listing is (the source's declared jurisdiction, lower-cased)."""
    spec = _spec(source)
    return spec.jurisdiction.lower() if spec is not None else ""


#: Sources that hold sanctions listings (alone or among other lists), and the EU/UN ones among them.
SANCTIONS_SOURCES = sanctions_sources()
EU_BINDING_SANCTIONS = eu_binding_sanctions()
