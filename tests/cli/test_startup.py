"""Start-up: `--help` imports nothing heavy, and the public API still resolves (lazily)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import exportcheck
from tests.conftest import REPO

# What `--help` must not import: each costs a noticeable share of a second (followthemoney, pandas and
# pyarrow most), and none is needed to print help. (pydantic is not here: typer itself imports it to
# coerce a command's parameters.)
HEAVY = ("pandas", "followthemoney", "pyarrow", "rapidfuzz", "fastapi", "dask", "numpy", "rigour", "normality",
         "uvicorn", "mcp", "lxml", "nomenklatura")

_PROBE = """
import json, runpy, sys
sys.argv = ["exportcheck", *json.loads(sys.argv[1])]
try:
    runpy.run_module("exportcheck", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _imported(*args: str) -> tuple[int, set[str], str]:
    """Run ``python -m exportcheck ARGS`` in a new process; its exit code, the modules it imported, stdout."""
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(list(args))], capture_output=True, text=True,
                          cwd=REPO, check=False, timeout=120)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"]), done.stdout


@pytest.mark.parametrize("args", [("--help",), ("screen", "--help"), ("verify", "--help"), ("control", "show", "--help"),
                                  ("refresh", "--help"), ("serve", "--help")])
def test_help_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    code, modules, out = _imported(*args)
    assert code == 0
    assert "Usage" in out
    assert "exportcheck.cli.screen" in modules  # the probe did run the CLI
    top = {m.split(".")[0] for m in modules}
    assert top.isdisjoint(HEAVY), sorted(top & set(HEAVY))


def test_a_command_still_imports_what_it_needs() -> None:
    """The probe can see a command's imports: `schema claims` loads the claims model, inside the command."""
    code, modules, out = _imported("schema", "claims")
    assert code == 0
    assert json.loads(out)["title"] == "ClaimsFile"
    assert "exportcheck.claims.model" in modules


def test_public_api_resolves_lazily() -> None:
    """`Lists`, `load` and `refresh_lists` come from exportcheck.api on first access, and are the same objects."""
    from exportcheck import api

    assert exportcheck.load is api.load
    assert exportcheck.Lists is api.Lists
    assert exportcheck.refresh_lists is api.refresh_lists
    from exportcheck import Lists, refresh_lists  # `from` imports go through the same module __getattr__

    assert Lists is api.Lists and refresh_lists is api.refresh_lists
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        exportcheck.nonsense  # noqa: B018


def test_package_import_alone_is_light() -> None:
    done = subprocess.run([sys.executable, "-c", "import exportcheck, sys, json; "
                           "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"],
                          capture_output=True, text=True, cwd=REPO, check=True, timeout=120)
    assert set(json.loads(done.stdout)).isdisjoint(HEAVY)


def test_screen_with_a_built_index_imports_no_pandas_nor_the_source_registry(real_lists_dir: Path) -> None:
    """`screen NAME` maps the stored index: no pandas, no followthemoney, no parser of every list.

    The second run is the one checked: the first may ask the registry once for the entity source ids
    (kept in the lists folder's cache after that).
    """
    for _ in range(2):
        code, modules, out = _imported("screen", "Huawei Technologies", "--json", "--lists-dir", str(real_lists_dir))
        assert code == 0
        assert any(m["is_match"] for m in json.loads(out)["matches"])
    top = {m.split(".")[0] for m in modules}
    assert "numpy" in top and "pyarrow" in top  # the probe sees the matcher's own imports
    assert top.isdisjoint({"pandas", "followthemoney", "fastapi", "dask"}), sorted(top & set(HEAVY))
    assert "exportcheck.formats.eu_annex_json" not in modules  # the registry (every parser) was not loaded
