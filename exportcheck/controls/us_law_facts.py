"""INTERIM: the dated US legal facts the licence determination rests on, in ONE data structure.

Why here and why interim: every dated legal fact of exportcheck belongs in the one legal timeline
(``exportcheck.law``) that is being built in parallel; until it is on main, the facts the US licence
determination needs live in this single table and nowhere else, and move into that timeline's data
file once it lands (then this module only reads them through its loader).

Each fact says whether it was confirmed from a primary text (``verified``) and on what basis. Where
nothing primary was held, the fact is marked unconfirmed and every output that uses it says so.
Dates are the days a rule took effect (not its publication day) where known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class LegalFact:
    """One dated rule or change of the EAR."""

    key: str
    name: str
    citation: str
    start: date | None = None  # None: in force before any date this tool deals with (start not held)
    end: date | None = None
    verified: bool = False
    basis: str = ""  # where the fact was confirmed, or why it is not
    countries: tuple[str, ...] = field(default=())  # ISO-2 (or UA-xx regions) the fact is about
    note: str = ""

    def in_force(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)

    def label(self) -> str:
        """Name, citation and start, with "(unconfirmed)" where no primary text confirmed it."""
        since = f", from {self.start.isoformat()}" if self.start else ""
        return f"{self.name} ({self.citation}{since})" + ("" if self.verified else " [unconfirmed]")


_NOT_HELD = "no primary text of this rule is held here; taken from DOMAIN.md / general knowledge"

#: Part 746 embargoes and comprehensive sanctions: the Country Chart rows (or footnotes) point here.
EMBARGOES: tuple[LegalFact, ...] = (
    LegalFact("ear-746-2-cuba", "Cuba embargo", "15 CFR 746.2", None, verified=False, countries=("CU",),
              basis="the Country Chart of the eCFR issue held points Cuba to Part 746; start date not held"),
    LegalFact("ear-746-7-iran", "Iran sanctions", "15 CFR 746.7 (and 742.8)", None, verified=False, countries=("IR",),
              basis="the Country Chart of the eCFR issue held points Iran to Part 746; start date not held"),
    LegalFact("ear-746-4-north-korea", "North Korea sanctions", "15 CFR 746.4 and 742.19", None, verified=False,
              countries=("KP",),
              basis="the Country Chart of the eCFR issue held points North Korea to 742.19 and 746.4; start not held"),
    LegalFact("ear-746-9-syria", "Syria sanctions", "15 CFR 746.9", date(2004, 5, 14), verified=False,
              countries=("SY",), basis="the Country Chart held points Syria to 746.9; start date " + _NOT_HELD),
    LegalFact("ear-746-6-crimea", "Crimea region of Ukraine sanctions", "15 CFR 746.6 (EO 13685)",
              date(2015, 1, 29), verified=False, countries=("UA-43", "UA-40"),
              basis="Country Chart footnote 9 (Ukraine row) of the issue held refers to 746.6; start date " + _NOT_HELD),
    LegalFact("ear-746-6-dnr-lnr", "So-called DNR and LNR regions of Ukraine sanctions", "15 CFR 746.6 (EO 14065)",
              date(2022, 2, 24), verified=False, countries=("UA-14", "UA-09"),
              basis="Country Chart footnote 9 (Ukraine row) of the issue held refers to 746.6; start date " + _NOT_HELD),
    LegalFact("ear-746-8-russia", "Sanctions against Russia (licence for every CCL item)", "15 CFR 746.8; 87 FR 12226",
              date(2022, 2, 24), verified=False, countries=("RU",),
              basis="Country Chart footnote 6 of the issue held: 746.8 adds licence requirements for items in any "
                    "ECCN on the CCL; start date " + _NOT_HELD),
    LegalFact("ear-746-8-belarus", "Sanctions against Belarus (licence for every CCL item)", "15 CFR 746.8; 87 FR 13048",
              date(2022, 3, 2), verified=False, countries=("BY",),
              basis="Country Chart footnote 6 of the issue held: 746.8 adds licence requirements for items in any "
                    "ECCN on the CCL; start date " + _NOT_HELD),
)

#: Regions of Ukraine under 746.6, as accepted destination codes (ISO 3166-2) and names.
UKRAINE_REGIONS: dict[str, str] = {
    "UA-43": "Crimea", "UA-40": "Sevastopol (Crimea region)", "UA-14": "so-called Donetsk People's Republic (DNR)",
    "UA-09": "so-called Luhansk People's Republic (LNR)",
}
REGION_NAMES: dict[str, str] = {"crimea": "UA-43", "sevastopol": "UA-40", "dnr": "UA-14", "donetsk": "UA-14",
                                "lnr": "UA-09", "luhansk": "UA-09", "lugansk": "UA-09"}

HONG_KONG_AS_CHINA = LegalFact(
    "ear-hong-kong-as-china", "Hong Kong removed as a separate destination; governed by the Country Chart entry for China",
    "FR Doc. 2020-28101 (cited as 85 FR 83788 by the derived Country Chart file)", date(2020, 12, 23), verified=False,
    countries=("HK",),
    basis="effective date read in a stored copy of the public-inspection text of FR Doc. 2020-28101 (\"effective [date "
          "of publication]\", scheduled for 12/23/2020); the page citation is the derived file's and is not confirmed",
    note="from 31 July 2020 (85 FR 45998, unconfirmed) licence exceptions for Hong Kong were already those for China")

#: General end-use / end-user rules of Part 744 applying on top of the Country Chart.
MILITARY_END_USE = LegalFact(
    "ear-744-21", "Military end-use and military end-user controls", "15 CFR 744.21", date(2007, 6, 19),
    verified=False, countries=("CN", "RU", "VE", "MM", "KH", "BY", "NI"),
    basis="start (China, 72 FR 33646) and country scope " + _NOT_HELD,
    note="licence for items in Supp. No. 2 to Part 744 (all items subject to the EAR for Russia and Belarus) when the "
         "exporter knows of a military end use or military end user; 'military end user' added 29 June 2020 "
         "(85 FR 23459); the dates each country joined are not held here")
SEMICONDUCTOR_END_USE: tuple[LegalFact, ...] = (
    LegalFact("ear-744-23-2022", "Supercomputer and semiconductor manufacturing end-use controls (first version)",
              "15 CFR 744.23; 87 FR 62186 (published 13 Oct 2022)", date(2022, 10, 7), verified=False, countries=("CN",),
              basis="a stored summary of FR Doc. 2022-21658 gives 'effective 2022-10-07'; which paragraphs took effect "
                    "on 7, 12 or 21 Oct 2022 is not confirmed here",
              note="advanced-node IC fabrication in China, supercomputers in China, SME development/production"),
    LegalFact("ear-744-23-2023", "744.23 revised (Macau and Country Group D:5 added)",
              "88 FR 73424 and 88 FR 73458 (25 Oct 2023)", date(2023, 11, 17), verified=False,
              countries=("CN", "MO", "D:5"),
              basis="'This rule is effective November 17, 2023' read in a stored copy of 88 FR 73424; the scope "
                    "summary is not confirmed from the text"),
    LegalFact("ear-744-23-2024", "744.23 revised (SME, 3B993 and Footnote 5 rules)", "89 FR 96790",
              date(2024, 12, 2), verified=False, countries=("CN", "MO", "D:5"), basis="DOMAIN.md; " + _NOT_HELD),
)

#: Entity List footnotes (Supplement No. 4 to Part 744): what each extends, and from when it existed.
ENTITY_FOOTNOTES: dict[int, LegalFact] = {
    1: LegalFact("ear-el-fn1", "Entity List footnote 1: foreign-direct-product rule of 734.9(e)(1) (Huawei)",
                 "15 CFR 734.9(e)(1); 85 FR 51596", date(2020, 8, 17), verified=False, basis=_NOT_HELD),
    3: LegalFact("ear-el-fn3", "Entity List footnote 3: Russia/Belarus military end-user FDP rule of 734.9(g)",
                 "15 CFR 734.9(g); 87 FR 12226", date(2022, 2, 24), verified=False, basis=_NOT_HELD),
    4: LegalFact("ear-el-fn4", "Entity List footnote 4: advanced-computing / supercomputer FDP rule of 734.9(e)(2)",
                 "15 CFR 734.9(e)(2); 87 FR 62186", date(2022, 10, 21), verified=False, basis=_NOT_HELD),
    5: LegalFact("ear-el-fn5", "Entity List footnote 5: SME FDP rule of 734.9(e)(3) and 0% de minimis of 734.4(a)(9)",
                 "15 CFR 734.9(e)(3), 734.4(a)(9); 89 FR 96790", date(2024, 12, 2), verified=False,
                 basis="DOMAIN.md gives 2 Dec 2024; " + _NOT_HELD),
}

#: ECCNs created after 2020, where an earlier export date cannot have been classified under them.
ECCN_CREATED: dict[str, LegalFact] = {
    code: LegalFact(f"ear-eccn-{code.lower()}", f"ECCN {code} created", citation, start, verified=False,
                    basis=_NOT_HELD)
    for code, citation, start in (
        ("3A090", "87 FR 62186", date(2022, 10, 21)), ("4A090", "87 FR 62186", date(2022, 10, 21)),
        ("3B903", "89 FR 72926", date(2024, 9, 6)), ("3B904", "89 FR 72926", date(2024, 9, 6)),
        ("3B993", "89 FR 96790", date(2024, 12, 2)), ("3B994", "89 FR 96790", date(2024, 12, 2)),
    )
}


def all_facts() -> list[LegalFact]:
    """Every fact in this table (for tests and for the move into the legal timeline)."""
    return [*EMBARGOES, HONG_KONG_AS_CHINA, MILITARY_END_USE, *SEMICONDUCTOR_END_USE, *ENTITY_FOOTNOTES.values(),
            *ECCN_CREATED.values()]
