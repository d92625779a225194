"""Safe by default, over real HTTP: loopback only without a token, the token, size limits, CORS off unless set."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.support import REPO, Server, copy_sources, start_server
from tests.server.test_rest import problem

TOKEN = "s3cret-token-for-tests"
ORIGIN = "http://127.0.0.1:3333"


@pytest.fixture(scope="module")
def guarded(real_lists_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over one small list, with a token, a small body limit and one CORS origin."""
    folder = copy_sources(real_lists_dir, tmp_path_factory.mktemp("guarded") / "lists", ["us-1260h"])
    env = {"EXPORTCHECK_API_TOKEN": TOKEN, "EXPORTCHECK_MAX_BODY_BYTES": "4000", "EXPORTCHECK_CORS_ORIGINS": ORIGIN,
           "EXPORTCHECK_MAX_QUERY_CHARS": "200"}
    running = start_server(folder, folder.parent / "server.log", env)
    yield running
    running.stop()


def test_non_loopback_bind_needs_a_token() -> None:
    env = {k: v for k, v in __import__("os").environ.items() if k != "EXPORTCHECK_API_TOKEN"}
    done = subprocess.run([sys.executable, "-m", "exportcheck", "serve", "--host", "0.0.0.0", "--port", "1"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "EXPORTCHECK_API_TOKEN" in done.stderr and "Traceback" not in done.stderr


def test_token_is_required_when_set(guarded: Server) -> None:
    problem(httpx.get(guarded.url + "/screen", params={"q": "CETC"}), 401)
    problem(httpx.get(guarded.url + "/screen", params={"q": "CETC"}, headers={"Authorization": "Bearer wrong"}), 401)
    problem(httpx.get(guarded.url + "/sources", headers={"Authorization": TOKEN}), 401)
    ok = httpx.get(guarded.url + "/screen", params={"q": "China Electronics Technology Group Corporation"},
                   headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()["matches"][0]["source"] == "us-1260h"
    assert httpx.get(guarded.url + "/healthz").status_code == 200  # probes stay open
    assert httpx.get(guarded.url + "/readyz").status_code == 200
    assert httpx.get(guarded.url + "/").status_code == 200  # the page (no data) loads, then asks for the token
    problem(httpx.post(guarded.url + "/mcp", json={}), 401)


def test_body_and_query_limits(guarded: Server) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = "claims:\n" + "# padding\n" * 1000
    problem(httpx.post(guarded.url + "/verify", content=big, headers={**auth, "content-type": "application/yaml"}), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: read up to the limit, then refused
        for _ in range(100):
            yield b"# padding padding padding padding padding padding padding padding\n"

    problem(httpx.post(guarded.url + "/verify", content=chunks(), headers={**auth, "content-type": "application/yaml"}),
            413)
    problem(httpx.get(guarded.url + "/screen", params={"q": "x" * 5000}, headers=auth), 414)
    problem(httpx.get(guarded.url + "/screen", params={"q": "x" * 300}, headers=auth), 422, "q")


def test_cors_only_for_configured_origins(guarded: Server, server: Server) -> None:
    preflight = httpx.options(guarded.url + "/reconcile", headers={"Origin": ORIGIN,
                                                                   "Access-Control-Request-Method": "POST"})
    assert preflight.headers.get("access-control-allow-origin") == ORIGIN
    other = httpx.options(guarded.url + "/reconcile", headers={"Origin": "http://evil.example",
                                                               "Access-Control-Request-Method": "POST"})
    assert other.headers.get("access-control-allow-origin") is None
    default = httpx.get(server.url + "/healthz", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in default.headers, "CORS is off unless EXPORTCHECK_CORS_ORIGINS is set"


def test_no_parameter_reaches_a_file(server: Server) -> None:
    with server.client() as http:
        for path in ("/controls/eu/..%2F..%2Fetc%2Fpasswd", "/static/..%2F..%2Fsettings.py", "/static/app.py"):
            response = http.get(path)
            assert response.status_code in (404, 422), path
            assert "root:" not in response.text and "import" not in response.text
        problem(http.get("/reconcile/preview", params={"id": "../../etc/passwd"}), 404, "id")
