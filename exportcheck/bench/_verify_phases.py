"""Where a first ``verify`` spends its seconds, by phase, in the process it runs in.

Run by ``python -m exportcheck.bench claims`` in a new process on a freshly refreshed lists folder:
``python -m exportcheck.bench._verify_phases LISTS_DIR CLAIMS_FILE``. Each phase is timed by wrapping
the function that does it (exclusive of the other phases it calls), so the match index's share (its
load, or its assembly from the per-snapshot segments refresh stored) is told apart from the control data,
criteria trees, control search and the claims steps themselves. A phase whose function is not found
(renamed by later work) is reported as absent.
"""

from __future__ import annotations

import functools
import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_STARTED = (time.perf_counter(), time.process_time())
_TOTALS: dict[str, list[float]] = {}
_STACK: list[list[float]] = []  # per active phase: [child wall, child cpu]

#: Each phase: its label and alternatives, each a list of (module, attribute path) to wrap together; the
#: first alternative whose functions all exist is used (the package and the module can both hold a name).
PHASES: list[tuple[str, list[list[tuple[str, str]]]]] = [
    ("match index: load or assemble (per date)", [[("exportcheck.claims.screening", "Context._screener")]]),
    ("matcher: screening queries", [[("exportcheck.matching.screener", "Screener.screen")]]),
    ("control tables: read", [[("exportcheck.controls", "load_controls")]]),
    ("criteria trees: read or build", [[("exportcheck.controls.precompute", "criteria_trees")]]),
    ("control search: index build", [[("exportcheck.controls.search", "build_index")],
                                     [("exportcheck.controls.search", "SearchIndex.__init__")]]),
    ("control search: queries", [[("exportcheck.controls", "search"), ("exportcheck.controls.search", "search")]]),
]


def _wrap(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        _STACK.append([0.0, 0.0])
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            child = _STACK.pop()
            total = _TOTALS.setdefault(label, [0.0, 0.0, 0])
            total[0] += wall - child[0]
            total[1] += cpu - child[1]
            total[2] += 1
            if _STACK:
                _STACK[-1][0] += wall
                _STACK[-1][1] += cpu

    return timed


def _find(module_name: str, path: str) -> tuple[Any, str, Callable[..., Any]] | None:
    try:
        owner: Any = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for part in parents:
            owner = getattr(owner, part)
        return owner, name, getattr(owner, name)
    except (ImportError, AttributeError):
        return None


def _install() -> list[str]:
    """Wrap each phase's functions; the labels of phases not found."""
    absent = []
    for label, alternatives in PHASES:
        for targets in alternatives:
            found = [_find(m, p) for m, p in targets]
            if all(found):
                for owner, name, fn in found:  # type: ignore[misc]
                    setattr(owner, name, _wrap(label, fn))
                break
        else:
            absent.append(label)
    return absent


def main(lists_dir: str, claims_file: str) -> None:
    from exportcheck.claims import default_context, load_claims, verify
    from exportcheck.settings import get_settings

    import_wall, import_cpu = time.perf_counter() - _STARTED[0], time.process_time() - _STARTED[1]
    absent = _install()
    claims = load_claims(Path(claims_file))
    wall, cpu = time.perf_counter(), time.process_time()
    report = verify(claims, default_context(get_settings(lists_dir)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {'phase':<44} {'wall s':>7} {'CPU s':>7}")
    print(f"  {'imports (claims engine and what it loads)':<44} {import_wall:7.2f} {import_cpu:7.2f}")
    for label, (w, c, n) in _TOTALS.items():
        print(f"  {label:<44} {w:7.2f} {c:7.2f}   ({int(n)} calls)")
    rest_wall = wall - sum(t[0] for t in _TOTALS.values())
    rest_cpu = cpu - sum(t[1] for t in _TOTALS.values())
    print(f"  {'claims steps and screening queries (rest)':<44} {rest_wall:7.2f} {rest_cpu:7.2f}")
    print(f"  {'total (imports + verify)':<44} {import_wall + wall:7.2f} {import_cpu + cpu:7.2f}")
    for label in absent:
        print(f"  ({label}: not found in this version, counted in the rest)")
    counts: dict[str, int] = {}
    for result in report.results:
        counts[result.status] = counts.get(result.status, 0) + 1
    print("  verdicts: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
