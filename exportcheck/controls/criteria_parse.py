"""Build the criteria trees of every held control-list version from the control-entry table.

Reads what the parsers already stored (one row per provision with its parent, notes and quoted
terms) and adds the structure an officer reads into it: any-of / all-of from "having any/all of
the following" or the siblings' trailing "; or" / "; and", comparisons (via
:mod:`exportcheck.controls.criteria_read`), technical-note formulas bound to the entry they are
"for the purposes of", notes that exclude, "not specified by" subtractions, "SEE ALSO" pointers and
defined terms. Where the held text lost a formula (the 2023 consolidated text shows the MRF formula
as an image and keeps only "where the K factor = 0,35") the formula is rebuilt from the same entry's
wording in another held version and marked ``reconstructed``.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from exportcheck.controls.criteria import Combinator, Criterion, DefinedTerm, Formula, Node, NoteKind, NoteRef
from exportcheck.controls.criteria_read import read_criteria
from exportcheck.controls.units import DECIMAL_COMMA, NUMBER, parse_number

_ALL = re.compile(r"\ball of the following\b|\bboth of the following\b", re.I)
_ANY = re.compile(r"\b(?:any|one or more|either|at least one) of the following\b", re.I)
_AS_FOLLOWS = re.compile(r"\bas follows\s*[:;.]?\s*$", re.I)
_EXCLUSION = re.compile(r"\bdo(?:es)? not (?:control|apply|include|cover)|\bnot controlled\b|\bare excluded\b|"
                        r"\bis excluded\b|\bexcept\b", re.I)
_SEE = re.compile(r"\bSEE ALSO\b|\bsee\b", re.I)
_CODES = re.compile(r"\b\d[A-E]\d{3}(?:\.[a-z0-9]+)*")
_NOT_SPECIFIED = re.compile(r"not specified (?:by|in) ((?:\d[A-E]\d{3}[.\w]*(?:,\s*|\s+(?:or|and)\s+)?)+)", re.I)
_RELATIVE = re.compile(r"(?<![\w.])[a-z](?:\.[a-z0-9]+)*\.\d+(?:\.[a-z0-9]+)*\b")  # "b.3", "a.5.a"
_PURPOSES = re.compile(r"For the purposes of (\d[A-E]\d{3}(?:\.[a-z0-9]+)*)", re.I)
_K_FACTOR = re.compile(r"K\s*factor\s*=\s*(" + NUMBER + ")", re.I)
_SINGLE = re.compile(r"[‘'’]([^‘'’\"“”]{2,80}?)[’']")
_DOUBLE = re.compile(r"[\"“]([^\"“”]{2,80}?)[\"”]")


def combinator(text: str, child_texts: list[str]) -> tuple[Combinator, bool]:
    """(any|all, is a list heading) for a node with children, from its own words or its children's endings."""
    if _ALL.search(text):
        return "all", False
    if _ANY.search(text):
        return "any", False
    endings = [t.rstrip().rstrip(";.,: ").lower() for t in child_texts]
    if any(e.endswith(" and") for e in endings):
        return "all", False
    if any(e.endswith(" or") for e in endings):
        return "any", False
    return "any", True  # a list of separate items ("as follows" or no wording at all)


def note_kind(kind: str, text: str) -> NoteKind:
    if "SEE ALSO" in text.upper() or (kind.upper().startswith("N.B") and _SEE.search(text)):
        return "see-also"
    if _EXCLUSION.search(text):
        return "exclusion"
    if "technical" in kind.lower():
        return "technical"
    return "note"


def formula_from_note(text: str, code: str) -> Formula | None:
    """The MRF formula of a technical note, with its own K and NA wording; ``None`` if the note has none."""
    low = text.lower()
    if "formula" not in low or ("resolvable feature" not in low and "mrf" not in low):
        return None
    k = _K_FACTOR.search(text)
    if not k:
        return None
    bound = _PURPOSES.search(text)
    maximum = "maximum numerical aperture" in low
    written = "wavelength" in low and "numerical aperture" in low
    na = "maximum_numerical_aperture" if maximum else "numerical_aperture"
    return Formula(target="mrf", expression="λ × K / NA" + ("max" if maximum else ""), constants={"K": parse_number(k.group(1))},
                   inputs=["wavelength", na], bound_to=(bound.group(1).rstrip(".") if bound else code),
                   source_text=text, reconstructed=not written,
                   note="" if written else ("the held text shows this formula as an image and keeps only its K factor; "
                                            "read as λ × K / NA, the form the same entry writes out in Annex I of 2025"))


