"""Start-up figures, each in a new process: ``--help``, one ``screen`` with a built index, the first ``verify``.

Data: every file of ``../shared/data/raw`` (or ``$EXPORTCHECK_SHARED``) refreshed into a throw-away
lists folder (the refresh also stores each snapshot's match-index segment and builds the index of the
latest snapshots, as any refresh does);
claims: ``examples/cetc-2024.yaml``. Targets (issue 12): ``exportcheck --help`` ≤ 0.3 s; ``exportcheck
screen NAME`` ≤ 0.8 s wall with a built index; the first ``verify`` of the example after a refresh ≤ 5 s.

Wall seconds are what a user waits; CPU seconds (user + system, of the child) are printed beside them
because the benchmark machine is shared: on a loaded machine wall time is inflated, CPU time much less.
The load average is printed first for that reason.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exportcheck.settings import CHECKOUT_ROOT

# EXPORTCHECK_SHARED, else shared/ beside the checkout or beside the folder holding it (a worktree)
RAW = next((p for p in ([Path(os.environ["EXPORTCHECK_SHARED"])] if os.environ.get("EXPORTCHECK_SHARED") else
                        [CHECKOUT_ROOT.parent / "shared", CHECKOUT_ROOT.parent.parent / "shared"])
            if (p / "data" / "raw").is_dir()), CHECKOUT_ROOT.parent / "shared") / "data" / "raw"
EXAMPLE = CHECKOUT_ROOT / "examples" / "cetc-2024.yaml"
QUERY = "Huawei Technologies"
RUNS = 5
TARGETS = {"help": 0.3, "screen": 0.8, "verify": 5.0}


def _run(args: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """``python -m exportcheck ARGS`` in a new process: wall seconds, CPU seconds, the result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "exportcheck", *args], capture_output=True, text=True, check=False,
                          cwd=CHECKOUT_ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done


def _verdict(name: str, wall: float) -> str:
    target = TARGETS[name]
    return f"target ≤ {target:g} s: {'met' if wall <= target else 'MISSED'}"


def _repeat(name: str, label: str, args: list[str]) -> None:
    walls, cpus = [], []
    for _ in range(RUNS):
        wall, cpu, done = _run(args)
        if done.returncode != 0:
            print(f"{label}: failed ({done.returncode}): {done.stderr.strip()[-300:]}")
            return
        walls.append(wall)
        cpus.append(cpu)
    print(f"{label:<52} median {statistics.median(walls):6.2f} s, best {min(walls):6.2f} s wall; "
          f"CPU median {statistics.median(cpus):5.2f} s  ({_verdict(name, statistics.median(walls))})", flush=True)


def run() -> None:
    if not RAW.exists() or not EXAMPLE.exists():
        print(f"skipped: {RAW} or {EXAMPLE} is absent")
        return
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs "
          "(wall times taken under load are inflated)", flush=True)
    _repeat("help", "exportcheck --help", ["--help"])
    with tempfile.TemporaryDirectory(prefix="exportcheck-bench-startup-") as folder:
        wall, cpu, done = _run(["refresh", "--mirror", str(RAW), "--all-dates", "--lists-dir", folder])
        print(f"{'refresh every source from the mirror (+ the match index)':<52} {wall:6.2f} s wall, CPU {cpu:.2f} s",
              flush=True)
        if done.returncode not in (0, 1):
            print(f"refresh failed ({done.returncode}): {done.stderr.strip()[-300:]}")
            return
        # the first verify comes first: a screen must not build or warm anything for it
        wall, cpu, done = _run(["verify", str(EXAMPLE), "--lists-dir", folder, "--format", "json",
                                "--out", str(Path(folder) / "report.json")])
        if done.returncode not in (0, 1):
            print(f"verify failed ({done.returncode}): {done.stderr.strip()[-300:]}")
        else:
            print(f"{'first verify ' + EXAMPLE.name + ' after the refresh':<52} {wall:6.2f} s wall, CPU {cpu:.2f} s "
                  f"({_verdict('verify', wall)}; {done.stderr.strip().splitlines()[-1]})", flush=True)
        _repeat("screen", f"exportcheck screen {QUERY!r} (index built)", ["screen", QUERY, "--lists-dir", folder])
