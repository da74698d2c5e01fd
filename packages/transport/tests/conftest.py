"""Fixtures: real HTTP servers on 127.0.0.1 (see transport_servers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from transport_servers import TestServer


@pytest.fixture
def http_server() -> Iterator[TestServer]:
    server = TestServer()
    yield server
    server.stop()


@pytest.fixture
def http_servers() -> Iterator[list[TestServer]]:
    servers = [TestServer() for _ in range(3)]
    yield servers
    for server in servers:
        server.stop()
