"""The jinja2 environment shared by the Markdown and HTML renderers (templates ship with the package)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

STATUS_LABEL = {"contradicted": "Contradicted", "consistent": "Consistent", "undetermined": "Undetermined"}


def _md_cell(value: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ").strip()


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("exportcheck.reports", "templates"),
                      autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = _md_cell
    env.globals["STATUS_LABEL"] = STATUS_LABEL
    return env
