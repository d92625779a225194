"""US licence determination for an ECCN paragraph and a destination: the Part 738 procedure and what lies on top.

15 CFR 738.4: take each reason for control of the ECCN paragraph and the Country Chart column its
License Requirements row names; an X in the destination's row and that column means a licence is
required for that reason (Part 740 licence exceptions may authorise some exports; they are named,
never decided here). Rows that name no column (worldwide controls, "Macau or Country Group D:5",
"China, Russia, or Venezuela", "see § 742.x") are read as what they say, never as "no X".

On top of the grid: destinations under embargo or comprehensive sanctions (Part 746: Cuba, Iran, North
Korea, Syria, the covered regions of Ukraine; Russia and Belarus) generally need a licence whatever
the grid shows; Hong Kong is governed by the China row (since 23 Dec 2020); Country Chart footnotes
add requirements; the end-use rules of 744.21 and 744.23 and Entity List licence requirements
(with footnotes 1, 3, 4, 5) apply by date. Every determination names the eCFR issue whose text it used
and says when the export date is earlier than that text: it is then made on a later text.

Why a library and not a column lookup: the previous lookup answered "no X" for every reason to Iran,
an embargoed destination, which the law does not support (DOMAIN.md, US licence determination).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, Field

from exportcheck.controls.data import ControlData
from exportcheck.controls.us_chart import Applies, ChartRule, parse_applies, parse_chart
from exportcheck.controls.us_law_facts import (
    ECCN_CREATED,
    EMBARGOES,
    ENTITY_FOOTNOTES,
    HONG_KONG_AS_CHINA,
    MILITARY_END_USE,
    SEMICONDUCTOR_END_USE,
    UKRAINE_REGIONS,
    LegalFact,
)
from exportcheck.countries import iso2
from exportcheck.dates import as_date
from exportcheck.errors import InputError
from exportcheck.regions import region_code, region_country

Outcome = Literal["licence-required", "licence-required-part-746", "depends-on-paragraph", "see-text",
                  "no-licence-on-chart", "undetermined"]
Requirement = Literal["required", "no-x", "see-text", "see-part-746", "not-applicable"]

PROCEDURE = "15 CFR 738.4(a)(2)"
NO_X_CAVEAT = ("no X means no licence is required for that reason ONLY IF General Prohibitions Four to Ten (end-user, "
               "end-use, embargo and other rules) do not apply and the ECCN does not refer elsewhere "
               "(15 CFR 738.4(a)(2)(ii)(B))")
EXCEPTIONS_NOTE = ("Part 740 licence exceptions may authorise some of these exports (restricted by 740.2); whether one "
                   "applies is not decided here")
_GARBLED = "License Requirements Reason for Control"


class ReasonRow(BaseModel):
    """One row of the ECCN's License Requirements table, read for the paragraph and destination asked about."""

    reason: str
    applies_to: str
    country_chart: str
    kind: str  # column | worldwide | destinations | text
    columns: list[str] = Field(default_factory=list)
    coverage: str  # all | part | none: does the row cover the paragraph asked about
    condition: str = ""
    requirement: Requirement
    explanation: str = ""


class EndUseRule(BaseModel):
    """An end-use or end-user rule of Part 744 that may apply on top of the Country Chart."""

    key: str
    name: str
    citation: str
    in_force: bool
    verified: bool
    sentence: str


