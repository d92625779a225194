"""A newly published snapshot is picked up without a restart, and no request fails while it is swapped in."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import httpx

from tests.server.support import copy_sources, start_server


def test_new_snapshot_is_served_without_a_restart(real_lists_dir: Path, tmp_path: Path) -> None:
    folder = copy_sources(real_lists_dir, tmp_path / "lists", ["us-1260h"])
    server = start_server(folder, tmp_path / "server.log", {"EXPORTCHECK_RELOAD_SECONDS": "0.5"})
    try:
        first = httpx.get(server.url + "/readyz").json()
        assert set(first["snapshots"]) == {"us-1260h"}
        name = "Frank Kakolele Bwambale"
        assert not any(m["is_match"] for m in httpx.get(server.url + "/screen", params={"q": name}).json()["matches"])

        failures: list[str] = []
        served = 0
        stop = threading.Event()

        def hammer() -> None:  # distinct names, so no answer comes from the cache
            nonlocal served
            with httpx.Client(base_url=server.url, timeout=60) as http:
                i = 0
                while not stop.is_set():
                    i += 1
                    response = http.get("/screen", params={"q": f"China Electronics Technology {i}"})
                    if response.status_code != 200:
                        failures.append(f"{response.status_code}: {response.text[:200]}")
                    served += 1

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for thread in threads:
            thread.start()
        # publish: the un-sc snapshot folder appears at once (as the store's atomic writes make it)
        staging = tmp_path / "staging"
        shutil.copytree(real_lists_dir / "un-sc", staging)
        os.replace(staging, folder / "un-sc")
        deadline = time.monotonic() + 240
        ready = first
        while time.monotonic() < deadline:
            ready = httpx.get(server.url + "/readyz").json()
            if ready["generation"] > first["generation"]:
                break
            time.sleep(0.3)
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert ready["generation"] == first["generation"] + 1, ready
        assert set(ready["snapshots"]) == {"us-1260h", "un-sc"}
        assert not failures, failures[:5]
        assert served > 10
        matches = httpx.get(server.url + "/screen", params={"q": name}).json()["matches"]
        assert any(m["is_match"] and m["source"] == "un-sc" for m in matches), matches[:2]
        assert "un-sc" in httpx.get(server.url + "/sources").json()["loaded"]
        # the first generation's screener was let go at the swap: one set of lists, one screener in memory
        assert httpx.get(server.url + "/readyz").json()["screeners"]["in_memory"] == 1
    finally:
        server.stop()
