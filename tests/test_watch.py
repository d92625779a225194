"""Watchlists, reviewer decisions and the screening log, on a real list file refreshed twice.

The mirror is a copy of the real MEU List file (nsfreg JSON); the second edition is the same file
edited the way lists change: a name added that matches a watched party, an alias changed on a watched
entry, an entry removed. ``watch check`` must report exactly those three changes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from exportcheck.cli import app
from exportcheck.refresh import refresh
from exportcheck.settings import get_settings
from tests.conftest import raw_file

MEU = "DERIVED_meu-list_part744-supp7_2026-07-09.json"
ADDED = "Zhongshan Hypersonic Photonics Laboratory"
CHANGED = "AECC Aero Science & Technology Co. Ltd."
REMOVED = "Academy of Aerospace Solid Propulsion Technology (AASPT)"

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Refresh the real MEU file, watch three parties, check, then refresh an edited edition."""
    real = raw_file("us-ear", MEU)
    root = tmp_path_factory.mktemp("watch")
    mirror, lists = root / "mirror" / "us-ear", root / "lists"
    mirror.mkdir(parents=True)
    shutil.copy(real, mirror / MEU)
    settings = get_settings(lists)
    assert all(o.status != "failed" for o in refresh(["us-meu"], settings, mirror=str(root / "mirror")))
    env = ["--lists-dir", str(lists)]
    code, _ = _run("watch", "add", CHANGED, "--country", "CN", "--note", "supplier", *env)
    assert code == 0
    assert _run("watch", "add", "Academy of Aerospace Solid Propulsion Technology", *env)[0] == 0
    assert _run("watch", "add", ADDED, *env)[0] == 0
    first = _run("watch", "check", "--format", "json", *env)
    second = _run("watch", "check", "--format", "json", *env)

    data = json.loads(real.read_text(encoding="utf-8"))
    entities = [e for e in data["entities"] if e["name"] != REMOVED]
    for entity in entities:
        if entity["name"] == CHANGED:
            entity["aliases"] = ["AECC Aero Science and Technology Company"]
    entities.append({"name": ADDED, "aliases": [], "country": "China", "address": "Zhongshan, Guangdong, China",
                     "status": None, "effective_date": None, "federal_register": "91 FR 12345, 8/1/2026",
                     "notes": None})
    assert len(entities) == len(data["entities"])  # one removed, one added
    data.update(entities=entities, count=len(entities), extracted="2026-08-01")
    (mirror / MEU.replace("2026-07-09", "2026-08-01")).write_text(json.dumps(data), encoding="utf-8")
    # a decision on another party (the one the second edition removes): recorded under its id, never shown for CHANGED
    removed_id = json.loads(_run("screen", REMOVED, "--json", *env)[1])["matches"][0]["entity_id"]
    assert _run("review", "add", "--query", CHANGED, "--entity", removed_id, "--decision", "not-the-party",
                "--by", "desk", "--why", "checked the address", *env)[0] == 0
    assert all(o.status != "failed" for o in refresh(["us-meu"], settings, mirror=str(root / "mirror")))
    feed = root / "feed.xml"
    third = _run("watch", "check", "--format", "json", "--atom", str(feed), *env)
    fourth = _run("watch", "check", *env)
    return {"lists": lists, "env": env, "first": first, "second": second, "third": third, "fourth": fourth,
            "feed": feed, "removed_id": removed_id}


def _events(result: tuple[int, str]) -> list[tuple[str, str]]:
    return sorted((e["kind"], e["listed_name"]) for e in json.loads(result[1])["events"])


def test_first_check_reports_current_matches_as_new(watched: dict) -> None:
    code, _ = watched["first"]
    assert code == 1
    assert _events(watched["first"]) == [("new", CHANGED), ("new", REMOVED)]


def test_check_without_news_exits_zero(watched: dict) -> None:
    assert watched["second"][0] == 0
    assert _events(watched["second"]) == []
    code, text = watched["fourth"]
    assert code == 0 and "0 new, 0 removed, 0 changed" in text


