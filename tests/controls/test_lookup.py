"""Lookup by code: hierarchy, other regimes flagged, dates (held, bracketed, partial, EU-only 5xx)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import exportcheck.controls as controls
from exportcheck.cli import app
from exportcheck.controls import ControlData, lookup
from exportcheck.errors import InputError


def test_public_names() -> None:
    assert set(controls.__all__) == {"Classification", "Comparison", "ControlData", "ControlHit", "ControlLookup",
                                     "Parameter", "VersionCheck", "classify", "compare", "extract_parameters", "load_controls", "lookup", "search", "us_licence", "version_notes"}


def test_3b001_f_children_and_us_flagged(control_data: ControlData) -> None:
    r = lookup("3B001.f", data=control_data)
    assert r.regime == "eu" and r.status == "listed" and r.entry["version"] == "02021R0821-20251115"
    assert [c["code"] for c in r.children] == ["3B001.f.1", "3B001.f.2", "3B001.f.3", "3B001.f.4"]
    assert [a["code"] for a in r.ancestors] == ["3B001"]
    assert any(n["kind"] == "Note" for c in r.children for n in c["notes"])  # 3B001.f.2 Note
    assert [o["regime"] for o in r.other_regimes] == ["us"]
    assert "texts differ" in r.other_regimes[0]["warning"]


def test_as_of_held_version(control_data: ControlData) -> None:
    r = lookup("3B001.f.1.b", as_of="2023-07-01", data=control_data)
    assert r.version_held and r.entry["version"] == "02021R0821-20230526" and r.status == "listed"


def test_as_of_unheld_version_is_bracketed(control_data: ControlData) -> None:
    r = lookup("3B001.f.1", as_of="2024-06-01", data=control_data)
    assert not r.version_held and r.status == "not-held" and r.entry is None
    assert "2023/2616" in r.applicable_version
    assert [(c.side, c.exists, c.same_text) for c in r.bracket] == [("before", True, True), ("after", True, True)]


def test_eu_only_entries_apply_from_2025_11_15(control_data: ControlData) -> None:
    early = lookup("3B501", as_of="2024-06-01", data=control_data)
    assert early.status == "not-applicable" and "2025-11-15" in early.messages[0]
    late = lookup("3B501", as_of="2025-12-01", data=control_data)
    assert late.status == "listed"


def test_partial_version_says_the_part_is_missing(control_data: ControlData) -> None:
    r = lookup("6A003", as_of="2023-07-01", data=control_data)
    assert r.status == "unknown" and "category 6 is not complete" in r.messages[-1]
    held = lookup("3B001.x", as_of="2023-07-01", data=control_data)  # category 3 is complete: a real "no"
    assert held.status == "not-listed"


def test_us_licence_for_china(control_data: ControlData) -> None:
    r = lookup("3B001", regime="us", data=control_data)
    ns2 = [row for row in r.licence if row["column"] == "NS2"]
    assert ns2 and ns2[0]["licence_required"] is True and "D:5" in ns2[0]["country_groups"]
    worldwide = [row for row in r.licence if row["country_chart"].startswith("Worldwide control")]
    assert worldwide and all(row["licence_required"] is True for row in worldwide)  # worldwide rows are never "no"
    assert r.us_licence is not None and r.us_licence.outcome == "licence-required"


def test_bad_code_is_an_input_error(control_data: ControlData) -> None:
    with pytest.raises(InputError):
        lookup("not a code", data=control_data)


def test_cli_show_and_search(control_lists_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["control", "show", "3B001.f", "--lists-dir", str(control_lists_dir), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["entry"]["code"] == "3B001.f" and data["other_regimes"][0]["regime"] == "us"
    text = runner.invoke(app, ["control", "show", "3B001.l", "--regime", "nl", "--lists-dir", str(control_lists_dir)])
    assert text.exit_code == 0 and "annex" in text.output.lower()
    found = runner.invoke(app, ["control", "search", "EUV pellicle", "--limit", "3", "--json",
                                "--lists-dir", str(control_lists_dir)])
    assert found.exit_code == 0
    assert any(h["code"] == "3B501.m" for h in json.loads(found.output)["hits"])
    dated = runner.invoke(app, ["control", "search", "cryogenic wafer prober", "--as-of", "2024-06-01", "--json",
                                "--lists-dir", str(control_lists_dir)])
    notes = json.loads(dated.output)["version_notes"]
    assert any("2023/2616" in n for n in notes) and any("only partly held" in n for n in notes)
    assert any(n.startswith("US: the oldest version held") for n in notes)
    bad = runner.invoke(app, ["control", "show", "XYZ", "--lists-dir", str(control_lists_dir)])
    assert bad.exit_code == 2 and "not a control code" in bad.output


def test_definitions_of_quoted_terms(control_data: ControlData) -> None:
    r = lookup("0A001.a", data=control_data)
    assert [d["key"] for d in r.definitions] == ["nuclear reactor"]
    assert r.definitions[0]["scope"] == "annex" and r.definitions[0]["text"].startswith('"Nuclear reactor"')


def test_us_before_its_only_version(control_data: ControlData) -> None:
    r = lookup("3B001.f", regime="us", as_of="2024-06-01", data=control_data)
    assert r.status == "not-held" and r.entry is None
    assert [(c.side, c.version, c.exists) for c in r.bracket] == [("after", "eCFR 2026-07-23", True)]
    assert "2026-07-23" in r.messages[0]
    assert r.us_licence is not None and "EARLIER than that text" in r.us_licence.text_note  # made on the later text


def test_refresh_joins_the_2023_segments_into_one_snapshot(control_lists_dir: Path) -> None:
    from exportcheck.store import SnapshotStore

    snaps = SnapshotStore(control_lists_dir).snapshots("eu-dual-use")
    by_date = {str(s.meta.data_date): s for s in snaps}
    assert set(by_date) == {"2023-05-26", "2025-11-15"}
    assert len(by_date["2023-05-26"].meta.files) == 2
    assert any("only partly held" in w for w in by_date["2023-05-26"].meta.warnings)
    nl = SnapshotStore(control_lists_dir).latest("nl-national")
    assert nl is not None and nl.meta.record_count == 0 and "annex (BIJLAGE)" in nl.meta.warnings[0]


def test_an_eccn_the_held_file_lost_is_not_held_and_its_host_is_flagged(control_data: ControlData) -> None:
    """US 3E002 is in the eCFR but the held copy merged it into 3E001: never "not listed"."""
    lost = lookup("3E002", regime="us", data=control_data)
    assert lost.status == "not-held" and lost.entry is None
    assert any("merged 3E002 into 3E001" in m for m in lost.messages)
    assert lookup("3D006.a", regime="us", data=control_data).status == "not-held"
    host = lookup("3D005", regime="us", data=control_data)
    assert host.status == "listed" and any("may include 3D006's" in w for w in host.warnings)
    assert lookup("3E003", regime="us", data=control_data).status == "listed"
    assert not any("may include" in w for w in lookup("3B001", regime="us", data=control_data).warnings)


def test_classify_says_when_the_item_may_be_of_a_lost_entry(control_data: ControlData) -> None:
    from exportcheck.controls import classify

    eda = classify("ECAD software for RTL to GDSII place and route", regime="us", data=control_data)
    assert any("no entry 3D006" in m for m in eda.messages)
    chuck = classify("electrostatic chuck for a plasma etch chamber", regime="us", data=control_data)
    assert not any("no entry" in m for m in chuck.messages)
