"""The claims engine's US steps with the Part 738 determination, over the real CCL, Country Chart and groups.

The context is the engine's own over the session's lists refreshed from the real mirror: the CCL with its
Country Chart tables comes through the real parser into the control lists, parties go through the matcher.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from exportcheck.claims import Context, default_context, parse_claims, verify_claim
from exportcheck.claims.verdict import ClaimResult, Step
from exportcheck.settings import get_settings

US_EXPORTER = {"name": "Example Semiconductor Tools Inc.", "country": "US"}
NL_EXPORTER = {"name": "ASML Netherlands B.V.", "country": "NL"}
CONSIGNEE = {"name": "Zagros Precision Instruments Trading", "role": "consignee"}


@pytest.fixture
def us_ctx(real_lists_dir: Path) -> Context:
    ctx = default_context(get_settings(real_lists_dir))
    data = ctx.controls.data
    assert data is not None and not data.table("licence_requirements").empty  # the Country Chart came through
    return ctx


def run(ctx: Context, exporter: dict[str, str], **claim: Any) -> ClaimResult:
    claim.setdefault("id", "c1")
    claims = parse_claims({"exporter": exporter, "claims": [claim]})
    return verify_claim(claims.claims[0], ctx)


def step(result: ClaimResult, key: str) -> Step:
    return next(s for s in result.steps if s.key == key)


def _licence(ctx: Context, exporter: dict[str, str], destination: str, code: str, date: Any = "2024-06-01",
             **item: Any) -> Step:
    result = run(ctx, exporter, kind="no-licence-required", date=date, destination=destination,
                 parties=[{**CONSIGNEE, "country": destination[:2]}],
                 item={"description": "integrated circuits", "control_codes": [f"us:{code}"], **item})
    return step(result, "us-ear")


def test_us_item_to_iran_contradicts_no_licence(us_ctx: Context) -> None:
    us = _licence(us_ctx, US_EXPORTER, "IR", "3A001")
    assert us.status == "contradicted"
    assert "Licence required: see Part 746" in us.finding and "734.3(a)(1)" in us.finding
    assert "never" not in us.finding.split("Licence required: see Part 746")[0][-40:]
    ev = [e for e in us.evidence if e.kind == "rule"]
    assert ev and ev[0].data_date == "2026-07-23" and "licence-required-part-746" in ev[0].name
    assert "EARLIER than that text" in us.finding  # a 2024 export read on the 2026 text, said so


def test_hong_kong_is_judged_as_china(us_ctx: Context) -> None:
    hk = _licence(us_ctx, US_EXPORTER, "HK", "3A001")
    assert hk.status == "contradicted" and "entry for China" in hk.finding
    assert "Licence required for 3A001 to China" in hk.finding


def test_no_x_is_never_a_contradiction(us_ctx: Context) -> None:
    de = _licence(us_ctx, US_EXPORTER, "DE", "3B001.f.1")
    assert de.status != "contradicted" and "ONLY IF General Prohibitions" in de.finding


def test_foreign_made_item_stays_open_and_names_the_missing_facts(us_ctx: Context) -> None:
    for content in ("unknown", "no"):
        cn = _licence(us_ctx, NL_EXPORTER, "CN", "3B001.f.1", us_content=content)
        assert cn.status == "undetermined", content
        assert "If the item is subject to the EAR" in cn.finding
        assert "de minimis" in cn.settle and "734.9" in cn.settle


def test_a_period_across_a_rule_change_is_not_contradicted(us_ctx: Context) -> None:
    # 3A991 (AT only): no X for Russia; 746.8 (from 24 Feb 2022, unconfirmed) requires a licence for every CCL item
    ru = _licence(us_ctx, US_EXPORTER, "RU", "3A991", date={"from": "2022-01-01", "to": "2022-12-31"})
    assert ru.status != "contradicted" and "differs within the claim's period" in ru.finding
    later = _licence(us_ctx, US_EXPORTER, "RU", "3A991", date="2023-03-01")
    assert later.status == "contradicted" and "746.8" in later.finding


def test_item_not_controlled_shows_the_licence_answer(us_ctx: Context) -> None:
    result = run(us_ctx, US_EXPORTER, kind="item-not-controlled", date="2026-08-01", destination="KP", regimes=["us"],
                 item={"description": "integrated circuits", "control_codes": ["us:3A001"]})
    ccl = step(result, "us-ccl")
    assert ccl.status == "contradicted" and "742.19" in ccl.finding and "see Part 746" in ccl.finding
    early = step(run(us_ctx, US_EXPORTER, kind="item-not-controlled", date="2024-06-01", destination="KP",
                     regimes=["us"], item={"control_codes": ["us:3A001"]}), "us-ccl")
    assert early.status == "undetermined" and "see Part 746" in early.finding  # only a later CCL is held


def test_example_file_through_the_cli(real_lists_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """examples/us-licence.yaml on a store holding only the CCL: the licence answers need no other list."""
    import json
    import shutil

    from typer.testing import CliRunner

    from exportcheck.cli import app

    folder = tmp_path_factory.mktemp("ccl-only")
    shutil.copytree(real_lists_dir / "us-ccl", folder / "us-ccl")  # the session's one refresh, copied
    example = Path(__file__).resolve().parents[2] / "examples" / "us-licence.yaml"
    out = folder / "report.json"
    result = CliRunner().invoke(app, ["verify", str(example), "--lists-dir", str(folder), "--format", "json",
                                      "--out", str(out)])
    assert result.exit_code == 1, result.output  # a claim is contradicted
    report = json.loads(out.read_text(encoding="utf-8"))
    status = {r["claim_id"]: r["status"] for r in report["results"]}
    us = {r["claim_id"]: next(s for s in r["steps"] if s["key"] == "us-ear") for r in report["results"]}
    assert status["us-mmic-to-iran"] == status["us-mmic-to-hong-kong"] == "contradicted"
    assert "see Part 746" in us["us-mmic-to-iran"]["finding"]
    assert "entry for China" in us["us-mmic-to-hong-kong"]["finding"]
    assert us["us-scanner-to-germany"]["status"] != "contradicted"
    assert us["dutch-scanner-to-china"]["status"] == "undetermined" and "de minimis" in us["dutch-scanner-to-china"]["settle"]


CETC24 = {"name": "24th Research Institute of China Electronics Technology Group Corporation",
          "aliases": ["24th Research Institute of CETC", "CETC 24"], "country": "CN", "role": "end-user"}


def test_us_exporter_to_an_entity_list_party_by_date(us_ctx: Context) -> None:
    # "CETC 24" is an alias of CETC Chip Technology Co., Ltd. (89 FR 41888, 5/14/24): "For all items subject to the EAR"
    def us_step(day: str) -> Step:
        return step(run(us_ctx, US_EXPORTER, kind="no-licence-required", date=day, destination="CN", parties=[CETC24],
                        item={"description": "cable assembly", "control_codes": ["us:EAR99"]}), "us-ear")
    after = us_step("2024-06-01")
    assert after.status == "contradicted" and "Entity List on the date" in after.finding
    before = us_step("2024-03-01")
    assert before.status != "contradicted"


def test_a_region_as_destination_is_determined_for_the_region(us_ctx: Context) -> None:
    """"Crimea" (or "UA-43") is kept as the region, whose 746.6 embargo the US step applies; "UA" is Ukraine."""
    for written in ("Crimea", "UA-43", "crimea region of ukraine"):
        claims = parse_claims({"claims": [{"id": "c1", "kind": "no-licence-required", "destination": written}]})
        assert claims.claims[0].destination == "UA-43", written
    crimea = _licence(us_ctx, US_EXPORTER, "UA-43", "3A991", date="2023-03-01")
    ukraine = _licence(us_ctx, US_EXPORTER, "UA", "3A991", date="2023-03-01")
    assert crimea.status == "contradicted" and "to UA-43" in crimea.finding and "746.6" in crimea.finding
    assert ukraine.status != "contradicted" and "746.6" not in ukraine.finding.split("Part 738 procedure")[1][:300]
