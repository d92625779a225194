"""``exportcheck classify`` and ``exportcheck control compare``: thin wrappers over :mod:`exportcheck.controls`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from exportcheck.cli._app import LISTS_DIR_OPTION, app, console, print_json, settings_for, user_errors
from exportcheck.cli.controls import control_app
from exportcheck.dates import as_date
from exportcheck.errors import InputError

if TYPE_CHECKING:  # the controls package is imported inside the commands: `--help` must stay fast
    from exportcheck.controls.classifier import Classification

_MARK = {"meets": "[bold red]meets[/bold red]", "excluded": "[green]excluded[/green]", "open": "[yellow]open[/yellow]"}


def _print(result: Classification) -> None:
    out = console.print
    out(f"[bold]{result.regime.upper()} classification[/bold]" + (f" on {result.as_of}" if result.as_of else ""),
        highlight=False)
    for message in result.messages:
        out(f"  · {message}", highlight=False, markup=False)
    stated = [f.show(result.regime == "eu") for f in result.facts if f.origin == "stated"]
    if stated:
        out("  stated: " + "; ".join(stated), highlight=False, markup=False)
    if result.read_from_description:
        out("  " + result.read_from_description, highlight=False, markup=False)
    for code in result.not_in_force:
        out(f"  not in force on the date: {code}", highlight=False, markup=False)
    table = Table("status", "entry", "found by", "kind", "criteria", show_lines=True)
    for e in result.entries:
        lines = e.met if e.status == "meets" else e.failing if e.status == "excluded" else (
            ([f"missing: {', '.join(e.missing)}"] if e.missing else []) + [f"judge: {j[:120]}" for j in e.judgement[:3]])
        if e.status != "excluded" and e.reason and not lines:
            lines = [e.reason]
        table.add_row(_MARK[e.status], f"{e.code}\n{e.text[:80]}", e.found_by, "yes" if e.kind_matched else "no",
                      "\n".join(lines) or e.reason)
    out(table)
    missing = result.missing()
    if missing:
        out("  facts that would decide the open candidates: " + ", ".join(missing), highlight=False, markup=False)
    out("Criteria compared with stated facts only; classification is the exporter's or the authority's call.", style="dim")


def _ask(description: str, params: dict[str, str], run: object) -> Classification:
    """Ask for the missing parameters one at a time (the most useful first), re-judging after each answer."""
    asked: set[str] = set()
    result: Classification = run(params)  # type: ignore[operator]
    while True:
        pending = [m for m in result.missing() if m.split(" ")[0] not in asked]
        if not pending:
            return result
        name = pending[0].split(" ")[0]
        asked.add(name)
        answer = typer.prompt(f"{name} (with its unit, e.g. '1.3 nm'; empty if not known)", default="",
                              show_default=False).strip()
        if answer:
            params[name] = answer
            result = run(params)  # type: ignore[operator]


@app.command("classify")
@user_errors
def classify_cmd(
    description: Annotated[str, typer.Argument(help="What the item is, e.g. 'ArF immersion scanner, NA 1.35'.")],
    param: Annotated[list[str] | None, typer.Option("--param", help="A stated parameter NAME=VALUE, e.g. "
                                                     "wavelength='193 nm' (repeatable).")] = None,
    regime: Annotated[str, typer.Option("--regime", help="eu, us or nl.")] = "eu",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Export date (YYYY-MM-DD): the list in force then.")] = None,
    code: Annotated[list[str] | None, typer.Option("--code", help="A code the item is said to have (repeatable).")] = None,
    ask: Annotated[bool, typer.Option("--ask", help="Ask for missing parameters one at a time.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Candidate entries for an item with their criteria marked met / excluded / open, each with its arithmetic."""
    from exportcheck.controls.classifier import classify
    from exportcheck.controls.data import load_controls
    from exportcheck.controls.facts import parse_param_option

    if regime not in ("eu", "us", "nl"):
        raise InputError(f"--regime must be eu, us or nl, not {regime!r}")
    params = dict(parse_param_option(p) for p in (param or []))
    when = as_date(as_of, "--as-of")
    data = load_controls(settings_for(lists_dir).lists_dir)

    def run(current: dict[str, str]) -> Classification:
        return classify(description, current, regime, when, codes=code or [], data=data)

    result = _ask(description, params, run) if ask else run(params)
    if as_json:
        print_json(result.model_dump())
        return
    _print(result)


@control_app.command("compare")
@user_errors
def compare_cmd(
    entries: Annotated[list[str], typer.Argument(help="Entries as regime:code[@DATE], e.g. eu:3B001.f.1 us:3B001.f.1; "
                                                   "one entry alone is compared across every held version.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD): the versions in force then.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Criteria side by side, parameter by parameter, across regimes or held versions."""
    from exportcheck.controls.compare import compare
    from exportcheck.controls.data import load_controls

    result = compare(entries, as_date(as_of, "--as-of"), data=load_controls(settings_for(lists_dir).lists_dir))
    if as_json:
        print_json(result.model_dump())
        return
    table = Table("parameter", *[c.label for c in result.columns], show_lines=True)
    for row in result.rows:
        table.add_row(("[bold]≠ [/bold]" if row.differs else "") + row.parameter, *row.cells)
    console.print(table)
    for c in result.columns:
        if not c.found:
            console.print(f"  {c.label}: {c.text}", highlight=False, markup=False)
    for message in result.messages:
        console.print(f"  · {message}", highlight=False, markup=False)
    console.print("≠ marks parameters whose criteria differ. Same code, different control: compare the texts.", style="dim")
