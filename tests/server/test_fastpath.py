"""``GET /screen`` in front of FastAPI answers exactly as the route would, or leaves the answer to the route.

In process (the ASGI app called directly, no socket), against the real lists: the same requests go to the
front door and to the FastAPI app behind it, and must get the same status and the same bytes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from exportcheck.server.app import create_app
from exportcheck.server.fastpath import INLINE_CHARS, ScreenFrontDoor
from exportcheck.server.state import ListsHolder
from exportcheck.settings import ServerSettings, get_server_settings


@pytest.fixture(scope="module")
def front(real_lists_dir: Path) -> Iterator[ScreenFrontDoor]:
    holder = ListsHolder(real_lists_dir, reload_seconds=3600, cache_entries=64)
    assert holder.load_now() is not None
    yield create_app(real_lists_dir, holder=holder, mcp=False)


def _get(app: object, params: list[tuple[str, str]], headers: dict[str, str] | None = None) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            return await http.get("/screen", params=params, headers=headers)

    return asyncio.run(call())


#: Longer than INLINE_CHARS: screened in a thread, where the others are screened on the event loop.
LONG_QUERY = "Key Laboratory of Advanced Special Materials and New Preparation and Processing Technology; " * 3


def test_one_case_is_screened_in_a_thread() -> None:
    assert len(LONG_QUERY) > INLINE_CHARS


@pytest.mark.parametrize("params", [
    [("q", "Huawei Technologies Co., Ltd.")],
    [("q", "Rosneft"), ("source", "us-ofac-sdn"), ("source", "uk-sanctions"), ("limit", "3")],
    [("q", "Beijing Institute of Technology"), ("country", "cn"), ("threshold", "0.5"), ("limit", "20")],
    [("q", "24th Research Institute of CETC"), ("as_of", "2024-02-05")],
    [("q", "Zhejiang Dahua"), ("q", "Hikvision"), ("unknown", "ignored")],  # the last q, as Starlette reads it
    [("q", "中国电子科技集团公司第十四研究所")],
    [("q", "Huawei"), ("threshold", ".85"), ("limit", "1")],
    [("q", LONG_QUERY)],
])
def test_front_door_answers_as_the_route_does(front: ScreenFrontDoor, params: list[tuple[str, str]]) -> None:
    route = _get(front.app, params)
    fast = _get(front, params)
    assert route.status_code == fast.status_code == 200, route.text
    assert fast.headers["content-type"] == route.headers["content-type"] == "application/json"
    assert fast.content == route.content
    again = _get(front, params)
    assert again.content == fast.content


@pytest.mark.parametrize(("params", "field"), [
    ([], "q"),
    ([("q", " ")], "q"),
    ([("q", "Huawei"), ("limit", "0")], "limit"),
    ([("q", "Huawei"), ("limit", "101")], "limit"),
    ([("q", "Huawei"), ("limit", " 5")], None),
    ([("q", "Huawei"), ("threshold", "1.5")], "threshold"),
    ([("q", "Huawei"), ("threshold", "nan")], "threshold"),
    ([("q", "Huawei"), ("country", "Narnia")], "country"),
    ([("q", "Huawei"), ("as_of", "2024-02-30")], "as_of"),
    ([("q", "Huawei"), ("source", "us-ccl")], "source"),
])
def test_refusals_are_the_routes_own(front: ScreenFrontDoor, params: list[tuple[str, str]],
                                           field: str | None) -> None:
    """Anything the front door would not answer exactly as the route goes to the route, problem and all."""
    route = _get(front.app, params)
    fast = _get(front, params)
    assert fast.status_code == route.status_code
    assert fast.content == route.content
    if field is not None:
        assert fast.status_code == 422 and fast.json()["field"] == field


def test_a_token_or_a_cross_origin_request_is_never_answered_from_the_cache(real_lists_dir: Path,
                                                                                 front: ScreenFrontDoor) -> None:
    """With a token set, a cached answer needs the token too; with CORS set, an Origin goes through CORS."""
    import dataclasses

    settings: ServerSettings = dataclasses.replace(get_server_settings(), api_token="s3cret",
                                                   cors_origins=("http://127.0.0.1:3333",))
    guarded = create_app(real_lists_dir, settings, holder=front.holder, mcp=False)
    params = [("q", "Huawei Technologies Co., Ltd.")]
    good = {"Authorization": "Bearer s3cret"}
    assert (_get(guarded, params, good)).status_code == 200  # now cached
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
        refused = _get(guarded, params, headers)
        assert refused.status_code == 401, headers
    cross = _get(guarded, params, {**good, "Origin": "http://127.0.0.1:3333"})
    assert cross.status_code == 200 and cross.headers["access-control-allow-origin"] == "http://127.0.0.1:3333"
    other = _get(guarded, params, {**good, "Origin": "http://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers
