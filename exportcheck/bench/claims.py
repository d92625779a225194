"""Claims engine figures on the real lists: store refresh, first (cold) and repeated verification.

Data: every file of ``../shared/data/raw`` (or ``$EXPORTCHECK_SHARED``) refreshed into a throw-away
lists folder; claims: ``examples/cetc-2024.yaml``. Cold = the first verification in the process
(loading entity snapshots and control-list indexes); warm = the same file again, reusing both.
"""

from __future__ import annotations

import functools
import os
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
    print(f"{label:<52} {time.perf_counter() - started:7.2f} s", flush=True)
    return result


def run() -> None:
    if not RAW.exists() or not EXAMPLE.exists():
        print(f"skipped: {RAW} or {EXAMPLE} is absent")
        return
    with tempfile.TemporaryDirectory(prefix="exportcheck-bench-claims-") as folder:
        settings = get_settings(folder)
        _timed("refresh every source from the mirror", lambda: refresh([], settings, mirror=str(RAW), all_dates=True))
        claims = load_claims(EXAMPLE)
        steps = 0
        for label in ("verify example (cold: load lists and indexes)", "verify example (warm)"):
            report = _timed(label, lambda: verify(claims, default_context(settings)))
            steps = sum(len(r.steps) for r in report.results)
        print(f"claims {len(claims.claims)}, steps {steps}, snapshots read {len(report.snapshots)}; "
              f"screener: {report.backends['screener']}; controls: {report.backends['controls']}")
        for fmt in ("json", "md", "html"):
            text = _timed(f"render {fmt}", functools.partial(render, report, fmt))
            print(f"  {fmt}: {len(text.encode()):,} bytes")
