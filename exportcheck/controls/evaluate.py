"""Compare an item's facts with an entry's criteria: met, excluded or open, each leaf with its arithmetic.

Three-valued on purpose: a criterion whose parameter is not stated is *open*, never met and never
failed, so an item meets an entry only when stated numbers meet every criterion on the path (and the
item is of the kind the entry describes), and is excluded only when a stated number fails a
criterion every alternative needs. A leaf that is not parametric ("specially designed for …") stays
open and is named as needing judgement. Where a leaf's own words could be read as "or" between its
comparisons, it is met only if all are met and excluded only if all fail.

The kind of item ("step and scan (scanner) equipment") is not a number: it counts as established
when the claim itself names the entry, or when a distinctive word of the description (not "part",
"equipment", "machine") appears in the entry's own wording; a description of a part is not taken as
the equipment an entry lists unless the entry speaks of components.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from exportcheck.controls.criteria import COMPARATOR_SIGN, Criterion, Node
from exportcheck.controls.facts import Fact
from exportcheck.controls.units import compare_units, format_number, symbol

Status = Literal["met", "excluded", "open"]
EntryStatus = Literal["meets", "excluded", "open"]
_OR_BETWEEN = re.compile(r"\bor\b(?! (?:less|more|greater|smaller|higher|lower|longer|shorter|better|fewer|equal|below|above|"
                         r"wider|narrower|larger))", re.I)
#: Words that say nothing about what kind of item it is.
GENERIC = {"equipment", "system", "machine", "device", "tool", "unit", "apparatu", "apparatus", "instrument", "product",
           "item", "use", "design", "model", "new", "old", "older", "generic", "type", "high", "low", "advanc",
           "light", "source", "nm", "wafer", "process", "semiconductor", "chip", "set", "up", "calibrate", "calibration"}
PART_WORDS = {"part", "component", "spare", "module", "assembly", "accessory", "subassembly", "subsystem", "kit",
              "seal", "o-ring", "gasket", "consumable"}
_PART_SCOPE = re.compile(r"component|\bparts?\b|assembl|accessor|module|\bseal", re.I)


class CriterionResult(BaseModel):
    code: str
    criterion: str
    status: Status
    arithmetic: str = ""
    missing: list[str] = Field(default_factory=list)


class NodeResult(BaseModel):
    code: str
    text: str
    combinator: str
    status: Status
    criteria: list[CriterionResult] = Field(default_factory=list)
    children: list[NodeResult] = Field(default_factory=list)
    judgement: str = ""


class EntryResult(BaseModel):
    """One candidate entry judged against the item's facts."""

    regime: str
    version: str
    valid_from: str = ""
    code: str
    text: str
    status: EntryStatus
    kind: str = ""  # how the kind of item was established (or why it was not)
    kind_matched: bool = False
    met: list[str] = Field(default_factory=list)  # arithmetic of the criteria that make it met
    failing: list[str] = Field(default_factory=list)  # the criteria that exclude it
    missing: list[str] = Field(default_factory=list)  # facts that would decide it
    judgement: list[str] = Field(default_factory=list)  # non-parametric conditions to judge
    notes: list[str] = Field(default_factory=list)  # exclusion notes, not-specified-by, see-also
    reason: str = ""
    found_by: str = ""  # search | claimed code | stated facts
    tree: NodeResult | None = None


def _and(statuses: list[Status]) -> Status:
    if any(s == "excluded" for s in statuses):
        return "excluded"
    return "met" if all(s == "met" for s in statuses) else "open"


def _or(statuses: list[Status]) -> Status:
    if any(s == "met" for s in statuses):
        return "met"
    return "excluded" if statuses and all(s == "excluded" for s in statuses) else "open"


def _unsure(statuses: list[Status]) -> Status:
    """'and' or 'or' unclear: decided only where both readings agree."""
    both = {_and(statuses), _or(statuses)}
    return both.pop() if len(both) == 1 else "open"


