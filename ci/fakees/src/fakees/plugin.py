"""pytest plugin (entry point ``pytest11``): the fake server as fixtures, with no sys.path edits."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator

import pytest

from ._server import FakeServer

ServerFactory = Callable[..., FakeServer]


@pytest.fixture
def fake_server_factory() -> Iterator[ServerFactory]:
    """``factory(ssl_context=None)`` starts another server; all are closed after the test."""
    servers: list[FakeServer] = []

    def make(ssl_context: ssl.SSLContext | None = None) -> FakeServer:
        server = FakeServer(ssl_context)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def fake_server(fake_server_factory: ServerFactory) -> FakeServer:
    """One plain-HTTP fake server, closed after the test."""
    return fake_server_factory()
