"""``exportcheck watch``, ``review`` and ``log``: watchlists, reviewer decisions and the screening log.

Thin: each command calls :mod:`exportcheck.watch`, :mod:`exportcheck.review` or
:mod:`exportcheck.screenlog`. State lives in the lists folder, so it survives refreshes.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from exportcheck.cli._app import LISTS_DIR_OPTION, app, console, err_console, print_json, settings_for, user_errors
from exportcheck.dates import as_date
from exportcheck.errors import InputError

watch_app = typer.Typer(help="Watch parties: be told when one is listed, changed or delisted.", no_args_is_help=True)
review_app = typer.Typer(help="Record that a screening hit is (or is not) the party.", no_args_is_help=True)
app.add_typer(watch_app, name="watch")
app.add_typer(review_app, name="review")


def log_line(lists_dir: Path, command: str, **kwargs: object) -> None:
    """Append to the screening log; a failure is a one-line warning, never a failed command."""
    from exportcheck import screenlog

    warning = screenlog.append(lists_dir, command, **kwargs)  # type: ignore[arg-type]
    if warning:
        err_console.print(f"warning: {warning}", markup=False)


@watch_app.command("add")
@user_errors
def watch_add(
    name: Annotated[str | None, typer.Argument(metavar="[NAME]", help="The party to watch.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="ISO-2 country of the party.")] = None,
    note: Annotated[str, typer.Option("--note", help="Why it is watched (kept with it).")] = "",
    file: Annotated[Path | None, typer.Option("--file", help="Add every row of a .csv, .xlsx or .parquet file.")] = None,
    column: Annotated[str | None, typer.Option("--column", help="Column of --file holding the names.")] = None,
    country_column: Annotated[str | None, typer.Option("--country-column", help="Column of --file with ISO-2 countries.")] = None,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Watch a party (or every name in a file column)."""
    from exportcheck.cli.screen import read_table
    from exportcheck.watch import Watchlist

    if file is not None:
        if name:
            raise InputError("give either NAME or --file, not both")
        if not column:
            raise InputError("--file needs --column NAME (the column holding the names)")
        frame = read_table(file)
        for wanted in (column, country_column):
            if wanted and wanted not in frame.columns:
                raise InputError(f"no column {wanted!r} in {file} (columns: {', '.join(map(str, frame.columns))})")
        countries = frame[country_column].fillna("").astype(str).tolist() if country_column else [""] * len(frame)
        pairs = list(zip(frame[column].fillna("").astype(str).tolist(), countries, strict=True))
    elif name and name.strip():
        pairs = [(name, country or "")]
    else:
        raise InputError("give a NAME to watch, or --file with --column")
    added = Watchlist(settings_for(lists_dir).lists_dir).add(pairs, note)
    err_console.print(f"{len(added)} part{'y' if len(added) == 1 else 'ies'} added to the watchlist", highlight=False)


@watch_app.command("list")
@user_errors
def watch_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """The watched parties."""
    from exportcheck.watch import Watchlist

    parties = Watchlist(settings_for(lists_dir).lists_dir).parties()
    if as_json:
        print_json([asdict(p) for p in parties])
        return
    if not parties:
        console.print("the watchlist is empty", markup=False)
    for p in parties:
        extra = ", ".join(x for x in (p.country, p.note) if x)
        console.print(f"{p.id}\t{p.name}" + (f"\t({extra})" if extra else ""), markup=False, highlight=False)


@watch_app.command("remove")
@user_errors
def watch_remove(
    key: Annotated[str, typer.Argument(metavar="ID|NAME", help="The id (from `watch list`) or the name.")],
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Stop watching a party."""
    from exportcheck.watch import Watchlist

    gone = Watchlist(settings_for(lists_dir).lists_dir).remove(key)
    err_console.print(f"no longer watching {gone.name!r}", highlight=False)


@watch_app.command("check")
@user_errors
def watch_check(
    since: Annotated[str | None, typer.Option("--since", help="Compare with the snapshots of this date or version "
                                                              "(default: what the last check saw).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
    atom: Annotated[Path | None, typer.Option("--atom", help="Add the events to this Atom feed file.")] = None,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Re-screen every watched party; report new, removed and changed matches. Exit 1 when there is news."""
    from exportcheck import watch

    if fmt not in ("text", "json"):
        raise InputError(f"--format must be text or json, not {fmt!r}")
    folder = settings_for(lists_dir).lists_dir
    report = watch.check(folder, since)
    if atom is not None:
        watch.write_atom(report, atom)
    if fmt == "json":
        print_json(report.to_dict())
    else:
        console.print(report.text(), markup=False, highlight=False, soft_wrap=True)
    log_line(folder, "watch check", snapshots=[f"{s}@{v}" for s, v in report.current.items()],
             result=report.to_dict()["events"], counts=report.counts())
    if report.has_news:
        raise typer.Exit(1)


@review_app.command("add")
@user_errors
def review_add(
    query: Annotated[str, typer.Option("--query", help="The screened name the hit was found for.")],
    entity: Annotated[str, typer.Option("--entity", help="The listed entity id of the hit.")],
    decision: Annotated[str, typer.Option("--decision", help="not-the-party | is-the-party")],
    by: Annotated[str, typer.Option("--by", help="Who decided.")],
    why: Annotated[str, typer.Option("--why", help="The reason, for the record.")],
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Record a decision on a hit; later screens show it next to the hit."""
    from exportcheck.review import Reviews

    review = Reviews(settings_for(lists_dir).lists_dir).add(query, entity, decision, by, why)
    err_console.print(f"review {review.id} recorded: {review.label()}", markup=False, highlight=False)


@review_app.command("list")
@user_errors
def review_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Every recorded decision."""
    from exportcheck.review import Reviews

    reviews = Reviews(settings_for(lists_dir).lists_dir).all()
    if as_json:
        print_json([asdict(r) for r in reviews])
        return
    for r in reviews:
        console.print(f"{r.id}\t{r.query!r} ~ {r.entity_id}\t{r.label()}", markup=False, highlight=False)


@review_app.command("remove")
@user_errors
def review_remove(
    review_id: Annotated[int, typer.Argument(metavar="ID", help="The id from `review list`.")],
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Withdraw a decision."""
    from exportcheck.review import Reviews

    gone = Reviews(settings_for(lists_dir).lists_dir).remove(review_id)
    err_console.print(f"review {gone.id} removed", highlight=False)


@app.command("log")
@user_errors
def show_log(
    since: Annotated[str | None, typer.Option("--since", help="Only lines from this date (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """What was checked, when, against which snapshots (the screening log)."""
    from exportcheck import screenlog

    when = as_date(since, "--since")
    lines = screenlog.read(settings_for(lists_dir).lists_dir, when)
    if as_json:
        print_json(lines)
        return
    for line in lines:
        what = line.get("query") or line.get("input_file") or ""
        console.print(f"{line['at']}  {line['command']:<12} {what}  snapshots={len(line.get('snapshots', []))} "
                      f"result={line['result_sha256'][:12]}", markup=False, highlight=False)