def _fact(facts: dict[str, Fact], name: str) -> tuple[Fact | None, str]:
    if name in facts:
        return facts[name], ""
    if name == "numerical_aperture" and "maximum_numerical_aperture" in facts:
        return facts["maximum_numerical_aperture"], "the stated maximum NA"
    if name == "maximum_numerical_aperture" and "numerical_aperture" in facts:
        return facts["numerical_aperture"], "the stated NA taken as the maximum NA"
    return None, ""


def _holds(value: float, crit: Criterion) -> bool:
    eps = 1e-9 * max(1.0, abs(crit.value))
    if crit.comparator == "<":
        return value < crit.value - eps
    if crit.comparator == "<=":
        return value <= crit.value + eps
    if crit.comparator == ">":
        return value > crit.value + eps
    if crit.comparator == ">=":
        return value >= crit.value - eps
    if crit.comparator == "between" and crit.value2 is not None:
        return crit.value - eps <= value <= crit.value2 + eps
    return abs(value - crit.value) <= eps


def _limit(crit: Criterion, comma: bool) -> str:
    unit = symbol(crit.unit)
    sep = "" if not unit or unit.startswith(":") else " "
    if crit.comparator == "between" and crit.value2 is not None:
        return f"between {format_number(crit.value, comma)} and {format_number(crit.value2, comma)}{sep}{unit}"
    return f"{COMPARATOR_SIGN[crit.comparator]} {format_number(crit.value, comma)}{sep}{unit}"


def _mrf(crit: Criterion, facts: dict[str, Fact], comma: bool) -> tuple[float | None, str, list[str]]:
    """MRF from the entry's own formula: (value in nm, arithmetic, missing facts)."""
    formula = crit.formula
    if formula is None:
        return None, "", ["mrf (no formula held for this entry: state the MRF)"]
    wl, _ = _fact(facts, "wavelength")
    na_name = formula.inputs[1]
    na, how = _fact(facts, na_name)
    missing = [n for n, f in (("wavelength", wl), (na_name, na)) if f is None]
    if wl is None or na is None or na.value <= 0:
        return None, "", missing or [na_name]
    lam = compare_units(wl.value, wl.unit or "nanometer", "nanometer")
    if lam is None:
        return None, "", ["wavelength (in a length unit)"]
    k = formula.constants.get("K", 0.0)
    value = lam * k / na.value
    na_label = "NA max" if na_name.startswith("maximum") else "NA"
    text = (f"MRF = λ × K / {na_label} = {format_number(lam, comma)} × {format_number(k, comma)} / "
            f"{format_number(na.value, comma)} = {format_number(value, comma, 1)} nm")
    notes = [f"K = {format_number(k, comma)} from the technical note for {formula.bound_to}"]
    if how:
        notes.append(how)
    if formula.reconstructed:
        notes.append("formula form reconstructed: " + formula.note)
    return value, text + " (" + "; ".join(notes) + ")", []


def evaluate_criterion(code: str, crit: Criterion, facts: dict[str, Fact], comma: bool = True) -> CriterionResult:
    described = crit.describe(comma)
    if not crit.comparable:
        return CriterionResult(code=code, criterion=described, status="open",
                               arithmetic=f"'{crit.written}' states no limit to compare: needs judgement")
    fact, how = _fact(facts, crit.parameter)
    if fact is None and crit.parameter == "mrf":
        value, arithmetic, missing = _mrf(crit, facts, comma)
        if value is None:
            return CriterionResult(code=code, criterion=described, status="open", missing=missing)
        ok = _holds(value, crit)
        # the arithmetic ends with the formula notes in brackets; the comparison goes before them
        head, _, tail = arithmetic.partition(" (")
        return CriterionResult(code=code, criterion=described, status="met" if ok else "excluded",
                               arithmetic=f"{head} {_limit(crit, comma) if ok else 'is not ' + _limit(crit, comma)} ({tail}")
    if fact is None:
        return CriterionResult(code=code, criterion=described, status="open", missing=[crit.parameter])
    value = compare_units(fact.value, fact.unit or crit.unit, crit.unit) if (fact.unit or not crit.unit) else None
    if value is None:
        return CriterionResult(code=code, criterion=described, status="open", missing=[crit.parameter],
                               arithmetic=f"{fact.show(comma)} cannot be compared with {_limit(crit, comma)} (units)")
    ok = _holds(value, crit)
    shown = f"{crit.parameter} = {format_number(value, comma)}{'' if symbol(crit.unit).startswith(':') or not symbol(crit.unit) else ' '}{symbol(crit.unit)}"
    origin = " (read from the description)" if fact.origin == "description" else ""
    extra = f"; {how}" if how else ""
    return CriterionResult(code=code, criterion=described, status="met" if ok else "excluded",
                           arithmetic=f"{shown} {_limit(crit, comma) if ok else 'is not ' + _limit(crit, comma)}{origin}{extra}")


