"""A control entry read as criteria: an any-of / all-of tree whose leaves compare a parameter with a limit.

Why a tree: an export-control officer reads 3B001.f.1 as "a scanner having any of: (a) λ < 193 nm,
(b) MRF ≤ 45 nm", where MRF is computed with the entry's own technical note (K = 0,35), not with the
K = 0,25 and *maximum* NA of the EU-only 3B501.f.1.b. Keeping the tree, the formulas bound to their
entry, the notes that exclude and the terms the entry defines lets :mod:`exportcheck.controls.evaluate`
say for an item's stated facts which entries it meets, which exclude it and which stay open, each
with its arithmetic. A leaf that is not parametric ("specially designed for …") keeps its text and is
marked as needing judgement: the tool never decides it.

Built by :mod:`exportcheck.controls.criteria_parse` from the control-entry table (all held versions).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Comparator = Literal["<", "<=", ">", ">=", "between", "="]
Combinator = Literal["any", "all", "leaf"]
NoteKind = Literal["exclusion", "see-also", "not-specified", "technical", "note"]

#: How comparators are written back in reports.
COMPARATOR_SIGN = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "between": "between", "=": "="}


class Formula(BaseModel):
    """A technical note's formula bound to the entry it is "for the purposes of", with that entry's constants."""

    target: str  # the parameter it computes, e.g. "mrf"
    expression: str  # "λ × K / NA" as a reader would write it
    constants: dict[str, float] = Field(default_factory=dict)  # {"K": 0.35}
    inputs: list[str] = Field(default_factory=list)  # fact names, e.g. ["wavelength", "maximum_numerical_aperture"]
    bound_to: str  # the code the note names ("For the purposes of 3B001.f.1.b")
    source_text: str = ""
    reconstructed: bool = False  # the source shows the formula as an image; its form is read from another version
    note: str = ""


class Criterion(BaseModel):
    """One comparison a leaf makes: ``wavelength < 193 nm``; "mean + 3 sigma" and "maximum" kept as qualifiers."""

    parameter: str  # canonical fact name (wavelength, mrf, dedicated_chuck_overlay …) or a slug of the words
    label: str  # the words naming the parameter, as written
    comparator: Comparator
    value: float
    value2: float | None = None  # upper bound of a "between"
    unit: str = ""  # pint unit name; "" dimensionless; "ratio" for "100:1"
    written: str = ""  # the fragment of the text it was read from
    qualifier: str = ""
    formula: Formula | None = None

    @property
    def comparable(self) -> bool:
        return self.comparator != "="

    def describe(self, comma: bool = True) -> str:
        from exportcheck.controls.units import format_number, symbol

        unit = symbol(self.unit)
        sep = "" if unit.startswith(":") else " "
        if self.comparator == "between" and self.value2 is not None:
            return (f"{self.parameter} between {format_number(self.value, comma)} and "
                    f"{format_number(self.value2, comma)}{sep}{unit}").rstrip()
        qual = f" ({self.qualifier})" if self.qualifier else ""
        return f"{self.parameter} {COMPARATOR_SIGN[self.comparator]} {format_number(self.value, comma)}{sep}{unit}".rstrip() + qual


class NoteRef(BaseModel):
    """A note of the entry: an exclusion to weigh, a cross-reference, or a technical note."""

    kind: NoteKind
    code: str  # the entry the note sits on
    text: str
    refs: list[str] = Field(default_factory=list)  # codes it names


class DefinedTerm(BaseModel):
    """A quoted term: 'X' defined in the entry's technical notes, "X" in the Annex's definitions."""

    term: str
    scope: str  # "annex" or the code whose note defines it
    text: str = ""


class Node(BaseModel):
    """One entry of the tree at any depth; its own criteria all hold AND its children combine by ``combinator``."""

    regime: str
    version: str
    valid_from: str = ""
    code: str
    text: str
    combinator: Combinator = "leaf"
    criteria: list[Criterion] = Field(default_factory=list)
    judgement: str = ""  # a leaf's non-parametric condition, to be judged by a person
    not_used: bool = False
    heading: bool = False  # a list heading ("… as follows:"): its children are separate items
    children: list[Node] = Field(default_factory=list)
    notes: list[NoteRef] = Field(default_factory=list)
    not_specified_by: list[str] = Field(default_factory=list)  # "not specified by 3B001.f.1": that entry comes first
    terms: list[DefinedTerm] = Field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self) -> list[Node]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def find(self, code: str) -> Node | None:
        for node in self.walk():
            if node.code == code:
                return node
        return None
