"""``control show --as-of`` and ``verify`` name the same Annex I edition on every boundary day.

Both run through the CLI on control lists refreshed from the real mirror (EU Annex I 2023-05-26 and
2025-11-15 texts, the US CCL, the Dutch openings). For each day before and on an edition's in-force
date (and 1 June 2022, the issue's example) the edition ``control show 3B001.f --regime eu --as-of D``
names must equal the one the EU Annex I step of ``verify`` names for a claim dated D, and both must be
the edition the pinned table in ``test_timeline.py`` expects.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from exportcheck import law
from exportcheck.cli import app
from tests.law.test_timeline import PINNED, act_number

DAYS = [*PINNED, "2022-06-01"]
NAMED = re.compile(r"in force on (\d{4}-\d\d-\d\d): (.+?)(?: \(not confirmed from the primary text\))?, in force from")
NONE = re.compile(r"no Annex I edition of Regulation \(EU\) 2021/821 was in force on (\d{4}-\d\d-\d\d)", re.I)


@pytest.fixture(scope="module")
def controls_dir(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> Path:
    from exportcheck.refresh import refresh
    from exportcheck.settings import get_settings

    folder = tmp_path_factory.mktemp("law-controls")
    outcomes = refresh(["eu-dual-use", "us-ccl", "nl-national"], get_settings(folder), mirror=str(raw_dir),
                       all_dates=True)
    assert {o.status for o in outcomes} == {"published"}, [o.message for o in outcomes]
    return folder


def edition_named(text: str, day: str) -> str | None:
    """The title of the edition a text says was in force on ``day``; None where it says none was."""
    titles = {m.group(2) for m in NAMED.finditer(text) if m.group(1) == day}
    if not titles:
        assert any(m.group(1) == day for m in NONE.finditer(text)), text
        return None
    assert len(titles) == 1, titles
    return titles.pop()


def expected_title(day: str) -> str | None:
    edition = law.edition_in_force("eu", date.fromisoformat(day))
    return edition.title if edition else None


@pytest.fixture(scope="module")
def shown(controls_dir: Path) -> dict[str, str]:
    runner = CliRunner()
    out = {}
    for day in DAYS:
        result = runner.invoke(app, ["control", "show", "3B001.f", "--regime", "eu", "--as-of", day, "--json",
                                     "--lists-dir", str(controls_dir)])
        assert result.exit_code == 0, result.output
        out[day] = " | ".join(json.loads(result.stdout)["messages"])
    return out


@pytest.fixture(scope="module")
def verified(controls_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    claims = {"title": "boundary days", "exporter": {"name": "Example B.V.", "country": "NL"}, "claims": [
        {"id": f"d{day}", "kind": "no-licence-required", "date": day, "destination": "CN", "regimes": ["eu"],
         "item": {"description": "lithography equipment", "control_codes": ["eu:3B001.f"]}} for day in DAYS]}
    path = tmp_path_factory.mktemp("law-claims") / "claims.yaml"
    path.write_text(yaml.safe_dump(claims, sort_keys=False), "utf-8")
    result = CliRunner().invoke(app, ["verify", str(path), "--format", "json", "--out", "-",
                                      "--lists-dir", str(controls_dir)])
    assert result.exit_code in (0, 1), result.output  # 1: some claim is contradicted
    report = json.loads(result.stdout)
    return {r["claim_id"][1:]: next(s["finding"] for s in r["steps"] if s["key"] == "eu-annex-i")
            for r in report["results"]}


@pytest.mark.parametrize("day", DAYS)
def test_control_show_and_verify_name_the_same_edition(day: str, shown: dict[str, str],
                                                       verified: dict[str, str]) -> None:
    from_show, from_verify = edition_named(shown[day], day), edition_named(verified[day], day)
    assert from_show == from_verify == expected_title(day)
    if day in PINNED:
        assert (act_number(from_show) if from_show else None) == PINNED[day]


def test_the_issue_example_names_2022_1(shown: dict[str, str], verified: dict[str, str]) -> None:
    """Done-when of issue 10: a 2022 export is judged against the 2022/1 edition by both paths, which say that
    its text is not held and that the date is not confirmed from the primary text."""
    title = "Annex I as replaced by Commission Delegated Regulation (EU) 2022/1"
    assert edition_named(shown["2022-06-01"], "2022-06-01") == title
    assert edition_named(verified["2022-06-01"], "2022-06-01") == title
    assert "not held here" in shown["2022-06-01"] and "not held here" in verified["2022-06-01"]
    assert law.UNCONFIRMED.strip() in shown["2022-06-01"] and law.UNCONFIRMED.strip() in verified["2022-06-01"]
    assert "before every Annex I version" not in shown["2022-06-01"]


def test_a_confirmed_held_edition_is_not_marked(shown: dict[str, str]) -> None:
    assert law.UNCONFIRMED.strip() not in shown["2023-05-26"].split(" | ")[0]
    assert "not held" not in shown["2023-05-26"]  # its text is held (02021R0821-20230526): no bracketing
