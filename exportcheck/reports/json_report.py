"""The report as JSON: the pydantic model dumped as is (the machine-readable record of a verification)."""

from __future__ import annotations

from exportcheck.claims.verdict import Report


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"
