"""The dated US legal facts the licence determination rests on, read from the one legal timeline.

The facts themselves (dates, citations, whether each was confirmed from a primary text, on what
basis) live in :mod:`exportcheck.law` (``law/timeline.yaml``), like every legal date of exportcheck;
this module only groups them the way the US licence determination uses them (embargoes, end-use
rules, Entity List footnotes, ECCNs created after 2020) and keeps the label format its outputs use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from exportcheck import law


@dataclass(frozen=True)
class LegalFact:
    """One dated rule or change of the EAR, as the licence determination reports it."""

    key: str
    name: str
    citation: str
    start: date | None = None  # None: in force before any date this tool deals with (start not held)
    end: date | None = None
    verified: bool = False
    basis: str = ""  # where the fact was confirmed, or why it is not
    countries: tuple[str, ...] = field(default=())  # ISO-2 (or UA-xx regions, EAR groups) the fact is about
    note: str = ""

    @classmethod
    def of(cls, key: str) -> LegalFact:
        """The timeline's fact ``key`` in this shape."""
        f = law.fact(key)
        return cls(f.key, f.title, f.citation, f.start, f.end, f.confirmed, f.note, f.countries, f.scope)

    def in_force(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)

    def label(self) -> str:
        """Name, citation and start, with "(unconfirmed)" where no primary text confirmed it."""
        since = f", from {self.start.isoformat()}" if self.start else ""
        return f"{self.name} ({self.citation}{since})" + ("" if self.verified else " [unconfirmed]")


#: Part 746 embargoes and comprehensive sanctions: the Country Chart rows (or footnotes) point here.
EMBARGOES: tuple[LegalFact, ...] = tuple(LegalFact.of(k) for k in (
    "ear-746-2-cuba", "ear-746-7-iran", "ear-746-4-north-korea", "ear-746-9-syria", "ear-746-6-crimea",
    "ear-746-6-dnr-lnr", "ear-746-8-russia", "ear-746-8-belarus"))

#: Regions of Ukraine under 746.6, as accepted destination codes (ISO 3166-2) and names (how users may write
#: them: :data:`exportcheck.regions.REGIONS`).
UKRAINE_REGIONS: dict[str, str] = {
    "UA-43": "Crimea", "UA-40": "Sevastopol (Crimea region)", "UA-14": "so-called Donetsk People's Republic (DNR)",
    "UA-09": "so-called Luhansk People's Republic (LNR)",
}

HONG_KONG_AS_CHINA = LegalFact.of("ear-hong-kong-as-china")

#: General end-use / end-user rules of Part 744 applying on top of the Country Chart.
MILITARY_END_USE = LegalFact.of("ear-744-21")
SEMICONDUCTOR_END_USE: tuple[LegalFact, ...] = tuple(LegalFact.of(k) for k in (
    "ear-744-23-2022", "ear-744-23-2023", "ear-744-23-2024"))

#: Entity List footnotes (Supplement No. 4 to Part 744): what each extends, and from when it existed.
ENTITY_FOOTNOTES: dict[int, LegalFact] = {n: LegalFact.of(f"ear-el-fn{n}") for n in (1, 3, 4, 5)}

#: ECCNs created after 2020, where an earlier export date cannot have been classified under them.
ECCN_CREATED: dict[str, LegalFact] = {code: LegalFact.of(f"ear-eccn-{code.lower()}")
                                      for code in ("3A090", "4A090", "3B903", "3B904", "3B993", "3B994")}


def all_facts() -> list[LegalFact]:
    """Every fact this module groups (for tests)."""
    return [*EMBARGOES, HONG_KONG_AS_CHINA, MILITARY_END_USE, *SEMICONDUCTOR_END_USE, *ENTITY_FOOTNOTES.values(),
            *ECCN_CREATED.values()]
