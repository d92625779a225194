"""Parsers sit below sources (issue 10 §4), checked on the code itself so a new parser is covered too.

import-linter (``lint-imports``, pyproject ``[tool.importlinter]``) forbids ``exportcheck.formats`` from
importing the declarations; this test adds what import-linter cannot say: no parser hard-codes a
declared source id, and no parser imports a sibling parser (shared helpers live in ``common`` and the
convention modules of one publisher's family, never in another parser).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import exportcheck.formats
from exportcheck.sources import all_sources

FORMATS = Path(exportcheck.formats.__file__).parent


def _modules() -> dict[str, ast.Module]:
    return {info.name: ast.parse((FORMATS / f"{info.name}.py").read_text(encoding="utf-8"))
            for info in pkgutil.iter_modules([str(FORMATS)])}


def _is_parser(tree: ast.Module) -> bool:
    """A parser module defines a ``parse`` or ``parser`` function at module level."""
    return any(isinstance(node, ast.FunctionDef) and node.name in ("parse", "parser") for node in tree.body)


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_parsers_are_found() -> None:
    parsers = [name for name, tree in _modules().items() if _is_parser(tree)]
    assert {"csl_csv", "ofac_legacy_csv", "nsfreg", "ecfr_744", "un_sc_xml"} <= set(parsers)


def test_no_parser_hard_codes_a_source_id() -> None:
    ids = set(all_sources())
    offending = []
    for name, tree in _modules().items():
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                text = node.value
                if any(text == sid or text.startswith(f"{sid}:") for sid in ids):
                    offending.append(f"{name}.py line {node.lineno}: {text!r}")
    assert not offending, offending


def test_no_parser_imports_a_sibling_parser() -> None:
    modules = _modules()
    parsers = {name for name, tree in modules.items() if _is_parser(tree)}
    offending = []
    for name in parsers:
        for imported in _imported(modules[name]):
            other = imported.removeprefix("exportcheck.formats.").split(".")[0]
            if imported.startswith("exportcheck.formats") and other in parsers - {name}:
                offending.append(f"{name} imports {imported}")
    assert not offending, offending


def test_no_format_module_imports_the_declarations() -> None:
    for name, tree in _modules().items():
        assert not {i for i in _imported(tree) if i.startswith("exportcheck.sources")}, name
        importlib.import_module(f"exportcheck.formats.{name}")  # and each imports on its own
