"""Control entries as criteria: coverage per category, the item-verdict set, and classify latency.

Data: the real EU Annex I versions (2025 JSON; the partial 2023 consolidated text) and the US CCL JSON
from ``../shared/data/raw``, parsed here; ``data/item_verdicts.yaml`` (claims written from the entry
texts, each with the verdict the texts give).

Coverage counts leaves in use (provisions without sub-paragraphs). A leaf is *comparable* when at
least one parameter / comparator / value / unit was read from it; *parametric* when it states a
number with a unit or a ratio at all (codes such as "3A001" and note numbers do not count). The
figure the issue aims at (≥ 90 % in Category 3) is comparable / parametric; comparable / all leaves
is printed beside it, since many leaves ("a deflected focused electron beam") have no number and
stay text marked as needing judgement.

The verdict set: precision of "contradicted" must be 1.00 (a false contradiction is the worst error)
and recall at least 0.9.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from exportcheck.controls import ControlData
from exportcheck.controls.classifier import classify, trees
from exportcheck.controls.criteria_parse import comparable, leaves, parametric
from exportcheck.settings import CHECKOUT_ROOT

RAW = Path(os.environ.get("EXPORTCHECK_SHARED", CHECKOUT_ROOT.parent / "shared")) / "data" / "raw"
VERDICTS = Path(__file__).resolve().parent / "data" / "item_verdicts.yaml"


def load_data(raw: Path = RAW) -> ControlData:
    """Both held Annex I versions and the CCL, with their definitions, straight from the raw files."""
    from exportcheck.model import ControlEntry
    from exportcheck.sources import get_source
    from exportcheck.tables import records_to_frame

    eu = raw / "eu-dual-use"
    eu_source, us_source = get_source("eu-dual-use"), get_source("us-ccl")
    parsed = [eu_source.format("eu-annex-json").read([eu / "DERIVED_annex-I_02021R0821-20251115.json"]),
              eu_source.format("eu-consolidated-text").read(
                  sorted(eu.glob("DERIVED_consolidated-text_02021R0821-20230526_EN_*.txt.gz"))),
              us_source.format("ccl-json").read([raw / "us-ear" / "DERIVED_ccl_part774-supp1_ecfr-2026-07-23.json"])]
    frames = [records_to_frame(list(p.records), ControlEntry) for p in parsed]
    tables: dict[str, Any] = {}
    for name in ("definitions", "coverage"):
        parts = [p.extra_tables[name] for p in parsed if name in p.extra_tables]
        if parts:
            tables[name] = pd.concat(parts, ignore_index=True)
    return ControlData.from_frames(*frames, **tables)


def coverage(data: ControlData) -> pd.DataFrame:
    """One row per (regime, version, category): leaves, parametric, comparable and the two shares."""
    rows = []
    frame = data.entries
    for regime, version in sorted(set(zip(frame.regime, frame.version, strict=True))):
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for node in leaves(trees(data, regime, version)):
            c = counts[node.code[0]]
            c[0] += 1
            c[1] += parametric(node)
            c[2] += comparable(node)
        for cat, (n, par, comp) in sorted(counts.items()):
            rows.append({"regime": regime, "version": version, "category": cat, "leaves": n, "parametric": par,
                         "comparable": comp, "of_parametric": round(comp / par, 3) if par else None,
                         "of_all": round(comp / n, 3) if n else None})
    return pd.DataFrame(rows)


def verdicts(data: ControlData, path: Path = VERDICTS) -> tuple[pd.DataFrame, dict[str, float]]:
    """Each labelled claim judged by the same function the claims engine uses."""
    from exportcheck.controls.eu_licence import item_verdict

    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["claims"]
    rows = []
    for case in cases:
        result = classify(case.get("description", ""), case.get("parameters"), case.get("regime", "eu"),
                          str(case["date"]), codes=case.get("codes"), data=data)
        status, _why = item_verdict(result, case.get("kind", "item-not-controlled"), case.get("destination", ""))
        rows.append({"id": case["id"], "expected": case["expected"], "got": status,
                     "right": (status == "contradicted") == (case["expected"] == "contradicted")})
    table = pd.DataFrame(rows)
    said = table[table.got == "contradicted"]
    should = table[table.expected == "contradicted"]
    tp = int((said.expected == "contradicted").sum())
    return table, {"claims": len(table), "should_contradict": len(should),
                   "precision": tp / len(said) if len(said) else 1.0, "recall": tp / len(should) if len(should) else 1.0}


def latency(data: ControlData, repeats: int = 5) -> dict[str, float]:
    """Seconds per classify call after the first (which builds the search index and criteria trees)."""
    started = time.perf_counter()
    classify("ArF immersion scanner NA 1.35", regime="eu", as_of="2026-01-10", data=data)
    first = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(repeats):
        classify(f"KrF scanner NA 0.{80 + i}", regime="eu", as_of="2026-01-10", data=data)
    return {"first_s": round(first, 2), "warm_s": round((time.perf_counter() - started) / repeats, 3)}


def run() -> None:
    data = load_data()
    table = coverage(data)
    with pd.option_context("display.width", 160, "display.max_rows", 200):
        print("Criteria coverage (leaves in use; comparable = parameter, comparator, value and unit read):")
        print(table.to_string(index=False))
    cat3 = table[table.category == "3"]
    for row in cat3.itertuples():
        print(f"  Category 3 {row.regime} {row.version}: {row.of_parametric:.0%} of parametric leaves comparable "
              f"(target ≥ 90 %), {row.of_all:.0%} of all leaves")
    lat = latency(data)
    if VERDICTS.exists():
        results, scores = verdicts(data)
        wrong = results[~results.right]
        print(f"Item verdicts: {scores['claims']} claims, {scores['should_contradict']} should be contradicted; "
              f"precision of 'contradicted' {scores['precision']:.2f} (must be 1.00), recall {scores['recall']:.2f} (≥ 0.9)")
        if not wrong.empty:
            print("  wrong: " + ", ".join(f"{r.id} (expected {r.expected}, got {r.got})" for r in wrong.itertuples()))
    print(f"classify latency: first call {lat['first_s']} s (builds indexes), then {lat['warm_s']} s per call")
