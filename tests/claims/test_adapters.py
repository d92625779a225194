"""The adapters to the project's control-list package, on the same real Annex I rows as test_engine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from exportcheck.claims import parse_claims, verify_claim
from exportcheck.claims.adapters import PackageControls, default_context
from exportcheck.claims.memory import MemoryScreener
from exportcheck.claims.screening import Context
from exportcheck.model import ControlEntry
from exportcheck.settings import get_settings
from exportcheck.tables import records_to_frame

controls_pkg = pytest.importorskip("exportcheck.controls")


@pytest.fixture(scope="module")
def package_controls(controls, tmp_path_factory: pytest.TempPathFactory) -> PackageControls:
    rows: list[ControlEntry] = [e for v in controls.versions["eu"] for e in v.entries]
    pc = PackageControls(controls_pkg, get_settings(tmp_path_factory.mktemp("empty-lists")))
    pc._data = controls_pkg.ControlData(entries=records_to_frame(rows, ControlEntry))
    return pc


def test_lookup_reads_each_bracketing_version(package_controls: PackageControls) -> None:
    answer = package_controls.lookup("3B001.f", "eu", date(2024, 2, 5))
    assert answer.version.basis == "bracketing"
    assert "2023/2616" in answer.version.explanation and "not held here" in answer.version.explanation
    assert sorted((h.code, h.version) for h in answer.hits) == [("3B001.f", "02021R0821-20230526"),
                                                               ("3B001.f", "02021R0821-20251115")]
    current = package_controls.lookup("3B001.f", "eu", date(2025, 12, 1))
    assert current.version.basis == "in-force" and [h.version for h in current.hits] == ["02021R0821-20251115"]


@pytest.mark.parametrize(("codes", "when", "status"), [
    (["eu:3B001.f"], "2024-02-05", "contradicted"),
    (["eu:3B501"], "2024-02-05", "undetermined"),   # EU-only entry of 2025/2003: not law in 2024
    (["eu:3B501"], "2025-12-01", "contradicted"),
    ([], "2024-02-05", "undetermined"),
])
def test_engine_over_the_controls_package(package_controls: PackageControls, codes: list[str], when: str,
                                          status: str) -> None:
    claim = parse_claims({"claims": [{"id": "x", "kind": "item-not-controlled", "regimes": ["eu"], "date": when,
                                      "item": {"description": "lithography step and scan equipment",
                                               "control_codes": codes}}]}).claims[0]
    step = next(s for s in verify_claim(claim, Context(MemoryScreener([]), package_controls)).steps
                if s.key == "eu-annex-i")
    assert step.status == status
    if not codes:
        assert any(e.control_code.startswith("3B001") for e in step.evidence)
        assert "later than the export: for comparison only" in step.finding


def test_no_control_snapshot_is_reported_not_raised(tmp_path: Path) -> None:
    ctx = default_context(get_settings(tmp_path))
    claim = parse_claims({"claims": [{"id": "x", "kind": "item-not-controlled", "regimes": ["eu"],
                                      "date": "2024-02-05", "item": {"description": "scanner"}}]}).claims[0]
    step = next(s for s in verify_claim(claim, ctx).steps if s.key == "eu-annex-i")
    assert step.status == "undetermined" and "No control-list snapshot yet" in step.finding
