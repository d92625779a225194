"""One server over the real lists for the whole session: loading them takes half a minute, not per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.support import Server, start_server


@pytest.fixture(scope="session")
def server(real_lists_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``exportcheck serve`` on a free 127.0.0.1 port over every list refreshed from the real mirror."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    running = start_server(real_lists_dir, log)
    yield running
    running.stop()
