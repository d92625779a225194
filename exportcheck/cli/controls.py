"""``exportcheck control show`` and ``exportcheck control search``: thin wrappers over :mod:`exportcheck.controls`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from exportcheck.cli._app import LISTS_DIR_OPTION, app, console, print_json, settings_for, user_errors
from exportcheck.dates import as_date
from exportcheck.errors import InputError

if TYPE_CHECKING:  # the controls package is imported inside the commands: `--help` must stay fast
    from exportcheck.controls.us_licence import UsLicenceDetermination

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


_REQUIREMENT = {"required": "licence required", "no-x": "no X for this reason", "see-text": "read the provision named",
                "see-part-746": "licence generally required: see Part 746", "not-applicable": "-"}


def _print_us_licence(found: UsLicenceDetermination) -> None:
    """The Part 738 determination: outcome first, then each row for the paragraph asked about, then what lies on top."""
    out = console.print
    row = f" (Country Chart row: {found.chart_row})" if found.chart_row and found.chart_row.upper() != found.destination else ""
    out(f"  [bold]US licence → {found.destination}{row}: {found.outcome}[/bold]", highlight=False)
    out(f"    {found.summary}", highlight=False, markup=False)
    for r in found.reasons:
        if r.coverage == "none":
            continue
        scope = ("" if r.coverage == "all" else " [part of this code]") + (" [conditional: read the row]" if r.condition else "")
        cond = ""
        out(f"  $ {r.reason}{scope} ({r.applies_to}): {r.country_chart} → {_REQUIREMENT[r.requirement]}"
            f"{' — ' + r.explanation if r.explanation else ''}{cond}", highlight=False, markup=False)
    for note in found.footnotes:
        out(f"    Country Chart footnote {note['number']}: {note['text']}", highlight=False, markup=False)
    for line in found.embargo:
        out(f"    Part 746: {line}", highlight=False, markup=False)
    for rule in found.end_use:
        out(f"    end use: {rule.sentence}", highlight=False, markup=False)
    for message in found.messages:
        out(f"    note: {message}", highlight=False, markup=False)
    if found.country_groups:
        out(f"    Country Groups (15 CFR 740 Supp. 1) of {found.chart_row}: {', '.join(found.country_groups)}",
            highlight=False, markup=False)
    if found.licence_exceptions:
        out(f"    {found.licence_exceptions}", highlight=False, markup=False)
        for flag in found.exceptions_named:
            out(f"      {flag['exception']} (as the ECCN states it): {flag['text']}", highlight=False, markup=False)
    unconfirmed = [f["name"] for f in found.facts if not f["verified"]]
    if unconfirmed:
        out(f"    unconfirmed (not checked against a primary text here): {'; '.join(unconfirmed)}",
            highlight=False, markup=False)
    out(f"    text used: {found.text_note}", highlight=False, markup=False)


@control_app.command("show")
@user_errors
def show(
    code: Annotated[str, typer.Argument(help="Control code, e.g. 3B001.f")],
    regime: str | None = REGIME_OPTION,
    as_of: str | None = AS_OF_OPTION,
    country: Annotated[str | None, typer.Option(
        "--country", help="ISO-2 destination of the US licence determination (default CN; HK is read as China; "
                          "UA-43/UA-14/UA-09 for the 746.6 regions).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """An entry with its ancestors, children and notes; the version in force on --as-of; other regimes."""
    from exportcheck.controls import load_controls, lookup

    result = lookup(code, _regime(regime), as_date(as_of, "--as-of"), data=load_controls(settings_for(lists_dir).lists_dir), country=country)
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
    if result.us_licence is not None:
        _print_us_licence(result.us_licence)
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
    from exportcheck.controls import load_controls, search, version_notes

    if not text.strip():
        raise InputError("give a product description to search, e.g. 'EUV scanner with a 13.5 nm light source'")
    data = load_controls(settings_for(lists_dir).lists_dir)
    when = as_date(as_of, "--as-of")
    hits = search(text, _regime(regime), limit, when, data=data)
    notes = version_notes(data, when)
    if as_json:
        print_json({"hits": [h.model_dump() for h in hits], "version_notes": notes})
        return
    table = Table("#", "regime", "code", "score", "text", "why")
    for h in hits:
        table.add_row(str(h.rank), h.regime, h.code, f"{h.score:.2f}", h.text[:90], h.explanation[:160])
    console.print(table)
    used = sorted({(h.regime, h.version, h.valid_from) for h in hits})
    if used:
        console.print("versions searched: " + "; ".join(f"{r.upper()} {v} (from {f})" for r, v, f in used),
                      highlight=False, markup=False)
    for note in notes:
        console.print(f"[bold yellow]note:[/bold yellow] {note}", highlight=False)
    console.print("Candidates only: classification is the exporter's or the authority's call.", style="dim")
