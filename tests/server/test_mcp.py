"""MCP: a real client session on stdio (``python -m exportcheck mcp``) and over streamable HTTP (``/mcp``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

from exportcheck.server.state import NOT_ADVICE
from tests.server.support import REPO, Server, copy_sources

pytest.importorskip("mcp")

TOOLS = {"screen", "control", "search_controls", "classify", "verify", "sources"}
CLAIMS = {"claims": [{"id": "c1", "kind": "party-not-listed", "date": "2026-10-01", "destination": "CN",
                      "parties": [{"name": "24th Research Institute of CETC", "country": "CN"}]}]}


def payload(result: Any) -> dict[str, Any]:
    """The tool's JSON answer (structured content, else the text content)."""
    assert not result.is_error, result.content
    if result.structured_content:
        data = result.structured_content
        return data.get("result", data) if set(data) == {"result"} else data
    return json.loads(result.content[0].text)


async def exercise(client: Any) -> None:
    tools = {t.name for t in (await client.list_tools()).tools}
    assert tools == TOOLS, tools
    screened = payload(await client.call_tool("screen", {"name": "Huawei Technologies Co., Ltd.", "limit": 3}))
    assert screened["matches"][0]["is_match"] and screened["disclaimer"] == NOT_ADVICE
    assert all(s["data_date"] for s in screened["snapshots"].values())
    entry = payload(await client.call_tool("control", {"code": "3B001.f", "regime": "eu"}))
    assert entry["status"] == "listed" and entry["snapshots"]["eu-dual-use"]["data_date"]
    assert entry["disclaimer"] == NOT_ADVICE
    classified = payload(await client.call_tool("classify", {"description": "immersion lithography scanner",
                                                              "parameters": {"wavelength": "193 nm"}}))
    assert any(e["code"].startswith("3B001") for e in classified["entries"]) and classified["disclaimer"] == NOT_ADVICE
    listed = payload(await client.call_tool("sources", {}))
    assert "us-1260h" in listed["snapshots"] and listed["disclaimer"] == NOT_ADVICE
    report = payload(await client.call_tool("verify", {"claims": CLAIMS}))
    assert report["counts"]["contradicted"] == 1 and report["disclaimer"] == NOT_ADVICE and report["snapshots"]
    bad = await client.call_tool("screen", {"name": "Huawei", "as_of": "2024-13-01"})
    assert bad.is_error and "as_of" in bad.content[0].text and "Traceback" not in bad.content[0].text
    bad_code = await client.call_tool("control", {"code": "3B001", "regime": "fr"})
    assert bad_code.is_error and "regime" in bad_code.content[0].text


def test_mcp_on_stdio(real_lists_dir: Path, tmp_path: Path) -> None:
    """The client spawns ``python -m exportcheck mcp`` over a few real lists (a smaller folder loads faster)."""
    from mcp import Client, StdioServerParameters

    folder = copy_sources(real_lists_dir, tmp_path / "lists", ["us-entity-list", "us-1260h", "eu-dual-use", "us-ccl"])
    params = StdioServerParameters(command=sys.executable, args=["-m", "exportcheck", "mcp", "--lists-dir",
                                                                str(folder)], cwd=str(REPO))

    async def session() -> None:
        async with Client(params, read_timeout_seconds=300) as client:
            await exercise(client)

    anyio.run(session)


def test_mcp_over_streamable_http(server: Server) -> None:
    from mcp import Client

    async def session() -> None:
        async with Client(server.url + "/mcp", read_timeout_seconds=300) as client:
            await exercise(client)

    anyio.run(session)
