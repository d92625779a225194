"""Claims engine figures on the real lists: store refresh, first (cold) and repeated verification.

Data: every file of ``../shared/data/raw`` (or ``$EXPORTCHECK_SHARED``) refreshed into a throw-away
lists folder; claims: ``examples/cetc-2024.yaml``. The headline figure is the first ``exportcheck
verify`` after the refresh, in a new process (imports, the matcher's index for the snapshots that
stood on the claims' dates, the control lists and their search index); then the same command again
(the index now loads from its disk cache), and a warm verification inside one process. CPU seconds
are printed beside wall seconds because the benchmark machine is shared, and the load average is
printed with the headline: a figure taken while other work runs is inflated.

The control data (tables and criteria trees) are precomputed by the refresh
(:mod:`exportcheck.controls.precompute`); their read is timed against deriving them from the
snapshots, so a regression in either shows.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from exportcheck.claims import default_context, load_claims, verify
from exportcheck.refresh import refresh
from exportcheck.reports import render
from exportcheck.settings import CHECKOUT_ROOT, get_settings

RAW = Path(os.environ.get("EXPORTCHECK_SHARED", CHECKOUT_ROOT.parent / "shared")) / "data" / "raw"
EXAMPLE = CHECKOUT_ROOT / "examples" / "cetc-2024.yaml"
T = TypeVar("T")


def _timed(label: str, func: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = func()
    print(f"{label:<60} {time.perf_counter() - started:7.2f} s", flush=True)
    return result


def _cli_verify(label: str, folder: str, out: Path) -> tuple[float, float] | None:
    """``python -m exportcheck verify`` in a new process: wall and CPU seconds of the child (None: it failed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "exportcheck", "verify", str(EXAMPLE), "--lists-dir", folder,
                           "--format", "json", "--out", str(out)], capture_output=True, text=True, check=False,
                          cwd=CHECKOUT_ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        print(f"{label}: failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        return None
    print(f"{label:<60} {wall:7.2f} s  (CPU {cpu:.2f} s; {done.stderr.strip().splitlines()[-1]})", flush=True)
    return wall, cpu


def _control_data(folder: str) -> None:
    """The control data a first verify reads: precomputed at refresh, against derived from the snapshots."""
    from exportcheck.controls.criteria_parse import build_version
    from exportcheck.controls.data import load_from_snapshots
    from exportcheck.controls.precompute import criteria_trees, load_precomputed

    pre = _timed("  control tables, precomputed (Arrow IPC)", lambda: load_precomputed(folder))
    raw = _timed("  control tables, from the snapshots (Parquet)", lambda: load_from_snapshots(folder))
    if pre is None:
        print("  no precomputed control data: the refresh did not write it")
        return
    pairs = sorted(set(zip(raw.entries.regime.astype(str), raw.entries.version.astype(str), strict=True)))
    _timed(f"  criteria trees of {len(pairs)} versions, precomputed (JSON)",
           lambda: [criteria_trees(pre, r, v) for r, v in pairs])
    _timed(f"  criteria trees of {len(pairs)} versions, built from the entries",
           lambda: [build_version(raw.entries, r, v, raw.table("definitions")) for r, v in pairs])


def run() -> None:
    if not RAW.exists() or not EXAMPLE.exists():
        print(f"skipped: {RAW} or {EXAMPLE} is absent")
        return
    with tempfile.TemporaryDirectory(prefix="exportcheck-bench-claims-") as folder:
        settings = get_settings(folder)
        _timed("refresh every source from the mirror", lambda: refresh([], settings, mirror=str(RAW), all_dates=True))
        out = Path(folder) / "report.json"
        spare = tempfile.TemporaryDirectory(prefix="exportcheck-bench-claims-copy-")
        fresh = Path(spare.name) / "lists"  # an untouched copy of the refresh, for the breakdown by phase
        shutil.copytree(folder, fresh)
        load = os.getloadavg()[0]
        first = _cli_verify("first verify after the refresh (cold, new process)", folder, out)
        if first is not None:
            print(f"first verify after refresh: {first[0]:.1f} s (target ≤ 5 s); CPU {first[1]:.1f} s, load average "
                  f"{load:.1f} on {os.cpu_count()} cores (wall seconds under load are inflated)", flush=True)
        print("first verify after the refresh, by phase (another new process, on a copy of the refreshed folder):",
              flush=True)
        subprocess.run([sys.executable, "-m", "exportcheck.bench._verify_phases", str(fresh), str(EXAMPLE)],
                       check=False, cwd=CHECKOUT_ROOT)
        spare.cleanup()
        _cli_verify("verify again (new process, index cache on disk)", folder, out)
        _control_data(folder)
        claims = load_claims(EXAMPLE)
        steps = 0
        for label in ("verify example in this process (loads lists and indexes)", "verify example (warm)"):
            report = _timed(label, lambda: verify(claims, default_context(settings)))
            steps = sum(len(r.steps) for r in report.results)
        print(f"claims {len(claims.claims)}, steps {steps}, snapshots read {len(report.snapshots)}; "
              f"screener: {report.backends['screener']}; controls: {report.backends['controls']}")
        for fmt in ("json", "md", "html"):
            text = _timed(f"render {fmt}", functools.partial(render, report, fmt))
            print(f"  {fmt}: {len(text.encode()):,} bytes")
