"""The three sync nodes must behave alike: each test runs on urllib3, requests and httpx
against real servers on 127.0.0.1, on the node directly and through a Transport."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from elastic_transport import (
    ConnectionError,
    ConnectionTimeout,
    HttpxHttpNode,
    NodeConfig,
    RequestsHttpNode,
    SerializationError,
    TlsError,
    Transport,
    Urllib3HttpNode,
)
from elastic_transport._node import BaseNode
from fakees import FakeServer, Reply, free_port

NodeFactory = Callable[..., BaseNode]


@pytest.fixture(
    params=[Urllib3HttpNode, RequestsHttpNode, HttpxHttpNode], ids=["urllib3", "requests", "httpx"]
)
def node_class(request: pytest.FixtureRequest) -> type[BaseNode]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def make_node(node_class: type[BaseNode]) -> Iterator[NodeFactory]:
    """Builds nodes of the class under test for a port; closes them after the test."""
    nodes: list[BaseNode] = []

    def make(port: int, **kwargs: object) -> BaseNode:
        nodes.append(node_class(NodeConfig("http", "127.0.0.1", port, **kwargs)))  # type: ignore[arg-type]
        return nodes[-1]

    yield make
    for node in nodes:
        node.close()


@pytest.fixture
def make_transport(node_class: type[BaseNode]) -> Iterator[Callable[..., Transport]]:
    transports: list[Transport] = []

    def make(port: int, transport_kwargs: dict[str, object] | None = None, **kwargs: object) -> Transport:
        config = NodeConfig("http", "127.0.0.1", port, **kwargs)  # type: ignore[arg-type]
        transports.append(Transport([config], node_class=node_class, **(transport_kwargs or {})))
        return transports[-1]

    yield make
    for transport in transports:
        transport.close()


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "HEAD"])
def test_methods_on_node(make_node: NodeFactory, http_server: FakeServer, method: str) -> None:
    http_server.respond(Reply(body={"ok": True}))
    body = b'{"a":1}' if method in ("POST", "PUT") else None
    # A HEAD reply announces a Content-Length but sends no body: the node must not wait for one.
    meta, data = make_node(http_server.port).perform_request(
        method, "/i/_doc/1", body=body, request_timeout=5
    )
    assert meta.status == 200
    assert data == (b"" if method == "HEAD" else b'{"ok": true}')
    request = http_server.requests[0]
    assert (request.method, request.target, request.body) == (method, "/i/_doc/1", body or b"")


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "HEAD"])
def test_methods_through_transport(
    make_transport: Callable[..., Transport], http_server: FakeServer, method: str
) -> None:
    http_server.respond(Reply(body={"ok": True}))
    body = {"a": 1} if method in ("POST", "PUT") else None
    meta, data = make_transport(http_server.port).perform_request(method, "/i/_doc/1", body=body)
    assert meta.status == 200
    assert data == (None if method == "HEAD" else {"ok": True})
    request = http_server.requests[0]
    assert request.method == method
    assert json.loads(request.body) == body if body else request.body == b""


def test_path_prefix(make_node: NodeFactory, http_server: FakeServer) -> None:
    make_node(http_server.port, path_prefix="/proxy/es/").perform_request("GET", "/_search?q=x")
    assert http_server.requests[0].target == "/proxy/es/_search?q=x"


def test_request_headers_override_node_headers_case_insensitively(
    make_node: NodeFactory, http_server: FakeServer
) -> None:
    node = make_node(http_server.port, headers={"X-Node": "n", "Authorization": "Basic old"})
    node.perform_request("GET", "/", headers={"authorization": "ApiKey new", "X-Request": "r"})
    headers = http_server.requests[0].headers
    assert (headers["x-node"], headers["authorization"], headers["x-request"]) == ("n", "ApiKey new", "r")


def test_header_values_change_between_requests(make_node: NodeFactory, http_server: FakeServer) -> None:
    """The urllib3 node reuses header lines it has checked before: each request still
    carries exactly its own values."""
    node = make_node(http_server.port)
    values = ["a", "b", "a", "a b", "b"]
    for value in values:
        node.perform_request("GET", "/", headers={"x-value": value})
    assert [r.headers["x-value"] for r in http_server.requests] == values


def test_header_injection_refused_every_time(make_node: NodeFactory, http_server: FakeServer) -> None:
    node = make_node(http_server.port)
    node.perform_request("GET", "/", headers={"x-value": "ok"})
    for _ in range(2):
        with pytest.raises((ValueError, ConnectionError)):
            node.perform_request("GET", "/", headers={"x-value": "ok\r\nx-injected: 1"})
    node.perform_request("GET", "/", headers={"x-value": "ok"})
    assert [r.headers.get("x-injected") for r in http_server.requests] == [None, None]


def test_keep_alive_reuses_one_connection(make_node: NodeFactory, http_server: FakeServer) -> None:
    node = make_node(http_server.port)
    for _ in range(20):
        node.perform_request("GET", "/")
    assert {r.connection_id for r in http_server.requests} == {1}


def test_client_meta_names_the_http_library(
    make_transport: Callable[..., Transport], http_server: FakeServer, node_class: type[BaseNode]
) -> None:
    make_transport(http_server.port).perform_request("GET", "/")
    prefix = node_class._CLIENT_META_HTTP_CLIENT[0]
    assert prefix in ("ur", "rq", "hx")
    assert f",{prefix}=" in http_server.requests[0].headers["x-elastic-client-meta"]


def test_http_compress_gzips_request_and_asks_for_gzip(
    make_node: NodeFactory, http_server: FakeServer
) -> None:
    payload = json.dumps({"a": "x" * 200}).encode()
    make_node(http_server.port, http_compress=True).perform_request("POST", "/i/_doc", body=payload)
    request = http_server.requests[0]
    assert request.headers["content-encoding"] == "gzip"
    assert "gzip" in request.headers["accept-encoding"]
    assert gzip.decompress(request.body) == payload


def test_no_compression_unless_asked(
    make_node: NodeFactory, http_server: FakeServer, node_class: type[BaseNode]
) -> None:
    make_node(http_server.port).perform_request("POST", "/i/_doc", body=b'{"a":1}')
    request = http_server.requests[0]
    assert "content-encoding" not in request.headers
    if node_class is HttpxHttpNode:  # httpx's own Accept-Encoding, as the official httpx node
        assert request.headers["accept-encoding"] == httpx.Client().headers["accept-encoding"]
    else:
        assert "gzip" not in request.headers.get("accept-encoding", "")
    assert request.body == b'{"a":1}'


def test_gzip_response_is_decoded(make_transport: Callable[..., Transport], http_server: FakeServer) -> None:
    http_server.respond(Reply(body={"compressed": True}, gzip=True))
    _, body = make_transport(http_server.port, http_compress=True).perform_request("GET", "/")
    assert body == {"compressed": True}


@pytest.mark.parametrize("where", ["request", "node_config"])
def test_request_timeout(make_node: NodeFactory, http_server: FakeServer, where: str) -> None:
    http_server.respond(Reply(delay=2.0))
    if where == "request":
        node, kwargs = make_node(http_server.port), {"request_timeout": 0.3}
    else:
        node, kwargs = make_node(http_server.port, request_timeout=0.3), {}
    start = time.monotonic()
    with pytest.raises(ConnectionTimeout):
        node.perform_request("GET", "/", **kwargs)  # type: ignore[arg-type]
    assert time.monotonic() - start < 1.5


def test_request_timeout_through_transport(
    make_transport: Callable[..., Transport], http_server: FakeServer
) -> None:
    http_server.respond(Reply(delay=2.0))
    start = time.monotonic()
    with pytest.raises(ConnectionTimeout):
        make_transport(http_server.port).perform_request("GET", "/", request_timeout=0.3)
    assert time.monotonic() - start < 1.5


def test_refused_connection(make_node: NodeFactory) -> None:
    with pytest.raises(ConnectionError) as info:
        make_node(free_port()).perform_request("GET", "/")
    assert not isinstance(info.value, TlsError)
    assert info.value.errors  # the HTTP library's own exception is kept


@pytest.mark.parametrize(
    "reply",
    [
        Reply(action="close"),
        Reply(
            action="raw",
            raw=b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"hits":',
        ),
    ],
    ids=["before_reply", "mid_body"],
)
def test_connection_closed_by_server(make_node: NodeFactory, http_server: FakeServer, reply: Reply) -> None:
    """The server reads the request and drops the connection, before answering or mid-body."""
    http_server.respond(reply)
    with pytest.raises(ConnectionError):
        make_node(http_server.port).perform_request("GET", "/", request_timeout=5)
    assert len(http_server.requests) >= 1


def test_invalid_json_keeps_raw_bytes(
    make_transport: Callable[..., Transport], http_server: FakeServer
) -> None:
    http_server.respond(Reply(body=b'{"truncated": ', headers={"Content-Type": "application/json"}))
    with pytest.raises(SerializationError) as info:
        make_transport(http_server.port).perform_request("GET", "/")
    assert info.value.raw == b'{"truncated": '


def test_response_meta(make_node: NodeFactory, http_server: FakeServer) -> None:
    http_server.respond(Reply(status=201, headers={"X-Custom": "value"}))
    node = make_node(http_server.port)
    meta, _ = node.perform_request("PUT", "/i/_doc/1", body=b"{}")
    assert meta.status == 201
    assert meta.headers["x-custom"] == meta.headers["X-CUSTOM"] == "value"
    assert meta.mimetype == "application/json"
    assert meta.http_version == "1.1"
    assert meta.duration > 0
    assert meta.node is node.config


def test_error_status_is_returned_not_raised(make_node: NodeFactory, http_server: FakeServer) -> None:
    http_server.respond(Reply(status=503, body={"error": "unavailable"}))
    meta, data = make_node(http_server.port).perform_request("GET", "/")
    assert meta.status == 503 and json.loads(data) == {"error": "unavailable"}


def test_sixteen_threads_share_one_transport(
    make_transport: Callable[..., Transport], http_server: FakeServer
) -> None:
    transport = make_transport(http_server.port, connections_per_node=4)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for i in range(50):
                meta, body = transport.perform_request("POST", "/i/_doc", body={"i": i})
                assert meta.status == 200 and body == {}
        except BaseException as e:  # pragma: no cover - reported below
            failures.append(e)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(http_server.requests) == 800
    assert http_server.connections_opened < 100  # connections are kept alive and reused
    assert sorted(json.loads(r.body)["i"] for r in http_server.requests) == sorted(list(range(50)) * 16)


def test_repeated_response_headers_are_joined(make_node: NodeFactory, http_server: FakeServer) -> None:
    http_server.respond(
        Reply(
            repeated_headers=[
                ("Warning", '299 Elasticsearch-9.5.0 "first"'),
                ("Warning", '299 Elasticsearch-9.5.0 "second"'),
            ]
        )
    )
    meta, _ = make_node(http_server.port).perform_request("GET", "/")
    assert meta.headers["warning"] == '299 Elasticsearch-9.5.0 "first", 299 Elasticsearch-9.5.0 "second"'
    assert meta.headers["Content-Type"] == "application/json"


def test_requests_auth_object_from_extras(http_server: FakeServer) -> None:
    import requests.auth

    config = NodeConfig(
        "http",
        "127.0.0.1",
        http_server.port,
        _extras={"requests.session.auth": requests.auth.HTTPBasicAuth("u", "p")},
    )
    RequestsHttpNode(config).perform_request("GET", "/")
    assert http_server.requests[0].headers["authorization"] == "Basic dTpw"
