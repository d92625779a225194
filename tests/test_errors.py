"""The error tree: one root, the documented shape, one-line messages, CLI exit codes."""

from __future__ import annotations

import inspect
import re

import pytest
from typer.testing import CliRunner

from exportcheck import errors
from exportcheck.cli import app

runner = CliRunner()


def _classes() -> dict[str, type[BaseException]]:
    return {name: obj for name, obj in vars(errors).items()
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == "exportcheck"}


def test_docstring_tree_matches_the_classes():
    """The tree drawn in errors.py's docstring names every library error, under its real parent."""
    drawn = [(m.start(1), m.group(1)) for line in (errors.__doc__ or "").splitlines()
             if (m := re.match(r"^[\s│├└─]*(\w+Error)\b", line))]
    depth = dict((name, col) for col, name in drawn)
    classes = {n: c for n, c in _classes().items() if issubclass(c, errors.ExportcheckError)}
    assert set(depth) == set(classes)
    stack: list[str] = []
    for col, name in drawn:
        while stack and depth[stack[-1]] >= col:
            stack.pop()
        if stack:
            assert classes[name].__bases__ == (classes[stack[-1]],), name
        stack.append(name)


def test_source_errors_name_their_source_and_abort_only_it():
    for cls in (errors.FetchError, errors.ParseError, errors.BoundsError):
        exc = cls("us-csl", "something went wrong")
        assert isinstance(exc, errors.SourceError) and isinstance(exc, errors.ExportcheckError)
        assert str(exc) == "us-csl: something went wrong" and exc.source_id == "us-csl"
    assert not issubclass(errors.RecordSkipped, errors.ExportcheckError), "skipping a record never aborts a run"


@pytest.mark.parametrize("args", [["diff", "us-csl", "--to", "nope"], ["refresh", "--mirror", "/no/such/folder"]])
def test_cli_turns_library_errors_into_one_line_and_exit_2(lists_dir, args):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_public_api_exports_the_whole_tree():
    """Every exception is public, listed in ``exportcheck.__all__`` and shown under ``exportcheck`` (as httpx)."""
    import exportcheck

    classes = _classes()
    assert set(classes) == set(errors.__all__) and len(classes) == 9
    assert set(classes) <= set(exportcheck.__all__)
    assert sorted(exportcheck.__all__) == [
        "BoundsError", "ConfigError", "ExportcheckError", "FetchError", "InputError", "Lists", "ParseError",
        "RecordSkipped", "SnapshotError", "SourceError", "__version__", "load", "refresh_lists"]
    for name, cls in classes.items():
        assert getattr(exportcheck, name) is cls and cls.__module__ == "exportcheck"
        assert repr(cls) == f"<class 'exportcheck.{name}'>"
