"""Start uvicorn with the app (``exportcheck serve``), after checking the bind is safe."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from exportcheck.settings import get_server_settings, get_settings


def serve(host: str = "127.0.0.1", port: int = 8000, lists_dir: Path | None = None, workers: int = 1,
          log_level: str = "info") -> None:
    """Serve until interrupted. Raises ConfigError (one line for the CLI) for an unsafe or unusable setup."""
    import uvicorn

    settings = get_server_settings()
    settings.check_bind(host)
    folder = get_settings(lists_dir).lists_dir
    common: dict[str, Any] = {"host": host, "port": port, "log_level": log_level, "proxy_headers": False,
              "server_header": False, "access_log": log_level == "debug"}
    if workers > 1:  # each worker loads its own lists; the app comes from the environment
        os.environ["EXPORTCHECK_LISTS_DIR"] = str(folder)
        os.environ["EXPORTCHECK_SERVE_HOST"] = host
        uvicorn.run("exportcheck.server.app:app_from_env", factory=True, workers=workers, **common)
        return
    from exportcheck.server.app import create_app

    uvicorn.run(create_app(folder, settings, host=host), **common)


def mcp_stdio(lists_dir: Path | None = None) -> None:
    """Load the lists, then serve the MCP tools on stdio; nothing but the protocol is written to stdout."""
    import logging

    from exportcheck.server.mcp_tools import run_stdio
    from exportcheck.server.state import ListsHolder

    logging.basicConfig(level=logging.WARNING)
    settings = get_server_settings()
    holder = ListsHolder(get_settings(lists_dir).lists_dir, reload_seconds=settings.reload_seconds,
                         cache_entries=settings.cache_entries)
    holder.load_now()
    holder.start()  # picks up new snapshots while the client stays connected
    try:
        run_stdio(holder)
    finally:
        holder.stop()
