"""The report as one self-contained, printable HTML page (inline CSS; no external assets)."""

from __future__ import annotations

from exportcheck.claims.verdict import Report
from exportcheck.reports._env import environment


def render_html(report: Report) -> str:
    return environment().get_template("report.html.j2").render(report=report, counts=report.counts())
