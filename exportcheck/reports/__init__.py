"""Renderers for a verification :class:`~exportcheck.claims.verdict.Report`: JSON, Markdown, HTML.

All three render the same report object, so what a journalist reads in the HTML is exactly what the
JSON holds. The HTML is one self-contained file (inline CSS, no scripts, fonts or images from
elsewhere) that prints cleanly, so it can be archived or attached to a story as is.
"""

from __future__ import annotations

from typing import Literal

from exportcheck.claims.verdict import Report
from exportcheck.errors import ConfigError
from exportcheck.reports.html import render_html
from exportcheck.reports.json_report import render_json
from exportcheck.reports.markdown import render_markdown

Format = Literal["json", "md", "html"]
RENDERERS = {"json": render_json, "md": render_markdown, "html": render_html}

__all__ = ["RENDERERS", "render", "render_html", "render_json", "render_markdown"]


def render(report: Report, fmt: str) -> str:
    """The report as text in ``fmt`` (json | md | html)."""
    try:
        return RENDERERS[fmt](report)
    except KeyError:
        raise ConfigError(f"unknown report format {fmt!r} (use one of: {', '.join(RENDERERS)})") from None
