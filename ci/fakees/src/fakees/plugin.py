"""pytest plugin (entry point ``pytest11``): the fake server as fixtures, with no sys.path edits."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator

import pytest

from ._server import FakeServer
from .proxy import FakeProxy

ServerFactory = Callable[..., FakeServer]
ProxyFactory = Callable[..., FakeProxy]


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


@pytest.fixture
def fake_proxy_factory() -> Iterator[ProxyFactory]:
    """``factory(auth=None)`` starts a forward proxy (``auth=(user, password)`` makes it
    require those credentials); all are closed after the test."""
    proxies: list[FakeProxy] = []

    def make(auth: tuple[str, str] | None = None) -> FakeProxy:
        proxy = FakeProxy(auth)
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.close()


@pytest.fixture
def fake_proxy(fake_proxy_factory: ProxyFactory) -> FakeProxy:
    """One forward proxy without authentication, closed after the test."""
    return fake_proxy_factory()