def _terms(text: str, listed: list[str], code: str, definitions: dict[str, tuple[str, str]]) -> list[DefinedTerm]:
    out: dict[str, DefinedTerm] = {}
    for m in _SINGLE.finditer(text):
        term = m.group(1).strip()
        if len(term.split()) <= 8:
            scope, body = definitions.get(term.lower(), ("", ""))
            out.setdefault(term.lower(), DefinedTerm(term=term, scope=scope or f"technical notes of {code}", text=body))
    for m in _DOUBLE.finditer(text):
        term = m.group(1).strip()
        if len(term.split()) <= 8:
            scope, body = definitions.get(term.lower(), ("", ""))
            out.setdefault(term.lower(), DefinedTerm(term=term, scope=scope or "annex", text=body))
    for term in listed:
        if term.lower() not in out:
            scope, body = definitions.get(term.lower(), ("", ""))
            out[term.lower()] = DefinedTerm(term=term, scope=scope or code, text=body)
    return list(out.values())


def _definitions(defs: pd.DataFrame, regime: str, version: str) -> dict[str, tuple[str, str]]:
    if defs.empty or "version" not in defs:
        return {}
    sub = defs[(defs.regime == regime) & (defs.version == version)]
    return {str(k): (str(s), str(t)) for k, s, t in zip(sub.key, sub.scope, sub.text, strict=True)}


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value.tolist() if hasattr(value, "tolist") else value)


def build_version(frame: pd.DataFrame, regime: str, version: str, definitions: pd.DataFrame | None = None) -> dict[str, Node]:
    """Every node of one version by code; top-level entries have no parent in the version."""
    sub = frame[(frame.regime == regime) & (frame.version == version)]
    comma = DECIMAL_COMMA.get(regime)
    defs = _definitions(definitions if definitions is not None else pd.DataFrame(), regime, version)
    nodes: dict[str, Node] = {}
    parents: dict[str, str] = {}
    for row in sub.itertuples(index=False):
        code, text = str(row.code), str(row.text or "")
        notes = []
        for n in _list(row.notes):
            kind, ntext = str(n["kind"]), str(n["text"])
            nk = note_kind(kind, ntext)
            notes.append(NoteRef(kind=nk, code=code, text=f"{kind}: {ntext}",
                                 refs=[c.rstrip(".") for c in _CODES.findall(ntext) if not code.startswith(c.rstrip("."))]))
        not_spec = [c.rstrip(".") for m in _NOT_SPECIFIED.finditer(text) for c in _CODES.findall(m.group(1))]
        node = Node(regime=regime, version=version, valid_from=str(row.valid_from or ""), code=code, text=text,
                    not_used=bool(row.not_used), criteria=[] if row.not_used else read_criteria(text, decimal_comma=comma),
                    notes=notes, not_specified_by=not_spec,
                    terms=_terms(text, [str(t) for t in _list(row.defined_terms)], code, defs))
        nodes[code] = node
        parents[code] = str(row.parent_code or "")
    for code, node in nodes.items():
        parent = parents[code]
        if parent and parent in nodes:
            nodes[parent].children.append(node)
    for node in nodes.values():
        if node.children:
            node.combinator, node.heading = combinator(node.text, [c.text for c in node.children])
            node.heading = node.heading and not node.criteria and not (_ALL.search(node.text) or _ANY.search(node.text))
        elif not node.criteria and not node.not_used:
            node.judgement = node.text
    _bind_formulas(nodes)
    return nodes


def _bind_formulas(nodes: dict[str, Node]) -> None:
    """Attach each technical-note formula to the MRF criteria of the entry it is for (and its sub-entries)."""
    for node in list(nodes.values()):
        for note in node.notes:
            formula = formula_from_note(note.text, node.code)
            if formula is None:
                continue
            target = nodes.get(formula.bound_to) or node
            for sub in target.walk():
                for crit in sub.criteria:
                    if crit.parameter == formula.target and crit.formula is None:
                        crit.formula = formula


def top_nodes(nodes: dict[str, Node]) -> list[Node]:
    codes = set(nodes)
    return [n for c, n in nodes.items() if "." not in c or c.rsplit(".", 1)[0] not in codes]


def leaves(nodes: dict[str, Node]) -> list[Node]:
    """The provisions a coverage count is about: leaves that are in use."""
    return [n for n in nodes.values() if not n.children and not n.not_used]


def comparable(node: Node) -> bool:
    return any(c.comparable for c in node.criteria)


def parametric(node: Node) -> bool:
    """Whether a leaf states a number at all (so could, in principle, be compared)."""
    text = _CODES.sub(" ", re.sub(r"\(\d+\)|\b(?:Category|Part|Note|Annex|Article|Section) \d+", " ", node.text))
    text = _RELATIVE.sub(" ", text)  # "3A001.b.2 and b.3 items": a paragraph named without its ECCN is no number
    return bool(re.search(r"\d\s?(?:[a-zA-Zµμ°%]|:\s?1\b)", text)) or comparable(node)


def criteria_of(node: Node) -> list[Criterion]:
    return [c for n in node.walk() for c in n.criteria]
