"""``exportcheck serve`` (HTTP API, OpenRefine, MCP over HTTP, the page) and ``exportcheck mcp`` (MCP on stdio)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from exportcheck.cli._app import LISTS_DIR_OPTION, app, user_errors
from exportcheck.errors import ConfigError


@app.command()
@user_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to bind; anything but 127.0.0.1/localhost/::1 "
                                      "needs EXPORTCHECK_API_TOKEN.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=16, help="Processes (each loads the lists).")] = 1,
    log_level: Annotated[str, typer.Option("--log-level", help="critical | error | warning | info | debug")] = "info",
    lists_dir: Path | None = LISTS_DIR_OPTION,
) -> None:
    """Serve the lists: REST API (/docs), OpenRefine (/reconcile), MCP (/mcp) and a page for fact-checkers (/)."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise ConfigError("the server needs the 'serve' extra: pip install 'exportcheck[serve]'") from None
    if log_level not in ("critical", "error", "warning", "info", "debug"):
        raise ConfigError(f"--log-level must be critical, error, warning, info or debug, not {log_level!r}")
    from exportcheck.server.run import serve as run_server

    run_server(host, port, lists_dir, workers, log_level)


@app.command()
@user_errors
def mcp(lists_dir: Path | None = LISTS_DIR_OPTION) -> None:
    """Serve the MCP tools (screen, control, search_controls, classify, verify, sources) on stdin/stdout."""
    try:
        import mcp as _mcp  # noqa: F401
    except ImportError:
        raise ConfigError("MCP needs the 'serve' extra: pip install 'exportcheck[serve]'") from None
    from exportcheck.server.run import mcp_stdio

    mcp_stdio(lists_dir)
