"""Start ``exportcheck serve`` as a real process on a free loopback port and wait until it is ready."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def start_server(lists_dir: Path, log: Path, env: dict[str, str] | None = None, wait_ready: bool = True,
                 timeout: float = 300.0) -> Server:
    """``python -m exportcheck serve`` over ``lists_dir``; its output goes to ``log``."""
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    full_env.pop("EXPORTCHECK_API_TOKEN", None) if "EXPORTCHECK_API_TOKEN" not in (env or {}) else None
    handle = log.open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "exportcheck", "serve", "--port", str(port), "--lists-dir",
                             str(lists_dir), "--log-level", "warning"], cwd=REPO, env=full_env,
                            stdout=handle, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", proc, log)
    deadline = time.monotonic() + timeout
    wanted = "/readyz" if wait_ready else "/healthz"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(server.url + wanted, timeout=5).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.stop()
    raise AssertionError(f"server not ready after {timeout} s: {log.read_text(errors='replace')[-2000:]}")


def copy_sources(real_lists_dir: Path, target: Path, sources: list[str]) -> Path:
    """A lists folder holding only some sources of the real one (a smaller server loads in seconds)."""
    target.mkdir(parents=True, exist_ok=True)
    for source in sources:
        shutil.copytree(real_lists_dir / source, target / source)
    return target