def evaluate_node(node: Node, facts: dict[str, Fact], comma: bool = True) -> NodeResult:
    if node.not_used:
        return NodeResult(code=node.code, text=node.text, combinator=node.combinator, status="excluded")
    own = [evaluate_criterion(node.code, c, facts, comma) for c in node.criteria]
    statuses = [r.status for r in own]
    own_status: Status
    own_text = re.sub(r"[;,.]?\s*(?:or|and)\s*[;:.]?\s*$", "", node.text.strip())  # the closing "; or" joins siblings
    if len(own) >= 2 and _OR_BETWEEN.search(own_text):
        own_status = _unsure(statuses)
    else:
        own_status = _and(statuses) if own else "met"
    kids = [evaluate_node(k, facts, comma) for k in node.children]
    if kids:
        kid_status = _or([k.status for k in kids]) if node.combinator == "any" else _and([k.status for k in kids])
        status = _and([own_status, kid_status])
    elif own:
        status = own_status
    else:
        status = "open"
    return NodeResult(code=node.code, text=node.text, combinator=node.combinator, status=status, criteria=own,
                      children=kids, judgement=node.judgement if not own and not kids else "")


def _met_lines(result: NodeResult) -> list[str]:
    lines = [f"{r.code}: {r.arithmetic}" for r in result.criteria if r.status == "met"]
    chosen = [k for k in result.children if k.status == "met"][:1] if result.combinator == "any" else result.children
    for kid in chosen:
        lines += _met_lines(kid)
    return lines


def _failing_lines(result: NodeResult) -> list[str]:
    lines = [f"{r.code}: {r.arithmetic}" for r in result.criteria if r.status == "excluded"]
    for kid in result.children:
        if kid.status == "excluded":
            if not kid.criteria and not kid.children:
                lines.append(f"{kid.code}: not used")
            else:
                lines += _failing_lines(kid)
    return lines


def _open_parts(result: NodeResult) -> tuple[list[str], list[str]]:
    missing: list[str] = []
    judge: list[str] = []
    for r in result.criteria:
        if r.status == "open":
            missing += [m for m in r.missing if m not in missing]
            if not r.missing and r.arithmetic:
                judge.append(f"{result.code}: {r.arithmetic}")
    if result.judgement:
        judge.append(f"{result.code}: {result.judgement}")
    for kid in result.children:
        if kid.status == "open":
            m, j = _open_parts(kid)
            missing += [x for x in m if x not in missing]
            judge += j
    return missing, judge


#: Trade nouns for a kind of tool → how the entries word that kind.
KIND_SYNONYMS = {"stepper": "step repeat", "etcher": "etching", "implanter": "implantation", "writer": "writing",
                 "aligner": "align", "prober": "probe", "asher": "ashing"}


def _words(text: str) -> set[str]:
    from exportcheck.controls.search import tokens

    return set(tokens(text))