class UsLicenceDetermination(BaseModel):
    """The licence answer for one ECCN (paragraph) to one destination on one date, with the text it rests on."""

    code: str
    eccn: str
    paragraph: str = ""
    destination: str
    destination_iso: str = ""
    chart_row: str = ""
    as_of: str = ""
    text_issue_date: str = ""
    text_note: str = ""
    outcome: Outcome
    summary: str
    reasons: list[ReasonRow] = Field(default_factory=list)
    paragraphs_requiring: list[str] = Field(default_factory=list)
    paragraphs_not_requiring: list[str] = Field(default_factory=list)
    footnotes: list[dict[str, str]] = Field(default_factory=list)
    country_groups: list[str] = Field(default_factory=list)
    embargo: list[str] = Field(default_factory=list)
    end_use: list[EndUseRule] = Field(default_factory=list)
    licence_exceptions: str = ""
    exceptions_named: list[dict[str, str]] = Field(default_factory=list)  # the ECCN's list-based exceptions, as written
    facts: list[dict[str, Any]] = Field(default_factory=list)  # the dated legal facts used, with verified flags
    messages: list[str] = Field(default_factory=list)

    @property
    def required(self) -> bool | None:
        """True: the text read requires a licence for this export; None: not settled here (never False)."""
        return True if self.outcome in ("licence-required", "licence-required-part-746") else None

    def lines(self) -> list[str]:
        """Plain-text rendering (CLI, reports)."""
        out = [f"US licence for {self.code} → {self.destination}"
               + (f" (Country Chart row: {self.chart_row})" if self.chart_row else "")
               + f": {self.outcome}", self.summary]
        out += [f"  {r.reason} [{r.coverage}] {r.applies_to} → {r.country_chart}: {r.requirement}"
                + (f" — {r.explanation}" if r.explanation else "") for r in self.reasons]
        out += [f"  footnote {f['number']}: {f['text']}" for f in self.footnotes]
        out += [f"  Part 746: {e}" for e in self.embargo]
        out += [f"  end use: {e.sentence}" for e in self.end_use]
        out += [f"  note: {m}" for m in self.messages]
        if self.licence_exceptions:
            out.append(f"  {self.licence_exceptions}")
        out += [f"    {x['exception']}: {x['text']}" for x in self.exceptions_named]
        if self.text_note:
            out.append(f"  text: {self.text_note}")
        return out


def _fact(f: LegalFact) -> dict[str, Any]:
    return {"key": f.key, "name": f.name, "citation": f.citation, "start": f.start.isoformat() if f.start else "",
            "verified": f.verified, "basis": f.basis}


def normalise_destination(destination: str) -> tuple[str, str]:
    """(code, region): ISO-2 of the destination, and a 746.6 region code (UA-43 …) where one is named."""
    text = destination.strip()
    if not text:
        raise InputError("no destination given (use an ISO-2 code such as CN, or UA-43 for Crimea)")
    region = region_code(text)  # a region written as a destination ("UA-43", "Crimea", "DNR", "West Bank")
    if region:
        return region_country(text), region if region in UKRAINE_REGIONS else ""
    iso = iso2(text)  # the one reading of a user's country ("EU" or "ZZ" names none)
    if not iso:
        raise InputError(f"unknown destination {destination!r} (use an ISO-2 code such as CN)")
    return iso, ""


def _issue_date(data: ControlData) -> str:
    frame = data.entries
    us = frame[frame.regime == "us"] if "regime" in frame else frame.iloc[0:0]
    return str(us.valid_from.astype(str).max())[:10] if not us.empty else ""


def _chart_row(data: ControlData, iso: str) -> pd.Series | None:
    chart = data.table("country_chart")
    if chart.empty:
        return None
    rows = chart[chart.iso == iso]
    return None if rows.empty else rows.iloc[0]


def _split(value: Any) -> list[str]:
    return [v.strip() for v in str(value or "").split(";") if v.strip()]


def _leaves(data: ControlData, eccn: str, paragraph: str) -> list[str]:
    """Paragraph paths (below the ECCN) of every leaf in use under ``eccn.paragraph``, where item text is held."""
    frame = data.entries
    root = f"{eccn}.{paragraph}" if paragraph else eccn
    sub = frame[(frame.regime == "us") & ((frame.code == root) | frame.code.str.startswith(root + "."))]
    if sub.empty:
        return []
    parents = set(sub.parent_code)
    used = sub[~sub.not_used.astype(bool)] if "not_used" in sub else sub
    return sorted(c.split(".", 1)[1] for c in used.code if c not in parents and "." in c)


def _row_requirement(rule: ChartRule, iso: str, marks: set[str], groups: set[str]) -> Requirement:
    need = rule.requires(iso, marks, groups)
    return "required" if need is True else "no-x" if need is False else "see-text"


def _explain(rule: ChartRule, requirement: Requirement, chart_row: str) -> str:
    if rule.kind == "column":
        cols = ", ".join(rule.columns)
        return (f"X in the {chart_row} row, column {cols}" if requirement == "required"
                else f"no X in the {chart_row} row, column {cols}")
    if rule.kind == "worldwide":
        return "worldwide control: every destination" if requirement == "required" else "worldwide control, destination excepted"
    if rule.kind == "destinations":
        return (f"{chart_row} is among the destinations the row names" if requirement == "required"
                else f"{chart_row} is not among the destinations the row names")
    return "the row refers to another provision: read it"


