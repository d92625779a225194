"""A long-running server's memory stays bounded: screeners per snapshot set, and what a reload takes over."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from exportcheck import matching
from exportcheck.server.state import ListsHolder, build
from tests.server.support import Server, copy_sources

#: Dates that stand on different sets of snapshots of the real lists (each its own screener).
DATES = ("2014-01-01", "2018-07-01", "2023-07-01", "2025-04-01", "2025-07-01", "2026-01-01")


def test_asking_many_dates_keeps_the_screeners_bounded(server: Server) -> None:
    with server.client() as http:
        bound = http.get("/readyz").json()["screeners"]["max"]
        assert len(DATES) + 1 > bound, "the test must ask about more snapshot sets than the bound"
        for day in DATES:
            answer = http.get("/screen", params={"q": "Rosneft", "as_of": day})
            assert answer.status_code == 200, answer.text
            assert answer.json()["as_of"] == day
            held = http.get("/readyz").json()["screeners"]["in_memory"]
            assert held <= bound, (day, held)
        assert held == bound, "more sets were asked about than the bound holds"
        # the latest lists still answer (their screener is held by the loaded lists, whatever the LRU dropped)
        latest = http.get("/screen", params={"q": "Huawei Technologies Co., Ltd."}).json()
        assert latest["matches"][0]["is_match"]


def test_the_least_recently_used_screener_goes_first(real_lists_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matching, "MAX_SCREENERS", 2)
    monkeypatch.setattr(matching, "_SCREENERS", {})
    first, second, third = (date.fromisoformat(d) for d in DATES[-3:])
    kept = matching.get_screener(real_lists_dir, first)
    matching.get_screener(real_lists_dir, second)
    assert matching.get_screener(real_lists_dir, first) is kept  # used again: now the most recent
    matching.get_screener(real_lists_dir, third)  # drops the second's
    assert len(matching.screeners_held()) == 2
    assert matching.get_screener(real_lists_dir, first) is kept
    assert matching.dated_screener(real_lists_dir, first).screener is kept  # shared with its notes apart, never copied
    held = matching.screeners_held()
    assert kept.index.key in held and len(held) == 2
    matching.forget_screener(real_lists_dir, kept.index.key)
    assert kept.index.key not in matching.screeners_held()


def test_a_reload_takes_over_what_did_not_change(real_lists_dir: Path, tmp_path: Path) -> None:
    """A new entity snapshot: the control data and the other snapshots' rows are the old objects, not reloaded;
    the old generation's screener is forgotten once the new one serves."""
    folder = copy_sources(real_lists_dir, tmp_path / "lists", ["us-1260h", "nl-national"])
    holder = ListsHolder(folder, reload_seconds=3600)
    first = holder.load_now()
    assert first is not None and first.controls is not None
    old_rows = first.entity_rows(f"us-1260h@{first.snapshots['us-1260h'].version}")
    assert len(old_rows) > 50 and old_rows.get("no-such-id") is None
    assert first.screener is not None and first.screener.prepared  # its tables made before the first request
    assert len(first.screener._fields) == len(first.screener.index)  # every party's result fields too
    some_id = old_rows.table.column("entity_id")[0].as_py()
    assert old_rows.get(some_id)["entity_id"] == some_id
    shutil.copytree(real_lists_dir / "un-sc", folder / "un-sc")
    second = holder.load_now()
    assert second is not None and second.generation == first.generation + 1
    assert "un-sc" in second.snapshots
    assert second.controls is first.controls
    assert second.entity_rows(f"us-1260h@{first.snapshots['us-1260h'].version}") is old_rows
    assert second.screener is not None and second.screener.prepared
    assert not second.screener._fields  # a reload beside live requests leaves them to be read as parties are shown
    held = matching.screeners_held()
    assert second.screener.index.key in held and first.screener.index.key not in held
    # a control source that changed is loaded again
    third = build(folder, 3, 10, previous=second, changed=frozenset({"nl-national"}))
    assert third.controls is not second.controls and third.controls is not None


def test_recent_questions_are_answered_anew_before_a_swap(real_lists_dir: Path, tmp_path: Path) -> None:
    """The new lists' cache starts with the old one's recent questions, each answered with the new lists."""
    import asyncio

    import httpx

    from exportcheck.server.app import create_app

    folder = copy_sources(real_lists_dir, tmp_path / "lists", ["us-1260h"])
    holder = ListsHolder(folder, reload_seconds=3600)
    first = holder.load_now()
    assert first is not None
    front = create_app(folder, holder=holder, mcp=False)
    name = "Frank Kakolele Bwambale"  # listed by the UN, not in us-1260h

    async def ask() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=front), base_url="http://127.0.0.1") as http:
            return await http.get("/screen", params={"q": name}) and await http.get("/screen", params={"q": name})

    before = asyncio.run(ask())
    assert not any(m["is_match"] for m in before.json()["matches"])
    assert first.cache.hits >= 1
    shutil.copytree(real_lists_dir / "un-sc", folder / "un-sc")
    second = holder.load_now()
    assert second is not None and second is not first
    assert len(second.cache) >= 1 and second.cache.hits == 0, "filled before any request reached it"
    after = asyncio.run(ask())
    assert second.cache.hits >= 2 and second.cache.misses == 0
    assert any(m["is_match"] and m["source"] == "un-sc" for m in after.json()["matches"]), "the new lists' answer"
