"""Server load benchmark: ``GET /screen`` on 127.0.0.1 with 16 and 64 concurrent clients (not a timed test).

``python -m exportcheck.bench serve [--seconds S] [--workers 1,2] [--client wrk|python] [--lists DIR]``:

1. refreshes every list from ``../shared/data/raw`` into a temporary folder, leaving ``us-1260h`` out
   (``--lists DIR``: copy a folder this benchmark refreshed before instead; for development);
2. for each worker count, starts ``exportcheck serve --workers N`` on a free loopback port over a fresh
   copy of that folder;
3. times the first three new names once the server is ready, one request at a time (what a user meets first:
   the screener is prepared at load, :meth:`exportcheck.matching.Screener.prepare`);
4. drives ``/screen`` for ``--seconds`` per run with keep-alive HTTP/1.1 clients in two modes, reported
   apart:
   - **cached**: 300 names asked again and again (a newsroom's list); after a warm-up every answer
     comes from the server's bounded cache of recent answers,
   - **uncached**: every request a different listed name or alias of any list, or one with a letter dropped
     (a typo), never asked before of that server: the matcher's own speed plus the server's. Clients take the
     names in turn and ask none twice: a run that has asked them all stops there and says so (the Python
     client; wrk starts again at the first name);
5. repeats both modes at 64 clients while ``exportcheck refresh us-1260h`` publishes a new snapshot into
   the served folder (first its 2026-06-10 file, then its 2026-08-20 one), each run lasting until every
   worker serves the new generation (at least ``--seconds``), so the swap happens under load (a worker
   answers its recent questions with the new lists before it swaps them in, so the repeated names of
   the cached run are still answered from the cache after it);

and prints per run requests/s, p50/p99 latency, errors (must be 0), the CPU the server and the load
client spent per request, and memory: the sum of the processes' peak RSS (which counts pages that
workers share through the memory-mapped index once per worker) and their summed PSS at the end of the
run (shared pages split between the processes that map them: the machine's real cost).

The client is ``wrk`` (Debian's package: C, epoll, one thread) when it is on the PATH, else a Python
asyncio client; both are closed-loop (each connection sends its next request when the answer is in),
so by Little's law 64 clients at p99 < 20 ms need well over 3,200 requests/s. The client shares the two
cores with the server: its CPU per request is printed so its cost is visible.
Target (issue 12): >= 1,000 requests/s at p99 < 20 ms and 0 errors, with 16 and with 64 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exportcheck.settings import CHECKOUT_ROOT

SHARED = Path(os.environ.get("EXPORTCHECK_SHARED", CHECKOUT_ROOT.parent / "shared"))
RAW = SHARED / "data" / "raw"
SECONDS = float(os.environ.get("SERVE_BENCH_SECONDS", "20"))
WORKERS = os.environ.get("SERVE_BENCH_WORKERS", "1,2")
LATE_SOURCE = "us-1260h"
#: The late source's mirror files, published one after the other under load (oldest first).
LATE_FILES = ("DERIVED_dow-1260h_fr2026-11571_2026-06-10.json", "DERIVED_opensanctions_us_dod_chinese_milcorps_2026-08-20.csv")
SWAP_MAX_SECONDS = 300.0
TARGET_RPS, TARGET_P99_MS = 1000.0, 20.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

#: wrk's script: cycle through a file of request paths from an offset; print one JSON line at the end.
WRK_SCRIPT = """
local paths = {}
local i = 0
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = tonumber(args[2] or "0")
end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass
class Result:
    """One load run: what the client saw and what the server and client spent."""

    requests: int
    seconds: float
    p50: float  # ms
    p99: float  # ms
    errors: list[str] = field(default_factory=list)
    client_cpu: float = 0.0  # s
    server_cpu: float = 0.0  # s
    used_up: bool = False  # every new name was asked before the run's time was up (the run was cut short)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def met(self) -> bool:
        return self.rps >= TARGET_RPS and self.p99 < TARGET_P99_MS and not self.errors