def determine(code: str, destination: str, as_of: date | str | None = None, *, data: ControlData) -> UsLicenceDetermination:
    """The licence requirement for US ``code`` (ECCN or paragraph) to ``destination`` on ``as_of``."""
    code = code.strip().rstrip(".")
    eccn, _, paragraph = code.partition(".")
    when = as_date(as_of, "as_of")
    iso, region = normalise_destination(destination)
    issue = _issue_date(data)
    result = UsLicenceDetermination(code=code, eccn=eccn, paragraph=paragraph, destination=region or destination.strip().upper(),
                                    destination_iso=iso, as_of=when.isoformat() if when else "", text_issue_date=issue,
                                    outcome="undetermined", summary="")
    day = when or (date.fromisoformat(issue) if issue else date.today())
    if issue:
        result.text_note = f"read in the eCFR issue of {issue} (CCL, Country Chart and Country Groups of that date)"
        if when and when.isoformat() < issue:
            result.text_note += (f"; the export date {when.isoformat()} is EARLIER than that text: the determination "
                                 "is made on the later text, and the CCL, the Country Chart or the groups may have "
                                 "read differently on the export date")
    created = ECCN_CREATED.get(eccn)
    if created and when and created.start and when < created.start:
        result.facts.append(_fact(created))
        result.summary = (f"ECCN {eccn} did not exist on {when.isoformat()} ({created.label()}): the item was classified "
                          "under the CCL of that date, which is not held here.")
        return result
    if iso == "US":
        result.summary = "The destination is the United States: not an export."
        result.outcome = "undetermined"
        return result
    row_iso = iso
    if iso == "HK":
        result.facts.append(_fact(HONG_KONG_AS_CHINA))
        if day < HONG_KONG_AS_CHINA.start:  # type: ignore[operator]
            result.summary = (f"On {day.isoformat()} Hong Kong still had its own Country Chart row, which is not held "
                              f"here; it is governed by the China row only from {HONG_KONG_AS_CHINA.start} "
                              f"({HONG_KONG_AS_CHINA.label()}).")
            return result
        row_iso = "CN"
        result.messages.append(f"Hong Kong has no row of its own: it is governed by the Country Chart entry for China "
                               f"({HONG_KONG_AS_CHINA.label()}); read as China.")
    chart = _chart_row(data, row_iso)
    if chart is None:
        result.summary = (f"The Country Chart held has no row for {iso}" + (" (no Country Chart is held)" if
                          data.table("country_chart").empty else "") +
                          "; a destination that is neither a row nor a territory the EAR assigns to one is not read "
                          "as unrestricted.")
        return result
    result.chart_row = str(chart["country"])
    marks = {m.replace(" ", "") for m in _split(chart["marks"])}
    groups = set(_split(chart.get("country_groups")))
    result.country_groups = sorted(groups)
    notes = data.table("chart_footnotes")
    texts = {str(n): str(t) for n, t in zip(notes.get("number", []), notes.get("text", []), strict=False)}
    result.footnotes = [{"number": n, "text": texts.get(n, "(footnote text not held)")} for n in _split(chart["footnotes"])]
    if iso == "MO":
        result.messages.append("Macau has its own Country Chart row; it is not in Country Group D:5, and the EAR names "
                               "it beside D:5 where a rule reaches both ('Macau or a destination specified in D:5').")
    pointer = str(chart.get("embargo_pointer") or "")
    embargo = _embargoes(result, iso, region, day, pointer)
    _reasons(result, data, eccn, paragraph, row_iso, marks, groups, embargo)
    _end_use(result, row_iso, groups, day)
    if result.required:
        flags = data.table("licence_exceptions")
        if not flags.empty:
            result.exceptions_named = [{"exception": str(r.exception), "text": str(r.text)}
                                       for r in flags[flags.eccn == eccn].itertuples()]
    return result


