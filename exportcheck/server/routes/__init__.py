"""The server's routes, one module per area; :func:`exportcheck.server.app.create_app` includes them all."""
