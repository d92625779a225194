"""The decision procedure on the real lists: dates, traps and verdicts (DOMAIN.md).

The party and item facts are those of the motivating case; the lists are snapshots refreshed from the
real mirror, screened by the project's matcher and read by the project's control lists (see
conftest). Each test pins one rule of the procedure that a wrong implementation would break; list
facts (names, dates, citations, snapshot ids) are read from the raw files or the store, not written in.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from exportcheck.claims import Context, default_context
from exportcheck.settings import get_settings
from exportcheck.store import SnapshotStore
from tests.claims.conftest import latest, run, step

CETC24 = {"name": "24th Research Institute of China Electronics Technology Group Corporation",
          "aliases": ["24th Research Institute of CETC", "CETC 24"], "country": "CN", "role": "end-user",
          "parent": "China Electronics Technology Group Corporation"}
SIQA = {"name": "Shenzhen International Quantum Academy", "country": "CN",
        "distinct_from": ["Shenzhen Institute of Quantum Science and Engineering"]}
CETC = {"name": "China Electronics Technology Group Corporation", "aliases": ["CETC"], "country": "CN"}
EL_FILE = "us-ear/DERIVED_entity-list_part744-supp4_2026-07-09.json"



@pytest.fixture(scope="module")
def cetc24_entry(raw_dir: Path) -> dict[str, str]:
    """The Entity List entry holding the alias "CETC 24", its name and Federal Register date, read from the raw
    eCFR-derived file independently of any parser."""
    raw = json.loads((raw_dir / EL_FILE).read_text("utf-8"))
    entry = next(e for e in raw["entities"] if "CETC 24" in (e.get("aliases") or []))
    month, day, year = re.search(r"(\d{1,2})/(\d{1,2})/(\d{2})", entry["federal_register"]).groups()  # type: ignore[union-attr]
    cite = re.search(r"\d+ FR \d+", entry["federal_register"]).group(0)  # type: ignore[union-attr]
    return {"name": entry["name"], "listed": f"20{year}-{int(month):02d}-{int(day):02d}", "citation": cite}


def test_alias_finds_the_24th_institute_under_its_entity_list_entry(ctx: Context, store: SnapshotStore,
                                                                    cetc24_entry: dict[str, str]) -> None:
    result = run(ctx, kind="party-not-listed", date="2024-06-01", parties=[CETC24])
    listing = step(result, "lists")
    ev = [e for e in listing.evidence if e.source == "us-entity-list"]
    assert [e.name for e in ev] == [cetc24_entry["name"]]
    assert ev[0].matched_text.endswith("→ CETC 24")
    assert ev[0].listing_date == cetc24_entry["listed"] and cetc24_entry["citation"] in ev[0].citation
    snap = latest(store, "us-entity-list")
    assert ev[0].snapshot == snap.version and ev[0].data_date == snap.meta.data_date.isoformat()  # type: ignore[union-attr]
    assert 0.0 <= ev[0].score <= 1.0 and ev[0].score >= ctx.threshold  # type: ignore[operator]
    # the compact CSL copy keeps no date: it shows the Entity List copy's, and says where it came from
    csl = [e for e in listing.evidence if e.source == "us-csl" and e.name == cetc24_entry["name"]]
    assert csl and all(e.listing_date == cetc24_entry["listed"] and "date from the us-entity-list copy" in e.timing
                       for e in csl)
    assert result.status == "contradicted"


def test_party_listed_after_the_export_date_is_not_a_contradiction(ctx: Context, cetc24_entry: dict[str, str]) -> None:
    result = run(ctx, kind="party-not-listed", date="2024-02-05", parties=[CETC24], lists=["us-entity-list"])
    assert result.status == "consistent"
    listing = step(result, "lists")
    assert f"listed on {cetc24_entry['listed']}, after the export (2024-02-05)" in listing.finding
    assert listing.evidence[0].timing.startswith(f"listed on {cetc24_entry['listed']}, after the export")


def test_listing_within_an_export_period_depends_on_the_shipment_date(ctx: Context) -> None:
    result = run(ctx, kind="party-not-listed", date={"from": "2024-01-01", "to": "2024-12-31"}, parties=[CETC24],
                 lists=["us-entity-list"])
    assert result.status == "undetermined"
    assert "depends on the exact shipment date" in step(result, "lists").finding


def test_numbers_must_agree_cetc_24_is_not_cetc_25(ctx: Context, raw_dir: Path) -> None:
    """The Entity List entry that holds "CETC 24" holds other CETC numbers too; a query for an unlisted number
    must not match any of them."""
    raw = json.loads((raw_dir / EL_FILE).read_text("utf-8"))
    aliases = {a for e in raw["entities"] for a in e.get("aliases") or []}
    assert "CETC 24" in aliases and "CETC 25" not in aliases
    result = run(ctx, kind="party-not-listed", date="2025-06-01", parties=[{"name": "CETC 25", "country": "CN"}],
                 lists=["us-entity-list"])
    assert result.status == "consistent"
    assert step(result, "lists").evidence == []


def test_lookalike_quantum_institute_is_reported_as_a_different_party(ctx: Context) -> None:
    result = run(ctx, kind="party-not-listed", date="2024-02-05", parties=[SIQA],
                 lists=["us-entity-list", "us-1260h"])
    assert result.status == "consistent"
    listing = step(result, "lists")
    assert "Not the same party: 'Shenzhen Institute of Quantum Science and Engineering'" in listing.finding
    assert any("DIFFERENT organisation" in e.note for e in listing.evidence)


def test_ns_cmic_and_1260h_are_red_flags_not_sanctions(ctx: Context) -> None:
    result = run(ctx, kind="sanctions-compliant", date="2022-05-01", parties=[CETC], lists=["us-csl"])
    assert result.status == "consistent"  # CETC is on NS-CMIC in the real 2022 CSL: an investment ban, not a sanction
    sanctions = step(result, "sanctions")
    from exportcheck.sources import get_source

    assert ("Also found, but not sanctions: CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION on NS-CMIC (a red flag "
            "relevant to awareness, not an export ban. Effect: " + get_source("us-csl").spec.effect_of("NS-CMIC")) \
        in sanctions.finding
    listed = run(ctx, kind="party-not-listed", date="2022-05-01", parties=[CETC], lists=["us-csl"])
    assert listed.status == "contradicted"  # ... but it is on a list, and that claim says it is on none
    judged = run(ctx, kind="customer-judgement", date="2024-06-01", parties=[CETC24])
    awareness = step(judged, "awareness")
    red = [e for e in awareness.evidence if e.source == "us-1260h"]
    assert red and red[0].listing_date == "2021-06-03" and "parent of" in red[0].matched_text
    assert "not an export ban" in awareness.finding and "Ownership does not propagate" in awareness.finding
    assert judged.status == "undetermined"


def test_without_an_eu_or_un_list_sanctions_cannot_be_cleared(old_csl_lists: Path) -> None:
    ctx = default_context(get_settings(old_csl_lists))
    unbound = run(ctx, kind="sanctions-compliant", date="2022-05-01", parties=[CETC])
    assert unbound.status == "undetermined"  # no EU or UN list held: cannot confirm for a Dutch exporter
    assert "Neither the EU consolidated sanctions list nor the UN list" in step(unbound, "sanctions").finding


def test_stale_snapshot_cannot_clear_a_party(old_csl_lists: Path) -> None:
    """Only a CSL from April 2022 is held: "CETC 24 was not listed in June 2024" cannot be confirmed from it."""
    ctx = default_context(get_settings(old_csl_lists))
    result = run(ctx, kind="party-not-listed", date="2024-06-01", parties=[CETC24], lists=["us-csl"])
    assert result.status == "undetermined"
    listing = step(result, "lists")
    assert "well before the export date" in listing.finding
    assert [c.version for c in listing.checked] == [SnapshotStore(old_csl_lists).snapshots("us-csl")[0].version]


def test_arms_embargo_never_makes_a_licence_requirement(ctx: Context) -> None:
    result = run(ctx, kind="no-licence-required", date="2024-06-01", destination="CN", parties=[CETC24],
                 item={"description": "part used to calibrate a chip machine", "us_content": "unknown"})
    assert result.status == "undetermined"
    catch_all = step(result, "catch-all")
    assert catch_all.status == "undetermined"
    assert "contested" in catch_all.finding and "does not by itself create a licence requirement" in catch_all.finding
    assert all(s.status != "contradicted" for s in result.steps)


def test_no_us_parts_does_not_mean_outside_the_ear(ctx: Context, raw_dir: Path) -> None:
    raw = json.loads((raw_dir / EL_FILE).read_text("utf-8"))
    requirement = next(e for e in raw["entities"] if "CETC 24" in (e.get("aliases") or []))["notes"]
    result = run(ctx, kind="no-licence-required", date="2024-06-01", destination="CN", parties=[CETC24],
                 item={"description": "calibration part", "us_content": "no"})
    us = step(result, "us-ear")
    assert us.status == "undetermined"
    assert "does not show it is outside the EAR" in us.finding and "734.9" in us.finding
    assert f"Licence requirement: {requirement.split('(')[0].strip()}" in us.finding
    assert "not in force on the date" in us.finding  # Affiliates Rule: 2025-09-29 .. 2025-11-09 only
    inside = run(ctx, kind="no-licence-required", date="2025-10-15", destination="CN", parties=[CETC24],
                 item={"description": "calibration part", "us_content": "no"})
    assert "in force on the date" in step(inside, "us-ear").finding.split("Affiliates Rule")[1]


def test_2024_export_reads_the_bracketing_annex_versions_and_a_listed_code_contradicts(ctx: Context,
                                                                                       store: SnapshotStore) -> None:
    result = run(ctx, kind="item-not-controlled", date="2024-02-05", regimes=["eu"],
                 item={"description": "DUV scanner", "control_codes": ["eu:3B001.f"]})
    eu = step(result, "eu-annex-i")
    assert eu.status == "contradicted" and result.status == "contradicted"
    assert "bracketing" in eu.finding and "not held" in eu.finding.lower()
    assert "2023/2616" in eu.finding  # names the edition actually in force, which is not held
    held = {s.meta.data_date.isoformat(): s.version for s in store.snapshots("eu-dual-use")}  # type: ignore[union-attr]
    before = max(d for d in held if d <= "2024-02-05")
    after = min(d for d in held if d > "2024-02-05")
    versions = {e.snapshot for e in eu.evidence if e.control_code == "3B001.f"}
    assert versions == {held[before], held[after]}


@pytest.mark.parametrize(("destination", "status", "why"), [
    ("CN", "contradicted", "needs an authorisation under Art. 3"),
    ("US", "undetermined", "EU001 may cover"),
    ("DE", "undetermined", "inside the Union is not an export"),
    ("", "undetermined", "no destination is stated"),
])
def test_a_listed_code_contradicts_no_licence_only_where_art_3_needs_one(ctx: Context, destination: str, status: str,
                                                                       why: str) -> None:
    """Art. 3 of 2021/821 needs an authorisation for exports out of the EU; EU001 may cover the US, and a transfer
    to Germany is no export: only the China export makes the claim's own listed code a contradiction."""
    result = run(ctx, kind="no-licence-required", date="2025-12-01", destination=destination, regimes=["eu"],
                 item={"description": "DUV scanner", "control_codes": ["eu:3B001.f"]})
    eu = step(result, "eu-annex-i")
    assert eu.status == status, eu.finding
    assert why.lower() in eu.finding.lower()
    assert (eu.settle == "") == (status != "undetermined")
    listed_anywhere = run(ctx, kind="item-not-controlled", date="2025-12-01", destination=destination, regimes=["eu"],
                          item={"description": "DUV scanner", "control_codes": ["eu:3B001.f"]})
    assert step(listed_anywhere, "eu-annex-i").status == "contradicted"  # a listed item is listed wherever it goes


