"""Parse time and peak memory of every source's parser on every real file set in ``../shared/data/raw``.

Each (source, file set) is parsed in its own subprocess, so one parser's memory never hides in
another's and the peak resident size (``ru_maxrss``) is that parse's own (interpreter and imports
included, which is what a ``refresh`` of one source costs). The time is the parse call only, and
the one-time costs a parse triggers (e.g. rigour's country-name index on first fuzzy lookup) count
in it, as they do in a real run. Target (issue 3): all real files together under 20 s and 1 GB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TARGET_SECONDS = 20.0
TARGET_BYTES = 1 << 30


@dataclass
class Result:
    source: str
    format: str
    files: str
    records: int
    seconds: float
    peak_bytes: int
    error: str = ""


def raw_dir() -> Path:
    """``EXPORTCHECK_SHARED``/data/raw, else ``../shared/data/raw`` beside the checkout."""
    shared = os.environ.get("EXPORTCHECK_SHARED")
    base = Path(shared) if shared else Path(__file__).resolve().parents[2].parent / "shared"
    return base / "data" / "raw"


def file_sets(raw: Path) -> list[tuple[str, str, str, list[str]]]:
    """``(source, format, folder, names)`` for every input set the mirror folder holds."""
    from exportcheck.refresh import find_sets
    from exportcheck.sources import all_sources

    found = []
    for source in all_sources().values():
        for folder in source.mirror_dir_names():
            if not (raw / folder).is_dir():
                continue
            names = sorted(p.name for p in (raw / folder).iterdir() if p.is_file())
            sets, _notes = find_sets(source, names, folder)
            found += [(source.id, s.format.name, folder, s.names) for s in sets]
    return found


def peak_rss() -> int:
    """This process's own peak resident size in bytes.

    Why VmHWM and not ``ru_maxrss``: Linux carries ``ru_maxrss`` across ``execve``, so a child spawned
    by a large parent (the benchmark runner after the matcher benchmark) reports the parent's peak.
    VmHWM belongs to the process's own address space, which ``execve`` replaces.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _child(source_id: str, format_name: str, paths: list[str]) -> None:
    """Run in the subprocess: parse once, print one JSON line with records, seconds and peak RSS."""
    from exportcheck.sources import get_source

    fmt = next(f for f in get_source(source_id).formats if f.name == format_name)
    started = time.perf_counter()
    parsed = fmt.read([Path(p) for p in paths])
    seconds = time.perf_counter() - started
    print(json.dumps({"records": len(parsed.records), "seconds": seconds, "peak_bytes": peak_rss()}))


def _child_all(raw: str) -> None:
    """Run in the subprocess: parse every file set one after another, as one ``refresh`` run does."""
    from exportcheck.sources import get_source

    records = 0
    started, cpu = time.perf_counter(), time.process_time()
    for source_id, format_name, folder, names in file_sets(Path(raw)):
        fmt = next(f for f in get_source(source_id).formats if f.name == format_name)
        records += len(fmt.read([Path(raw) / folder / n for n in names]).records)
    seconds = time.perf_counter() - started
    print(json.dumps({"records": records, "seconds": seconds, "cpu_seconds": time.process_time() - cpu,
                      "peak_bytes": peak_rss()}))


def measure(source_id: str, format_name: str, paths: list[Path]) -> Result:
    code = "import sys, json; from exportcheck.bench.parse import _child; _child(sys.argv[1], sys.argv[2], sys.argv[3:])"
    proc = subprocess.run([sys.executable, "-c", code, source_id, format_name, *map(str, paths)],
                          capture_output=True, text=True, check=False)
    label = ", ".join(p.name for p in paths)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return Result(source_id, format_name, label, 0, 0.0, 0, last)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return Result(source_id, format_name, label, data["records"], data["seconds"], data["peak_bytes"])


def run() -> None:
    raw = raw_dir()
    if not raw.is_dir():
        print(f"no real files: {raw} is absent")
        return
    results = [measure(sid, fmt, [raw / folder / n for n in names]) for sid, fmt, folder, names in file_sets(raw)]
    print(f"{'source':<18} {'format':<26} {'records':>8} {'seconds':>8} {'peak MB':>8}  files")
    for r in results:
        tail = f"  ERROR: {r.error}" if r.error else ""
        print(f"{r.source:<18} {r.format:<26} {r.records:>8} {r.seconds:>8.2f} {r.peak_bytes / 1e6:>8.0f}  "
              f"{r.files[:60]}{tail}")
    total = sum(r.seconds for r in results)
    peak = max((r.peak_bytes for r in results), default=0)
    ok = total < TARGET_SECONDS and peak < TARGET_BYTES and not any(r.error for r in results)
    print(f"total: {len(results)} file sets, {sum(r.records for r in results)} records, {total:.1f} s parse time, "
          f"peak {peak / 1e6:.0f} MB (largest single parse, processes run one after another)")
    code = "import sys; from exportcheck.bench.parse import _child_all; _child_all(sys.argv[1])"
    proc = subprocess.run([sys.executable, "-c", code, str(raw)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"all together in one process: ERROR {(proc.stderr.strip().splitlines() or ['failed'])[-1]}")
        return
    together = json.loads(proc.stdout.strip().splitlines()[-1])
    # CPU seconds too: on a shared machine the wall time is inflated by other processes, the CPU time much less
    print(f"all together in one process (as one refresh run): {together['records']} records, "
          f"{together['seconds']:.1f} s ({together['cpu_seconds']:.1f} s CPU), "
          f"peak {together['peak_bytes'] / 1e6:.0f} MB")
    ok_together = together["seconds"] < TARGET_SECONDS and together["peak_bytes"] < TARGET_BYTES
    print(f"target < {TARGET_SECONDS:.0f} s and < {TARGET_BYTES >> 20} MB: separate processes "
          f"{'MET' if ok else 'NOT MET'} (each pays the one-time imports and country index again); "
          f"one process {'MET' if ok_together else 'NOT MET'}")
