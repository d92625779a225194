"""Server load benchmark: ``GET /screen`` on 127.0.0.1 with 16 and 64 concurrent clients (not a timed test).

``python -m exportcheck.bench serve`` (or ``make bench``):

1. refreshes every list from ``../shared/data/raw`` into a temporary folder, leaving ``us-1260h`` out;
2. starts ``exportcheck serve`` on a free loopback port (one worker, then two with ``SERVE_BENCH_WORKERS``);
3. drives ``/screen`` for :data:`SECONDS` seconds per run with keep-alive HTTP/1.1 clients written on
   asyncio streams (the client costs little CPU, and it shares the machine's two cores with the server):
   - **warm**: 300 names asked again and again (a newsroom's list; answered from the per-snapshot cache),
   - **cold**: every request a different listed name or alias (no cache: the matcher's own speed);
4. repeats warm and cold at 64 clients while ``exportcheck refresh us-1260h`` publishes a new snapshot
   into the served folder, so the server builds the new index aside and swaps it in;

and prints requests/s, p50/p99 latency, errors (must be 0) and the server's peak memory (VmHWM).
Target (issue 12): ≥ 1,000 requests/s at p99 < 20 ms on this 2-core machine.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from exportcheck.settings import CHECKOUT_ROOT

SHARED = Path(os.environ.get("EXPORTCHECK_SHARED", CHECKOUT_ROOT.parent / "shared"))
RAW = SHARED / "data" / "raw"
SECONDS = float(os.environ.get("SERVE_BENCH_SECONDS", "20"))
LATE_SOURCE = "us-1260h"
TARGET_RPS, TARGET_P99_MS = 1000.0, 20.0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _peak_mb(pid: int) -> float:
    """The server's peak resident memory (its own VmHWM, plus its worker processes')."""
    total = 0
    for proc in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{proc}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


async def _client(host: str, port: int, paths: list[str], start: int, stop_at: float,
                  latencies: list[float], errors: list[str]) -> None:
    """One keep-alive connection: request, read the whole answer, next, until ``stop_at``."""
    reader, writer = await asyncio.open_connection(host, port)
    i = start
    try:
        while time.perf_counter() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            began = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - began)
            if status != 200:
                errors.append(f"HTTP {status} for {path}")
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        errors.append(f"{exc.__class__.__name__}: {exc}")
    finally:
        writer.close()


async def _drive(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    began = time.perf_counter()
    stop_at = began + seconds
    step = max(1, len(paths) // clients)
    await asyncio.gather(*(_client("127.0.0.1", port, paths, n * step, stop_at, latencies, errors)
                           for n in range(clients)))
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")

    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": pct(0.50), "p99": pct(0.99),
            "mean": statistics.fmean(ordered) * 1000 if ordered else float("nan"), "errors": errors}


def _queries(lists_dir: Path) -> tuple[list[str], list[str]]:
    """(warm, cold) request paths: 300 repeated names; then every listed name and alias once, shuffled."""
    import pyarrow.parquet as pq

    from exportcheck.store import SnapshotStore

    store = SnapshotStore(lists_dir)
    names: list[str] = []
    for source in ("us-csl", "us-ofac-sdn", "un-sc", "eu-833-annex-iv"):
        snap = store.latest(source)
        if snap is None:
            continue
        for row in pq.read_table(snap.table_path("entities"), columns=["name", "aliases"]).to_pylist():
            names.append(row["name"])
            names.extend(a["name"] for a in row["aliases"] or [])
    rng = random.Random(12)
    unique = sorted({n for n in names if n and len(n) < 200})
    rng.shuffle(unique)
    negatives = (CHECKOUT_ROOT / "exportcheck" / "bench" / "data" / "negative_names.txt")
    extra = [n.strip() for n in negatives.read_text(encoding="utf-8").splitlines() if n.strip() and not n.startswith("#")]

    def path(name: str) -> str:
        return "/screen?" + urllib.parse.urlencode({"q": name, "limit": 10})

    warm = [path(n) for n in unique[:250] + extra[:50]]
    cold = [path(n) for n in unique[250:]]
    return warm, cold


def _start(lists_dir: Path, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    import httpx

    port = _free_port()
    env = {**os.environ, "EXPORTCHECK_RELOAD_SECONDS": "1"}
    env.pop("EXPORTCHECK_API_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "exportcheck", "serve", "--port", str(port), "--lists-dir",
                             str(lists_dir), "--workers", str(workers), "--log-level", "warning"],
                            env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-800:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                if workers == 1:
                    return proc, port
                # several workers: each loads its own lists; wait until every one answers ready
                oks = sum(httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200 for _ in range(20))
                if oks == 20:
                    return proc, port
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("server not ready after 600 s")


def _line(label: str, clients: int, result: dict[str, Any], peak: float) -> str:
    ok = result["rps"] >= TARGET_RPS and result["p99"] < TARGET_P99_MS and not result["errors"]
    return (f"    {label:<28}{clients:>4}{result['requests']:>9}{result['rps']:>9.0f}{result['p50']:>8.1f}"
            f"{result['p99']:>8.1f}{len(result['errors']):>7}{peak:>9.0f}   {'target met' if ok else 'target missed'}")


def _generation(port: int) -> int:
    import httpx

    try:
        return int(httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10).json().get("generation", 0))
    except (httpx.HTTPError, ValueError):
        return -1


def run() -> None:
    """Print the server load benchmark (see the module docstring)."""
    from exportcheck.refresh import refresh
    from exportcheck.settings import get_settings
    from exportcheck.sources import all_sources

    if not RAW.exists():
        print(f"benchmark data absent ({RAW}); nothing measured")
        return
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        print("the serve extra is not installed (pip install -e '.[serve]'); nothing measured")
        return
    workers = int(os.environ.get("SERVE_BENCH_WORKERS", "1"))
    with tempfile.TemporaryDirectory(prefix="exportcheck-bench-serve-") as tmp:
        folder = Path(tmp) / "lists"
        ids = [sid for sid, s in all_sources().items() if s.has_parser and sid != LATE_SOURCE]
        started = time.perf_counter()
        outcomes = refresh(ids, get_settings(folder), mirror=str(RAW), all_dates=True)
        failed = [o.source for o in outcomes if o.status == "failed"]
        print(f"    lists: {len(ids)} sources refreshed in {time.perf_counter() - started:.0f} s"
              f"{' (failed: ' + ', '.join(failed) + ')' if failed else ''}; {LATE_SOURCE} is published during the load")
        warm, cold = _queries(folder)
        log = Path(tmp) / "server.log"
        began = time.perf_counter()
        proc, port = _start(folder, workers, log)
        print(f"    server: {workers} worker(s), ready in {time.perf_counter() - began:.0f} s; "
              f"{len(warm)} warm names, {len(cold)} cold names; {SECONDS:.0f} s per run; 2 cores shared with the client")
        print(f"    {'run':<28}{'conc':>4}{'requests':>9}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'peak MB':>9}")
        try:
            asyncio.run(_drive(port, warm, 16, 2.0))  # fills the cache once, not measured
            offset = 0
            for clients in (16, 64):
                result = asyncio.run(_drive(port, warm, clients, SECONDS))
                print(_line("warm (repeated names)", clients, result, _peak_mb(proc.pid)), flush=True)
                chunk = cold[offset:]
                result = asyncio.run(_drive(port, chunk, clients, SECONDS))
                offset += result["requests"] + clients
                print(_line("cold (every name new)", clients, result, _peak_mb(proc.pid)), flush=True)
            before = _generation(port)
            refresher = subprocess.Popen([sys.executable, "-m", "exportcheck", "refresh", LATE_SOURCE, "--mirror",
                                          str(RAW), "--all-dates", "--lists-dir", str(folder)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            swap_began = time.perf_counter()
            result = asyncio.run(_drive(port, warm, 64, SECONDS))
            print(_line("warm during refresh+swap", 64, result, _peak_mb(proc.pid)), flush=True)
            result = asyncio.run(_drive(port, cold[offset:], 64, SECONDS))
            print(_line("cold during refresh+swap", 64, result, _peak_mb(proc.pid)), flush=True)
            refresher.wait(timeout=600)
            deadline = time.monotonic() + 300
            while _generation(port) <= before and time.monotonic() < deadline:
                time.sleep(0.5)
            after = _generation(port)
            print(f"    refresh published {LATE_SOURCE} (exit {refresher.returncode}); the server went from generation "
                  f"{before} to {after} {time.perf_counter() - swap_began:.0f} s after the refresh began, without a restart")
            for result_errors in (result["errors"][:3],):
                for err in result_errors:
                    print(f"    error: {err}")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"    target: >= {TARGET_RPS:.0f} req/s at p99 < {TARGET_P99_MS:.0f} ms, 0 errors")