def test_2025_eu_only_entry_does_not_apply_to_a_2024_export(ctx: Context) -> None:
    result = run(ctx, kind="item-not-controlled", date="2024-02-05", regimes=["eu"],
                 item={"description": "equipment", "control_codes": ["eu:3B501"]})
    eu = step(result, "eu-annex-i")
    assert eu.status == "undetermined"
    assert "only in a later version" in eu.finding
    assert any("after the export date" in e.timing for e in eu.evidence)
    later = run(ctx, kind="item-not-controlled", date="2025-12-01", regimes=["eu"],
                item={"description": "equipment", "control_codes": ["eu:3B501"]})
    assert step(later, "eu-annex-i").status == "contradicted"
    assert "in force" in step(later, "eu-annex-i").finding


def test_unclassified_item_is_undetermined_with_candidates_and_what_would_settle_it(ctx: Context) -> None:
    result = run(ctx, kind="item-not-controlled", date="2024-02-05", regimes=["eu"],
                 item={"description": "lithography step and scan equipment for wafer processing"})
    eu = step(result, "eu-annex-i")
    assert eu.status == "undetermined"
    assert eu.evidence and all(e.kind == "control" for e in eu.evidence)
    assert any(e.control_code.startswith("3B001.f") for e in eu.evidence)
    assert "exporter's classification" in eu.settle
    scores = [e.score for e in eu.evidence]
    assert all(s is not None and 0.0 <= s <= 1.0 for s in scores) and 1.0 in scores  # relative to the best


