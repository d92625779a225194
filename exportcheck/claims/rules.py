"""The legal facts the decision procedure rests on, as the claims steps name them.

Every dated fact (which act, which citation, in force from/until, confirmed from the primary text or
not) lives in the one table :mod:`exportcheck.law` (``law/timeline.yaml``), which ``controls`` reads
too; this module only gives the steps short names for the facts they use, so a date is written once.
Facts not confirmed from a primary text say so through ``label()`` / ``cite()``. Nothing here is legal
advice.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exportcheck.sources.base import SourceSpec

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


def is_listing(source: str, list_name: str = "") -> bool:
    """True when an entry of this source (sub-list) is a listing that can make an export licensable or prohibited
    by itself; False for a red flag (1286, UFLPA, FCC, State, METI, MOFCOM, 1260H, NS-CMIC, research).

    Read from the source's declared nature (:func:`exportcheck.sources.binds_as_listing`), never re-declared.
    """
    from exportcheck.sources import binds_as_listing

    return binds_as_listing(list_nature(source, list_name))


def is_research(source: str, list_name: str = "") -> bool:
    """A research dataset (ASPI's tracker): being in it is never "being listed", whatever a claim names."""
    from exportcheck.sources import is_research as research

    return research(list_nature(source, list_name))


def may_decide(source: str) -> bool:
    """Whether a source holds any listing (alone or among sub-lists, like the CSL): only such a source's
    coverage (a missing or stale snapshot) can leave a listing claim undetermined."""
    spec = _spec(source)
    if spec is None:
        return True  # unknown: the caller cannot tell, so a gap in it stays visible
    from exportcheck.sources import binds_as_listing

    return any(binds_as_listing(n) for n in (spec.nature, *(sub.nature for sub in spec.sub_lists.values())))


def effect(source: str, list_name: str = "") -> str:
    """The one-line legal effect a source declares for an entry on sub-list ``list_name`` ("" if unknown)."""
    spec = _spec(source)
    return spec.effect_of(list_name) if spec is not None else ""


def red_flag_label(source: str, list_name: str = "") -> str:
    """How a finding names a red-flag hit: what kind of red flag, and the source's one-line effect."""
    from exportcheck.sources import RED_FLAG_LABELS

    nature = list_nature(source, list_name)
    label = RED_FLAG_LABELS.get(nature, f"a red flag ({nature or 'undeclared list'}), not an export ban")
    line = effect(source, list_name)
    return f"{label}. Effect: {line}" if line else label


def jurisdiction(source: str, list_name: str) -> str:
    """eu | un | gb | us | ...: whose law the listing is (the source's declared jurisdiction, lower-cased)."""
    spec = _spec(source)
    return spec.jurisdiction.lower() if spec is not None else ""


#: Sources that hold sanctions listings (alone or among other lists), and the EU/UN ones among them.
SANCTIONS_SOURCES = sanctions_sources()
EU_BINDING_SANCTIONS = eu_binding_sanctions()
