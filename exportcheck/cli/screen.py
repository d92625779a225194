"""``exportcheck screen``: one name, or a whole file of names, against every entity list.

Thin: one call into :mod:`exportcheck.matching` per name (or per file), then printing. Batch results
are written so that Excel cannot run them as formulas (:func:`excel_safe`).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from exportcheck.cli._app import LISTS_DIR_OPTION, app, console, err_console, print_json, settings_for, user_errors
from exportcheck.cli.watch import log_line
from exportcheck.countries import country_hint
from exportcheck.dates import as_date
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
    """A user's file of names: CSV, Excel (.xlsx) or Parquet, chosen by extension, or a folder of Parquet
    files (read in name order, as one table)."""
    import pandas as pd

    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        parts = sorted(path.glob("*.parquet"))
        if not parts:
            raise InputError(f"{path}: a folder, but with no .parquet files")
        try:
            return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        except (ValueError, OSError) as exc:
            raise InputError(f"{path}: cannot read the Parquet files: {exc}") from exc
    from zipfile import BadZipFile

    try:
        if suffix in (".csv", ".txt"):
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        if suffix == ".parquet":
            return pd.read_parquet(path)
    except (ValueError, OSError, UnicodeDecodeError, BadZipFile, KeyError) as exc:
        # an .xlsx is a zip of XML parts: no zip at all (BadZipFile), or a zip without a workbook (openpyxl's
        # KeyError naming the missing part)
        raise InputError(f"{path}: cannot read as {suffix[1:]}: {exc}") from exc
    raise InputError(f"{path}: unsupported file type {suffix or '(none)'}; use .csv, .xlsx or .parquet")


def _snapshot_ids(folder: Path, sources: list[str] | None, when: date | None) -> list[str]:
    """``source@version`` of every snapshot a screen read (for the screening log)."""
    from exportcheck.matching.lists import choose_snapshots
    from exportcheck.store import SnapshotStore

    snaps, _ = choose_snapshots(SnapshotStore(folder), sources, when)
    return [f"{s.meta.source}@{s.version}" for s in snaps]


@app.command()
@user_errors
def screen(
    name: Annotated[str | None, typer.Argument(metavar="[NAME]", help="The name to screen.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Country of the party, a hint: ISO-2 (CN), three-letter code or name.")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only these entity sources (repeatable).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Results per name.")] = 10,
    threshold: Annotated[float | None, typer.Option("--threshold", min=0.0, max=1.0,
                                                    help="Score from which a result is a match "
                                                         "(default: the matcher's DEFAULT_THRESHOLD).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only listings in force on this date (YYYY-MM-DD).")] = None,
    file: Annotated[Path | None, typer.Option(
        "--file", help="Screen every row of a .csv, .xlsx or .parquet file, or a folder of .parquet files.")] = None,
    column: Annotated[str | None, typer.Option("--column", help="Column of --file holding the names.")] = None,
    country_column: Annotated[str | None, typer.Option("--country-column", help="Column of --file with each party's country (ISO-2, code or name; a cell naming none gives no hint).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write --file results to this .csv, or to this new folder as Parquet parts (big inputs); "
                      "default: CSV on stdout.")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="Local processes for --file (default: every core for inputs over 4,000 rows).")] = None,
    dask: Annotated[str | None, typer.Option(
        "--dask", metavar="SCHEDULER_ADDRESS",
        help="Screen --file on a dask.distributed cluster (e.g. tcp://10.0.0.5:8786); its workers need "
             "exportcheck and the lists folder at the same path.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    also: Annotated[list[str] | None, typer.Option("--also", help="Add a score column beside exportcheck's: ofac "
                                                   "(nomenklatura's OFAC algorithm; extra 'ofac').")] = None,
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Is this party listed? Every entity list, any spelling, with the reason for each result."""
    from rich.table import Table

    from exportcheck.matching import DEFAULT_THRESHOLD, dated_screener, screen_matches
    from exportcheck.matching.ofac import check_also, ofac_score
    from exportcheck.review import Reviews, decision_for

    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    when = as_date(as_of, "--as-of")
    ofac = "ofac" in check_also(also)
    if file is not None:
        if name:
            raise InputError("give either NAME or --file, not both")
        if not column:
            raise InputError("--file needs --column NAME (the column holding the names)")
        if dask and workers:
            raise InputError("give --workers (local processes) or --dask (a cluster), not both")
        _batch(file, column, country_column, source, limit, threshold, when, out, as_json, lists_dir, workers, dask, ofac)
        return
    if workers or dask:
        raise InputError("--workers and --dask are for --file")
    if not name or not name.strip():
        raise InputError("give a NAME to screen, or --file with --column")
    matches = screen_matches(name, country=country_hint(country, "--country"), sources=source, limit=limit, threshold=threshold,
                             as_of=when, lists_dir=lists_dir)
    screener, notes = dated_screener(lists_dir, when)  # the notes of this date, not of the shared screener
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
            "notes": notes,
        })
        return
    for note in notes:
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
           workers: int | None, dask: str | None, ofac: bool = False) -> None:
    """Screen a file in chunks (:mod:`exportcheck.matching.batch`): here, on local processes or on Dask."""
    import pandas as pd
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from exportcheck.matching.batch import (
        CHUNK_ROWS,
        BatchSpec,
        ChunkDone,
        part_path,
        result_hash,
        run_chunks,
        write_part,
    )
    from exportcheck.review import Reviews

    frame = read_table(file)
    for wanted in (column, country_column):
        if wanted and wanted not in frame.columns:
            raise InputError(f"no column {wanted!r} in {file} (columns: {', '.join(map(str, frame.columns))})")
    folder = settings_for(lists_dir).lists_dir
    snapshots = _snapshot_ids(folder, sources, when)  # unknown sources, no snapshot: one line, before any worker
    reviews = {key: review.label() for key, review in Reviews(folder).lookup().items()}
    spec = BatchSpec(column=column, country_column=country_column, sources=tuple(sources) if sources else None,
                     limit=limit, threshold=threshold, as_of=when, lists_dir=str(folder.resolve()), reviews=reviews)
    to_folder = out is not None and out.suffix.lower() != ".csv"
    if ofac and to_folder:
        raise InputError("--also ofac: write results to a .csv (or stdout), not to a folder of Parquet parts")
    if to_folder:
        assert out is not None
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise InputError(f"--out {out}: exists and is not an empty folder (results go to a new folder of "
                             "Parquet parts, or to a .csv file)")
        out.mkdir(parents=True, exist_ok=True)
    if workers is None:  # every local core for a big file; a small one is done before worker processes start
        workers = (os.cpu_count() or 1) if len(frame) > 2 * CHUNK_ROWS else 1
    frame = frame.reset_index(drop=True)  # ``row`` is the input row number, counted from 0
    frames: dict[int, pd.DataFrame] = {}

    def keep(done: ChunkDone) -> None:
        bar.advance(task, done.rows)
        if done.frame is not None:
            if to_folder:  # Dask: the rows came back; written here (workers need not share this disk)
                assert out is not None
                write_part(done.frame, part_path(out, done.number))
            else:
                frames[done.number] = done.frame

    with Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                  TimeRemainingColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task("screen", total=len(frame), rate=f"{workers if not dask else 'dask'} worker(s)")
        done = run_chunks(frame, spec, workers=workers, dask=dask, dest=out if to_folder and not dask else None,
                          on_chunk=keep)
    rows, hits = sum(d.rows for d in done), sum(d.matched_rows for d in done)
    log_line(folder, "screen --file", input_file=file, snapshots=snapshots,
             result_sha256=result_hash([d.sha256 for d in done]),
             counts={"rows": rows, "matches": sum(d.hits for d in done)})
    if to_folder:
        err_console.print(f"{rows} names screened, {hits} with a match; results in {out} ({len(done)} Parquet parts)",
                          markup=False)
        return
    result = (pd.concat([frames[n] for n in sorted(frames)], ignore_index=True) if frames
              else flat_empty())
    if ofac:  # beside exportcheck's score, never instead of it
        from exportcheck.matching.ofac import ofac_column

        result.insert(list(result.columns).index("score") + 1, "ofac_score", ofac_column(result))
    if as_json:
        print_json(result.to_dict(orient="records"))
        return
    safe = result.map(excel_safe)
    if out is None:
        safe.to_csv(typer.get_text_stream("stdout"), index=False)
    else:
        safe.to_csv(out, index=False, encoding="utf-8-sig")  # the BOM makes Excel read UTF-8
        err_console.print(f"{rows} names screened, {hits} with a match; results in {out}", markup=False)


def flat_empty() -> pd.DataFrame:
    """The (empty) result of an input with no rows: the columns only."""

    from exportcheck.matching.batch import flat_rows, meta_frame

    return flat_rows(meta_frame("int64"), {})
