"""Claims engine figures on the real lists: store refresh, first (cold) and repeated verification.

Data: every file of ``../shared/data/raw`` (or ``$EXPORTCHECK_SHARED``) refreshed into a throw-away
lists folder; claims: ``examples/cetc-2024.yaml``. The headline figure is the first ``exportcheck
verify`` after the refresh, in a new process (imports, the matcher's index for the snapshots that
stood on the claims' dates, the control lists and their search index); then the same command again
(the index now loads from its disk cache), and a warm verification inside one process. CPU seconds
are printed beside wall seconds because the benchmark machine is shared.
"""

from __future__ import annotations

import functools
import os
import resource
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


def _cli_verify(label: str, folder: str, out: Path) -> None:
    """``python -m exportcheck verify`` in a new process: wall and CPU seconds of the child."""
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
        return
    print(f"{label:<60} {wall:7.2f} s  (CPU {cpu:.2f} s; {done.stderr.strip().splitlines()[-1]})", flush=True)


def run() -> None:
    if not RAW.exists() or not EXAMPLE.exists():
        print(f"skipped: {RAW} or {EXAMPLE} is absent")
        return
    with tempfile.TemporaryDirectory(prefix="exportcheck-bench-claims-") as folder:
        settings = get_settings(folder)
        _timed("refresh every source from the mirror", lambda: refresh([], settings, mirror=str(RAW), all_dates=True))
        out = Path(folder) / "report.json"
        _cli_verify("first verify after the refresh (cold, new process)", folder, out)
        _cli_verify("verify again (new process, index cache on disk)", folder, out)
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
