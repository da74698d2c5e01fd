"""Fixtures for the 8.x/9.x runtime tests: the rendered packages and a recording server.

Every test that takes ``es`` runs once per package (``elasticsearch``, ``elasticsearch8``)
and once per client flavour (``Elasticsearch``, ``AsyncElasticsearch``); the shared server
code lives in ``v8plus_servers``.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from .v8plus_servers import RecordingServer, resolve

PACKAGES = ("elasticsearch", "elasticsearch8")


@pytest.fixture(autouse=True)
def official_compat_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests expect the official headers, whatever the environment sets: negotiation
    (ELASTIC_CLIENT_APIVERSIONING=negotiate) is on only in the tests that set it."""
    monkeypatch.delenv("ELASTIC_CLIENT_APIVERSIONING", raising=False)


@pytest.fixture(params=PACKAGES)
def es_module(request: pytest.FixtureRequest) -> ModuleType:
    """One rendered API package, imported by its name."""
    return importlib.import_module(request.param)


@pytest.fixture(params=["sync", "async"])
def client_class(request: pytest.FixtureRequest, es_module: ModuleType) -> type[Any]:
    """``Elasticsearch`` or ``AsyncElasticsearch`` of the package under test."""
    cls: type[Any] = es_module.Elasticsearch if request.param == "sync" else es_module.AsyncElasticsearch
    return cls


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    srv = RecordingServer()
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture
async def make_client(client_class: type[Any], server: RecordingServer) -> AsyncIterator[Callable[..., Any]]:
    """Builds clients of the class under test (default host: ``server``) and closes them afterwards."""
    clients: list[Any] = []

    def make(hosts: Any = None, **kwargs: Any) -> Any:
        if hosts is None and "cloud_id" not in kwargs:
            hosts = server.url
        client = client_class(hosts, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await resolve(client.close())


@pytest.fixture
def es(make_client: Callable[..., Any]) -> Any:
    """A client of the class under test, talking to ``server``."""
    return make_client()
