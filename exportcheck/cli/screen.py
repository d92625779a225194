"""``exportcheck screen``: one name, or a whole file of names, against every entity list.

Thin: one call into :mod:`exportcheck.matching` per name (or per file), then printing. Batch results
are written so that Excel cannot run them as formulas (:func:`excel_safe`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from exportcheck.cli._app import LISTS_DIR_OPTION, app, console, err_console, print_json, settings_for, user_errors
from exportcheck.cli.watch import log_line
from exportcheck.errors import InputError

# pandas and the matcher are imported inside the commands: `exportcheck screen --help` must stay fast.
if TYPE_CHECKING:
    import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: object) -> object:
    """Text that Excel would read as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a ``'``.

    OWASP's CSV-injection advice: a listed name or a customer's input such as ``=HYPERLINK(...)`` must
    reach the reviewer as text. Numbers are left alone (a negative score does not exist here).
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def read_table(path: Path) -> pd.DataFrame:
    """A user's file of names: CSV, Excel (.xlsx) or Parquet, chosen by extension."""
    import pandas as pd

    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(f"{path}: no such file")
    try:
        if suffix in (".csv", ".txt"):
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        if suffix == ".parquet":
            return pd.read_parquet(path)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read as {suffix[1:]}: {exc}") from exc
    raise InputError(f"{path}: unsupported file type {suffix or '(none)'}; use .csv, .xlsx or .parquet")


def _snapshot_ids(folder: Path, sources: list[str] | None, when: date | None) -> list[str]:
    """``source@version`` of every snapshot a screen read (for the screening log)."""
    from exportcheck.matching.lists import choose_snapshots
    from exportcheck.store import SnapshotStore

    snaps, _ = choose_snapshots(SnapshotStore(folder), sources, when)
    return [f"{s.meta.source}@{s.version}" for s in snaps]


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of {text!r}: not a date (use YYYY-MM-DD)") from None


@app.command()
@user_errors
def screen(
    name: Annotated[str | None, typer.Argument(metavar="[NAME]", help="The name to screen.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="ISO-2 country of the party (a hint).")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only these entity sources (repeatable).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Results per name.")] = 10,
    threshold: Annotated[float | None, typer.Option("--threshold", min=0.0, max=1.0,
                                                    help="Score from which a result is a match "
                                                         "(default: the matcher's DEFAULT_THRESHOLD).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only listings in force on this date (YYYY-MM-DD).")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Screen every row of a .csv, .xlsx or .parquet file.")] = None,
    column: Annotated[str | None, typer.Option("--column", help="Column of --file holding the names.")] = None,
    country_column: Annotated[str | None, typer.Option("--country-column", help="Column of --file with ISO-2 countries.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write batch results to this CSV (default: stdout).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    also: Annotated[list[str] | None, typer.Option("--also", help="Add a score column beside exportcheck's: ofac "
                                                   "(nomenklatura's OFAC algorithm; extra 'ofac').")] = None,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Is this party listed? Every entity list, any spelling, with the reason for each result."""
    from rich.table import Table

    from exportcheck.matching import DEFAULT_THRESHOLD, get_screener, screen_matches
    from exportcheck.matching.ofac import check_also, ofac_score
    from exportcheck.review import Reviews, decision_for

    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    when = _parse_date(as_of)
    ofac = "ofac" in check_also(also)
    if file is not None:
        if name:
            raise InputError("give either NAME or --file, not both")
        if not column:
            raise InputError("--file needs --column NAME (the column holding the names)")
        _batch(file, column, country_column, source, limit, threshold, when, out, as_json, lists_dir, ofac)
        return
    if not name or not name.strip():
        raise InputError("give a NAME to screen, or --file with --column")
    matches = screen_matches(name, country=country, sources=source, limit=limit, threshold=threshold,
                             as_of=when, lists_dir=lists_dir)
    screener = get_screener(lists_dir, when)
    query_related = screener.query_related(name, source, when)
    folder = settings_for(lists_dir).lists_dir
    decisions = Reviews(folder).lookup()
    rows = [{**m.model_dump(), "review": decision_for(decisions, name, m.entity_id)} for m in matches]
    if ofac:
        for row in rows:
            row["ofac_score"] = ofac_score(name, row["matched_name"])
    log_line(folder, "screen", query=name, snapshots=_snapshot_ids(folder, source, when),
             result=rows, counts={"matches": sum(m.is_match for m in matches)})
    if as_json:
        print_json({
            "query": name,
            "as_of": when.isoformat() if when else None,
            "threshold": threshold,
            "matches": rows,
            "related_to_query": [r.model_dump() for r in query_related],
            "notes": screener.notes,
        })
        return
    for note in screener.notes:
        err_console.print(f"note: {note}", markup=False)
    if not matches:
        console.print(f"no listed party near {name!r}", markup=False)
    table = Table("score", *(["ofac"] if ofac else []), "match", "list", "listed name", "matched name / why",
                  show_lines=True)
    for m, row in zip(matches, rows, strict=True):
        why = m.explanation
        if m.related:
            why += "\nrelated: " + "; ".join(f"{r.relation} {r.name} ({r.list})" for r in m.related)
        if row_review := decision_for(decisions, name, m.entity_id):
            why += f"\nREVIEW: {row_review}"
        table.add_row(f"{m.score:.2f}", *([f"{row['ofac_score']:.2f}"] if ofac else []), "YES" if m.is_match else "no", f"{m.list}\n[{m.source}]", m.name, why)
    if matches:
        console.print(table)
    for r in query_related:
        console.print(f"related to the query: {r.relation}: {r.name} ({r.list}, {r.source})", markup=False,
                      highlight=False)


def _batch(file: Path, column: str, country_column: str | None, sources: list[str] | None, limit: int,
           threshold: float, when: date | None, out: Path | None, as_json: bool, lists_dir: Path | None,
           ofac: bool = False) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from exportcheck.matching import screen_frame
    from exportcheck.review import Reviews, decision_for

    frame = read_table(file)
    with Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task("screen", total=len(frame))
        result = screen_frame(frame, column, country_column=country_column, sources=sources, limit=limit,
                              threshold=threshold, as_of=when, lists_dir=lists_dir,
                              progress=lambda done: bar.update(task, completed=done))
    if ofac:  # beside exportcheck's score, never instead of it
        from exportcheck.matching.ofac import ofac_column

        result.insert(list(result.columns).index("score") + 1, "ofac_score", ofac_column(result))
    folder = settings_for(lists_dir).lists_dir
    decisions = Reviews(folder).lookup()
    result["review"] = [decision_for(decisions, str(q or ""), str(e or ""))
                        for q, e in zip(result["query"], result["entity_id"], strict=True)]
    log_line(folder, "screen --file", input_file=file,
             snapshots=_snapshot_ids(folder, sources, when),
             result=result.to_dict(orient="records"),
             counts={"rows": len(frame), "matches": int(result["is_match"].fillna(False).astype(bool).sum())})
    for col in ("countries", "programs"):
        result[col] = result[col].map(lambda v: "; ".join(v) if isinstance(v, list) else ("" if v is None else v))
    if as_json:
        print_json(result.to_dict(orient="records"))
        return
    safe = result.map(excel_safe)
    if out is None:
        safe.to_csv(typer.get_text_stream("stdout"), index=False)
    else:
        safe.to_csv(out, index=False, encoding="utf-8-sig")  # the BOM makes Excel read UTF-8
        hits = int(result["is_match"].fillna(False).astype(bool).groupby(result["row"]).any().sum())
        err_console.print(f"{len(frame)} names screened, {hits} with a match; results in {out}", markup=False)
