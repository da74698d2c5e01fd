"""The fake forward proxy's own contract, checked with the standard library's HTTP client."""

from __future__ import annotations

import base64
import http.client
import ssl
from collections.abc import Callable

import pytest
import trustme
from fakees import FakeProxy, FakeServer, Reply, free_port


def via(proxy: FakeProxy) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=5)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_forwards_absolute_form_requests(fake_proxy: FakeProxy, fake_server: FakeServer) -> None:
    fake_server.route("POST", "/i/_search", Reply(status=201, body={"hits": 1}, headers={"X-A": "b"}))
    conn = via(fake_proxy)
    conn.request(
        "POST",
        f"{fake_server.url}/i/_search?q=1",
        body=b'{"a":1}',
        headers={"X-Opaque-Id": "o", "Proxy-Authorization": "Basic c2VjcmV0"},
    )
    response = conn.getresponse()
    assert (response.status, response.read(), response.getheader("x-a")) == (201, b'{"hits": 1}', "b")
    seen = fake_proxy.requests[-1]
    assert (seen.method, seen.target, seen.tunnel, seen.status) == (
        "POST",
        f"{fake_server.url}/i/_search?q=1",
        False,
        201,
    )
    assert seen.proxy_authorization == "Basic c2VjcmV0"
    # The origin got the request in origin form, without the proxy's header.
    assert (fake_server.last.target, fake_server.last.body) == ("/i/_search?q=1", b'{"a":1}')
    assert fake_server.last.headers["x-opaque-id"] == "o"
    assert "proxy-authorization" not in fake_server.last.headers
    # Keep-alive: a second request on the same connection to the proxy.
    conn.request("GET", f"{fake_server.url}/")
    assert conn.getresponse().status == 200
    assert fake_proxy.connections_opened == 1 and len(fake_proxy.forwarded) == 2


def test_origin_form_is_refused(fake_proxy: FakeProxy) -> None:
    conn = via(fake_proxy)
    conn.request("GET", "/")
    assert conn.getresponse().status == 400
    assert fake_proxy.requests[-1].status == 400


def test_unreachable_origin_is_502(fake_proxy: FakeProxy) -> None:
    conn = via(fake_proxy)
    conn.request("GET", f"http://127.0.0.1:{free_port()}/")
    assert conn.getresponse().status == 502
    conn = via(fake_proxy)
    conn.request("CONNECT", f"127.0.0.1:{free_port()}")
    assert conn.getresponse().status == 502


def test_requires_credentials_when_asked(
    fake_proxy_factory: Callable[..., FakeProxy], fake_server: FakeServer
) -> None:
    proxy = fake_proxy_factory(auth=("u", "p"))
    conn = via(proxy)
    conn.request("GET", f"{fake_server.url}/", headers={"Proxy-Authorization": basic("u", "wrong")})
    response = conn.getresponse()
    assert response.status == 407 and response.getheader("proxy-authenticate") == 'Basic realm="fakees"'
    assert fake_server.requests == []
    conn = via(proxy)
    conn.request("GET", f"{fake_server.url}/", headers={"Proxy-Authorization": basic("u", "p")})
    assert conn.getresponse().status == 200
    assert [r.status for r in proxy.requests] == [407, 200]


def test_connect_tunnels_tls_end_to_end(
    fake_proxy_factory: Callable[..., FakeProxy], fake_server_factory: Callable[..., FakeServer]
) -> None:
    ca = trustme.CA()
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    server = fake_server_factory(server_context)
    server.respond(Reply(body={"tls": True}))
    proxy = fake_proxy_factory(auth=("u", "p"))
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    conn = http.client.HTTPSConnection("127.0.0.1", proxy.port, timeout=5, context=client_context)
    conn.set_tunnel("127.0.0.1", server.port, headers={"Proxy-Authorization": basic("u", "p")})
    conn.request("GET", "/_tls")
    response = conn.getresponse()
    assert (response.status, response.read()) == (200, b'{"tls": true}')
    (tunnel,) = proxy.tunnels
    assert (tunnel.target, tunnel.status, tunnel.host_port) == (
        f"127.0.0.1:{server.port}",
        200,
        ("127.0.0.1", server.port),
    )
    assert server.last.target == "/_tls"  # the proxy saw only encrypted bytes of it
    # Without the credentials, no tunnel.
    conn = http.client.HTTPSConnection("127.0.0.1", proxy.port, timeout=5, context=client_context)
    conn.set_tunnel("127.0.0.1", server.port)
    with pytest.raises(OSError, match="407"):
        conn.request("GET", "/")