@pytest.mark.parametrize(("machine", "when", "status"), [
    ("TWINSCAN NXT:2000i", "2024-02-05", "contradicted"),
    ("TWINSCAN NXT:1980i", "2024-02-05", "consistent"),   # added only on 2024-09-07
    ("TWINSCAN NXT:1980i", "2024-10-01", "contradicted"),
    ("TWINSCAN NXT:2000i", "2023-06-01", "consistent"),   # regulation in force from 2023-09-01
    ("DUV lithography machine (model not public)", "2024-02-05", "undetermined"),
])
def test_dutch_measures_by_machine_model_and_date(ctx: Context, machine: str, when: str, status: str) -> None:
    result = run(ctx, kind="item-not-controlled", date=when, regimes=["nl"], item={"parent_machine": machine})
    assert step(result, "nl-national").status == status


def test_statement_invoking_the_government_stays_self_assessed(ctx: Context) -> None:
    text = ("ASML exporteert alleen machines en onderdelen waarvoor de Nederlandse overheid heeft besloten dat er "
            "geen vergunning nodig is")
    result = run(ctx, kind="party-not-listed", text=text, parties=[SIQA], date="2024-02-05")
    assert result.assessment == "self-assessed" and "invokes a government decision" in result.assessment_note
    backed = run(ctx, kind="party-not-listed", parties=[SIQA], date="2024-02-05",
                 authority={"body": "CDIU", "reference": "NL-2024-0001"})
    assert backed.assessment == "authority-backed" and "NL-2024-0001" in backed.assessment_note


