"""The fake server's own contract, checked with the standard library's HTTP client."""

from __future__ import annotations

import http.client
import ssl
from pathlib import Path

import pytest
from fakees import FakeServer, Reply, sequence


def get(
    server: FakeServer,
    method: str = "GET",
    target: str = "/",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request(method, target, body=body, headers=headers or {})
    return conn.getresponse()


def test_records_and_routes(fake_server: FakeServer) -> None:
    fake_server.route("POST", "/i/_search", Reply(status=201, body={"hits": 1}, headers={"X-A": "b"}))
    response = get(fake_server, "POST", "/i/_search?q=a+b&x", b'{"a":1}', {"X-Opaque-Id": "o"})
    assert (response.status, response.read(), response.getheader("x-a")) == (201, b'{"hits": 1}', "b")
    assert response.getheader("X-Elastic-Product") == "Elasticsearch"
    request = fake_server.last
    assert (request.method, request.target, request.path) == ("POST", "/i/_search?q=a+b&x", "/i/_search")
    assert request.query == {"q": "a b", "x": ""}
    assert request.headers["x-opaque-id"] == "o" and request.json() == {"a": 1}
    assert get(fake_server, "HEAD", "/other").read() == b""  # the default reply, no body for HEAD


def test_chunked_body_and_connection_ids(fake_server: FakeServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", fake_server.port, timeout=5)
    conn.request("POST", "/_bulk", body=iter([b'{"a":1}\n', b'{"b":2}\n']), encode_chunked=True)
    conn.getresponse().read()
    conn.request("GET", "/")
    conn.getresponse().read()
    assert fake_server.requests[0].ndjson() == [{"a": 1}, {"b": 2}]
    assert [r.connection_id for r in fake_server.requests] == [1, 1]
    assert fake_server.connections_opened == 1


def test_sequence_repeats_the_last_reply(fake_server: FakeServer) -> None:
    fake_server.respond(Reply(status=503), Reply(status=200, product=False))
    assert [get(fake_server).status for _ in range(3)] == [503, 200, 200]
    fake_server.handler = None
    fake_server.route("GET", "/", sequence(Reply(body="a"), Reply(body="b", gzip=True)))
    first, second = get(fake_server), get(fake_server)
    assert first.read() == b"a" and second.getheader("Content-Encoding") == "gzip"


@pytest.mark.parametrize("action", ["close", "reset"])
def test_dropped_connections(fake_server: FakeServer, action: str) -> None:
    fake_server.respond(Reply(action=action))  # type: ignore[arg-type]
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)) as info:
        get(fake_server)
    expected = http.client.RemoteDisconnected if action == "close" else ConnectionResetError
    assert isinstance(info.value, expected)
    assert len(fake_server.requests) == 1


def test_raw_bytes_then_close(fake_server: FakeServer) -> None:
    fake_server.respond(Reply(action="raw", raw=b'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"a'))
    response = get(fake_server)
    with pytest.raises(http.client.IncompleteRead):
        response.read()


def test_tls(fake_server_factory: object, tmp_path: Path) -> None:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = fake_server_factory(context)  # type: ignore[operator]
    assert server.url.startswith("https://")
    client = ssl.create_default_context()
    ca.configure_trust(client)
    conn = http.client.HTTPSConnection("127.0.0.1", server.port, context=client, timeout=5)
    conn.request("GET", "/")
    assert conn.getresponse().status == 200


def test_counts_open_connections(fake_server: FakeServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", fake_server.port, timeout=5)
    conn.request("GET", "/")
    conn.getresponse().read()
    assert fake_server.connections_open == 1
    conn.close()
    assert fake_server.wait_connections_open(0)
    assert fake_server.connections_opened == 1


def test_trickled_body(fake_server: FakeServer) -> None:
    fake_server.respond(Reply(body=b"abcdefgh", trickle=0.05))
    response = get(fake_server)
    assert response.getheader("Content-Length") == "8"  # headers at once, then the body
    first = response.read1(8)
    assert first == b"a"  # one byte per write, a wait before each
    assert first + response.read() == b"abcdefgh"
