"""The app factory: routes, problem documents, safe defaults, the lists holder and the MCP endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from exportcheck.server import problems
from exportcheck.server.fastpath import ScreenFrontDoor
from exportcheck.server.security import Limits, TokenAuth
from exportcheck.server.state import ListsHolder
from exportcheck.settings import ServerSettings, get_server_settings, get_settings

DESCRIPTION = """Check what companies say about their exports against public control and sanctions lists.

Every answer names the snapshots (and their data dates) it rests on. Errors are RFC 9457 problem
documents (`application/problem+json`) naming the offending field. exportcheck shows what public lists
and rules say; it is not legal advice."""


def create_app(lists_dir: Path | str | None = None, settings: ServerSettings | None = None, *,
               holder: ListsHolder | None = None, host: str = "127.0.0.1", mcp: bool = True) -> ScreenFrontDoor:
    """The server's ASGI app over the lists in ``lists_dir``; the lists load in the background when it starts.

    It is the FastAPI app (``.app``) behind :class:`~exportcheck.server.fastpath.ScreenFrontDoor`, which
    answers well-formed ``GET /screen`` requests before the framework (the load target).

    ``host`` is the address the server binds: the MCP endpoint's DNS-rebinding protection allows only
    loopback Host headers when it is a loopback address.
    """
    from exportcheck import __version__ as version

    server_settings = settings or get_server_settings()
    folder = get_settings(lists_dir).lists_dir
    lists_holder = holder or ListsHolder(folder, reload_seconds=server_settings.reload_seconds,
                                         cache_entries=server_settings.cache_entries)
    mcp_server: Any = None
    mcp_routes: list[Any] = []
    if mcp:
        from exportcheck.server.mcp_tools import build_mcp, http_routes

        mcp_server = build_mcp(lambda: lists_holder)
        mcp_routes = http_routes(mcp_server, host)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        lists_holder.start()
        async with AsyncExitStack() as stack:
            if mcp_server is not None:
                await stack.enter_async_context(mcp_server.session_manager.run())
            try:
                yield
            finally:
                lists_holder.stop()

    app = FastAPI(title="exportcheck", version=version, description=DESCRIPTION, lifespan=lifespan,
                  docs_url="/docs", redoc_url=None)
    app.state.holder = lists_holder
    app.state.server_settings = server_settings
    problems.install(app)
    from exportcheck.server.routes import claims, controls, health, page, reconcile, screening

    for module in (page, screening, controls, claims, health, reconcile):
        app.include_router(module.router)
    app.router.routes.extend(mcp_routes)
    # middleware added last runs first: CORS (if configured) → limits → token
    if server_settings.api_token:
        app.add_middleware(TokenAuth, token=server_settings.api_token)
    max_query = 4 * server_settings.max_query_chars + 512  # bytes: a name percent-encoded, and the other parameters
    app.add_middleware(Limits, max_body=server_settings.max_body_bytes, max_query=max_query)
    if server_settings.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(server_settings.cors_origins),
                           allow_methods=["GET", "POST", "OPTIONS"],
                           allow_headers=["authorization", "content-type", "accept", "mcp-session-id",
                                          "mcp-protocol-version"],
                           expose_headers=["x-exportcheck-contradicted", "x-exportcheck-counts", "mcp-session-id"])
    front = ScreenFrontDoor(app, lists_holder, server_settings, max_query)
    if lists_holder.prefill is None:
        lists_holder.prefill = front.prefill
    return front


def app_from_env() -> ScreenFrontDoor:
    """The app for ``uvicorn --factory exportcheck.server.app:app_from_env`` (several workers): all from the environment."""
    import os

    return create_app(None, host=os.environ.get("EXPORTCHECK_SERVE_HOST", "127.0.0.1"))
