"""A ``connection_class=`` subclass overriding ``perform_request`` is called for every request
(request signing and the like), on a real server; our own classes keep the shared nodes."""

from __future__ import annotations

import asyncio
import json
from types import ModuleType
from typing import Any

import pytest
from fakees import free_port

from .conftest import Reply, Server


def _signing_class(base: type[Any], calls: list[tuple[Any, ...]]) -> type[Any]:
    class Signing(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, region: str = "none", **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.region = region

        def perform_request(
            self,
            method: str,
            url: str,
            params: Any = None,
            body: Any = None,
            timeout: Any = None,
            ignore: Any = (),
            headers: Any = None,
        ) -> Any:
            calls.append((method, url, dict(params or {}), body, timeout))
            signed = dict(headers or {}, authorization=f"Signed {self.region}")
            return super().perform_request(method, url, params, body, timeout, ignore, signed)

    return Signing


@pytest.mark.parametrize("base", ["Urllib3HttpConnection", "RequestsHttpConnection"])
def test_overridden_perform_request_sends_every_request(es7: ModuleType, server: Server, base: str) -> None:
    calls: list[tuple[Any, ...]] = []
    cls = _signing_class(getattr(es7, base), calls)
    es = es7.Elasticsearch(server.url, connection_class=cls, region="eu-1")
    node = es.transport.connection_pool.all()[0]
    assert isinstance(node.connection, cls) and node.connection.region == "eu-1"
    assert es.search(index="x", q="a b", query={"match_all": {}}, request_timeout=7) == {"ok": True}
    assert [(c[0], c[1], c[2]) for c in calls] == [("GET", "/", {}), ("POST", "/x/_search", {"q": "a b"})]
    assert json.loads(calls[1][3]) == {"query": {"match_all": {}}} and calls[1][4] == 7
    assert [r.headers["authorization"] for r in server.requests] == ["Signed eu-1", "Signed eu-1"]
    assert server.last.target == "/x/_search?q=a+b"
    assert server.last.headers["user-agent"].startswith("elasticsearch-py/7.17.0")
    meta = server.last.headers["x-elastic-client-meta"]
    assert (",rq=" if base == "RequestsHttpConnection" else ",ur=") in meta

    # Error statuses, ignore and HEAD behave as with the built-in classes.
    server.routes[("GET", "/x/_doc/1")] = Reply(status=404, body={"error": {"type": "not_found"}})
    with pytest.raises(es7.NotFoundError) as e:
        es.get(index="x", id="1")
    assert e.value.error == "not_found"
    assert es.get(index="x", id="1", ignore=404) == {"error": {"type": "not_found"}}
    server.routes[("HEAD", "/x/_doc/2")] = Reply(status=404, body=b"")
    assert es.exists(index="x", id="2") is False
    es.close()


def test_retries_go_through_the_connection(es7: ModuleType, server: Server) -> None:
    calls: list[tuple[Any, ...]] = []
    cls = _signing_class(es7.Urllib3HttpConnection, calls)
    dead = f"http://127.0.0.1:{free_port()}"
    es = es7.Elasticsearch([dead, server.url], connection_class=cls, randomize_hosts=False)
    assert es.search(index="x") == {"ok": True}
    assert len(calls) >= 3  # the refused attempt, then the product check and the search
    assert server.api_requests()[-1].headers["authorization"] == "Signed none"
    with pytest.raises(es7.ConnectionError):
        es7.Elasticsearch(dead, connection_class=cls, max_retries=0).search(index="x")


def test_server_error_is_retried_through_the_connection(es7: ModuleType, server: Server) -> None:
    calls: list[tuple[Any, ...]] = []
    cls = _signing_class(es7.Urllib3HttpConnection, calls)
    server.routes[("POST", "/x/_search")] = Reply(status=503, body={"error": "busy"})
    es = es7.Elasticsearch(server.url, connection_class=cls, max_retries=2, retry_on_status=(503,))
    with pytest.raises(es7.TransportError) as e:
        es.search(index="x")
    assert e.value.status_code == 503
    assert [c[1] for c in calls].count("/x/_search") == 3


def test_builtin_classes_keep_the_shared_nodes(es7: ModuleType, server: Server) -> None:
    from elastic_transport import RequestsHttpNode, Urllib3HttpNode

    class Configured(es7.Urllib3HttpConnection):  # type: ignore[misc, name-defined]
        """A subclass that changes no I/O: still the shared node, no connection in between."""

    for cls, node_class in (
        (None, Urllib3HttpNode),
        (es7.Urllib3HttpConnection, Urllib3HttpNode),
        (Configured, Urllib3HttpNode),
        (es7.RequestsHttpConnection, RequestsHttpNode),
    ):
        es = es7.Elasticsearch(server.url, connection_class=cls)
        assert type(es.transport.connection_pool.all()[0]) is node_class


def test_async_overridden_perform_request(es7: ModuleType, server: Server) -> None:
    calls: list[str] = []

    class Signing(es7.AIOHttpConnection):  # type: ignore[misc, name-defined]
        async def perform_request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            calls.append(url)
            kwargs["headers"] = dict(kwargs.get("headers") or {}, authorization="Signed")
            return await super().perform_request(method, url, *args, **kwargs)

    async def main() -> Any:
        async with es7.AsyncElasticsearch(server.url, connection_class=Signing) as es:
            return await es.search(index="x")

    assert asyncio.run(main()) == {"ok": True}
    assert calls == ["/", "/x/_search"]
    assert server.last.headers["authorization"] == "Signed"


def test_pool_hands_out_connections_over_its_nodes(es7: ModuleType, server: Server) -> None:
    """``connection_pool.connections`` and ``get_connection()`` are 7.x ``Connection`` objects;
    one sends through the pool's own node, and ``mark_dead`` takes it."""
    dead = f"http://127.0.0.1:{free_port()}"
    es = es7.Elasticsearch([server.url, dead], randomize_hosts=False)
    pool = es.transport.connection_pool
    connections = pool.connections
    assert [type(c) for c in connections] == [es7.Urllib3HttpConnection] * 2
    assert [c._node for c in connections] == pool.all()
    live = next(c for c in connections if c.port == server.port)
    status, headers, data = live.perform_request("GET", "/x", params={"a": "1"})
    assert (status, json.loads(data), server.last.target) == (200, {"ok": True}, "/x?a=1")
    assert (
        "content-type" in headers and headers.get("Content-Type") == headers["content-type"]
    )  # any spelling
    gone = next(c for c in connections if c is not live)
    es.transport.mark_dead(gone)
    assert {es.transport.get_connection().port for _ in range(4)} == {server.port}
    from es7rt.transport import _ProductChecker

    assert _ProductChecker.check_product(
        {"X-Elastic-Product": "Elasticsearch"}, {"version": {"number": "7.17.0"}}
    )


def test_connection_internals_of_7x(
    es7: ModuleType, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    """``session`` / ``pool`` are the node's; the User-Agent is ``_get_default_user_agent()``;
    a standalone request logs to ``elasticsearch`` and traces to ``elasticsearch.trace``."""
    import logging

    requests_connection = es7.RequestsHttpConnection("127.0.0.1", server.port)
    assert requests_connection.session is requests_connection._get_node().session
    urllib3_connection = es7.Urllib3HttpConnection("127.0.0.1", server.port)
    assert urllib3_connection.pool is urllib3_connection._get_node().pool
    tracer = logging.getLogger("elasticsearch.trace")
    handler = logging.NullHandler()
    tracer.addHandler(handler)
    try:
        with caplog.at_level(logging.DEBUG):
            status, _headers, _data = urllib3_connection.perform_request("POST", "/x", {"a": "1"}, b'{"q":1}')
            server.routes[("GET", "/bad")] = Reply(status=500, body={"error": "boom"})
            with pytest.raises(es7.TransportError):
                urllib3_connection.perform_request("GET", "/bad")
    finally:
        tracer.removeHandler(handler)
    assert status == 200
    assert server.requests[0].headers["user-agent"] == urllib3_connection._get_default_user_agent()
    records = [
        (r.name, r.levelname, r.getMessage()) for r in caplog.records if r.name.startswith("elasticsearch")
    ]
    url = f"http://127.0.0.1:{server.port}"
    assert any(
        n == "elasticsearch" and m.startswith(f"POST {url}/x?a=1 [status:200 request:") for n, _, m in records
    )
    assert ("elasticsearch", "DEBUG", '> {"q":1}') in records
    assert any(n == "elasticsearch" and lvl == "WARNING" and "[status:500" in m for n, lvl, m in records)
    curl = [m for n, lvl, m in records if n == "elasticsearch.trace" and lvl == "INFO"]
    assert curl[0].startswith(
        "curl -H 'Content-Type: application/json' -XPOST 'http://localhost:9200/x?pretty&a=1'"
    )
    cloud_id = "name:" + __import__("base64").b64encode(b"example.com$es-uuid$kb-uuid").decode()
    assert es7.Urllib3HttpConnection(cloud_id=cloud_id).host == "https://es-uuid.example.com"
    assert es7.Urllib3HttpConnection(cloud_id=cloud_id, port=9243).host == "https://es-uuid.example.com:9243"


def test_raise_warnings(es7: ModuleType) -> None:
    """``Connection._raise_warnings(values)``: one warning per distinct message, folded values split."""
    import warnings

    connection = es7.Urllib3HttpConnection()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        connection._raise_warnings([])
        connection._raise_warnings(['299 Elasticsearch-7.17.0 "a"', '299 Elasticsearch-7.17.0 "a",299 x "b"'])
    assert [str(w.message) for w in caught] == ["a", "b"]
    assert all(w.category is es7.ElasticsearchWarning for w in caught)
