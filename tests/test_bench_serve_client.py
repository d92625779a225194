"""The serve benchmark's load client over real HTTP on 127.0.0.1: new names are asked once each, then the run stops.

Why: the client used to start each connection at its own offset and wrap around, so once a fast server had answered
a run's share of new names the connections asked names the next connection had asked (answered from the server's
cache, and counted as uncached), and a run given no names left divided by zero and ended ``make bench``.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from exportcheck.bench.serve import _drive_python


@pytest.fixture()
def recorder() -> Iterator[tuple[int, Counter[str]]]:
    """A keep-alive HTTP/1.1 server on a free loopback port that answers every GET and counts the paths asked."""
    asked: Counter[str] = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # the standard library's name for it
            with lock:
                asked[self.path] += 1
            body = b"{}"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], asked
    finally:
        server.shutdown()
        server.server_close()


def test_new_names_are_each_asked_once_and_the_run_stops_when_all_were(recorder: tuple[int, Counter[str]]) -> None:
    port, asked = recorder
    paths = [f"/screen?q=name{i}" for i in range(300)]
    result = _drive_python(port, paths, clients=16, seconds=60.0, until=None, cycle=False)
    assert result.used_up and not result.errors
    assert result.requests == 300 and result.seconds < 30  # stopped when the names were used up, not at 60 s
    assert set(asked) == set(paths) and set(asked.values()) == {1}


def test_repeated_names_cycle_for_the_whole_run(recorder: tuple[int, Counter[str]]) -> None:
    port, asked = recorder
    paths = [f"/screen?q=name{i}" for i in range(20)]
    result = _drive_python(port, paths, clients=4, seconds=1.0, until=None, cycle=True)
    assert not result.used_up and result.requests > 20 and result.seconds >= 1.0
    assert set(asked) == set(paths) and max(asked.values()) - min(asked.values()) <= 1  # taken in turn


def test_a_run_left_no_new_names_asks_nothing(recorder: tuple[int, Counter[str]]) -> None:
    port, asked = recorder
    result = _drive_python(port, [], clients=8, seconds=5.0, until=None, cycle=False)
    assert result.requests == 0 and result.used_up and not asked
