"""Refresh pipeline figures on the real CSL: parse + publish, unchanged re-import, download, diff.

Data: ``../shared/data/raw/us-csl/consolidated_2022-04.csv.gz`` (or ``$EXPORTCHECK_SHARED``). The
download is served by Python's ``http.server`` on 127.0.0.1 (gzip file as is), so it measures our
streaming, hashing and checks, not the internet. The diff compares the real CSV with a copy that
has every tenth row dropped and every hundredth renamed.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import gzip
import io
import os
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar

from exportcheck.diff import diff_source
from exportcheck.http import download
from exportcheck.refresh import refresh
from exportcheck.settings import CHECKOUT_ROOT, get_settings
from exportcheck.store import SnapshotStore

RAW = Path(os.environ.get("EXPORTCHECK_SHARED", CHECKOUT_ROOT.parent / "shared")) / "data" / "raw"
T = TypeVar("T")
CSL = RAW / "us-csl" / "consolidated_2022-04.csv.gz"


def _timed(label: str, func: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = func()
    print(f"{label:<48} {time.perf_counter() - started:7.2f} s", flush=True)
    return result


def run() -> None:
    if not CSL.exists():
        print(f"skipped: {CSL} is absent")
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = get_settings(work / "lists")
        # a mirror holding only the official CSV (the real mirror's newest us-csl file is the compact JSON copy)
        official = work / "official-mirror"
        (official / "us-csl").mkdir(parents=True)
        (official / "us-csl" / CSL.name).symlink_to(CSL)
        [first] = _timed("refresh us-csl from mirror folder (parse+publish)",
                         lambda: refresh(["us-csl"], settings, mirror=str(official)))
        _timed("refresh again, same file (unchanged, no parse)",
               lambda: refresh(["us-csl"], settings, mirror=str(official)))

        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

        handler = functools.partial(Quiet, directory=str(RAW))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/us-csl/{CSL.name}"
            got = _timed(f"download {CSL.stat().st_size / 1e6:.1f} MB over 127.0.0.1 (stream+sha256)",
                         lambda: download(url, work / "dl" / CSL.name, settings=dataclasses.replace(settings),
                                          source_id="us-csl"))
            print(f"{'  downloaded bytes':<48} {got.size}")
        finally:
            server.shutdown()
            server.server_close()

        reader = csv.DictReader(io.StringIO(gzip.decompress(CSL.read_bytes()).decode("utf-8"), newline=""))
        rows = [r for i, r in enumerate(reader) if i % 10 != 3]
        for i, row in enumerate(rows):
            if i % 100 == 0:
                row["name"] = row["name"] + " RENAMED"
        edited = work / "mirror" / "us-csl" / "consolidated_2022-05.csv"
        edited.parent.mkdir(parents=True)
        with edited.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=reader.fieldnames or [])
            writer.writeheader()
            writer.writerows(rows)
        [second] = _timed("refresh edited copy (parse+publish)",
                          lambda: refresh(["us-csl"], settings, mirror=str(edited.parents[1])))
        result = _timed("diff us-csl (two ~14k-row snapshots)",
                        lambda: diff_source(SnapshotStore(settings.lists_dir), "us-csl", first.version, second.version))
        print(f"{'  ' + result.summary():<48}")
