"""Report renderers (JSON, Markdown, HTML) and the HTML in a real headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from exportcheck.claims import Context, load_claims, verify
from exportcheck.claims.verdict import Report
from exportcheck.errors import ConfigError
from exportcheck.reports import render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def report(ctx: Context, examples_file: Path) -> Report:
    claims = load_claims(examples_file)
    # a claim text with markup, to prove the HTML escapes what companies wrote
    claims.claims[0].text = "<script>alert(1)</script> " + claims.claims[0].text
    return verify(claims, ctx, claims_file=str(examples_file))


def test_json_round_trips(report: Report) -> None:
    again = Report.model_validate_json(render(report, "json"))
    assert again == report


def test_markdown_has_every_claim_step_and_evidence_row(report: Report) -> None:
    md = render(report, "md")
    for result in report.results:
        assert f"## {result.claim_id} — **{result.status.upper()}** ({result.assessment})" in md
        for step in result.steps:
            assert f"### Step {step.number}: {step.title}" in md
    rows = sum(len(s.evidence) for r in report.results for s in r.steps)
    tables = sum(1 for r in report.results for s in r.steps if s.evidence)
    seven_columns = [line for line in md.splitlines()
                     if line.startswith("|") and len(re.findall(r"(?<!\\)\|", line)) == 8]
    assert len(seven_columns) == rows + 2 * tables  # header + rule line per table, one row per evidence
    entity = next(e for r in report.results for st in r.steps for e in st.evidence if e.kind == "entity")
    assert f"{entity.snapshot} ({entity.data_date})" in md


def test_json_scores_are_fractions(report: Report) -> None:
    """Scores are 0..1 in the data (the JSON report) as in ``exportcheck screen``; never percentages."""
    import json

    data = json.loads(render(report, "json"))
    scores = [e["score"] for r in data["results"] for s in r["steps"] for e in s["evidence"] if e["score"] is not None]
    assert scores and all(0.0 <= x <= 1.0 for x in scores)
    assert any(x > 0.5 for x in scores)


def test_html_is_self_contained_escaped_and_printable(report: Report) -> None:
    html = render(report, "html")
    assert not re.search(r"<(script|link|img|iframe)\b", html, re.I)
    assert not re.search(r"@import|url\(|src=", html, re.I)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "@media print" in html
    for result in report.results:
        assert f'data-claim-id="{result.claim_id}" data-status="{result.status}"' in html
    assert html.count('<table class="evidence">') == sum(1 for r in report.results for s in r.steps if s.evidence)


def test_unknown_format() -> None:
    with pytest.raises(ConfigError, match="unknown report format 'pdf'"):
        render(Report.model_validate({"generated_at": "2026-01-01T00:00:00Z", "exportcheck_version": "x",
                                      "results": []}), "pdf")


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs it in .ci/run: apt-get install -y chromium)")
def test_html_renders_in_headless_chromium(report: Report, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(report, "html"), encoding="utf-8")
    dom = _chromium(["--dump-dom", page.as_uri()], tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    for result in report.results:
        section = re.search(rf'<section class="claim" id="claim-{re.escape(result.claim_id)}"[^>]*>(.*?)</section>',
                            dom.stdout, re.S)
        assert section, f"claim {result.claim_id} not in the rendered DOM"
        assert f'data-verdict="{result.status}"' in section.group(1)
        assert section.group(1).count('class="step"') == len(result.steps)
    png = tmp_path / "report.png"
    shot = _chromium([f"--screenshot={png}", "--window-size=1280,2000", page.as_uri()], tmp_path / "profile-png")
    assert shot.returncode == 0 and png.exists(), shot.stderr[-2000:]
    from matplotlib.image import imread

    pixels = imread(png)
    assert pixels.shape[:2] == (2000, 1280)
    assert pixels.std() > 0.05  # not a blank page: text, badges and tables give contrast
    rows_with_ink = (pixels[:, :, :3].min(axis=2) < 0.5).any(axis=1).sum()
    assert rows_with_ink > 400  # many lines of text, not an error page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs it in .ci/run: apt-get install -y chromium)")
def test_html_prints_to_pdf(report: Report, tmp_path: Path) -> None:
    """The print stylesheet yields a multi-page PDF (each claim's steps kept together where they fit)."""
    page = tmp_path / "report.html"
    page.write_text(render(report, "html"), encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    done = _chromium([f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()], tmp_path / "profile-pdf")
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 3
