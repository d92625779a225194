"""Fixtures for the claims tests: the engine over snapshots refreshed from the real mirror.

Every list row the engine reasons over comes from ``../shared/data/raw`` through the project's own
parsers (``refresh --mirror --all-dates``, once per session: ``real_lists_dir``), is screened by the
project's matcher and looked up in the project's control lists. Expected values are read from the
store or the raw files, never written in.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from exportcheck.claims import Context, default_context, parse_claims, verify_claim
from exportcheck.claims.verdict import ClaimResult, Step
from exportcheck.settings import get_settings
from exportcheck.store import Snapshot, SnapshotStore


def run(ctx: Context, **claim: Any) -> ClaimResult:
    """Verify one claim (an ASML export unless the claim says otherwise) through the real engine."""
    claim.setdefault("id", "c1")
    claims = parse_claims({"exporter": {"name": "ASML Netherlands B.V.", "country": "NL"}, "claims": [claim]})
    return verify_claim(claims.claims[0], ctx)


def step(result: ClaimResult, key: str) -> Step:
    return next(s for s in result.steps if s.key == key)


@pytest.fixture
def ctx(real_lists_dir: Path) -> Context:
    """A fresh engine context over the real lists (indexes and control data are memoised across contexts)."""
    return default_context(get_settings(real_lists_dir))


@pytest.fixture(scope="session")
def store(real_lists_dir: Path) -> SnapshotStore:
    return SnapshotStore(real_lists_dir)


def latest(store: SnapshotStore, source: str) -> Snapshot:
    snap = store.latest(source)
    assert snap is not None, f"{source}: no snapshot refreshed from the mirror"
    return snap


@pytest.fixture(scope="session")
def old_csl_lists(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lists folder holding only the April 2022 CSL (the real official CSV, through the real parser):
    a store whose only snapshot is long before a 2024 export, and that holds neither EU nor UN list."""
    from exportcheck.refresh import refresh

    mirror = tmp_path_factory.mktemp("old-csl-mirror")
    (mirror / "us-csl").mkdir()
    os.symlink(raw_dir / "us-csl" / "consolidated_2022-04.csv.gz", mirror / "us-csl" / "consolidated_2022-04.csv.gz")
    folder = tmp_path_factory.mktemp("old-csl-lists")
    outcomes = refresh(["us-csl"], get_settings(folder), mirror=str(mirror), all_dates=True)
    assert [o.status for o in outcomes] == ["published"], [o.message for o in outcomes]
    return folder


@pytest.fixture(scope="session")
def examples_file() -> Path:
    return Path(__file__).resolve().parents[2] / "examples" / "cetc-2024.yaml"
