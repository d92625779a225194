"""Nothing outside ``exportcheck.law`` writes a legal date: no ``date(2024, ...)`` literal, no ISO date text.

The scan reads every module's syntax tree (not its text), so docstrings and comments may mention dates
freely, while a date built from literals in code, or an ISO date in a string the code uses, fails the
test. Dates computed from data (``date.fromisoformat(row["date"])``, ``date(year, 1, 1)`` for a partial
date a user typed) are not literals and pass.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "exportcheck"
LAW = PACKAGE / "law"
#: Benchmarks pick query dates to time the code on, not legal facts the code applies.
SKIPPED = (LAW, PACKAGE / "bench")
ISO_DATE = re.compile(r"\b(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")
DATE_NAMES = {"date", "datetime"}
#: A date inside a data file's name is the file's data date, not a legal date.
FILE_NAME = re.compile(r"\S*(19|20)\d\d-\d\d-\d\d\S*\.(json|csv|xml|gz|zip|txt|xlsx|pdf|parquet)\b", re.I)
#: Strings that show a user the shape of an input, each with why it is not a legal fact the code uses.
EXAMPLES = {
    ("exportcheck/claims/extract.py", "TODO date: 2024-02-05"): "the claims-file skeleton's example date",
}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (prose, allowed to name dates)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def legal_date_literals(source: str) -> list[str]:
    """Every ``date(<int literal year>, ...)`` call and every ISO date inside a non-docstring string."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in DATE_NAMES and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, int) and 1900 <= node.args[0].value <= 2100:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs \
                and ISO_DATE.search(FILE_NAME.sub("", node.value)):
            found.append(f"line {node.lineno}: {node.value[:400]!r}")
    return found


def test_the_scan_catches_what_it_should() -> None:
    """The checker itself: it must flag a literal date and an ISO date string, and pass prose and parsed dates."""
    flagged = legal_date_literals('from datetime import date\nX = date(2024, 12, 2)\nY = "in force 2023-09-01"\n'
                                  'Z = datetime.date(2021, 9, 9)\n')
    assert len(flagged) == 3
    assert legal_date_literals('F = "DERIVED_ccl_ecfr-2026-07-23.json"\n') == []
    assert legal_date_literals('"""In force 2023-09-01."""\nfrom datetime import date\n'
                               'def f(y: int, s: str):\n    """Since 2021-09-09."""\n'
                               '    return date(y, 1, 1), date.fromisoformat(s)\n') == []


def test_no_module_outside_the_law_package_writes_a_legal_date() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if any(folder in path.parents for folder in SKIPPED):
            continue
        name = path.relative_to(PACKAGE.parent).as_posix()
        hits = [h for h in legal_date_literals(path.read_text("utf-8"))
                if not any(name == where and text in h for where, text in EXAMPLES)]
        if hits:
            offenders[name] = hits
    assert not offenders, offenders


def test_every_allowed_example_still_exists() -> None:
    """An allowance whose string is gone must be removed, so the list cannot silently cover new dates."""
    for where, text in EXAMPLES:
        assert text in (PACKAGE.parent / where).read_text("utf-8"), (where, text)
