"""Claim extraction on the real Dutch correspondence (shared/cases) and on English statements."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from exportcheck.claims import parse_claims
from exportcheck.claims.extract import company_sections, detect_language, extract_claims, skeleton_yaml
from exportcheck.cli import app

CASE = "nieuwsuur-asml-correspondence-2025.nl.txt"


@pytest.fixture(scope="module")
def statement(cases_dir: Path) -> str:
    return (cases_dir / CASE).read_text(encoding="utf-8")


def test_finds_the_company_licence_claims_in_the_real_dutch_statement(statement: str) -> None:
    found = extract_claims(statement, "nl")
    licence = [f.sentence for f in found if f.kind == "no-licence-required"]
    assert any("niet onderhevig zijn aan enige vergunningplicht" in s for s in licence)
    assert any(s.startswith("ASML exporteert alleen machines en onderdelen waarvoor")
               and "geen vergunning nodig is" in s and "geldige exportvergunning" in s for s in licence)
    judgement = [f.sentence for f in found if f.kind == "customer-judgement"]
    assert judgement == ["Leveranciers, zoals ASML, kunnen niet zelf inschatten of een chipfabrikant in China wel of "
                         "niet onder een exportcontrole regime moet vallen."]
    assert any(f.kind == "sanctions-compliant" and "sancties" in f.sentence for f in found)


def test_only_the_company_replies_are_read_never_the_questions(statement: str) -> None:
    sections = company_sections(statement)
    assert [who for who, _ in sections] == ["ASML, reply received 07-11-2025", "ASML, reply received 14-11-2025"]
    found = extract_claims(statement)
    assert found and all(not f.sentence.endswith("?") for f in found)
    # the reporters' paraphrase ("... zelf niet kan inschatten ...") is in their letter, not in a reply
    assert not any("Op basis van jullie schriftelijke reactie" in f.sentence for f in found)
    # every quote is verbatim text of the statement once line breaks are joined
    flat = " ".join(statement.split())
    assert all(" ".join(f.sentence.split()) in flat for f in found)


def test_skeleton_quotes_sentences_and_loads_as_a_claims_file(statement: str) -> None:
    found = extract_claims(statement)
    text = skeleton_yaml(found, source=CASE)
    claims = parse_claims(yaml.safe_load(text), "skeleton")
    assert [c.text for c in claims.claims] == [f.sentence for f in found]
    assert claims.exporter is not None and claims.exporter.name == "ASML"
    assert {c.said_by for c in claims.claims} == {"ASML, reply received 07-11-2025", "ASML, reply received 14-11-2025"}


def test_news_article_has_no_company_claims(cases_dir: Path) -> None:
    text = (cases_dir / "nos-article-cetc-2025.nl.txt").read_text(encoding="utf-8")
    assert detect_language(text) == "nl"
    assert extract_claims(text) == []


def test_english_statement() -> None:
    text = ("Statement from Example Corp:\n\nThe parts we shipped were not subject to any licence requirement. "
            "We comply with all applicable sanctions. Our customer is not on any sanctions list. "
            "Suppliers cannot themselves judge whether a customer should fall under a control regime. "
            "Did you ship to China?\n")
    assert detect_language(text) == "en"
    kinds = [f.kind for f in extract_claims(text)]
    assert kinds == ["no-licence-required", "sanctions-compliant", "sanctions-compliant", "party-not-listed",
                     "customer-judgement"]


def test_cli_extract_writes_the_skeleton(cases_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "skeleton.yaml"
    result = CliRunner().invoke(app, ["extract", str(cases_dir / CASE), "--lang", "nl", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "vergunningplicht" in out.read_text(encoding="utf-8")
    bad = CliRunner().invoke(app, ["extract", str(cases_dir / CASE), "--lang", "de"])
    assert bad.exit_code == 2 and "--lang must be en or nl" in bad.output
    binary = tmp_path / "statement.txt"
    binary.write_bytes(b"PK\x03\x04\x00\x00 not a statement")
    refused = CliRunner().invoke(app, ["extract", str(binary)])
    assert refused.exit_code == 2 and "binary data" in refused.output and "Traceback" not in refused.output
