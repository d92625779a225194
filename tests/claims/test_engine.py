"""The decision procedure on real list rows: dates, traps and verdicts (DOMAIN.md).

The party and item facts are those of the motivating case; the list rows come from the real files
(see conftest). Each test pins one rule of the procedure that a wrong implementation would break.
"""

from __future__ import annotations

from typing import Any

import pytest

from exportcheck.claims import parse_claims, verify_claim
from exportcheck.claims.screening import Context
from exportcheck.claims.verdict import ClaimResult, Step

CETC24 = {"name": "24th Research Institute of China Electronics Technology Group Corporation",
          "aliases": ["24th Research Institute of CETC", "CETC 24"], "country": "CN", "role": "end-user",
          "parent": "China Electronics Technology Group Corporation"}
SIQA = {"name": "Shenzhen International Quantum Academy", "country": "CN",
        "distinct_from": ["Shenzhen Institute of Quantum Science and Engineering"]}


def run(ctx: Context, **claim: Any) -> ClaimResult:
    claim.setdefault("id", "c1")
    claims = parse_claims({"exporter": {"name": "ASML Netherlands B.V.", "country": "NL"}, "claims": [claim]})
    return verify_claim(claims.claims[0], ctx)


def step(result: ClaimResult, key: str) -> Step:
    return next(s for s in result.steps if s.key == key)


def test_alias_finds_the_24th_institute_under_its_entity_list_entry(ctx: Context) -> None:
    result = run(ctx, kind="party-not-listed", date="2024-06-01", parties=[CETC24])
    listing = step(result, "lists")
    ev = [e for e in listing.evidence if e.source == "us-entity-list"]
    assert [e.name for e in ev] == ["CETC Chip Technology Co., Ltd."]
    assert ev[0].matched_text.endswith("→ CETC 24")
    assert ev[0].listing_date == "2024-05-14" and "89 FR 41888" in ev[0].citation
    assert ev[0].snapshot == "2026-07-09_test" and ev[0].data_date == "2026-07-09"
    assert result.status == "contradicted"


def test_party_listed_after_the_export_date_is_not_a_contradiction(ctx: Context) -> None:
    result = run(ctx, kind="party-not-listed", date="2024-02-05", parties=[CETC24], lists=["us-entity-list"])
    assert result.status == "consistent"
    listing = step(result, "lists")
    assert "listed on 2024-05-14, after the export (2024-02-05)" in listing.finding
    assert listing.evidence[0].timing.startswith("listed on 2024-05-14, after the export")


def test_listing_within_an_export_period_depends_on_the_shipment_date(ctx: Context) -> None:
    result = run(ctx, kind="party-not-listed", date={"from": "2024-01-01", "to": "2024-12-31"}, parties=[CETC24],
                 lists=["us-entity-list"])
    assert result.status == "undetermined"
    assert "depends on the exact shipment date" in step(result, "lists").finding


def test_numbers_must_agree_cetc_24_is_not_cetc_26(ctx: Context) -> None:
    """The Entity List entry that holds "CETC 24" also holds CETC 26 and CETC 44; a query for CETC 26's
    sibling CETC 25 must not match any of them."""
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
    cetc = {"name": "China Electronics Technology Group Corporation", "aliases": ["CETC"], "country": "CN"}
    result = run(ctx, kind="sanctions-compliant", date="2022-05-01", parties=[cetc], lists=["us-csl"])
    assert result.status == "consistent"  # CETC is on NS-CMIC in the real 2022 CSL: an investment ban, not a sanction
    sanctions = step(result, "sanctions")
    assert "Also found, but not sanctions: CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION on NS-CMIC (red-flag)" \
        in sanctions.finding
    listed = run(ctx, kind="party-not-listed", date="2022-05-01", parties=[cetc], lists=["us-csl"])
    assert listed.status == "contradicted"  # ... but it is on a list, and that claim says it is on none
    unbound = run(ctx, kind="sanctions-compliant", date="2022-05-01", parties=[cetc])
    assert unbound.status == "undetermined"  # no EU or UN list held: cannot confirm for a Dutch exporter
    assert "Neither the EU consolidated sanctions list nor the UN list" in step(unbound, "sanctions").finding
    judged = run(ctx, kind="customer-judgement", date="2024-06-01", parties=[CETC24])
    awareness = step(judged, "awareness")
    red = [e for e in awareness.evidence if e.source == "us-1260h"]
    assert red and red[0].listing_date == "2021-06-03"
    assert "not an export ban" in awareness.finding and "Ownership does not propagate" in awareness.finding
    assert judged.status == "undetermined"


