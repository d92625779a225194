"""``exportcheck classify``, ``control compare``, ``Lists.classify`` and the claims step, on a store refreshed from the real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportcheck.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_classify_json_gives_arithmetic(control_lists_dir: Path) -> None:
    result = CliRunner().invoke(app, ["classify", "ArF immersion scanner", "--param", "numerical_aperture=1.20",
                                      "--param", "dedicated_chuck_overlay=1.3 nm", "--as-of", "2026-01-10",
                                      "--json", "--lists-dir", str(control_lists_dir)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by = {e["code"]: e for e in data["entries"]}
    assert by["3B501.f.1"]["status"] == "meets" and by["3B001.f.1"]["status"] == "excluded"
    assert any("193 × 0,25 / 1,2 = 40,2 nm ≤ 45 nm" in m for m in by["3B501.f.1"]["met"])


def test_classify_ask_asks_one_missing_parameter_at_a_time(control_lists_dir: Path) -> None:
    args = ["classify", "ArF immersion scanner NA 1.20", "--as-of", "2026-01-10", "--ask", "--json",
            "--lists-dir", str(control_lists_dir)]
    result = CliRunner().invoke(app, args, input="1.3 nm\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("dedicated_chuck_overlay (with its unit") == 1
    data = json.loads(result.output[result.output.index("{"):])
    assert {e["code"]: e["status"] for e in data["entries"]}["3B501.f.1"] == "meets"
    unknown = CliRunner().invoke(app, args, input="\n")  # not known: stays open, asked once
    data = json.loads(unknown.output[unknown.output.index("{"):])
    assert {e["code"]: e["status"] for e in data["entries"]}["3B501.f.1"] == "open"


def test_classify_bad_input_is_one_line(control_lists_dir: Path) -> None:
    result = CliRunner().invoke(app, ["classify", "scanner", "--param", "wavelength", "--lists-dir", str(control_lists_dir)])
    assert result.exit_code != 0 and "NAME=VALUE" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["classify", "scanner", "--regime", "xx", "--lists-dir", str(control_lists_dir)])
    assert result.exit_code != 0 and "--regime" in result.output


@pytest.mark.parametrize("args", [["control", "show", "3B001"], ["control", "show", "3B001", "--regime", "us"],
                                  ["control", "search", "scanner"], ["classify", "scanner"],
                                  ["control", "compare", "eu:3B001.f.1"]])
def test_a_bad_as_of_is_one_line_naming_the_option(control_lists_dir: Path, args: list[str]) -> None:
    # 2024-02-30 has the shape of a date: only reading it as one finds it is none
    result = CliRunner().invoke(app, [*args, "--as-of", "2024-02-30", "--lists-dir", str(control_lists_dir)])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == "error: --as-of '2024-02-30': not a date (use YYYY-MM-DD)"


def test_an_empty_control_search_is_one_line(control_lists_dir: Path) -> None:
    result = CliRunner().invoke(app, ["control", "search", "  ", "--lists-dir", str(control_lists_dir)])
    assert result.exit_code == 2 and result.output.startswith("error: give a product description to search")


def test_classify_nl_says_the_annex_is_not_held(control_lists_dir: Path) -> None:
    result = CliRunner().invoke(app, ["classify", "ArF immersion scanner", "--regime", "nl", "--lists-dir",
                                      str(control_lists_dir)])
    assert result.exit_code == 0 and "annex (the list of controlled items) is not held" in " ".join(result.output.split())


def test_compare_across_regimes_and_versions(control_lists_dir: Path) -> None:
    result = CliRunner().invoke(app, ["control", "compare", "eu:3B001.f.1", "us:3B001.f.1", "--json",
                                      "--lists-dir", str(control_lists_dir)])
    assert result.exit_code == 0, result.output
    rows = {r["parameter"]: r for r in json.loads(result.output)["rows"]}
    assert rows["dedicated_chuck_overlay"]["differs"] and rows["dedicated_chuck_overlay"]["cells"][0] == "—"
    assert not rows["(structure)"]["differs"] or rows["(structure)"]["cells"][0] == "any of a, b"
    versions = CliRunner().invoke(app, ["control", "compare", "eu:3B001.f.1", "--json", "--lists-dir", str(control_lists_dir)])
    data = json.loads(versions.output)
    assert [c["version"] for c in data["columns"]] == ["02021R0821-20230526", "02021R0821-20251115"]
    mrf = next(r for r in data["rows"] if r["parameter"] == "mrf")
    assert "reconstructed" in mrf["cells"][0] and "reconstructed" not in mrf["cells"][1]


def test_lists_classify_returns_a_frame(control_lists_dir: Path) -> None:
    from exportcheck.api import load

    frame = load(lists_dir=control_lists_dir).classify("EUV scanner with a 13.5 nm light source", as_of="2026-01-10")
    row = frame[frame.code == "3B001.f.1"].iloc[0]
    assert row.status == "meets" and "13,5 nm < 193 nm" in row.met


def test_stated_parameters_example_verdicts(control_lists_dir: Path) -> None:
    from exportcheck.claims import default_context, load_claims, verify
    from exportcheck.settings import get_settings

    report = verify(load_claims(EXAMPLES / "stated-parameters.yaml"), default_context(get_settings(control_lists_dir)))
    status = {r.claim_id: r.status for r in report.results}
    assert status["euv-scanner-2026"] == "contradicted"
    assert status["duv-immersion-2026"] == "contradicted"
    assert status["duv-immersion-2024"] != "contradicted" and status["krf-scanner-2026"] != "contradicted"
    assert status["generic-seal-2024"] == "undetermined"
    eu = {r.claim_id: next(s for s in r.steps if s.key == "eu-annex-i") for r in report.results}
    assert "193 × 0,25 / 1,2 = 40,2 nm ≤ 45 nm" in eu["duv-immersion-2026"].finding
    assert "read from the description: wavelength = 13.5 nm".lower() in eu["euv-scanner-2026"].finding.lower()
    assert eu["duv-immersion-2024"].status == "consistent" and "56,3 nm" in eu["duv-immersion-2024"].finding
    assert eu["krf-scanner-2026"].status == "consistent"
