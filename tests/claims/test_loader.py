"""Claims files: what loads, and the one-line message (naming the field) for what does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportcheck.claims import load_claims, parse_claims
from exportcheck.cli import app
from exportcheck.errors import InputError

GOOD = """
exporter: {name: ASML Netherlands B.V., country: NL}
claims:
  - id: a
    kind: party-not-listed
    date: 2024-02-05
    parties: [{name: Shenzhen International Quantum Academy, country: cn}]
  - id: b
    kind: no-licence-required
    date: 2024
    item: {description: part, control_codes: ["eu:3B001.f", {regime: us, code: EAR99}]}
  - id: c
    kind: sanctions-compliant
    date: {from: 2024-01, to: 2024-03}
"""


def _write(tmp_path: Path, text: str, name: str = "claims.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads_with_dates_periods_codes_and_defaults(tmp_path: Path) -> None:
    claims = load_claims(_write(tmp_path, GOOD))
    a, b, c = claims.claims
    assert a.date is not None and a.date.exact and a.date.start.isoformat() == "2024-02-05"
    assert a.parties[0].country == "CN" and a.exporter is not None and a.exporter.country == "NL"
    assert b.date is not None and (b.date.start.isoformat(), b.date.end.isoformat()) == ("2024-01-01", "2024-12-31")
    assert b.item is not None and [(x.regime, x.code) for x in b.item.control_codes] == [("eu", "3B001.f"), ("us", "EAR99")]
    assert b.item.control_codes[1].states_unlisted
    assert c.date is not None and (c.date.start.isoformat(), c.date.end.isoformat()) == ("2024-01-01", "2024-03-31")


def test_json_claims_file(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"claims": [{"id": "x", "kind": "party-not-listed", "date": "2024-02-29"}]}', "c.json")
    assert load_claims(path).claims[0].date.start.isoformat() == "2024-02-29"  # type: ignore[union-attr]


@pytest.mark.parametrize(("edit", "message"), [
    (("date: {from: 2024-01, to: 2024-03}", "date: 2024-13-01"), "claims[2].date: invalid date '2024-13-01'"),
    (("date: 2024-02-05", "date: 2023-02-29"), "claims[0].date: invalid date '2023-02-29'"),
    (("kind: sanctions-compliant", "kind: compliant"), "claims[2].kind: 'compliant' is not one of"),
    (("country: cn", "country: Narnia"), "claims[0].parties[0].country: invalid country 'Narnia'"),
    (('"eu:3B001.f"', '"3B001.f"'), "claims[1].item.control_codes[0]: give the regime of '3B001.f'"),
    (("    date: 2024\n", "    date: 2024\n    destiantion: CN\n"), "claims[1].destiantion: unknown field"),
    (("  - id: b", "  - id: a"), "duplicate id 'a'"),
    (("date: {from: 2024-01, to: 2024-03}", "date: {from: 2024-03, to: 2024-01}"), "claims[2].date: 'to' (2024-01-31) is before 'from'"),
    (("date: {from: 2024-01, to: 2024-03}", "date: {from: 2024-01}"), "claims[2].date: a period needs both 'from' and 'to'"),
    (("  - id: c\n", "  - kind: party-not-listed\n"), "claims[2].id: required field missing"),
])
def test_bad_field_is_named(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    old, new = edit
    assert old in GOOD
    with pytest.raises(InputError) as info:
        load_claims(_write(tmp_path, GOOD.replace(old, new, 1)))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_not_yaml_not_a_mapping_no_claims(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not valid YAML \(line 3, column 1\): expected ',' or ']'"):
        load_claims(_write(tmp_path, "claims:\n  - id: [unclosed\n"))
    with pytest.raises(InputError, match="expected a mapping"):
        load_claims(_write(tmp_path, "just a string\n"))
    with pytest.raises(InputError, match="claims: List should have at least 1 item"):
        parse_claims({"claims": []})
    with pytest.raises(InputError, match="no such claims file"):
        load_claims(tmp_path / "missing.yaml")


def test_cli_reports_the_field_without_a_traceback(tmp_path: Path, lists_dir: Path) -> None:
    path = _write(tmp_path, GOOD.replace("date: {from: 2024-01, to: 2024-03}", "date: 2024-13-01"))
    result = CliRunner().invoke(app, ["verify", str(path)])
    assert result.exit_code == 2
    assert "claims[2].date: invalid date '2024-13-01'" in result.output
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(result.exception, SystemExit)


def test_unknown_list_id_is_named(tmp_path: Path, lists_dir: Path) -> None:
    path = _write(tmp_path, GOOD.replace("    parties: [{name:", "    lists: [us-entity-list, us-fake]\n    parties: [{name:", 1))
    result = CliRunner().invoke(app, ["verify", str(path)])
    assert result.exit_code == 2
    assert "claims[0].lists[1]: unknown list 'us-fake' (known:" in result.output