def _embargoes(result: UsLicenceDetermination, iso: str, region: str, day: date, pointer: str) -> list[LegalFact]:
    """The Part 746 facts in force for the destination on the day; the row's own pointer is quoted."""
    if pointer:
        result.embargo.append(f"the Country Chart row says: {pointer}")
    found = []
    for fact in EMBARGOES:
        if iso not in fact.countries and (not region or region not in fact.countries):
            continue
        result.facts.append(_fact(fact))
        if fact.in_force(day):
            found.append(fact)
            result.embargo.append(f"{fact.label()} in force on {day.isoformat()}")
        else:
            result.embargo.append(f"{fact.label()} NOT yet in force on {day.isoformat()}")
    if iso == "UA" and not region:
        result.messages.append("If the destination is in the Crimea, so-called DNR or LNR regions, 15 CFR 746.6 requires "
                               "a licence for all items subject to the EAR (except some food, medicine and "
                               "communications software): give the region (UA-43, UA-40, UA-14, UA-09) to check it.")
    if pointer and not found:
        # the text held points to Part 746 even where the start of the embargo is not known here
        found = [f for f in EMBARGOES if iso in f.countries]
    return found


def _reasons(result: UsLicenceDetermination, data: ControlData, eccn: str, paragraph: str, iso: str,
             marks: set[str], groups: set[str], embargo: list[LegalFact]) -> None:
    lic = data.table("licence_requirements")
    rows = lic[lic.eccn == eccn] if not lic.empty else lic
    entries = data.entries
    top = entries[(entries.regime == "us") & (entries.code == eccn)]
    if top.empty:
        result.summary = f"ECCN {eccn} is not in the CCL held (eCFR {result.text_issue_date})."
        return
    if paragraph and entries[(entries.regime == "us") & (entries.code == result.code)].empty and \
            not _leaves(data, eccn, ""):
        result.messages.append(f"paragraph text of {eccn} is not held (only categories 1, 3, 4, 5 have it): the "
                               "paragraph is matched against the rows' wording only")
    elif paragraph and entries[(entries.regime == "us") & (entries.code == result.code)].empty:
        result.summary = f"{result.code} is not a paragraph of ECCN {eccn} in the CCL held."
        return
    recovered = "note" in rows and bool((rows["note"].astype(str) != "").any())
    garbled = _GARBLED in str(top.iloc[0]["text"]) and not recovered
    if recovered:
        result.messages.append(f"the CCL copy held merged the License Requirements table of {eccn} into its heading; "
                               "the rows were read from that heading text")
    elif garbled:
        result.messages.append(f"the CCL copy held merged the License Requirements table of {eccn} into its heading, "
                               "so the rows filed under it may belong to the next ECCN: the table cannot be read "
                               "reliably from this copy")
    applies_cache: dict[int, tuple[Applies, ChartRule]] = {}
    for i, r in enumerate(rows.itertuples()):
        applies = parse_applies(eccn, str(r.applies_to))
        rule = parse_chart(str(r.country_chart))
        applies_cache[i] = (applies, rule)
        requirement = _row_requirement(rule, iso, marks, groups)
        explanation = _explain(rule, requirement, result.chart_row)
        if embargo and requirement != "required":
            # never "no X" here: the embargo rules govern (the grid's columns still apply where the row has marks)
            requirement, explanation = "see-part-746", (explanation if rule.kind == "column" and marks else "")
        result.reasons.append(ReasonRow(reason=str(r.reason), applies_to=str(r.applies_to),
                                        country_chart=str(r.country_chart), kind=rule.kind,
                                        columns=list(rule.columns), coverage=applies.covers(paragraph),
                                        condition=applies.condition, requirement=requirement, explanation=explanation))
    if _all_destinations(result, data):
        return
    if embargo:
        result.outcome = "licence-required-part-746"
        result.summary = ("Licence required: see Part 746. " + "; ".join(f.label() for f in embargo)
                          + (f". The Country Chart row for {result.chart_row} shows no columns: the embargo rules "
                             "govern, which generally require a licence." if not marks else
                             ". The Country Chart columns apply as well, and 746.8 adds a licence requirement for "
                             "items in any ECCN on the CCL (Country Chart footnote 6)." if iso in ("RU", "BY") else
                             ". The Country Chart columns apply as well, and 746.6 adds a licence requirement for all "
                             "items subject to the EAR to this region (Country Chart footnote on the Ukraine row)."))
        result.licence_exceptions = ("Licence exceptions for Part 746 destinations are only those the embargo section "
                                     "names; whether one applies is not decided here")
        return
    if garbled or rows.empty:
        result.summary = ("No License Requirements rows are held for " + eccn if rows.empty else
                          "The License Requirements table of this ECCN cannot be read reliably from the copy held") + \
            ": the licence requirement is not determined here."
        return
    _aggregate(result, data, eccn, paragraph, applies_cache)


