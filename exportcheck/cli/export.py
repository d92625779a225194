"""``exportcheck export``: write the latest entity snapshots in a format other tools read (FtM JSON lines)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from exportcheck.cli._app import LISTS_DIR_OPTION, app, err_console, settings_for, user_errors
from exportcheck.errors import ConfigError


@app.command()
@user_errors
def export(
    fmt: Annotated[str, typer.Option("--format", help="Output format: ftm (FollowTheMoney JSON lines).")] = "ftm",
    source_ids: Annotated[list[str] | None, typer.Option("--source", help="Entity source to export (repeatable; default all).")] = None,
    out: Annotated[str, typer.Option("--out", help="Output file, or - for stdout.")] = "-",
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Export the latest entity snapshots as FollowTheMoney entities (one JSON object per line)."""
    from exportcheck.export_ftm import export_ftm  # followthemoney: imported only when exporting
    from exportcheck.store import SnapshotStore

    if fmt != "ftm":
        raise ConfigError(f"unknown export format {fmt!r}; known: ftm")
    store = SnapshotStore(settings_for(lists_dir).lists_dir)
    if out == "-":
        count = export_ftm(store, sys.stdout, source_ids or [])
    else:
        with open(out, "w", encoding="utf-8") as handle:
            count = export_ftm(store, handle, source_ids or [])
    err_console.print(f"wrote {count} FtM entities to {'stdout' if out == '-' else out}", highlight=False)
