"""Control search quality: recall@5 on the labelled product descriptions, and the time per query.

Data: the real EU Annex I (2025 JSON) and US CCL JSON from ``../shared/data/raw`` (parsed here, not
read from a snapshot store), and ``data/control_queries.yaml``. A query counts as found when one of
its top five hits is an expected entry or a sub-paragraph of one. Target: recall@5 >= 0.9. The
search constants were tuned on the queries without ``split``; the ``split: holdout`` ones were
written afterwards and are reported separately, as the honest figure.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import yaml

from exportcheck.controls import ControlData, search
from exportcheck.model import ControlEntry
from exportcheck.settings import CHECKOUT_ROOT
from exportcheck.sources import get_source
from exportcheck.tables import records_to_frame

QUERIES = Path(__file__).resolve().parent / "data" / "control_queries.yaml"
RAW = Path(os.environ.get("EXPORTCHECK_SHARED", CHECKOUT_ROOT.parent / "shared")) / "data" / "raw"


def load_data(raw: Path = RAW) -> ControlData:
    eu = get_source("eu-dual-use").format("eu-annex-json").read(
        [raw / "eu-dual-use" / "DERIVED_annex-I_02021R0821-20251115.json"])
    us_dir = raw / "us-ear"
    us = get_source("us-ccl").format("ccl-json").read([us_dir / "DERIVED_ccl_part774-supp1_ecfr-2026-07-23.json"])
    return ControlData.from_frames(records_to_frame(list(eu.records), ControlEntry),
                                   records_to_frame(list(us.records), ControlEntry))


def found(hit_regime: str, hit_code: str, expected: list[str]) -> bool:
    for label in expected:
        regime, code = label.split(":", 1)
        if hit_regime == regime and (hit_code == code or hit_code.startswith(code + ".")):
            return True
    return False


def evaluate(data: ControlData, k: int = 5, split: str | None = None) -> tuple[float, list[tuple[str, list[str]]]]:
    """recall@k and the queries missed (with what came up instead); ``split`` "tuning" or "holdout"."""
    cases = [c for c in yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
             if split is None or c.get("split", "tuning") == split]
    missed = []
    for case in cases:
        hits = search(case["query"], limit=k, data=data)
        if not any(found(h.regime, h.code, case["expect"]) for h in hits):
            missed.append((case["query"], [f"{h.regime}:{h.code}" for h in hits]))
    return 1 - len(missed) / len(cases), missed


def run() -> None:
    if not RAW.exists():
        print(f"skipped: {RAW} is absent")
        return
    data = load_data()
    started = time.perf_counter()
    search("warm up the index", data=data)
    built = time.perf_counter() - started
    cases = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    started = time.perf_counter()
    recall, missed = evaluate(data)
    per_query = (time.perf_counter() - started) / len(cases) * 1000
    tuning, _ = evaluate(data, split="tuning")
    holdout, _ = evaluate(data, split="holdout")
    print(f"control search: {len(cases)} labelled queries, recall@5 = {recall:.3f} (target 0.9; tuning set "
          f"{tuning:.3f}, held-out set {holdout:.3f}); index build {built:.2f} s, {per_query:.1f} ms/query")
    for query, got in missed:
        print(f"  missed: {query!r} -> {', '.join(got)}")
