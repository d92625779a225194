"""The legal facts the decision procedure rests on, as the claims steps name them.

Every dated fact (which act, which citation, in force from/until, confirmed from the primary text or
not) lives in the one table :mod:`exportcheck.law` (``law/timeline.yaml``), which ``controls`` reads
too; this module only gives the steps short names for the facts they use, so a date is written once.
Facts not confirmed from a primary text say so through ``label()`` / ``cite()``. Nothing here is legal
advice.
"""

from __future__ import annotations

from datetime import date

from exportcheck import law
from exportcheck.law import Fact

#: A rule or list a step rests on (one row of the legal timeline).
Rule = Fact

EU_DUAL_USE = law.fact("eu-2021-821")
EU_CATCH_ALL = law.fact("eu-2021-821-art4")
EU_ARMS_EMBARGO_CHINA = law.fact("eu-china-embargo-1989")
EU_NATIONAL_LISTS = law.fact("eu-2021-821-art9")
EU_GENERAL_AUTHORISATION = law.fact("eu-001")

NL_SEMICONDUCTOR = law.fact("nl-stcrt-2023-18212")
NL_SEMICONDUCTOR_2024 = law.fact("nl-bz2404162")
NL_SEMICONDUCTOR_2025 = law.fact("nl-2025-amendment")
NL_ADDITIONAL = law.fact("nl-aanvullende-controlemaatregelen")
NL_RULES = (NL_SEMICONDUCTOR, NL_SEMICONDUCTOR_2024, NL_SEMICONDUCTOR_2025, NL_ADDITIONAL)

EAR_DE_MINIMIS = law.fact("ear-734-4")
EAR_FDP = law.fact("ear-734-9")
EAR_ENTITY_LIST = law.fact("ear-744-supp4")
EAR_MILITARY_END_USE = law.fact("ear-744-21")
EAR_SEMICONDUCTOR_END_USE = law.fact("ear-744-23-2022")
EAR_SME_FDP = law.fact("ear-fdp-2024-12")
AFFILIATES_RULE = law.fact("ear-affiliates-rule")
AFFILIATES_SUSPENSION = law.fact("ear-affiliates-rule-suspension")
SANCTIONS = law.fact("sanctions")
RED_FLAGS = law.fact("red-flags")


def affiliates_rule_applies(when: date) -> bool:
    """The Affiliates Rule counts on ``when`` only while in force and not suspended."""
    return AFFILIATES_RULE.in_force(when) and not AFFILIATES_SUSPENSION.in_force(when)


def nl_rules_in_force(when: date) -> list[Fact]:
    return [r for r in NL_RULES if r.in_force(when)]


# --- what each list is, legally -------------------------------------------------------------------
#: Category of a list: "sanctions" (binding prohibitions on dealing), "end-user" (export-control
#: end-user lists: licence requirements for items subject to that regime), "red-flag" (designations
#: that are not export bans, DOMAIN.md trap 7).
LIST_CATEGORY: dict[str, str] = {
    # us-csl sub-lists, by the short names exportcheck.formats.csl gives them
    "SDN": "sanctions", "SSI": "sanctions", "FSE": "sanctions", "NS-PLC": "sanctions", "PLC": "sanctions",
    "CAPTA": "sanctions", "NS-MBS": "sanctions", "ISN": "sanctions",
    "Entity List": "end-user", "MEU": "end-user", "UVL": "end-user", "DPL": "end-user", "DTC": "end-user",
    "NS-CMIC": "red-flag", "CMIC": "red-flag",
}
SOURCE_CATEGORY: dict[str, str] = {
    "us-ofac-sdn": "sanctions", "un-sc": "sanctions", "eu-fsf": "sanctions", "uk-sanctions": "sanctions",
    "eu-833-annex-iv": "end-user", "us-entity-list": "end-user", "us-meu": "end-user",
    "us-1260h": "red-flag",
}
#: Jurisdiction whose law a list binds: decides whether a hit contradicts a Dutch exporter's claim or
#: only matters if the export is subject to that jurisdiction.
SOURCE_JURISDICTION: dict[str, str] = {
    "un-sc": "un", "eu-fsf": "eu", "eu-833-annex-iv": "eu", "uk-sanctions": "uk",
}


#: Sources that hold sanctions listings (alone or among other lists).
SANCTIONS_SOURCES = ("eu-fsf", "un-sc", "uk-sanctions", "us-ofac-sdn", "us-ofac-cons", "us-csl")
#: Sanctions lists that bind an exporter in the EU whatever the item: without one of them read, "no party
#: is sanctioned" cannot be said for a Dutch exporter.
EU_BINDING_SANCTIONS = ("eu-fsf", "un-sc")


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
    """sanctions | end-user | red-flag | other, for one list entry."""
    progs = " ".join(programs or []).upper()
    if "CMIC" in progs or "EO14032" in progs.replace(" ", ""):
        return "red-flag"
    if list_name in LIST_CATEGORY:
        return LIST_CATEGORY[list_name]
    if source in SOURCE_CATEGORY:
        return SOURCE_CATEGORY[source]
    if source == "us-ofac-cons":
        return "sanctions"
    return "other"


def jurisdiction(source: str, list_name: str) -> str:
    """eu | un | uk | us: whose law the listing is."""
    return SOURCE_JURISDICTION.get(source, "us" if source.startswith("us-") else source.split("-")[0])
