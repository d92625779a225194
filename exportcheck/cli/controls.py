"""``exportcheck control show`` and ``exportcheck control search``: thin wrappers over :mod:`exportcheck.controls`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from exportcheck.cli._app import LISTS_DIR_OPTION, app, console, print_json, settings_for, user_errors
from exportcheck.controls import load_controls, lookup, search, version_notes
from exportcheck.errors import InputError

control_app = typer.Typer(help="Look up control-list entries (EU Annex I, US CCL, Dutch measures) and search them.",
                          no_args_is_help=True)
app.add_typer(control_app, name="control")

REGIME_OPTION = typer.Option(None, "--regime", help="eu, us or nl (default: all / EU first).")
AS_OF_OPTION = typer.Option(None, "--as-of", help="Date (YYYY-MM-DD): answer from the version in force then.")


def _regime(value: str | None) -> str | None:
    if value is not None and value not in ("eu", "us", "nl"):
        raise InputError(f"--regime must be eu, us or nl, not {value!r}")
    return value


def _entry_line(entry: dict[str, Any]) -> str:
    flag = " [not used]" if entry.get("not_used") else ""
    return f"{entry.get('regime', '').upper()} {entry['code']}{flag}: {entry.get('text', '')}"


@control_app.command("show")
@user_errors
def show(
    code: Annotated[str, typer.Argument(help="Control code, e.g. 3B001.f")],
    regime: str | None = REGIME_OPTION,
    as_of: str | None = AS_OF_OPTION,
    country: Annotated[str, typer.Option("--country", help="ISO-2 destination for US licence columns.")] = "CN",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """An entry with its ancestors, children and notes; the version in force on --as-of; other regimes."""
    result = lookup(code, _regime(regime), as_of, data=load_controls(settings_for(lists_dir).lists_dir), country=country)
    if as_json:
        print_json(result.model_dump())
        return
    out = console.print
    out(f"[bold]{result.regime.upper()} {result.code}[/bold]  status: {result.status}", highlight=False)
    for message in result.messages:
        out(f"  · {message}", highlight=False, markup=False)
    for ancestor in result.ancestors:
        out(f"  ↑ {_entry_line(ancestor)}", highlight=False, markup=False)
    if result.entry:
        e = result.entry
        out(f"  ▶ {_entry_line(e)}", highlight=False, markup=False)
        out(f"    version {e['version']} (valid from {e['valid_from']}){' — partial copy' if e['partial'] else ''}",
            highlight=False, markup=False)
        for note in e["notes"]:
            out(f"    {note['kind']}: {note['text']}", highlight=False, markup=False)
        if e["defined_terms"]:
            out(f"    defined terms: {', '.join(e['defined_terms'])}", highlight=False, markup=False)
    for child in result.children:
        out(f"  ↓ {_entry_line(child)}", highlight=False, markup=False)
        for note in child["notes"]:
            out(f"      {note['kind']}: {note['text']}", highlight=False, markup=False)
    for check in result.bracket:
        state = {True: "present", False: "absent", None: "part not held"}[check.exists]
        same = "" if check.same_text is None else (" same text" if check.same_text else " text differs")
        out(f"  ⇄ {check.side}: {check.version} (from {check.valid_from}): {state}{same}", highlight=False, markup=False)
    for row in result.licence:
        need = {True: "licence required (X in chart)", False: "no X", None: "see text"}[row["licence_required"]]
        out(f"  $ {row['reason']} ({row['applies_to']}): {row['country_chart']} → {row['country']}: {need}",
            highlight=False, markup=False)
    for term in result.definitions:
        out(f"    def. {term['term']!r} ({term['scope']}): {term['text'][:300]}", highlight=False, markup=False)
    if result.other_regimes:
        side = Table(title="Same code string, different controls", show_lines=True)
        side.add_column(f"{result.regime.upper()} {result.code}")
        for other in result.other_regimes:
            side.add_column(f"{other['regime'].upper()} {other['code']} ({other['version']})", style="yellow")
        mine = result.entry or {}
        side.add_row(mine.get("text", "(no entry)"), *[o["text"] for o in result.other_regimes])
        side.add_row("\n".join(f"{n['kind']}: {n['text']}" for n in mine.get("notes", [])) or "-",
                     *["\n".join(f"{n['kind']}: {n['text']}" for n in o["notes"]) or "-" for o in result.other_regimes])
        out(side)
    for warning in result.warnings:
        out(f"  [bold yellow]warning:[/bold yellow] {warning}", highlight=False)


@control_app.command("search")
@user_errors
def search_cmd(
    text: Annotated[str, typer.Argument(help="Free-text product description.")],
    regime: str | None = REGIME_OPTION,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200, help="Number of entries to show.")] = 10,
    as_of: str | None = AS_OF_OPTION,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Rank control entries for a product description, with matched words and compared parameters."""
    data = load_controls(settings_for(lists_dir).lists_dir)
    hits = search(text, _regime(regime), limit, as_of, data=data)
    notes = version_notes(data, as_of)
    if as_json:
        print_json({"hits": [h.model_dump() for h in hits], "version_notes": notes})
        return
    table = Table("#", "regime", "code", "score", "text", "why")
    for h in hits:
        table.add_row(str(h.rank), h.regime, h.code, f"{h.score:.1f}", h.text[:90], h.explanation[:160])
    console.print(table)
    used = sorted({(h.regime, h.version, h.valid_from) for h in hits})
    if used:
        console.print("versions searched: " + "; ".join(f"{r.upper()} {v} (from {f})" for r, v, f in used),
                      highlight=False, markup=False)
    for note in notes:
        console.print(f"[bold yellow]note:[/bold yellow] {note}", highlight=False)
    console.print("Candidates only: classification is the exporter's or the authority's call.", style="dim")