# --- the server's processes ------------------------------------------------------------------------
def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _processes(pid: int) -> list[int]:
    """The server and its descendants (uvicorn's workers)."""
    out, todo = [], [pid]
    while todo:
        proc = todo.pop()
        out.append(proc)
        with contextlib.suppress(OSError):
            todo.extend(int(p) for p in Path(f"/proc/{proc}/task/{proc}/children").read_text().split())
    return out


def _cpu_seconds(pid: int) -> float:
    total = 0
    for proc in _processes(pid):
        try:
            fields = Path(f"/proc/{proc}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / CLOCK_TICKS


def _memory_mb(pid: int) -> tuple[float, float]:
    """(sum of peak RSS, sum of PSS now) of the server's processes, in MB."""
    peak = pss = 0
    for proc in _processes(pid):
        try:
            for line in Path(f"/proc/{proc}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak += int(line.split()[1])
            for line in Path(f"/proc/{proc}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return peak / 1024, pss / 1024


# --- load clients ----------------------------------------------------------------------------------
def _wait_until(seconds: float, until: Callable[[], bool] | None, alive: Callable[[], bool]) -> None:
    began = time.monotonic()
    while alive():
        elapsed = time.monotonic() - began
        if elapsed >= SWAP_MAX_SECONDS or (elapsed >= seconds and (until is None or until())):
            return
        time.sleep(0.25 if until is None else 0.5)


def _drive_wrk(port: int, paths: list[str], clients: int, seconds: float, until: Callable[[], bool] | None,
               tmp: Path) -> Result:
    """Run wrk (one thread, ``clients`` connections) until ``seconds`` have passed and ``until()`` holds."""
    script, listing = tmp / "paths.lua", tmp / "paths.txt"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    out = tmp / "wrk.out"
    limit = int(SWAP_MAX_SECONDS if until is not None else seconds + 30)
    with out.open("wb") as handle:
        proc = subprocess.Popen(["wrk", "-t1", f"-c{clients}", f"-d{limit}s", "--timeout", "60s", "-s", str(script),
                                 f"http://127.0.0.1:{port}", "--", str(listing), "0"], stdout=handle, stderr=subprocess.STDOUT)
        reaped: list[tuple[int, int, Any]] = []

        def alive() -> bool:  # reaps wrk itself when it ends, keeping its resource usage
            if not reaped:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    reaped.append((pid, status, usage))
            return not reaped

        _wait_until(seconds, until, alive)
        if alive():
            proc.send_signal(signal.SIGINT)  # wrk stops and prints its summary
            reaped.append(os.wait4(proc.pid, 0))
        _, status, usage = reaped[0]
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = out.read_text(errors="replace")
    found = re.search(r"WRKJSON (\{.*\})", text)
    if not found:
        raise RuntimeError(f"wrk printed no summary: {text[-500:]}")
    data = json.loads(found.group(1))
    errors = [f"{data[k]} {k} errors" for k in ("connect", "read", "write", "status", "timeout") if data[k]]
    return Result(requests=data["requests"], seconds=data["duration_us"] / 1e6, p50=data["p50_us"] / 1000,
                  p99=data["p99_us"] / 1000, errors=errors, client_cpu=usage.ru_utime + usage.ru_stime)


async def _client(port: int, take: Callable[[], str | None], stop: asyncio.Event, latencies: list[float],
                  errors: list[str]) -> None:
    """One keep-alive connection: request the next path ``take()`` gives, read the whole answer, next, until ``stop``
    is set or ``take()`` has none left."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while not stop.is_set():
            path = take()
            if path is None:
                return
            began = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
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


def _drive_python(port: int, paths: list[str], clients: int, seconds: float,
                  until: Callable[[], bool] | None, cycle: bool) -> Result:
    """``clients`` connections taking the paths in turn from one shared position, so no path is asked twice before
    every path was asked once. ``cycle``: start again at the first path when all were asked (repeated names), else
    stop there (new names: asked again, a name would be answered from the server's cache) and say so."""
    latencies: list[float] = []
    errors: list[str] = []
    position = [0]

    def take() -> str | None:  # one event loop: no lock needed
        i = position[0]
        if i >= len(paths) and not cycle:
            return None
        position[0] = i + 1
        return paths[i % len(paths)]

    async def main() -> float:
        stop = asyncio.Event()
        began = time.perf_counter()
        tasks = [asyncio.create_task(_client(port, take, stop, latencies, errors)) for _ in range(clients)]
        await asyncio.to_thread(_wait_until, seconds, until, lambda: not all(t.done() for t in tasks))
        stop.set()
        await asyncio.gather(*tasks)
        return time.perf_counter() - began

    cpu = os.times()
    elapsed = asyncio.run(main())
    after = os.times()
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")

    return Result(requests=len(latencies), seconds=elapsed, p50=pct(0.50), p99=pct(0.99), errors=errors,
                  client_cpu=(after.user - cpu.user) + (after.system - cpu.system),
                  used_up=not cycle and position[0] >= len(paths))


@dataclass
class Bench:
    """One running server and the way to load it."""

    proc: subprocess.Popen[bytes]
    port: int
    workers: int
    client: str
    seconds: float
    tmp: Path

    def run(self, paths: list[str], clients: int, until: Callable[[], bool] | None = None,
            seconds: float | None = None, cycle: bool = True) -> Result:
        """Load the server with ``paths`` (``cycle``: see :func:`_drive_python`; wrk always cycles)."""
        before = _cpu_seconds(self.proc.pid)
        span = self.seconds if seconds is None else seconds
        if self.client == "wrk":
            result = _drive_wrk(self.port, paths, clients, span, until, self.tmp)
        else:
            result = _drive_python(self.port, paths, clients, span, until, cycle)
        result.server_cpu = _cpu_seconds(self.proc.pid) - before
        return result

    def generations(self, tries: int = 8) -> list[int]:
        """Generations answered by ``/readyz`` over fresh connections (each may reach another worker)."""
        import httpx

        seen = []
        for _ in range(tries * self.workers):
            try:
                seen.append(int(httpx.get(f"http://127.0.0.1:{self.port}/readyz", timeout=10).json()["generation"]))
            except (httpx.HTTPError, ValueError, KeyError):
                seen.append(-1)
        return seen


def _queries(lists_dir: Path) -> tuple[list[str], list[str]]:
    """(cached, uncached) request paths: 300 repeated names; then every listed name and alias of every list once,
    and each with a letter dropped, shuffled.

    Why so many: a server of two workers answers some 2,500 new names a second, and one server's three uncached runs
    (16 and 64 clients, a swap) ask well over 100,000: more than the lists' distinct names (the four largest lists
    alone ran out, and names asked again came from the cache).
    """
    import pyarrow.parquet as pq

    from exportcheck.bench.matcher import _typo
    from exportcheck.sources import entity_source_ids
    from exportcheck.store import SnapshotStore

    store = SnapshotStore(lists_dir)
    names: list[str] = []
    for source in entity_source_ids():
        snap = store.latest(source)
        if snap is None or not snap.table_path("entities").exists():
            continue
        for row in pq.read_table(snap.table_path("entities"), columns=["name", "aliases"]).to_pylist():
            names.append(row["name"])
            names.extend(a["name"] for a in row["aliases"] or [])
    rng = random.Random(12)
    listed = sorted({n for n in names if n and len(n) < 200})
    unique = sorted({*listed, *(_typo(n, rng) for n in listed)})
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
            # every worker loads its own lists: ready when 8 answers per worker in a row say so
            if all(httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200
                   for _ in range(8 * workers)):
                return proc, port
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("server not ready after 600 s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


HEADER = (f"    {'run':<24}{'wk':>3}{'conc':>5}{'requests':>9}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}"
          f"{'srv ms/req':>11}{'cli ms/req':>11}{'peak MB':>8}{'PSS MB':>7}")


def _line(label: str, bench: Bench, clients: int, result: Result) -> str:
    peak, pss = _memory_mb(bench.proc.pid)
    per = 1000 / result.requests if result.requests else float("nan")
    load = os.getloadavg()[0]
    return (f"    {label:<24}{bench.workers:>3}{clients:>5}{result.requests:>9}{result.rps:>7.0f}{result.p50:>8.1f}"
            f"{result.p99:>8.1f}{len(result.errors):>7}{result.server_cpu * per:>11.2f}{result.client_cpu * per:>11.2f}"
            f"{peak:>8.0f}{pss:>7.0f}   {'met' if result.met else 'missed'} (load {load:.1f})"
            + (f"; every new name asked after {result.seconds:.0f} s, run cut short" if result.used_up else ""))


def _publish(folder: Path, mirror: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "exportcheck", "refresh", LATE_SOURCE, "--mirror", str(mirror),
                             "--lists-dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _one_server(base: Path, workers: int, warm: list[str], cold: list[str], options: argparse.Namespace,
                tmp: Path, summary: list[tuple[str, int, int, Result]]) -> None:
    folder = tmp / f"lists-{workers}"
    shutil.copytree(base, folder, symlinks=True)
    began = time.perf_counter()
    proc, port = _start(folder, workers, tmp / f"server-{workers}.log")
    bench = Bench(proc, port, workers, options.client, options.seconds, tmp)
    print(f"    server: {workers} worker(s), ready in {time.perf_counter() - began:.0f} s", flush=True)
    # the first new names after start: what the screener's preparation at load (Screener.prepare) is for
    import httpx

    firsts = []
    # one client for the three: httpx.get makes a client (and its TLS context) per call, ~20 ms that the figure took
    # for the server's
    with httpx.Client(timeout=30) as client:
        for path in cold[:3]:
            started = time.perf_counter()
            client.get(f"http://127.0.0.1:{port}{path}").raise_for_status()
            firsts.append((time.perf_counter() - started) * 1000)
    print(f"      first three new names after start: {', '.join(f'{ms:.0f}' for ms in firsts)} ms", flush=True)
    offset = len(firsts)

    def report(label: str, clients: int, result: Result) -> None:
        print(_line(label, bench, clients, result), flush=True)
        for err in result.errors[:3]:
            print(f"      error: {err}")
        summary.append((label, workers, clients, result))

    try:
        bench.run(warm, 16, seconds=3.0)  # fills each worker's cache once, not measured
        for clients in (16, 64):
            report("cached (repeated)", clients, bench.run(warm, clients))
            result = bench.run(cold[offset:], clients, cycle=False)
            offset += result.requests + clients
            report("uncached (all new)", clients, result)
        mirrors = []
        for index, name in enumerate(LATE_FILES):  # mirror folders holding the late source's files up to one date
            mirror = tmp / f"mirror-{workers}-{index}" / LATE_SOURCE
            mirror.mkdir(parents=True)
            for older in LATE_FILES[:index + 1]:
                (mirror / older).symlink_to(RAW / LATE_SOURCE / older)
            mirrors.append((mirror.parent, name))
        for (mirror, name), (label, paths) in zip(mirrors, (("cached, during swap", warm), ("uncached, during swap", None)),
                                                  strict=True):
            before = max(bench.generations())
            refresher = _publish(folder, mirror)
            swap_began = time.perf_counter()
            swapped: list[float] = []

            def done(before: int = before, began: float = swap_began, swapped: list[float] = swapped,
                     refresher: subprocess.Popen[bytes] = refresher) -> bool:
                if not swapped and refresher.poll() is not None:
                    seen = [g for g in bench.generations() if g >= 0]  # a /readyz slower than 10 s says nothing
                    if len(seen) >= bench.workers and min(seen) > before:
                        swapped.append(time.perf_counter() - began)
                return bool(swapped) and time.perf_counter() - began > swapped[0] + 2

            result = bench.run(paths if paths is not None else cold[offset:], 64, until=done, cycle=paths is not None)
            if paths is None:
                offset += result.requests + 64
            refresher.wait(timeout=600)
            report(label, 64, result)
            after = sorted(set(bench.generations()))
            print(f"      refresh published {LATE_SOURCE} {name[-15:-5] if name.endswith('.json') else name[-14:-4]} "
                  f"(exit {refresher.returncode}); the workers went from generation {before} to {after}"
                  f"{f' {swapped[0]:.0f} s after the refresh began' if swapped else ' (not within the run)'}; "
                  f"the run lasted {result.seconds:.0f} s, without a restart", flush=True)
    finally:
        _stop(proc)
        shutil.rmtree(folder, ignore_errors=True)


def _refreshed(tmp: Path, given: Path | None) -> Path:
    """A lists folder with every list but the late source: refreshed now, or a copy of ``given``."""
    from exportcheck.refresh import refresh
    from exportcheck.settings import get_settings
    from exportcheck.sources import all_sources

    folder = tmp / "base"
    if given is not None:
        if (given / LATE_SOURCE).exists():
            raise SystemExit(f"--lists {given} holds {LATE_SOURCE}; it must not (it is published during the load)")
        shutil.copytree(given, folder, symlinks=True)
        print(f"    lists: a copy of {given} (refreshed earlier by this benchmark)")
        return folder
    ids = [sid for sid, s in all_sources().items() if s.has_parser and sid != LATE_SOURCE]
    started = time.perf_counter()
    outcomes = refresh(ids, get_settings(folder), mirror=str(RAW), all_dates=True)
    failed = [o.source for o in outcomes if o.status == "failed"]
    print(f"    lists: {len(ids)} sources refreshed in {time.perf_counter() - started:.0f} s"
          f"{' (failed: ' + ', '.join(failed) + ')' if failed else ''}; {LATE_SOURCE} is published during the load")
    return folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m exportcheck.bench serve", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=SECONDS, help="length of each run (default 20)")
    parser.add_argument("--workers", default=WORKERS, help="uvicorn worker counts to measure, e.g. 1,2")
    parser.add_argument("--client", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--lists", type=Path, default=None,
                        help="copy this lists folder (one this benchmark refreshed, without us-1260h) instead of refreshing")
    options = parser.parse_args(argv or [])
    if options.client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not on the PATH (apt-get install wrk), or use --client python")
    if not RAW.exists():
        print(f"benchmark data absent ({RAW}); nothing measured")
        return
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        print("the serve extra is not installed (pip install -e '.[serve]'); nothing measured")
        return
    summary: list[tuple[str, int, int, Result]] = []
    with tempfile.TemporaryDirectory(prefix="exportcheck-bench-serve-") as name:
        tmp = Path(name)
        base = _refreshed(tmp, options.lists)
        warm, cold = _queries(base)
        print(f"    {len(warm)} repeated names, {len(cold)} new names; {options.seconds:.0f} s per run; client: "
              f"{options.client} ({'C, one thread' if options.client == 'wrk' else 'Python asyncio'}), sharing the "
              f"{os.cpu_count()} cores with the server; load average before: {os.getloadavg()[0]:.1f}")
        print(HEADER)
        for workers in (int(w) for w in str(options.workers).split(",") if w.strip()):
            _one_server(base, workers, warm, cold, options, tmp, summary)
    print(f"    target: >= {TARGET_RPS:.0f} req/s at p99 < {TARGET_P99_MS:.0f} ms, 0 errors, with 16 and 64 clients "
          f"(at 64 clients p99 < 20 ms needs > 3,200 req/s)")
    met = [f"{label} x{clients} ({workers} wk)" for label, workers, clients, r in summary if r.met]
    missed = [f"{label} x{clients} ({workers} wk)" for label, workers, clients, r in summary if not r.met]
    print(f"    met: {', '.join(met) or 'none'}")
    print(f"    missed: {', '.join(missed) or 'none'}")


def run() -> None:
    """Print the server load benchmark (see the module docstring)."""
    main([])