def test_no_control_snapshot_is_reported_not_raised(old_csl_lists: Path) -> None:
    ctx = default_context(get_settings(old_csl_lists))
    result = run(ctx, kind="item-not-controlled", regimes=["eu"], date="2024-02-05", item={"description": "scanner"})
    eu = step(result, "eu-annex-i")
    assert eu.status == "undetermined" and "No control-list snapshot yet" in eu.finding


def test_every_step_of_the_example_names_its_evidence_and_date(ctx: Context, examples_file: Path) -> None:
    from exportcheck.claims import load_claims, verify

    report = verify(load_claims(examples_file), ctx)
    assert {r.claim_id for r in report.results} == {c.id for c in load_claims(examples_file).claims}
    assert report.backends == {"screener": "exportcheck.matching", "controls": "exportcheck.controls"}
    for result in report.results:
        assert result.status in ("undetermined", "consistent")  # nothing public contradicts ASML on these facts
        for s in result.steps:
            assert s.question and s.rule and s.finding
            for ev in s.evidence:
                assert ev.source and (ev.snapshot or ev.kind == "rule")
                assert ev.data_date or ev.kind == "rule" or ev.listing_date
                assert ev.score is None or 0.0 <= ev.score <= 1.0


def test_a_second_run_reads_no_snapshot_table(real_lists_dir: Path, examples_file: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Evidence comes from the loaded index and control data: once they are loaded, a new context verifies
    the example without reading a single Parquet table (citations and dates are fields of each match)."""
    from exportcheck.claims import load_claims, verify
    from exportcheck.store import Snapshot

    claims = load_claims(examples_file)
    first = verify(claims, default_context(get_settings(real_lists_dir)))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a snapshot table was read again")

    monkeypatch.setattr(Snapshot, "load", refuse)
    monkeypatch.setattr("pyarrow.parquet.read_table", refuse)
    again = verify(claims, default_context(get_settings(real_lists_dir)))
    assert [r.model_dump(exclude={"generated_at"}) for r in again.results] == \
        [r.model_dump(exclude={"generated_at"}) for r in first.results]
