"""Commands about claims: ``verify`` a claims file, ``extract`` claims from a statement, ``schema``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from exportcheck.cli._app import LISTS_DIR_OPTION, app, err_console, settings_for, user_errors
from exportcheck.errors import ConfigError, InputError

if TYPE_CHECKING:
    from pydantic import BaseModel

# The claims engine, reports and pydantic models are imported inside the commands: `--help` must stay fast.
_SUFFIX_FORMAT = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


def schemas() -> dict[str, type[BaseModel]]:
    """The models ``exportcheck schema NAME`` prints (imported on use)."""
    from exportcheck.claims.model import ClaimsFile
    from exportcheck.claims.verdict import Report

    return {"claims": ClaimsFile, "report": Report}


def _write(text: str, out: Path | None) -> None:
    if out is None or str(out) == "-":
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {out}", highlight=False)


@app.command()
@user_errors
def verify(
    claims_file: Annotated[Path, typer.Argument(metavar="FILE", help="Claims file (YAML or JSON).")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="md | html | json (default: from --out, else md).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the report here ('-' = stdout).")] = None,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Check each claim of FILE against the lists as they stood on its date; exit 1 if any is contradicted."""
    from exportcheck.claims import default_context, load_claims
    from exportcheck.claims import verify as run_verify
    from exportcheck.reports import RENDERERS, render

    chosen = fmt or (_SUFFIX_FORMAT.get(out.suffix.lower(), "md") if out else "md")
    if chosen not in RENDERERS:
        raise ConfigError(f"--format must be one of {', '.join(RENDERERS)}, not {chosen!r}")
    claims = load_claims(claims_file)
    report = run_verify(claims, default_context(settings_for(lists_dir)), claims_file=str(claims_file))
    _write(render(report, chosen), out)
    counts = report.counts()
    from exportcheck.cli.watch import log_line

    log_line(settings_for(lists_dir).lists_dir, "verify", input_file=claims_file,
             snapshots=[f"{s.source}@{s.version}" for s in report.snapshots if s.version],
             result=report.model_dump(mode="json", exclude={"generated_at"}), counts=dict(counts))
    err_console.print(f"{counts['contradicted']} contradicted, {counts['consistent']} consistent, "
                      f"{counts['undetermined']} undetermined", highlight=False)
    if counts["contradicted"]:
        raise typer.Exit(1)


@app.command()
@user_errors
def extract(
    statement: Annotated[Path, typer.Argument(metavar="STATEMENT.txt", help="Plain-text statement ('-' = stdin).")],
    lang: Annotated[str | None, typer.Option("--lang", help="en | nl (default: detected).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the skeleton here ('-' = stdout).")] = None,
) -> None:
    """Find checkable claims in a company statement and write a claims-file skeleton quoting them."""
    from exportcheck.claims.extract import extract_claims, skeleton_yaml

    if lang not in (None, "en", "nl"):
        raise ConfigError(f"--lang must be en or nl, not {lang!r}")
    if str(statement) == "-":
        text = sys.stdin.read()
    else:
        try:
            text = statement.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{statement}: not UTF-8 text ({exc.reason})") from None
    if "\x00" in text:  # valid UTF-8 can still be a binary file (a spreadsheet, a PDF saved oddly): no statement
        raise InputError(f"{statement}: binary data, not a plain-text statement (save the statement as text first)")
    found = extract_claims(text, lang)
    _write(skeleton_yaml(found, source=statement.name), out)
    err_console.print(f"{len(found)} checkable claim(s) found", highlight=False)


@app.command()
@user_errors
def schema(
    name: Annotated[str, typer.Argument(metavar="NAME", help="claims | report")] = "claims",
) -> None:
    """Print the JSON Schema of a claims file (or of a verification report)."""
    model = schemas().get(name)
    if model is None:
        raise ConfigError(f"unknown schema {name!r} (use one of: {', '.join(schemas())})")
    sys.stdout.write(json.dumps(model.model_json_schema(mode="validation"), indent=2, ensure_ascii=False) + "\n")
