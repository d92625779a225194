"""Classify an item: candidate entries in force on a date, each met / excluded / open against its facts.

Candidates come from three places, each named on the result: the codes the claim gives, the text
search over the description, and every entry of the kind described whose criteria use a stated
fact. The version read is the one in force on the date (EU Annex I per the legal timeline); where
that version is not held here, the held versions on either side are read and an entry counts only
where both agree, and an entry that exists only in a later version (3B501 before 15 Nov 2025) did
not apply. This is the library function the CLI (``exportcheck classify``), ``Lists.classify`` and
the server call.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from pydantic import BaseModel, Field

from exportcheck.controls.criteria import Node
from exportcheck.controls.data import ControlData, load_controls
from exportcheck.controls.evaluate import EntryResult, evaluate_entry
from exportcheck.controls.facts import Fact, item_facts, readings
from exportcheck.controls.lookup import REGIMES, lost_entry, merged_entries, norm_text
from exportcheck.controls.versions import eu_only_from, eu_version_on, is_eu_only_code
from exportcheck.dates import as_date
from exportcheck.errors import InputError

#: Search hits taken as candidates (the rest of the ranking is keyword similarity only).
SEARCH_LIMIT = 8
_ORDER = {"meets": 0, "open": 1, "excluded": 2}


class Classification(BaseModel):
    """Everything ``classify`` found for one regime and date."""

    regime: str
    as_of: str = ""
    description: str = ""
    facts: list[Fact] = Field(default_factory=list)
    read_from_description: str = ""
    versions: list[str] = Field(default_factory=list)
    basis: str = ""  # in-force | bracketing | later-only | latest | none
    entries: list[EntryResult] = Field(default_factory=list)
    not_in_force: list[str] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)

    @property
    def meets(self) -> list[EntryResult]:
        return [e for e in self.entries if e.status == "meets"]

    def missing(self) -> list[str]:
        """Facts that would decide the open candidates of the right kind, most useful first."""
        seen: dict[str, int] = {}
        for e in self.entries:
            if e.status == "open" and e.kind_matched:
                for m in e.missing:
                    seen[m] = seen.get(m, 0) + 1
        return sorted(seen, key=lambda m: -seen[m])

    def to_frame(self) -> pd.DataFrame:
        rows = [{"regime": e.regime, "code": e.code, "status": e.status, "version": e.version,
                 "valid_from": e.valid_from, "found_by": e.found_by, "kind_matched": e.kind_matched,
                 "met": "; ".join(e.met), "failing": "; ".join(e.failing), "missing": ", ".join(e.missing),
                 "judgement": len(e.judgement), "reason": e.reason, "text": e.text} for e in self.entries]
        return pd.DataFrame(rows, columns=["regime", "code", "status", "version", "valid_from", "found_by",
                                           "kind_matched", "met", "failing", "missing", "judgement", "reason", "text"])


def trees(data: ControlData, regime: str, version: str) -> dict[str, Node]:
    """The criteria nodes of one version by code (read or built once per ControlData: see :mod:`.precompute`)."""
    from exportcheck.controls.precompute import criteria_trees

    return criteria_trees(data, regime, version)


def _parent(code: str) -> str:
    return code.rsplit(".", 1)[0] if "." in code else ""


def item_root(nodes: dict[str, Node], code: str) -> str:
    """The item an entry at any depth belongs to: climb while the parent is not a list heading."""
    while code not in nodes and "." in code:
        code = _parent(code)
    while True:
        parent = _parent(code)
        if not parent or parent not in nodes or nodes[parent].heading:
            return code
        code = parent


def ancestors(nodes: dict[str, Node], code: str) -> list[Node]:
    out: list[Node] = []
    parent = _parent(code)
    while parent:
        if parent in nodes:
            out.insert(0, nodes[parent])
        parent = _parent(parent)
    return out


def _held(data: ControlData, regime: str) -> list[tuple[str, str]]:
    frame = data.entries
    sub = frame[frame.regime == regime][["version", "valid_from"]].drop_duplicates()
    return sorted(((str(v), str(f)[:10]) for v, f in zip(sub.version, sub.valid_from, strict=True)), key=lambda x: x[1])


def choose_versions(data: ControlData, regime: str, as_of: date | None) -> tuple[str, list[str], list[str]]:
    """(basis, versions to read, messages) for a regime on a date."""
    held = _held(data, regime)
    if not held:
        return "none", [], [f"no {regime.upper()} control list is held here"]
    if as_of is None:
        return "latest", [held[-1][0]], [f"latest held version {held[-1][0]} (from {held[-1][1]}); no date given"]
    day = as_of.isoformat()
    if regime == "eu":
        known = eu_version_on(as_of)
        if known is None:
            return "none", [], [f"{day} is before every Annex I version this tool knows"]
        ids = [v for v, _ in held]
        if known.version in ids:
            return "in-force", [known.version], [f"in force on {day}: {known.label}"]
        before = [v for v, f in held if f <= day]
        after = [v for v, f in held if f > day]
        msg = f"in force on {day}: {known.label}, which is NOT held here"
        if before and after:
            return "bracketing", [before[-1], after[0]], [msg + f"; read the held versions on either side ({before[-1]}, "
                                                          f"{after[0]}) and counted an entry only where both agree"]
        if after:
            return "later-only", [after[0]], [msg + f"; only the later version {after[0]} is held: nothing decided on it"]
        return "earlier-only", [before[-1]], [msg + f"; read the latest earlier held version {before[-1]}: nothing decided on it"]
    on = [v for v, f in held if f <= day]
    if on:
        return "in-force", [on[-1]], [f"{regime.upper()} version {on[-1]} is the newest held on or before {day}"]
    return "later-only", [held[0][0]], [f"the only {regime.upper()} version held ({held[0][0]}, from {held[0][1]}) is later "
                                        f"than {day}: its entries are shown for comparison and decide nothing"]


def _subtree_text(nodes: dict[str, Node], code: str) -> list[tuple[str, str]]:
    node = nodes.get(code)
    return [(n.code, norm_text(n.text)) for n in node.walk()] if node else []


def _uses_facts(node: Node, facts: dict[str, Fact]) -> bool:
    names = set(facts)
    if "maximum_numerical_aperture" in names:
        names.add("numerical_aperture")
    for sub in node.walk():
        for crit in sub.criteria:
            if crit.parameter in names:
                return True
            if crit.parameter == "mrf" and crit.formula is not None and "wavelength" in names:
                return True
    return False


def _candidates(data: ControlData, regime: str, nodes: dict[str, Node], description: str, facts: dict[str, Fact],
                as_of: date | None, codes: list[str]) -> dict[str, str]:
    """Item-root codes → how they were found."""
    from exportcheck.controls.search import search

    found: dict[str, str] = {}
    for code in codes:
        if code in nodes or any(c.startswith(code + ".") for c in nodes):
            root = item_root(nodes, code) if code in nodes else code
            found.setdefault(root, "claimed code")
            if root != code and code in nodes and nodes[code].children:
                found.setdefault(code, "claimed code")
    if description.strip():
        for hit in search(description, regime, SEARCH_LIMIT, as_of, data=data):
            if hit.code in nodes:
                found.setdefault(item_root(nodes, hit.code), "search")
    if facts:
        from exportcheck.controls.evaluate import kind_match

        for code, node in nodes.items():
            parent = _parent(code)
            is_root = not parent or parent not in nodes or nodes[parent].heading
            if is_root and code not in found and _uses_facts(node, facts):
                texts = [node.text, *[a.text for a in ancestors(nodes, code)]]
                if kind_match(description, texts, False)[0]:
                    found[code] = "stated facts"
    return found


def _claimed(code: str, codes: list[str]) -> bool:
    return any(code == c or code.startswith(c + ".") or c.startswith(code + ".") for c in codes)


def classify(description: str = "", parameters: dict[str, Any] | None = None, regime: str = "eu",
             as_of: date | str | None = None, *, codes: list[str] | None = None, data: ControlData | None = None,
             lists_dir: str | None = None) -> Classification:
    """Candidate entries of ``regime`` on ``as_of`` for an item, each judged against its stated facts."""
    if regime not in REGIMES:
        raise InputError(f"unknown regime {regime!r}; use one of {', '.join(REGIMES)}")
    when = as_date(as_of, "as_of")
    if not (description or "").strip() and not parameters and not codes:
        raise InputError("give a description, parameters or a code to classify")
    data = data or load_controls(lists_dir)
    facts = item_facts(description, parameters)
    result = Classification(regime=regime, as_of=when.isoformat() if when else "", description=description,
                            facts=list(facts.values()), read_from_description=readings(facts))
    basis, versions, messages = choose_versions(data, regime, when)
    result.basis, result.versions, result.messages = basis, versions, messages
    if regime == "nl":
        result.messages.append("the Dutch national measures' annex (the list of controlled items) is not held here: "
                               "no Dutch entry can be read or judged")
    if not versions:
        return result
    codes = [c.strip().rstrip(".") for c in (codes or [])]
    comma = regime == "eu"
    per_version = {v: trees(data, regime, v) for v in versions}
    found: dict[str, str] = {}
    for v in versions:
        for code, how in _candidates(data, regime, per_version[v], description, facts, when, codes).items():
            found.setdefault(code, how)
    _lost_entries(data, regime, versions, [*found, *codes], result)
    for code, how in found.items():
        entry = _judge(code, how, versions, per_version, facts, description, codes, basis, when, comma, result)
        if entry is not None:
            result.entries.append(entry)
    result.entries.sort(key=lambda e: (_ORDER[e.status], not e.kind_matched, e.code))
    return result


def _lost_entries(data: ControlData, regime: str, versions: list[str], codes: list[str], result: Classification) -> None:
    """Say so when the held copy lost an entry of the kind the item's candidates or claimed codes are (3D006 merged
    into 3D005): the item may be of the lost entry, which cannot be found or judged here."""
    groups = {c[:2] for c in codes}
    for v in versions:
        lost = merged_entries(data, regime, v)
        for eccn, under, evidence in zip(lost.eccn, lost.held_under, lost.evidence, strict=True):
            if str(eccn)[:2] in groups:
                result.messages.append(lost_entry(v, str(eccn), str(under), str(evidence))
                                       + f": an item of {eccn} cannot be found or judged here")


def _judge(code: str, how: str, versions: list[str], per_version: dict[str, dict[str, Node]], facts: dict[str, Fact],
           description: str, codes: list[str], basis: str, when: date | None, comma: bool,
           result: Classification) -> EntryResult | None:
    judged = []
    for v in versions:
        nodes = per_version[v]
        if code in nodes:
            entry = evaluate_entry(nodes[code], ancestors(nodes, code), facts, description, _claimed(code, codes), comma)
            entry.found_by = how
            judged.append(entry)
    if not judged:
        return None
    if basis == "bracketing":
        earlier, later = per_version[versions[0]], per_version[versions[1]]
        if code not in earlier:
            if result.regime == "eu" and is_eu_only_code(code) and when is not None and when < eu_only_from():
                result.not_in_force.append(f"{code} (EU-only entry created by Delegated Regulation (EU) 2025/2003, "
                                           f"applies from {eu_only_from().isoformat()})")
            else:
                result.not_in_force.append(f"{code} (only in the later version {versions[1]})")
            return None
        entry = judged[0]
        if code in later and _subtree_text(earlier, code) != _subtree_text(later, code):
            other = judged[1] if len(judged) > 1 else None
            if other is None or other.status != entry.status:
                entry.reason = (f"the held versions on either side of the date read differently ({entry.status} in "
                                f"{versions[0]}, {other.status if other else 'absent'} in {versions[1]}): " + entry.reason)
                entry.status = "open"
        elif code not in later:
            entry.reason = f"not in the next held version {versions[1]}: " + entry.reason
            entry.status = "open" if entry.status == "meets" else entry.status
        else:
            entry.notes.append(f"the version in force is not held; {code} reads the same in {versions[0]} and {versions[1]}")
        return entry
    entry = judged[0]
    if basis in ("later-only", "earlier-only", "latest") and entry.status == "meets" and when is not None:
        entry.status = "open"
        entry.reason = "the version in force on the date is not held; on the held text it " + entry.reason
    return entry
