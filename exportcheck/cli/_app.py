"""The typer app object, the shared options and the error handling every command uses."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from exportcheck.errors import ExportcheckError
from exportcheck.settings import Settings, get_settings

app = typer.Typer(
    name="exportcheck",
    help="Check company export statements against public control and sanctions lists, with evidence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

LISTS_DIR_OPTION = typer.Option(
    None, "--lists-dir", envvar="EXPORTCHECK_LISTS_DIR",
    help="Folder of list snapshots (default: lists/ of the checkout).",
)


def settings_for(lists_dir: Path | None) -> Settings:
    return get_settings(lists_dir)


def user_errors(func: F) -> F:
    """Turn library errors into one line on stderr and exit code 2 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ExportcheckError as exc:
            err_console.print(f"error: {exc}", markup=False)
            raise typer.Exit(2) from None
        except OSError as exc:
            err_console.print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), markup=False)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    """Machine-readable output: plain JSON on stdout, no colour, no wrapping."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