def _all_destinations(result: UsLicenceDetermination, data: ControlData) -> bool:
    """15 CFR 738.3(a)(1): entries that need a licence to every destination, outside the Country Chart."""
    table = data.table("all_destinations")
    if table.empty:
        return False
    code = result.code
    exact = [r for r in table.itertuples() if code == r.code or code.startswith(f"{r.code}.")]
    within = [r for r in table.itertuples() if str(r.code).startswith(f"{code}.")]
    for r in exact or within:
        result.reasons.insert(0, ReasonRow(
            reason="all destinations", applies_to=str(r.entry), country_chart=f"{r.citation}: {r.note}".strip(": "),
            kind="worldwide", coverage="all" if exact else "part", requirement="required",
            explanation=f"licence required for every destination; licence exceptions: {r.exceptions}"))
    if exact:
        r = exact[0]
        result.outcome = "licence-required"
        result.summary = (f"Licence required for {code} to every destination ({r.citation}: {r.entry}); "
                          f"licence exceptions: {r.exceptions}.")
        return True
    return False


def _aggregate(result: UsLicenceDetermination, data: ControlData, eccn: str, paragraph: str,
               parsed: dict[int, tuple[Applies, ChartRule]]) -> None:
    """Combine the rows: every paragraph needs a licence, some do, none do on the chart, or read the text."""
    rows = result.reasons
    leaves = _leaves(data, eccn, paragraph)
    if leaves:
        need, free = [], []
        for leaf in leaves:
            covering = [r for i, r in enumerate(rows) if parsed[i][0].covers(leaf) == "all"]
            if any(r.requirement == "required" and not r.condition for r in covering):
                need.append(leaf)
            elif not any(r.requirement in ("required", "see-text") for r in covering):
                free.append(leaf)
        result.paragraphs_requiring = [f"{eccn}.{p}" for p in need]
        result.paragraphs_not_requiring = [f"{eccn}.{p}" for p in free]
        if need and len(need) == len(leaves):
            _required(result)
            return
        if need:
            result.outcome = "depends-on-paragraph"
            result.summary = (f"Depends on the paragraph: a licence is required for {len(need)} of the {len(leaves)} "
                              f"paragraphs of {result.code} to {result.chart_row} (e.g. "
                              f"{', '.join(result.paragraphs_requiring[:6])}); give the exact paragraph.")
            result.licence_exceptions = EXCEPTIONS_NOTE
            return
    covering = [r for r in rows if r.coverage != "none"]
    if not covering:
        result.summary = f"No row of the License Requirements table of {eccn} covers {result.code}."
        return
    if any(r.requirement == "required" and r.coverage == "all" and not r.condition for r in covering):
        _required(result)
    elif any(r.requirement == "required" for r in covering):
        result.outcome = "depends-on-paragraph"
        result.summary = ("A licence is required for part of " + result.code + " or under a condition the row states ("
                          + "; ".join(f"{r.reason}: {r.applies_to}" for r in covering if r.requirement == "required")
                          + "); give the exact paragraph and read the condition.")
        result.licence_exceptions = EXCEPTIONS_NOTE
    elif any(r.requirement == "see-text" for r in covering):
        result.outcome = "see-text"
        result.summary = "A row refers to another provision of the EAR for this paragraph: " + "; ".join(
            f"{r.reason}: {r.country_chart}" for r in covering if r.requirement == "see-text")
    else:
        result.outcome = "no-licence-on-chart"
        result.summary = (f"No X for {result.chart_row} in any column this paragraph names ("
                          + ", ".join(sorted({c for r in covering for c in r.columns})) + f"): {NO_X_CAVEAT}.")


