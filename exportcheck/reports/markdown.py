"""The report as Markdown, for pasting into a newsroom document or a GitHub issue."""

from __future__ import annotations

from exportcheck.claims.verdict import Report
from exportcheck.reports._env import environment


def render_markdown(report: Report) -> str:
    return environment().get_template("report.md.j2").render(report=report, counts=report.counts())
