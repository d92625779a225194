"""End to end on the real lists: refresh a snapshot store from ../shared/data/raw, verify the example.

The store holds every source refreshed from the mirror; a list the example needs that has no snapshot
is a failure, not a skip. Expectations are computed from the store or the raw files, never written in.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportcheck.claims import default_context, load_claims, verify
from exportcheck.claims.verdict import Report
from exportcheck.cli import app
from exportcheck.settings import get_settings
from exportcheck.store import SnapshotStore


@pytest.fixture(scope="session")
def real_lists(real_lists_dir: Path) -> Path:
    """The session's lists folder refreshed from the real mirror (every dated file)."""
    return real_lists_dir


@pytest.fixture(scope="session")
def real_report(real_lists: Path, examples_file: Path) -> Report:
    return verify(load_claims(examples_file), default_context(get_settings(real_lists)),
                  claims_file=str(examples_file))


def test_every_entity_evidence_cites_a_real_snapshot_and_its_data_date(real_report: Report, real_lists: Path) -> None:
    store = SnapshotStore(real_lists)
    seen = 0
    for result in real_report.results:
        for step in result.steps:
            for ev in step.evidence:
                if ev.kind != "entity":
                    continue
                snap = store.get(ev.source, ev.snapshot)
                assert ev.data_date == snap.meta.data_date.isoformat()  # type: ignore[union-attr]
                assert ev.timing and ev.matched_text
                seen += 1
    assert seen > 0
    listed = {s.source for s in real_report.snapshots if s.version}
    assert listed == {sid for sid in listed if store.latest(sid) is not None} and listed


def test_cetc_parent_red_flag_found_in_the_real_csl(real_report: Report, real_lists: Path, raw_dir: Path) -> None:
    """The 2022 CSL (official CSV) lists CETC itself on NS-CMIC; the report must show it as a red flag of
    the parent (not a sanction, not a listing of the 24th institute)."""
    import gzip

    raw = gzip.decompress((raw_dir / "us-csl" / "consolidated_2022-04.csv.gz").read_bytes()).decode("utf-8")
    assert "CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION" in raw  # the fact, counted from the file itself
    judgement = next(r for r in real_report.results if r.claim_id == "customer-judgement")
    awareness = next(s for s in judgement.steps if s.key == "awareness")
    cmic = [e for e in awareness.evidence if e.list == "NS-CMIC"]
    assert cmic and cmic[0].matched_text.startswith("(parent of 24th Research Institute")
    assert cmic[0].listing_date == "2021-06-03"
    sanctions = next(r for r in real_report.results if r.claim_id == "cetc24-sanctions")
    assert all(e.list != "NS-CMIC" for s in sanctions.steps for e in s.evidence)


def test_entity_list_dates_when_the_entity_list_is_held(real_report: Report, real_lists: Path, raw_dir: Path) -> None:
    assert SnapshotStore(real_lists).latest("us-entity-list") is not None, "refresh published no Entity List"
    import re

    # the expectation, read from the raw eCFR-derived file independently of any parser
    raw = json.loads((raw_dir / "us-ear" / "DERIVED_entity-list_part744-supp4_2026-07-09.json").read_text("utf-8"))
    entry = next(e for e in raw["entities"] if "CETC 24" in (e.get("aliases") or []))
    month, day, year = re.search(r"(\d{1,2})/(\d{1,2})/(\d{2})", entry["federal_register"]).groups()  # type: ignore[union-attr]
    expected = f"20{year}-{int(month):02d}-{int(day):02d}"
    result = next(r for r in real_report.results if r.claim_id == "cetc24-part-no-licence")
    us = next(s for s in result.steps if s.key == "us-ear")
    el = [e for e in us.evidence if e.source == "us-entity-list"]
    assert [e.name for e in el] == [entry["name"]]
    assert el[0].listing_date == expected and expected in el[0].citation
    assert "within the export period" in el[0].timing  # "2024": neither clearly before nor after
    assert us.status == "undetermined" and result.status == "undetermined"
    copies = [e for e in us.evidence if e.source == "us-csl" and e.name == entry["name"]]
    assert all("date from the us-entity-list copy" in e.timing for e in copies)
    siqa = next(r for r in real_report.results if r.claim_id == "siqa-not-listed")
    assert siqa.status == "consistent"
    lookalike = [e for s in siqa.steps for e in s.evidence if e.source == "us-entity-list"]
    assert lookalike and "after the export (2024-02-05)" in lookalike[0].timing and "DIFFERENT" in lookalike[0].note


def test_cli_verify_formats_and_exit_code(real_lists: Path, examples_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["verify", str(examples_file), "--lists-dir", str(real_lists), "--out", str(out)])
    assert result.exit_code == 0, result.output  # nothing contradicted on the public facts of this case
    data = json.loads(out.read_text(encoding="utf-8"))
    ids = [c.id for c in load_claims(examples_file).claims]
    assert [r["claim_id"] for r in data["results"]] == ids
    md = runner.invoke(app, ["verify", str(examples_file), "--lists-dir", str(real_lists), "--format", "md"])
    assert md.exit_code == 0 and all(f"## {i} — **" in md.output for i in ids)
    bad = runner.invoke(app, ["verify", str(examples_file), "--lists-dir", str(real_lists), "--format", "pdf"])
    assert bad.exit_code == 2 and "--format must be one of" in bad.output


