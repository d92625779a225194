"""The ``exportcheck`` command: a thin typer app, one library call per command.

Command groups live in their own modules and register on :data:`app` when imported below.
"""

from __future__ import annotations

import os
import sys

from exportcheck.cli._app import app, err_console

# Importing the modules registers their commands on ``app``.
from exportcheck.cli import lists as _lists  # noqa: F401  isort: skip
from exportcheck.cli import controls as _controls  # noqa: F401  isort: skip
from exportcheck.cli import export as _export  # noqa: F401  isort: skip
from exportcheck.cli import claims as _claims  # noqa: F401  isort: skip
from exportcheck.cli import screen as _screen  # noqa: F401  isort: skip
from exportcheck.cli import classify as _classify  # noqa: F401  isort: skip
from exportcheck.cli import serve as _serve  # noqa: F401  isort: skip
from exportcheck.cli import watch as _watch  # noqa: F401  isort: skip

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: run the app; an unexpected error becomes one line and exit code 70, never a traceback."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # last resort: users must never see a traceback
        if os.environ.get("EXPORTCHECK_DEBUG"):
            raise
        err_console.print(f"internal error: {exc.__class__.__name__}: {exc} (set EXPORTCHECK_DEBUG=1 for details)")
        sys.exit(70)