def test_edited_edition_reports_exactly_the_three_changes(watched: dict) -> None:
    code, out = watched["third"]
    assert code == 1
    assert _events(watched["third"]) == [("changed", CHANGED), ("new", ADDED), ("removed", REMOVED)]
    changed = next(e for e in json.loads(out)["events"] if e["kind"] == "changed")
    assert changed["fields"] == ["aliases"]
    report = json.loads(out)
    assert report["baseline"]["us-meu"] != report["current"]["us-meu"]


def test_atom_feed_holds_the_events(watched: dict) -> None:
    root = ET.parse(watched["feed"]).getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    kinds = sorted(e.find("a:category", ns).get("term") for e in root.findall("a:entry", ns))
    assert kinds == ["changed", "new", "removed"]
    assert all(e.find("a:id", ns).text for e in root.findall("a:entry", ns))


def test_since_compares_with_the_snapshot_of_that_date(watched: dict) -> None:
    code, out = _run("watch", "check", "--since", "2026-07-09", "--format", "json", *watched["env"])
    assert code == 1
    assert _events((code, out)) == [("changed", CHANGED), ("new", ADDED), ("removed", REMOVED)]


def test_decisions_and_log_survive_refresh_and_show_next_to_hits(watched: dict) -> None:
    env = watched["env"]
    code, out = _run("screen", CHANGED, "--json", *env)
    assert code == 0
    hit = next(m for m in json.loads(out)["matches"] if m["name"] == CHANGED)
    assert hit["review"] == ""  # the decision recorded before the refresh was for another entity id
    assert _run("review", "add", "--query", CHANGED.upper(), "--entity", hit["entity_id"], "--decision",
                "is-the-party", "--by", "desk", "--why", "same address", *env)[0] == 0
    code, out = _run("screen", CHANGED, "--json", *env)
    hit = next(m for m in json.loads(out)["matches"] if m["name"] == CHANGED)
    assert hit["review"].startswith("is-the-party (reviewed by desk")
    reviews = json.loads(_run("review", "list", "--json", *env)[1])
    assert [r["entity_id"] for r in reviews] == [watched["removed_id"], hit["entity_id"]]  # survived the refresh
    log = json.loads(_run("log", "--json", *env)[1])
    commands = [line["command"] for line in log]
    assert commands.count("watch check") >= 4 and commands.count("screen") >= 2
    assert all(line["result_sha256"] and line["snapshots"] for line in log)
    screens = [line for line in log if line["command"] == "screen"]
    assert screens[-1]["query"] == CHANGED and screens[-1]["snapshots"][0].startswith("us-meu@")


def test_bad_input_is_one_line(watched: dict, tmp_path: Path) -> None:
    env = ["--lists-dir", str(tmp_path)]
    result = runner.invoke(app, ["watch", "check", *env])
    assert result.exit_code == 2 and "watchlist is empty" in result.stderr
    result = runner.invoke(app, ["review", "add", "--query", "x", "--entity", "y", "--decision", "maybe",
                                 "--by", "a", "--why", "b", *env])
    assert result.exit_code == 2 and "not-the-party" in result.stderr
    for entity, message in (("placeholder", "not an entity id"), ("us-meu:no-such-party", "no such entity")):
        result = runner.invoke(app, ["review", "add", "--query", "x", "--entity", entity, "--decision", "is-the-party",
                                     "--by", "a", "--why", "b", *watched["env"]])
        assert result.exit_code == 2 and message in result.stderr, result.output
    result = runner.invoke(app, ["watch", "remove", "nobody", *env])
    assert result.exit_code == 2 and "not on the watchlist" in result.stderr
    result = runner.invoke(app, ["watch", "add", "X", "--country", "Narnia", *env])
    assert result.exit_code == 2 and "--country 'Narnia': not a country" in result.stderr