def test_cli_verify_exits_1_when_a_claim_is_contradicted(real_lists: Path, tmp_path: Path) -> None:
    claims = tmp_path / "c.yaml"
    claims.write_text("claims:\n  - id: nxt\n    kind: item-not-controlled\n    regimes: [nl]\n    date: 2024-02-05\n"
                      "    exporter: {name: X, country: NL}\n    item: {parent_machine: 'TWINSCAN NXT:2000i'}\n",
                      encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(claims), "--lists-dir", str(real_lists), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["results"][0]["status"] == "contradicted"


def test_schema_claims_validates_the_example(examples_file: Path) -> None:
    import jsonschema
    import yaml

    result = CliRunner().invoke(app, ["schema", "claims"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    data = yaml.load(examples_file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # dates as strings
    jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"claims": [{"id": "x", "kind": "nope"}]}, schema)
    assert CliRunner().invoke(app, ["schema", "nope"]).exit_code == 2


def test_eu_annex_step_reads_real_annex_versions_bracketing_2024(real_report: Report, real_lists: Path) -> None:
    store = SnapshotStore(real_lists)
    assert store.latest("eu-dual-use") is not None, "refresh published no Annex I"
    held = {s.version for s in store.snapshots("eu-dual-use")}
    result = next(r for r in real_report.results if r.claim_id == "siqa-duv-no-licence")
    eu = next(s for s in result.steps if s.key == "eu-annex-i")
    assert eu.status == "undetermined"
    assert "2023/2616" in eu.finding and "not held" in eu.finding
    controls = [e for e in eu.evidence if e.kind == "control"]
    assert controls and {e.snapshot for e in controls} <= held
    assert any(e.control_code.startswith("3B001") for e in controls)
    assert any("after the export date" in e.timing for e in controls if e.data_date > "2024-02-05")


def test_backends_are_the_project_packages(real_report: Report) -> None:
    """The claims engine calls the matcher and the control lists directly; the report says so."""
    assert real_report.backends == {"screener": "exportcheck.matching", "controls": "exportcheck.controls"}


#: The example's verdicts, and why (issue 14 added the two red-flag-list checks; the six earlier verdicts are
#: unchanged by registering ASPI, the new lists and the red-flag rule).
EXPECTED_VERDICTS = {
    "cetc24-part-no-licence": "undetermined",  # Entity List entry of 2024-05-14 within "2024"; Annex I open
    "siqa-duv-no-licence": "undetermined",  # the DUV model is not public
    "cetc24-sanctions": "consistent",  # no sanctions listing; NS-CMIC/1260H of the parent are not sanctions
    "only-licensed-or-exempt": "undetermined",  # invokes the government; nothing public settles it
    "customer-judgement": "undetermined",  # the lists flagged CETC before 2024; what ASML knew is not public
    "siqa-not-listed": "consistent",  # on no list; ASPI's 2020 research copy is no gap
    "cetc24-red-flag-lists": "undetermined",  # on METI's list, held only in its 2025-09 edition (no listing date)
    "siqa-red-flag-lists": "consistent",  # on none of the lists that are not export bans
}


def test_example_verdicts(real_report: Report) -> None:
    assert {r.claim_id: r.status for r in real_report.results} == EXPECTED_VERDICTS


def test_cetc24_on_the_new_lists_as_they_stood_in_2024(real_report: Report, real_lists: Path,
                                                       examples_file: Path) -> None:
    """METI's End User List names CETC 24 (as an alias of its entry), but the only edition held is of 2025-09:
    the report must say the entry cannot be read back to 2024, and that METI's list is a red flag."""
    store = SnapshotStore(real_lists)
    meti = store.latest("jp-meti-eul")
    assert meti is not None and meti.meta.data_date is not None and meti.meta.data_date.year == 2025
    table = meti.load()
    entry = table[table["aliases"].map(lambda a: any(x["name"] == "CETC 24" for x in a))]
    assert len(entry) == 1
    result = next(r for r in real_report.results if r.claim_id == "cetc24-red-flag-lists")
    step = next(s for s in result.steps if s.key == "lists")
    found = [e for e in step.evidence if e.source == "jp-meti-eul"]
    assert [e.name for e in found] == [entry.iloc[0]["name"]]
    assert found[0].data_date == meti.meta.data_date.isoformat() and not found[0].listing_date
    assert "after the export" in found[0].timing and "cannot tell whether it was listed then" in found[0].timing
    assert "not an EU export ban" in step.finding and "Held only in editions from after the export date" in step.finding
    named = next(c.lists for c in load_claims(examples_file).claims if c.id == result.claim_id)
    assert {c.source for c in step.checked} == set(named)


def test_siqa_on_none_of_the_new_lists_in_2024(real_report: Report) -> None:
    result = next(r for r in real_report.results if r.claim_id == "siqa-red-flag-lists")
    step = next(s for s in result.steps if s.key == "lists")
    assert not [e for e in step.evidence if e.kind == "entity"]
    assert all(c.version for c in step.checked), "every named list is held"
    assert "aspi-unitracker (2020-08-22); they are reported for awareness" in step.finding
    judgement = next(r for r in real_report.results if r.claim_id == "customer-judgement")
    awareness = next(s for s in judgement.steps if s.key == "awareness")
    aspi = [e for e in awareness.evidence if e.source == "aspi-unitracker"]
    assert aspi and all(e.matched_text.startswith("(parent of 24th Research Institute") for e in aspi)
    assert "a red flag from research (no legal effect, not a listing)" in awareness.finding

