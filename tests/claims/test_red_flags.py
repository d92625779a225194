"""Lists that are not export bans, on the real lists (issue 14 §2): red flags with their declared effect.

1286, UFLPA, FCC, State nonproliferation, METI, China's lists and ASPI's research never contradict a "no
licence required" claim nor one about export-control / sanctions lists; a claim "on no list at all" is
about every list, so an official red-flag list counts there but is labelled for what it is; a research
dataset never counts; and a red-flag dataset with no copy near the export date (ASPI's 2020 tracker)
never makes a claim undetermined by itself. Parties are picked from the raw files; effects are read from
the sources' declarations, never written here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from exportcheck.claims import Context
from exportcheck.sources import get_source
from tests.claims.conftest import run, step

UFLPA_FILE = "us-uflpa/DERIVED_dhs-uflpa_2026-07-09.json"
ASPI_FILE = "aspi-unitracker/DERIVED_misp-galaxy_china-defence-universities_2020-08-22.json"
#: Picked because each is on exactly one list of the mirror (checked by the tests below).
UFLPA_ONLY = "Geehy Semiconductor Co., Ltd"
ASPI_ONLY = "Anhui University"
LISTINGS = ["us-entity-list", "us-meu", "us-ofac-sdn", "uk-sanctions", "un-sc"]



@pytest.fixture(scope="module")
def uflpa_entry(raw_dir: Path) -> dict[str, Any]:
    raw = json.loads((raw_dir / UFLPA_FILE).read_text("utf-8"))
    return next(e for e in raw["entities"] if e["name"] == UFLPA_ONLY)


def test_the_picked_parties_are_on_one_list_only(ctx: Context, raw_dir: Path, uflpa_entry: dict[str, Any]) -> None:
    aspi = json.loads((raw_dir / ASPI_FILE).read_text("utf-8"))
    assert any(v["value"].startswith(ASPI_ONLY + " (") for v in aspi["values"])
    for name, source in ((UFLPA_ONLY, "us-uflpa"), (ASPI_ONLY, "aspi-unitracker")):
        found = {m.source for m in ctx.screen(name, "CN", None, None) if m.is_match}
        assert found == {source}, (name, found)


def test_a_uflpa_listing_never_contradicts_no_licence_required(ctx: Context, uflpa_entry: dict[str, Any]) -> None:
    result = run(ctx, kind="no-licence-required", date="2024-06-01", destination="CN",
                 parties=[{"name": UFLPA_ONLY, "country": "CN", "role": "end-user"}],
                 item={"description": "calibration part for a lithography system"})
    assert "2023" in uflpa_entry["effective_date"]  # listed before the export: in force on the date
    assert all(s.status != "contradicted" for s in result.steps) and result.status != "contradicted"
    catch_all = step(result, "catch-all")
    effect = get_source("us-uflpa").spec.effect
    assert effect and effect in catch_all.finding  # the one-line effect, from the declaration
    assert "a red flag relevant to awareness (a US import restriction), not an export ban" in catch_all.finding
    assert [e.source for e in catch_all.evidence] == ["us-uflpa"]
    assert step(result, "sanctions").status == "consistent"


def test_a_claim_about_export_control_and_sanctions_lists_ignores_red_flag_lists(ctx: Context) -> None:
    result = run(ctx, kind="party-not-listed", date="2024-06-01", lists=LISTINGS,
                 parties=[{"name": UFLPA_ONLY, "country": "CN"}])
    assert result.status == "consistent"
    assert all(c.source in LISTINGS for c in step(result, "lists").checked)


def test_not_on_any_list_counts_an_official_red_flag_list_but_labels_it(ctx: Context,
                                                                          uflpa_entry: dict[str, Any]) -> None:
    result = run(ctx, kind="party-not-listed", date="2024-06-01", parties=[{"name": UFLPA_ONLY, "country": "CN"}])
    assert result.status == "contradicted"  # it was on a list (UFLPA) on the date, and the claim says on none
    listing = step(result, "lists")
    assert get_source("us-uflpa").spec.effect in listing.finding
    assert "not an export ban" in listing.finding
    before = run(ctx, kind="party-not-listed", date="2022-01-03", parties=[{"name": UFLPA_ONLY, "country": "CN"}])
    assert before.status == "consistent"  # before its listing: not on it


def test_a_research_dataset_never_decides_and_its_2020_copy_never_makes_a_gap(ctx: Context) -> None:
    result = run(ctx, kind="party-not-listed", date="2024-06-01", parties=[{"name": ASPI_ONLY, "country": "CN"}])
    assert result.status == "consistent"
    listing = step(result, "lists")
    assert [e.source for e in listing.evidence] == ["aspi-unitracker"]
    assert "a red flag from research (no legal effect, not a listing)" in listing.finding
    assert get_source("aspi-unitracker").spec.effect in listing.finding
    assert "do not decide whether the party was listed" in listing.finding
    assert "aspi-unitracker (2020-08-22); they are reported for awareness" in listing.finding
    named = run(ctx, kind="party-not-listed", date="2024-06-01", lists=["aspi-unitracker"],
                parties=[{"name": ASPI_ONLY, "country": "CN"}])
    assert named.status == "undetermined"  # a claim naming only a research dataset has no list to decide on
    no_licence = run(ctx, kind="no-licence-required", date="2024-06-01", destination="CN",
                     parties=[{"name": ASPI_ONLY, "country": "CN", "role": "end-user"}],
                     item={"description": "DUV lithography machine"})
    assert all(s.status != "contradicted" for s in no_licence.steps)
    assert "a red flag from research" in step(no_licence, "catch-all").finding


def test_nothing_found_is_not_undetermined_for_lack_of_a_dated_research_copy(ctx: Context) -> None:
    """The quantum institute is on no list: ASPI's 2020 copy (the only one) must not turn that into a gap."""
    result = run(ctx, kind="party-not-listed", date="2024-02-05",
                 parties=[{"name": "Shenzhen International Quantum Academy", "country": "CN"}])
    listing = step(result, "lists")
    assert "aspi-unitracker" in {c.source for c in listing.checked}
    assert result.status == "consistent", listing.finding
