"""Compare entries parameter by parameter: across regimes (EU 3B001.f.1 vs US 3B001.f.1) and across held versions.

Why: the same code string is a different control in each regime and in each Annex I edition (trap 2,
trap 3). Lining their criteria up by parameter shows where they differ: the US 3B001.f.1.b adds
λ ≥ 193 nm and a 'dedicated chuck overlay' ≤ 1.50 nm that the EU 3B001.f.1.b does not have; the EU
3B501.f.1.b computes MRF with K = 0,25 and the maximum NA where 3B001.f.1.b uses K = 0,35.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from exportcheck.controls.classifier import choose_versions, trees
from exportcheck.controls.criteria import Node
from exportcheck.controls.data import ControlData, load_controls
from exportcheck.controls.lookup import REGIMES
from exportcheck.controls.units import format_number
from exportcheck.dates import as_date
from exportcheck.errors import InputError


class Column(BaseModel):
    label: str
    regime: str
    code: str
    version: str
    valid_from: str = ""
    found: bool = True
    text: str = ""
    structure: str = ""  # "any of a, b" …


class Row(BaseModel):
    parameter: str
    cells: list[str]
    differs: bool = False


class Comparison(BaseModel):
    columns: list[Column]
    rows: list[Row] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)


def _parse_spec(spec: str) -> tuple[str, str, str]:
    """``eu:3B001.f.1`` or ``eu:3B001.f.1@2023-05-26`` → (regime, code, version-or-date)."""
    regime, sep, rest = spec.partition(":")
    if not sep or regime.lower() not in REGIMES or not rest.strip():
        raise InputError(f"{spec!r}: give regime:code, e.g. eu:3B001.f.1 or us:3B001.f.1 (optionally @DATE)")
    code, _, when = rest.partition("@")
    return regime.lower(), code.strip().rstrip("."), when.strip()


def _structure(node: Node) -> str:
    if not node.children:
        return "leaf"
    kids = ", ".join(c.code.rsplit(".", 1)[-1] + (" (not used)" if c.not_used else "") for c in node.children)
    return f"{'any' if node.combinator == 'any' else 'all'} of {kids}"


def _cells(node: Node, comma: bool) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for sub in node.walk():
        if sub.not_used:
            continue
        for crit in sub.criteria:
            text = f"{sub.code}: {crit.describe(comma)}"
            if crit.formula is not None:
                f = crit.formula
                text += (f" [{f.target.upper()} = {f.expression}, K = {format_number(f.constants.get('K', 0.0), comma)}"
                         + (", reconstructed" if f.reconstructed else "") + "]")
            out.setdefault(crit.parameter, []).append(text)
        if sub.is_leaf and not sub.criteria and sub.judgement:
            out.setdefault("(judgement)", []).append(f"{sub.code}: {sub.judgement[:100]}")
    return out


def compare(specs: list[str], as_of: date | str | None = None, *, data: ControlData | None = None,
            lists_dir: str | None = None) -> Comparison:
    """Line up the criteria of entries given as ``regime:code[@DATE]``; one spec alone → every held version."""
    if not specs:
        raise InputError("give at least one entry, e.g. eu:3B001.f.1 us:3B001.f.1")
    when = as_date(as_of, "as_of")
    data = data or load_controls(lists_dir)
    wanted: list[tuple[str, str, str, str]] = []  # regime, code, version, message
    messages: list[str] = []
    if len(specs) == 1 and "@" not in specs[0] and when is None:
        regime, code, _ = _parse_spec(specs[0])
        sub = data.entries[data.entries.regime == regime]
        for version in sorted(set(sub.version), key=lambda v: str(sub[sub.version == v].valid_from.iloc[0])):
            wanted.append((regime, code, str(version), ""))
        if len(wanted) < 2:
            messages.append(f"only one {regime.upper()} version is held: nothing to compare across versions")
    else:
        for spec in specs:
            regime, code, at = _parse_spec(spec)
            day = date.fromisoformat(at) if at else when
            basis, versions, notes = choose_versions(data, regime, day)
            messages += [f"{spec}: {n}" for n in notes]
            if not versions:
                wanted.append((regime, code, "", notes[0] if notes else "not held"))
            for version in versions[:1] if basis != "bracketing" else versions:
                wanted.append((regime, code, version, ""))
    columns: list[Column] = []
    cells: list[dict[str, list[str]]] = []
    for regime, code, version, missing in wanted:
        nodes = trees(data, regime, version) if version else {}
        node = nodes.get(code)
        label = f"{regime.upper()} {code}" + (f" ({version})" if version else "")
        if node is None:
            columns.append(Column(label=label, regime=regime, code=code, version=version, found=False,
                                  text=missing or f"not in {version}"))
            cells.append({})
            continue
        columns.append(Column(label=label, regime=regime, code=code, version=version, valid_from=node.valid_from,
                              text=node.text, structure=_structure(node)))
        cells.append(_cells(node, regime == "eu"))
    params: list[str] = []
    for c in cells:
        params += [p for p in c if p not in params]
    rows = [Row(parameter="(structure)", cells=[c.structure if c.found else c.text for c in columns])]
    for p in params:
        values = ["\n".join(c.get(p, [])) or "—" for c in cells]
        rows.append(Row(parameter=p, cells=values, differs=len({_strip_codes(v) for v in values}) > 1))
    return Comparison(columns=columns, rows=rows, messages=messages)


def _strip_codes(cell: str) -> str:
    return "\n".join(line.split(": ", 1)[-1].replace(",", ".") for line in cell.splitlines())
