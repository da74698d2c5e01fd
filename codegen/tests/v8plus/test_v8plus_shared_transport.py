"""All three API packages in one process, on one ``elastic_transport``.

A client of each (``elasticsearch``, ``elasticsearch8``, ``elasticsearch7``), sync and async,
sends requests to the same recording server; each request carries its own package's
identity, and every transport and node object comes from the one loaded transport module.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import elastic_transport
import pytest

from .v8plus_servers import RecordingServer, resolve

COMPAT = {
    "elasticsearch": "application/vnd.elasticsearch+json; compatible-with=9",
    "elasticsearch8": "application/vnd.elasticsearch+json; compatible-with=8",
    "elasticsearch7": "application/json",
}


def shared_transport(client: Any) -> Any:
    """The ``elastic_transport`` transport under a client (7.x wraps it in its own Transport class)."""
    transport = client.transport
    return (
        transport
        if isinstance(transport, (elastic_transport.Transport, elastic_transport.AsyncTransport))
        else transport._transport
    )


def assert_from_transport_module(obj: Any) -> None:
    """The object's class is defined in the loaded ``elastic_transport`` package."""
    module = sys.modules[type(obj).__module__]
    assert module.__name__.split(".")[0] == "elastic_transport", module.__name__
    assert (
        Path(module.__file__ or "")
        .resolve()
        .is_relative_to(Path(elastic_transport.__file__).resolve().parent)
    )


@pytest.mark.parametrize("flavor", ["sync", "async"])
async def test_three_packages_share_one_transport_module(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch, flavor: str
) -> None:
    monkeypatch.delenv("ELASTIC_CLIENT_APIVERSIONING", raising=False)
    import elasticsearch
    import elasticsearch7
    import elasticsearch8

    packages = {
        "elasticsearch": elasticsearch,
        "elasticsearch8": elasticsearch8,
        "elasticsearch7": elasticsearch7,
    }
    clients = {
        name: (module.Elasticsearch if flavor == "sync" else module.AsyncElasticsearch)(server.url)
        for name, module in packages.items()
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            for name, client in clients.items():
                result = await resolve(client.search(index=f"idx-{name}", query={"match_all": {}}))
                assert result == {"acknowledged": True}
                assert await resolve(client.indices.exists(index=f"idx-{name}")) is not False
        transports = {name: shared_transport(client) for name, client in clients.items()}
        expected_class = elastic_transport.Transport if flavor == "sync" else elastic_transport.AsyncTransport
        for transport in transports.values():
            # The shared class (7.x's subclass changes only what a sniff does with seed nodes):
            # the request loop is the shared module's.
            assert isinstance(transport, expected_class)
            assert type(transport).perform_request is expected_class.perform_request
            for node in transport.node_pool.all():
                assert isinstance(node, elastic_transport.BaseNode)
                assert_from_transport_module(node)
        assert len({id(t) for t in transports.values()}) == 3  # one transport per client, one module for all
    finally:
        for client in clients.values():
            await resolve(client.close())

    # Each package's requests reached the server with its own identity.
    for name, module in packages.items():
        searches = [r for r in server.requests if r.path == f"/idx-{name}/_search"]
        assert len(searches) == 1, name
        headers = searches[0].headers
        assert headers["user-agent"].startswith(f"elasticsearch-py/{module.__versionstr__} ")
        assert headers["x-elastic-client-meta"].startswith(f"es={module.__versionstr__},")
        assert f",t={elastic_transport.__version__}," in headers["x-elastic-client-meta"]
        assert headers["accept"] == COMPAT[name]

    # One transport module object: everything named elastic_transport* comes from one directory,
    # and every package refers to that module's classes.
    root = Path(elastic_transport.__file__).resolve().parent
    transport_modules = {
        n: m for n, m in sys.modules.items() if n == "elastic_transport" or n.startswith("elastic_transport.")
    }
    assert all(Path(m.__file__ or root).resolve().is_relative_to(root) for m in transport_modules.values())
    strays = [
        n
        for n, m in list(sys.modules.items())
        if "elastic_transport" in Path(getattr(m, "__file__", None) or "/").parts
        and n not in transport_modules
    ]
    assert strays == []
    assert elasticsearch._sync.client._base.Transport is elastic_transport.Transport
    assert elasticsearch8._sync.client._base.Transport is elastic_transport.Transport
    assert vars(elasticsearch7.transport)["elastic_transport"] is elastic_transport
    assert elasticsearch.ApiError.__mro__[1] is elastic_transport.ApiError
    assert elasticsearch8.ApiError.__mro__[1] is elastic_transport.ApiError