def _required(result: UsLicenceDetermination) -> None:
    result.outcome = "licence-required"
    whole = sorted({f"{r.reason} ({r.explanation})" for r in result.reasons
                    if r.requirement == "required" and r.coverage == "all" and not r.condition})
    some = sorted({f"{r.reason} ({r.explanation})" for r in result.reasons if r.requirement == "required"
                   and r.coverage != "none" and (r.coverage == "part" or r.condition)} - set(whole))
    result.summary = (f"Licence required for {result.code} to {result.chart_row}: "
                      + ("; ".join(whole) if whole else "every paragraph is covered by a row that requires one")
                      + (f" (and for some paragraphs also: {'; '.join(some)})" if some else "") + ".")
    result.licence_exceptions = EXCEPTIONS_NOTE


def _end_use(result: UsLicenceDetermination, iso: str, groups: set[str], day: date) -> None:
    """744.21 and 744.23 for the destination, each with whether it was in force on the day."""
    meu = MILITARY_END_USE
    if iso in meu.countries:
        result.facts.append(_fact(meu))
        result.end_use.append(EndUseRule(
            key=meu.key, name=meu.name, citation=meu.citation, in_force=meu.in_force(day), verified=meu.verified,
            sentence=(f"{meu.label()}: " + ("in force on " if meu.in_force(day) else "NOT in force on ")
                      + f"{day.isoformat()} for this destination (country dates not held); a licence is needed if "
                      "the exporter knows of a military end use or end user — a fact that is not public.")))
    semi = [f for f in SEMICONDUCTOR_END_USE if iso in f.countries or groups & set(f.countries)]
    if not semi:
        return
    current = [f for f in semi if f.in_force(day)]
    for f in semi:
        result.facts.append(_fact(f))
    if current:
        f = current[-1]
        result.end_use.append(EndUseRule(
            key=f.key, name=f.name, citation=f.citation, in_force=True, verified=f.verified,
            sentence=(f"{f.label()}: in force on {day.isoformat()}; a licence is needed for items subject to the EAR "
                      "destined to advanced-node IC production, supercomputers or semiconductor equipment development "
                      "there, when the exporter knows it — not public.")))
    else:
        first = semi[0]
        result.end_use.append(EndUseRule(
            key=first.key, name=first.name, citation=first.citation, in_force=False, verified=first.verified,
            sentence=f"744.23 did not yet apply to this destination on {day.isoformat()} (first from "
                     f"{first.start}: {first.label()})."))


class EntityListFinding(BaseModel):
    """An Entity List entry's licence requirement and footnotes, placed against a date."""

    requirement: str
    all_items: bool
    footnotes: list[dict[str, Any]] = Field(default_factory=list)
    sentence: str


_FOOTNOTE = re.compile(r"(?:(?<=[),])|(?<=\bEAR))\s?([1-5])(?![\d()])")


def entity_footnotes(requirement: str) -> list[int]:
    """Footnote numbers written after citations in an Entity List licence requirement ("... 744.11 of the EAR) 4")."""
    return sorted({int(n) for n in _FOOTNOTE.findall(requirement or "")})


def entity_list_finding(requirement: str, as_of: date | str | None = None) -> EntityListFinding:
    """What an Entity List entry's licence requirement means on the date, with each footnote dated."""
    when = as_date(as_of, "as_of")
    text = " ".join((requirement or "").split())
    all_items = bool(re.search(r"\ball items subject to the EAR", text, re.I))
    notes: list[dict[str, Any]] = []
    parts = [("A licence is required for all items subject to the EAR (EAR99 included)" if all_items else
              f"Licence requirement: {text or '(not held)'}")]
    for number in entity_footnotes(text):
        fact = ENTITY_FOOTNOTES.get(number)
        if fact is None:
            notes.append({"number": number, "meaning": "not held here", "existed": None, "verified": False})
            parts.append(f"footnote {number}: its meaning is not held here")
            continue
        existed = None if when is None else fact.in_force(when)
        notes.append({"number": number, "meaning": fact.name, "citation": fact.citation,
                      "start": fact.start.isoformat() if fact.start else "", "existed": existed,
                      "verified": fact.verified})
        state = ("" if existed is None else " — in force on the date if the entry carried it then" if existed else
                 f" — did NOT exist on {when.isoformat() if when else ''}: it cannot have applied")
        parts.append(f"{fact.label()}{state}")
    return EntityListFinding(requirement=text, all_items=all_items, footnotes=notes, sentence="; ".join(parts) + ".")