def _parameter_words() -> set[str]:
    """Words that name a measured quantity ("features", "wavelength"): they say what is measured, not what the item is."""
    from exportcheck.controls.criteria_read import PARAMETER_WORDS

    return (_words(" ".join(words for words, _name in PARAMETER_WORDS)) | _words("size feature light source pattern")
            | _words("euv duv arf krf extreme deep ultraviolet"))  # they imply a wavelength, not a kind of item


def kind_match(description: str, scope_texts: list[str], claimed: bool) -> tuple[bool, str]:
    """Whether the item is of the kind the entry lists: (established, how)."""
    if claimed:
        return True, "the claim itself names this entry"
    raw = set(re.findall(r"[a-z-]+", (description or "").lower()))
    words = _words(description + " " + " ".join(KIND_SYNONYMS[w] for w in raw if w in KIND_SYNONYMS))
    words -= _parameter_words()
    parts = sorted(raw & PART_WORDS | {w for w in words if w in PART_WORDS})
    scope = " ".join(scope_texts)
    if parts:
        if _PART_SCOPE.search(scope):
            return False, (f"the item is described as a part ({', '.join(parts)}); the entry covers components only as its "
                           "wording says (e.g. 'specially designed'), which needs judgement, and the stated numbers "
                           "describe the equipment, not the part")
        return False, f"the item is described as a part ({', '.join(parts)}); the entry lists whole equipment or items"
    shared = sorted((words - GENERIC) & _words(scope))
    if shared:
        return True, f"the description's word(s) {', '.join(shared)} appear in the entry's own wording"
    return False, "no distinctive word of the description appears in the entry's wording: whether the item is of this kind needs judgement"


def evaluate_entry(root: Node, ancestors: list[Node], facts: dict[str, Fact], description: str = "",
                   claimed: bool = False, comma: bool = True) -> EntryResult:
    """Judge one entry (an item node with its ancestors' own conditions) against the facts."""
    tree = evaluate_node(root, facts, comma)
    upper = [evaluate_criterion(a.code, c, facts, comma) for a in ancestors for c in a.criteria]
    status_tree = _and([tree.status, *[u.status for u in upper]])
    matched, how = kind_match(description, [root.text, *[a.text for a in ancestors]], claimed)
    notes = []
    for node in [*ancestors, *root.walk()]:
        for note in node.notes:
            if note.kind in ("exclusion", "see-also"):
                notes.append(f"{note.code} {note.text}")
        if node.not_specified_by:
            notes.append(f"{node.code}: not specified by {', '.join(node.not_specified_by)} (that entry is read first)")
    exclusions = [n for n in notes if "SEE ALSO" not in n.upper() and " see " not in n.lower()]
    result = EntryResult(regime=root.regime, version=root.version, valid_from=root.valid_from, code=root.code,
                         text=root.text, status="open", kind=how, kind_matched=matched, notes=notes, tree=tree)
    if status_tree == "excluded":
        result.status = "excluded"
        result.failing = [f"{u.code}: {u.arithmetic}" for u in upper if u.status == "excluded"] + _failing_lines(tree)
        result.reason = "excluded by " + "; ".join(result.failing[:3])
        return result
    missing, judge = _open_parts(tree)
    for u in upper:
        if u.status == "open":
            missing += [m for m in u.missing if m not in missing]
    result.missing, result.judgement = missing, judge
    if status_tree == "met":
        result.met = [f"{u.code}: {u.arithmetic}" for u in upper if u.status == "met"] + _met_lines(tree)
        if not matched:
            result.reason = "the stated numbers meet its criteria, but " + how
        elif exclusions:
            result.reason = "the stated numbers meet its criteria, but a note may exclude the item: " + exclusions[0]
        else:
            result.status = "meets"
            result.reason = "meets: " + "; ".join(result.met)
        return result
    parts = []
    if missing:
        parts.append("missing facts: " + ", ".join(missing))
    if judge:
        parts.append(f"{len(judge)} condition(s) need judgement")
    result.reason = "open: " + ("; ".join(parts) or "nothing stated decides it")
    return result
