"""The notebooks are committed without outputs and linked from the README (they run via nbmake)."""

from __future__ import annotations

import json
import re

from tests.conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_readme_links_exactly_the_notebooks_in_the_folder() -> None:
    """Every notebook the README links exists, and every notebook in the folder is linked (none dangling)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\(notebooks/([^)/]+\.ipynb)\)", readme))
    assert NOTEBOOKS and linked == {p.name for p in NOTEBOOKS}


def test_notebooks_are_committed_without_outputs() -> None:
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert code, path.name
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), f"{path.name} has outputs"


def test_readme_links_every_notebook_with_a_description() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        line = next((ln for ln in readme.splitlines() if f"(notebooks/{path.name})" in ln), "")
        assert line, f"README does not link {path.name}"
        assert len(line.split(" — ", 1)[-1]) > 20, f"README gives no description of {path.name}"
