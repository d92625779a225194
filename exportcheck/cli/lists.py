"""Commands about the lists themselves: ``sources``, ``refresh``, ``diff``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from exportcheck.cli._app import (
    LISTS_DIR_OPTION,
    app,
    console,
    err_console,
    print_json,
    settings_for,
    user_errors,
)

if TYPE_CHECKING:  # the library is imported inside the commands: `--help` must stay fast
    from exportcheck.http import ProgressFn


@app.command()
@user_errors
def sources(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """List every declared source with its latest snapshot (or "no snapshot")."""
    from exportcheck.catalogue import source_statuses
    from exportcheck.store import SnapshotStore

    rows = source_statuses(SnapshotStore(settings_for(lists_dir).lists_dir))
    if as_json:
        print_json(rows)
        return
    # Narrow enough for an 80-column terminal; "age" is days since the data date.
    table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold")
    for title in ("source", "kind", "data date", "retrieved", "records", "age", "parser"):
        table.add_column(title, no_wrap=True, justify="right" if title in ("records", "age") else "left")
    for row in rows:
        snap = row["snapshot"]
        parser = "none yet" if not row["has_parser"] else ("verified" if row["verified_on_real_file"]
                                                            else "unverified")
        if snap is None:
            table.add_row(row["id"], row["kind"], "no snapshot", "", "", "", parser)
        else:
            table.add_row(row["id"], row["kind"], str(snap["data_date"]),
                          snap["retrieved_at"][:10], str(snap["records"]), str(snap["age_days"]), parser)
    # A terminal gets its own width; piped or captured output gets the table's full width, so no cell
    # ("no snapshot", a source id) is cut to an ellipsis where a script or a log reads it.
    out = console if console.is_terminal else Console(width=max(console.width, 160), highlight=False)
    out.print(table)
    out.print()
    out.print("What each list is in law (its declared nature and one-line effect; a red flag never makes an "
              "export licensable by itself):", highlight=False, soft_wrap=True)
    for line in effect_lines(rows):
        out.print(line, markup=False, highlight=False, soft_wrap=True)  # one line each: a log never cuts them


def effect_lines(rows: list[dict[str, Any]]) -> list[str]:
    """One line per source (and per declared sub-list): ``id: listing|red flag, nature (jurisdiction): effect``.

    Printed below the table rather than as columns: an effect is a sentence, and a column would be cut to
    an ellipsis at 80 columns; a soft-wrapped line is never cut.
    """
    lines = []
    for row in rows:
        kind = "listing" if row["binding_listing"] else "red flag"
        if row["sub_lists"] and not row["binding_listing"]:
            kind = "per sub-list"  # an aggregate (the CSL): each row has the effect of its own sub-list
        nature = "" if row["nature"] == "red-flag" else f", {row['nature']}"
        lines.append(f"  {row['id']}: {kind}{nature} ({row['jurisdiction']}): {row['effect']}")
        for name, sub in row["sub_lists"].items():
            lines.append(f"    {row['id']} / {name}: {sub['nature']}: {sub['effect']}")
    return lines


@app.command()
@user_errors
def refresh(
    source_ids: Annotated[list[str] | None, typer.Argument(metavar="[SOURCE]...", help="Sources to refresh (default: all).")] = None,
    mirror: Annotated[str | None, typer.Option("--mirror", help="Local folder or URL laid out like shared/data/raw.")] = None,
    all_dates: Annotated[bool, typer.Option("--all-dates", help="Import every dated file of a mirror, oldest first.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcomes as JSON.")] = False,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Fetch, parse and publish snapshots; a failing source keeps its last good snapshot and exits non-zero."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from exportcheck.refresh import refresh as run_refresh

    settings = settings_for(lists_dir)
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  console=err_console, transient=True,
                  disable=as_json or not err_console.is_terminal) as bar:  # no bar (nor blank line) in logs

        def progress(name: str) -> ProgressFn:
            task = bar.add_task(name, total=None)
            return lambda done, total: bar.update(task, completed=done, total=total)

        outcomes = run_refresh(source_ids or [], settings, mirror=mirror, all_dates=all_dates, progress=progress)
    if as_json:
        print_json([o.__dict__ for o in outcomes])
    else:
        for o in outcomes:
            style = {"published": "green", "unchanged": "cyan", "skipped": "yellow", "failed": "bold red"}[o.status]
            line = f"[{style}]{o.status:>9}[/{style}] {o.source}: {o.message}"
            (err_console if o.status == "failed" else console).print(line, highlight=False, soft_wrap=True)
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


@app.command()
@user_errors
def diff(
    source_id: Annotated[str, typer.Argument(metavar="SOURCE")],
    from_version: Annotated[str | None, typer.Option("--from", help="Older snapshot (default: the one before --to).")] = None,
    to_version: Annotated[str | None, typer.Option("--to", help="Newer snapshot (default: the latest).")] = None,
    key: Annotated[str | None, typer.Option("--key", help="Match entries by 'id' or 'name' (default: auto).")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows to show per section (text output).")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Entries added, removed and changed between two snapshots of a source."""
    if key not in (None, "id", "name"):
        raise typer.BadParameter("--key must be 'id' or 'name'")
    from exportcheck.diff import diff_source
    from exportcheck.store import SnapshotStore

    result = diff_source(SnapshotStore(settings_for(lists_dir).lists_dir), source_id, from_version, to_version,
                         key)  # type: ignore[arg-type]
    if as_json:
        print_json(result.to_dict())
        return
    # soft_wrap: one line per entry even when piped (CI builds commit messages from this output)
    console.print(result.summary(), highlight=False, soft_wrap=True)
    for label, items in (("added", result.added), ("removed", result.removed), ("changed", result.changed)):
        for change in items[:limit]:
            extra = f"  ({', '.join(change.fields)})" if change.fields else ""
            console.print(f"  {label:>7}  {change.name}{extra}", highlight=False, markup=False, soft_wrap=True)
        if len(items) > limit:
            console.print(f"  {label:>7}  … {len(items) - limit} more (use --json for all)", highlight=False)
