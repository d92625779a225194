"""Step 5: the catch-all (Art. 4 of Regulation 2021/821) and the red flags relevant to awareness.

The catch-all turns on facts that are not public: whether the authority informed the exporter, and
what the exporter knew. This step never concludes "licence required"; it lists the public red flags
on the date (Entity List, sanctions, and the red flags: 1260H, NS-CMIC, 1286, UFLPA, FCC, State
nonproliferation, METI, China's lists, ASPI's research, each with its declared one-line effect — for the
party and, separately, its parent, since ownership does not propagate) and states the arms-embargo question for what it is: the EU's
China embargo is a 1989 declaration, so whether Art. 4(1)(b) reaches China is contested (trap 1).
"""

from __future__ import annotations

from exportcheck.claims import rules
from exportcheck.claims.model import Claim
from exportcheck.claims.screening import (
    Context,
    PartyHit,
    coverage_sentences,
    describe,
    lookalikes,
    screen_parties,
    stale_sources,
)
from exportcheck.claims.verdict import Status, Step

EMBARGO_NOTE = (
    "The EU arms embargo on China is a European Council declaration (Madrid, 27 June 1989), not a Council "
    "decision or common position; whether Art. 4(1)(b) applies to China is contested, and the embargo does not "
    "by itself create a licence requirement.")
CATCH_ALL_NOTE = (
    "Art. 4 requires a licence for a non-listed item only if the authority has informed the exporter of a "
    "WMD, military end-use (in an embargoed country) or illegal-military-parts risk; an exporter aware of such a "
    "use must notify the authority, which decides. Neither fact is public.")


def _blind(claim: Claim, ctx: Context) -> list[str]:
    """Why "no red flag found" cannot be trusted (no list held, or only stale snapshots of the lists that hold
    listings), else []. A red-flag dataset with no copy near the date (ASPI's 2020 tracker) is reported as
    such by the coverage sentences but never makes the step undetermined by itself."""
    checked = ctx.coverage(None, claim.date.end if claim.date else None)
    if not [c for c in checked if c.version] or stale_sources(checked, claim.date):
        return coverage_sentences(checked, claim.date)
    return []


def red_flags(claim: Claim, ctx: Context) -> list[PartyHit]:
    """Matches on any list, for the parties and their parents, that stood on (or before) the export date."""
    as_of = claim.date.end if claim.date else None
    ctx.coverage(None, as_of)
    hits = screen_parties(ctx, claim.parties, claim.date, None, with_parents=True)
    return [h for h in hits if h.hit.is_match and h.timing.timing not in ("listed-after", "removed-before")]


def later_listings(claim: Claim, ctx: Context) -> list[PartyHit]:
    """Listings that began after the export, leaving out later editions of a listing already in force
    (the 1260H transcription has one row per listing period of the same company)."""
    hits = screen_parties(ctx, claim.parties, claim.date, None, with_parents=True)
    earlier = {(h.hit.source, h.hit.name) for h in hits if h.hit.is_match and h.timing.in_force}
    return [h for h in hits if h.hit.is_match and h.timing.timing == "listed-after"
            and (h.hit.source, h.hit.name) not in earlier]


def awareness_parts(flags: list[PartyHit], later: list[PartyHit]) -> list[str]:
    parts = []
    for h in flags:
        kind = {"end-user": "an export-control end-user listing (see the US step for its legal effect)",
                "sanctions": "a sanctions listing (see the sanctions step)"}.get(h.category) \
            or rules.red_flag_label(h.hit.source, h.hit.list).rstrip(".")
        prop = " Ownership does not propagate: the parent's listing does not list the party." if h.via_parent else ""
        parts.append(f"{describe(h)} — {kind}.{prop}")
    for h in later:
        parts.append(f"Listed only after the export: {describe(h)}.")
    return parts


def run(claim: Claim, ctx: Context) -> Step:
    flags = red_flags(claim, ctx)
    later = later_listings(claim, ctx)
    parts = [CATCH_ALL_NOTE]
    if claim.destination == "CN":
        parts.append(EMBARGO_NOTE)
    parts.extend(awareness_parts(flags, later))
    others, other_evidence = lookalikes(claim=claim, ctx=ctx)
    parts.extend(others)
    blind = _blind(claim, ctx)
    if not flags:
        parts.append("No party or parent matched any list held, as it stood on the date"
                     + (": nothing public points to a catch-all case." if not blind else "."))
        parts.extend(blind)
    status: Status = "undetermined" if flags or blind else "consistent"
    return Step(
        number=5, key="catch-all", title="Catch-all and red flags",
        question="Could the catch-all (Art. 4) have required a licence for a non-listed item, and what public red flags existed?",
        rule=rules.EU_CATCH_ALL.label(), citation=rules.EU_CATCH_ALL.cite() + "; " + rules.RED_FLAGS.cite(),
        decides="the national authority (after informing the exporter or on the exporter's notification)",
        finding=" ".join(parts), status=status, evidence=[h.evidence() for h in flags + later] + other_evidence,
        settle="" if status == "consistent" else "snapshots of the lists as they stood on the export date" if not flags else
        "whether the Dutch authority informed the exporter about these end-users, and what the exporter knew of the "
        "end-use (not public; the authority or the exporter can say)",
    )


def run_judgement(claim: Claim, ctx: Context) -> Step:
    """For the customer-judgement kind: what public lists said about the customer on the date."""
    flags = red_flags(claim, ctx)
    later = later_listings(claim, ctx)
    parts = awareness_parts(flags, later) or [
        "No party or parent matched any list held, as it stood on the date."]
    blind = [] if flags else _blind(claim, ctx)
    parts.extend(blind)
    if flags:
        parts.append("Public lists had already judged these parties on the date; whether that judgement bound this "
                     "export depends on the other steps, and what the supplier knew is not public.")
    return Step(
        number=5, key="awareness", title="What public lists said about the customer",
        question="Did a public list place the customer (or its parent) under an export-control or sanctions regime, "
                 "or flag it, on the export date?",
        rule=rules.RED_FLAGS.label() + "; end-user and sanctions lists",
        citation=rules.EAR_ENTITY_LIST.cite() + "; " + rules.RED_FLAGS.cite(),
        decides="public lists; the supplier's knowledge is not public",
        finding=" ".join(parts), status="undetermined" if flags or blind else "consistent",
        evidence=[h.evidence() for h in flags + later],
        settle="" if not (flags or blind) else ("what the supplier knew and did with these public listings (not public)"
                                                if flags else "snapshots of the lists as they stood on the export date"),
    )