def test_arms_embargo_never_makes_a_licence_requirement(ctx: Context) -> None:
    result = run(ctx, kind="no-licence-required", date="2024-06-01", destination="CN", parties=[CETC24],
                 item={"description": "part used to calibrate a chip machine", "us_content": "unknown"})
    assert result.status == "undetermined"
    catch_all = step(result, "catch-all")
    assert catch_all.status == "undetermined"
    assert "contested" in catch_all.finding and "does not by itself create a licence requirement" in catch_all.finding
    assert all(s.status != "contradicted" for s in result.steps)


def test_no_us_parts_does_not_mean_outside_the_ear(ctx: Context) -> None:
    result = run(ctx, kind="no-licence-required", date="2024-06-01", destination="CN", parties=[CETC24],
                 item={"description": "calibration part", "us_content": "no"})
    us = step(result, "us-ear")
    assert us.status == "undetermined"
    assert "does not show it is outside the EAR" in us.finding and "734.9" in us.finding
    assert "Licence requirement: For all items subject to the EAR" in us.finding
    assert "not in force on the date" in us.finding  # Affiliates Rule: 2025-09-29 .. 2025-11-09 only
    inside = run(ctx, kind="no-licence-required", date="2025-10-15", destination="CN", parties=[CETC24],
                 item={"description": "calibration part", "us_content": "no"})
    assert "in force on the date" in step(inside, "us-ear").finding.split("Affiliates Rule")[1]


def test_2024_export_reads_the_bracketing_annex_versions_and_a_listed_code_contradicts(ctx: Context) -> None:
    result = run(ctx, kind="item-not-controlled", date="2024-02-05", regimes=["eu"],
                 item={"description": "DUV scanner", "control_codes": ["eu:3B001.f"]})
    eu = step(result, "eu-annex-i")
    assert eu.status == "contradicted" and result.status == "contradicted"
    assert "bracket" in eu.finding and "02021R0821-20230526" in eu.finding and "02021R0821-20251115" in eu.finding
    assert "2023/2616" in eu.finding  # names the edition actually in force, which is not held
    versions = {e.snapshot for e in eu.evidence if e.control_code == "3B001.f"}
    assert versions == {"02021R0821-20230526", "02021R0821-20251115"}


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


def test_stale_snapshot_cannot_clear_a_party(ctx: Context, screener) -> None:
    from exportcheck.claims.memory import EntitySet, MemoryScreener
    from exportcheck.claims.verdict import SnapshotRef

    old = [e for e in screener.by_source["us-entity-list"][0].entities if e.citations
           and all(c.date < "2022-01-01" for c in e.citations)]
    stale = MemoryScreener([EntitySet(SnapshotRef(source="us-entity-list", version="2021-12-31_old",
                                                  data_date="2021-12-31"), old)])
    result = run(Context(stale, ctx.controls), kind="party-not-listed", date="2024-06-01", parties=[CETC24])
    assert result.status == "undetermined"
    assert "well before the export date" in step(result, "lists").finding


def test_every_step_of_the_example_names_its_evidence_and_date(ctx: Context, examples_file) -> None:
    from exportcheck.claims import load_claims, verify

    report = verify(load_claims(examples_file), ctx)
    assert {r.claim_id for r in report.results} == {c.id for c in load_claims(examples_file).claims}
    for result in report.results:
        assert result.status in ("undetermined", "consistent")  # nothing public contradicts ASML on these facts
        for s in result.steps:
            assert s.question and s.rule and s.finding
            for ev in s.evidence:
                assert ev.source and (ev.snapshot or ev.kind == "rule")
                assert ev.data_date or ev.kind == "rule" or ev.listing_date
