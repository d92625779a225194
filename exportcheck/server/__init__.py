"""``exportcheck serve``: the lists behind an HTTP API, an OpenRefine reconciliation service, MCP and a page.

Modules: :mod:`.app` (the app factory), :mod:`.state` (loading and hot-swapping the lists),
:mod:`.service` (the answers, shared by REST, MCP and the page), :mod:`.ftm` (yente-shaped matching),
:mod:`.problems` (RFC 9457 errors), :mod:`.security` (token, limits), :mod:`.mcp_tools` (MCP),
:mod:`.run` (uvicorn), :mod:`.routes` (one module per area).
"""
