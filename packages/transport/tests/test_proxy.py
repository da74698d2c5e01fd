"""HTTP proxy support (NodeConfig.proxy), for every node class, against real sockets: the fake
Elasticsearch of ci/fakees behind the forward proxy of ci/fakees, both on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import logging
import ssl
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import trustme
from elastic_transport import (
    AiohttpHttpNode,
    AsyncTransport,
    ConnectionError,
    HttpxAsyncHttpNode,
    HttpxHttpNode,
    NodeConfig,
    RequestsHttpNode,
    TlsError,
    Transport,
    TransportError,
    Urllib3HttpNode,
)
from elastic_transport._node import BaseNode
from fakees import FakeProxy, FakeServer, Reply, free_port

ProxyFactory = Callable[..., FakeProxy]

ALL_NODE_CLASSES = [Urllib3HttpNode, RequestsHttpNode, HttpxHttpNode, AiohttpHttpNode, HttpxAsyncHttpNode]
# The node classes that can pin a certificate fingerprint (httpx can't, and refuses it).
PINNING_NODE_CLASSES = [Urllib3HttpNode, RequestsHttpNode, AiohttpHttpNode]
# What the official nodes of each library do with HTTP(S)_PROXY: requests and httpx honour it.
ENV_PROXY_NODE_CLASSES = [RequestsHttpNode, HttpxHttpNode, HttpxAsyncHttpNode]
NO_ENV_PROXY_NODE_CLASSES = [Urllib3HttpNode, AiohttpHttpNode]

USER = "proxy-user"
PASSWORD = "S3cr3t:p@ss/w0rd"  # ':', '@' and '/' percent-encoded in the URL
QUOTED_PASSWORD = "S3cr3t%3Ap%40ss%2Fw0rd"
TOKEN = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def proxy_url(proxy: FakeProxy, password: str = QUOTED_PASSWORD) -> str:
    return f"http://{USER}:{password}@127.0.0.1:{proxy.port}"


def secrets() -> list[str]:
    return [PASSWORD, QUOTED_PASSWORD, TOKEN, "S3cr3t"]


def request(node: BaseNode, method: str = "GET", target: str = "/") -> Any:
    """perform_request on a sync or async node, the node closed afterwards."""
    if not node.is_async:
        try:
            return node.perform_request(method, target)
        finally:
            node.close()

    async def run() -> Any:
        try:
            return await node.perform_request(method, target)  # type: ignore[misc]
        finally:
            await node.close()  # type: ignore[misc]

    return asyncio.run(run())


@pytest.fixture(params=ALL_NODE_CLASSES, ids=lambda c: c.__name__)
def node_class(request: pytest.FixtureRequest) -> type[BaseNode]:
    return request.param  # type: ignore[no-any-return]


# --- TLS material: a CA, an Elasticsearch certificate for 127.0.0.1, a TLS fake server --


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("proxy-ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def other_ca_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("proxy-other-ca") / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def server_cert(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("127.0.0.1", "localhost")


def tls_server(cert: trustme.LeafCert) -> FakeServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    server = FakeServer(ssl_context=context)
    server.respond(Reply(body={"tls": True}))
    return server


@pytest.fixture(scope="module")
def https_server(server_cert: trustme.LeafCert) -> Iterator[FakeServer]:
    server = tls_server(server_cert)
    yield server
    server.close()


@pytest.fixture(scope="module")
def other_name_server(ca: trustme.CA) -> Iterator[FakeServer]:
    """Trusted by ``ca`` but certified for another name than 127.0.0.1."""
    server = tls_server(ca.issue_cert("elasticsearch.example"))
    yield server
    server.close()


def sha256_fingerprint(cert: trustme.LeafCert) -> str:
    der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    return hashlib.sha256(der).hexdigest()


# --- NodeConfig.proxy ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxy", "message"),
    [
        ("https://127.0.0.1:3128", "only 'http://' proxies are supported"),
        ("socks5://127.0.0.1:1080", "the scheme must be 'http'"),
        ("127.0.0.1:3128", "the scheme must be 'http'"),
        ("http://", "no host"),
        ("http://:3128", "no host"),
        ("http://127.0.0.1:70000", "could not be parsed"),
        ("http://127.0.0.1:0", "port 0"),
        ("http://127.0.0.1:3128/path", "no path, query or fragment"),
        ("http://127.0.0.1:3128?a=b", "no path, query or fragment"),
        (3128, "must be a URL string"),
    ],
)
def test_invalid_proxy_is_a_value_error(proxy: Any, message: str) -> None:
    with pytest.raises(ValueError, match="Invalid 'proxy'") as e:
        NodeConfig("http", "localhost", 9200, proxy=proxy)
    assert message in str(e.value)


def test_invalid_proxy_message_hides_credentials() -> None:
    # An unencoded '/' in the password: the URL parses with part of it as the path.
    with pytest.raises(ValueError) as e:
        NodeConfig("http", "localhost", 9200, proxy="http://user:S3cr3t/x@proxy:3128")
    assert "S3cr3t" not in str(e.value) and "<hidden>" in str(e.value)
    with pytest.raises(ValueError) as e:
        NodeConfig("http", "localhost", 9200, proxy="https://user:S3cr3t@proxy:3128")
    assert "S3cr3t" not in str(e.value)


def test_proxy_headers_need_a_proxy() -> None:
    with pytest.raises(ValueError, match="'proxy_headers' was given without 'proxy'"):
        NodeConfig("http", "localhost", 9200, proxy_headers={"X-A": "b"})


def test_node_config_with_a_proxy_hashes_compares_and_replaces() -> None:
    config = NodeConfig(
        "https",
        "localhost",
        9200,
        proxy=f"http://{USER}:{QUOTED_PASSWORD}@127.0.0.1:3128",
        proxy_headers={"Proxy-Authorization": f"Basic {TOKEN}"},
    )
    same = NodeConfig(
        "https",
        "localhost",
        9200,
        proxy=f"http://{USER}:{QUOTED_PASSWORD}@127.0.0.1:3128",
        proxy_headers={"proxy-authorization": f"Basic {TOKEN}"},
    )
    assert config == same and hash(config) == hash(same) and len({config, same}) == 1
    assert config.proxy_headers is not None and config.proxy_headers.frozen  # type: ignore[union-attr]
    # Derived configs (a sniffed node's is its seed's replace()) keep the proxy settings.
    for derived in (config.replace(host="es2"), dataclasses.replace(config, port=9201)):
        assert (derived.proxy, derived.proxy_headers) == (config.proxy, config.proxy_headers)
    # A node is where it is: the same node through another proxy is the same pool entry.
    other_proxy = config.replace(proxy="http://127.0.0.1:3129")
    assert config == other_proxy and hash(config) == hash(other_proxy) and other_proxy.proxy != config.proxy
    without = config.replace(proxy=None, proxy_headers=None)
    assert without == config and without.proxy is None
    assert without == NodeConfig("https", "localhost", 9200)
    # asdict() and fields() are the official ones: the proxy settings are not dataclass fields.
    assert dataclasses.asdict(config) == dataclasses.asdict(without)
    assert "proxy" not in {f.name for f in dataclasses.fields(NodeConfig)}
    assert dataclasses.replace(without, proxy="http://127.0.0.1:3128").proxy == "http://127.0.0.1:3128"
    assert NodeConfig("http", "localhost", 9200).proxy is None  # the default: no proxy
    # The credentials are in no repr, the proxy's address is.
    for text in (repr(config), str(config), repr({config: 1})):
        assert "127.0.0.1:3128" in text and "<hidden>" in text
        for secret in secrets():
            assert secret not in text


# --- plain http through the proxy ---------------------------------------------------


def test_http_request_goes_through_the_proxy(
    node_class: type[BaseNode], fake_server: FakeServer, fake_proxy: FakeProxy
) -> None:
    fake_server.route("POST", "/es/idx/_search", Reply(body={"hits": 3}))
    config = NodeConfig("http", "127.0.0.1", fake_server.port, path_prefix="es", proxy=fake_proxy.url)
    node = node_class(config)
    if node.is_async:

        async def run() -> Any:
            try:
                return await node.perform_request("POST", "/idx/_search?q=a", body=b'{"query":1}')  # type: ignore[misc]
            finally:
                await node.close()  # type: ignore[misc]

        response = asyncio.run(run())
    else:
        response = node.perform_request("POST", "/idx/_search?q=a", body=b'{"query":1}')
        node.close()
    assert (response.meta.status, response.body) == (200, b'{"hits": 3}')
    (seen,) = fake_proxy.requests
    assert (seen.method, seen.target, seen.tunnel) == ("POST", f"{fake_server.url}/es/idx/_search?q=a", False)
    assert seen.proxy_authorization is None
    assert (fake_server.last.target, fake_server.last.body) == ("/es/idx/_search?q=a", b'{"query":1}')


def test_http_without_a_proxy_goes_straight_to_the_node(
    node_class: type[BaseNode], fake_server: FakeServer, fake_proxy: FakeProxy
) -> None:
    assert request(node_class(NodeConfig("http", "127.0.0.1", fake_server.port))).meta.status == 200
    assert fake_proxy.requests == [] and len(fake_server.requests) == 1


def test_proxy_credentials_and_headers_are_sent_to_the_proxy_only(
    node_class: type[BaseNode], fake_server: FakeServer, fake_proxy_factory: ProxyFactory
) -> None:
    proxy = fake_proxy_factory(auth=(USER, PASSWORD))
    config = NodeConfig(
        "http",
        "127.0.0.1",
        fake_server.port,
        headers={"authorization": "ApiKey es-key"},
        proxy=proxy_url(proxy),
        proxy_headers={"X-Proxy-Tag": "team-a"},
    )
    assert request(node_class(config), "GET", "/_cluster/health").meta.status == 200
    (seen,) = proxy.requests
    assert seen.status == 200 and seen.proxy_authorization == f"Basic {TOKEN}"
    assert seen.headers["x-proxy-tag"] == "team-a"
    assert seen.headers["authorization"] == "ApiKey es-key"  # Elasticsearch's own, passed on
    assert fake_server.last.headers["authorization"] == "ApiKey es-key"


def test_wrong_proxy_credentials_over_http_are_the_proxys_407(
    node_class: type[BaseNode], fake_server: FakeServer, fake_proxy_factory: ProxyFactory
) -> None:
    proxy = fake_proxy_factory(auth=(USER, "another password"))
    config = NodeConfig("http", "127.0.0.1", fake_server.port, proxy=proxy_url(proxy))
    assert request(node_class(config)).meta.status == 407
    assert [r.status for r in proxy.requests] == [407] and fake_server.requests == []


# --- https: a CONNECT tunnel, TLS verified end to end -------------------------------


def test_https_goes_through_a_connect_tunnel_with_verification(
    node_class: type[BaseNode], https_server: FakeServer, fake_proxy_factory: ProxyFactory, ca_file: str
) -> None:
    proxy = fake_proxy_factory(auth=(USER, PASSWORD))
    config = NodeConfig(
        "https",
        "127.0.0.1",
        https_server.port,
        ca_certs=ca_file,
        proxy=proxy_url(proxy),
        proxy_headers={"X-Proxy-Tag": "team-a"},
    )
    before = len(https_server.requests)
    response = request(node_class(config), "GET", "/_tunnelled")
    assert (response.meta.status, response.body) == (200, b'{"tls": true}')
    assert proxy.forwarded == []  # the proxy forwarded nothing it could read
    (tunnel,) = proxy.tunnels
    assert (tunnel.target, tunnel.status) == (f"127.0.0.1:{https_server.port}", 200)
    assert tunnel.proxy_authorization == f"Basic {TOKEN}" and tunnel.headers["x-proxy-tag"] == "team-a"
    (reached,) = https_server.requests[before:]
    assert reached.target == "/_tunnelled" and "proxy-authorization" not in reached.headers


def test_https_through_the_proxy_rejects_an_unknown_ca(
    node_class: type[BaseNode], https_server: FakeServer, fake_proxy: FakeProxy, other_ca_file: str
) -> None:
    config = NodeConfig("https", "127.0.0.1", https_server.port, ca_certs=other_ca_file, proxy=fake_proxy.url)
    with pytest.raises(TlsError):
        request(node_class(config))
    assert fake_proxy.tunnels  # the tunnel was open: the certificate was refused through it


def test_https_through_the_proxy_checks_the_hostname(
    node_class: type[BaseNode], other_name_server: FakeServer, fake_proxy: FakeProxy, ca_file: str
) -> None:
    config = NodeConfig("https", "127.0.0.1", other_name_server.port, ca_certs=ca_file, proxy=fake_proxy.url)
    with pytest.raises(TlsError):
        request(node_class(config))
    assert fake_proxy.tunnels and other_name_server.requests == []


def test_unverified_https_through_the_proxy_stays_quiet_with_ssl_show_warn_false(
    node_class: type[BaseNode], https_server: FakeServer, fake_proxy: FakeProxy
) -> None:
    config = NodeConfig(
        "https", "127.0.0.1", https_server.port, verify_certs=False, ssl_show_warn=False, proxy=fake_proxy.url
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning (urllib3's InsecureRequestWarning) fails
        assert request(node_class(config)).body == b'{"tls": true}'
    assert len(fake_proxy.tunnels) == 1


@pytest.mark.parametrize("node_class", PINNING_NODE_CLASSES, ids=lambda c: c.__name__)
def test_fingerprint_pinning_through_the_proxy(
    node_class: type[BaseNode], https_server: FakeServer, fake_proxy: FakeProxy, server_cert: trustme.LeafCert
) -> None:
    pinned = NodeConfig(
        "https",
        "127.0.0.1",
        https_server.port,
        ssl_assert_fingerprint=sha256_fingerprint(server_cert),
        proxy=fake_proxy.url,
    )
    assert request(node_class(pinned)).body == b'{"tls": true}'
    with pytest.raises(TlsError):
        request(node_class(pinned.replace(ssl_assert_fingerprint="00" * 32)))
    assert len(fake_proxy.tunnels) == 2


def test_wrong_proxy_credentials_over_https_fail_the_tunnel(
    node_class: type[BaseNode], https_server: FakeServer, fake_proxy_factory: ProxyFactory, ca_file: str
) -> None:
    proxy = fake_proxy_factory(auth=(USER, "another password"))
    config = NodeConfig("https", "127.0.0.1", https_server.port, ca_certs=ca_file, proxy=proxy_url(proxy))
    with pytest.raises(ConnectionError) as e:
        request(node_class(config))
    assert f"through the proxy http://127.0.0.1:{proxy.port}" in str(e.value)
    assert [r.status for r in proxy.requests] == [407]
    for secret in secrets():
        assert secret not in str(e.value) and secret not in repr(e.value)


# --- errors and what is shown -------------------------------------------------------


def test_unreachable_proxy_is_a_clear_connection_error(
    node_class: type[BaseNode], fake_server: FakeServer
) -> None:
    port = free_port()
    config = NodeConfig(
        "http", "127.0.0.1", fake_server.port, proxy=f"http://{USER}:{QUOTED_PASSWORD}@127.0.0.1:{port}"
    )
    with pytest.raises(ConnectionError) as e:
        request(node_class(config))
    assert type(e.value) is ConnectionError  # not a timeout, not TLS
    assert f"through the proxy http://127.0.0.1:{port}" in str(e.value)
    assert fake_server.requests == []
    for secret in secrets():
        assert secret not in str(e.value) and secret not in repr(e.value)


def test_proxy_secrets_are_in_no_repr_message_or_log(
    node_class: type[BaseNode],
    https_server: FakeServer,
    fake_server: FakeServer,
    fake_proxy_factory: ProxyFactory,
    ca_file: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    proxy = fake_proxy_factory(auth=(USER, PASSWORD))
    header_secret = "Bearer hdr-S3cr3t-token"
    shown: list[str] = []
    with caplog.at_level(logging.DEBUG):  # every logger: ours and the HTTP libraries'
        for config in (
            NodeConfig("http", "127.0.0.1", fake_server.port, proxy=proxy_url(proxy)),
            NodeConfig("https", "127.0.0.1", https_server.port, ca_certs=ca_file, proxy=proxy_url(proxy)),
            NodeConfig(
                "http",
                "127.0.0.1",
                fake_server.port,
                proxy=f"http://127.0.0.1:{proxy.port}",
                proxy_headers={"Proxy-Authorization": header_secret},
            ),
        ):
            node = node_class(config)
            shown += [repr(node), repr(node.config), str(node.config)]
            request(node)
        for config in (  # failures: the proxy unreachable, the credentials refused
            NodeConfig(
                "http",
                "127.0.0.1",
                fake_server.port,
                proxy=proxy_url(proxy).replace(str(proxy.port), str(free_port())),
            ),
            NodeConfig(
                "https",
                "127.0.0.1",
                https_server.port,
                ca_certs=ca_file,
                proxy=proxy_url(proxy, "wrong-S3cr3t"),
            ),
        ):
            with pytest.raises(TransportError) as e:
                request(node_class(config))
            shown += [str(e.value), repr(e.value)]
    shown += [record.getMessage() for record in caplog.records]
    assert any("through the proxy" in text for text in shown)
    assert any(proxy.url in text for text in shown)  # the proxy's address is shown
    for text in shown:
        for secret in [*secrets(), "wrong-S3cr3t", "hdr-S3cr3t-token"]:
            assert secret not in text


# --- environment variables ----------------------------------------------------------


@pytest.fixture
def clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


@pytest.mark.parametrize("node_class", ENV_PROXY_NODE_CLASSES, ids=lambda c: c.__name__)
def test_requests_and_httpx_nodes_honour_proxy_environment_variables(
    node_class: type[BaseNode],
    fake_server: FakeServer,
    fake_proxy: FakeProxy,
    clean_proxy_env: pytest.MonkeyPatch,
) -> None:
    clean_proxy_env.setenv("HTTP_PROXY", fake_proxy.url)
    assert (
        request(node_class(NodeConfig("http", "127.0.0.1", fake_server.port)), "GET", "/env").meta.status
        == 200
    )
    assert [r.target for r in fake_proxy.requests] == [f"{fake_server.url}/env"]
    clean_proxy_env.setenv("NO_PROXY", "127.0.0.1")
    assert (
        request(node_class(NodeConfig("http", "127.0.0.1", fake_server.port)), "GET", "/direct").meta.status
        == 200
    )
    assert len(fake_proxy.requests) == 1 and fake_server.last.target == "/direct"


@pytest.mark.parametrize("node_class", NO_ENV_PROXY_NODE_CLASSES, ids=lambda c: c.__name__)
def test_urllib3_and_aiohttp_nodes_ignore_proxy_environment_variables(
    node_class: type[BaseNode],
    fake_server: FakeServer,
    fake_proxy: FakeProxy,
    clean_proxy_env: pytest.MonkeyPatch,
) -> None:
    clean_proxy_env.setenv("HTTP_PROXY", fake_proxy.url)
    clean_proxy_env.setenv("http_proxy", fake_proxy.url)
    assert request(node_class(NodeConfig("http", "127.0.0.1", fake_server.port))).meta.status == 200
    assert fake_proxy.requests == [] and len(fake_server.requests) == 1


def test_node_config_proxy_wins_over_the_environment(
    node_class: type[BaseNode],
    fake_server: FakeServer,
    fake_proxy_factory: ProxyFactory,
    clean_proxy_env: pytest.MonkeyPatch,
) -> None:
    configured, from_env = fake_proxy_factory(), fake_proxy_factory()
    clean_proxy_env.setenv("HTTP_PROXY", from_env.url)
    clean_proxy_env.setenv("NO_PROXY", "127.0.0.1")  # does not apply to an explicit proxy either
    config = NodeConfig("http", "127.0.0.1", fake_server.port, proxy=configured.url)
    assert request(node_class(config)).meta.status == 200
    assert len(configured.requests) == 1 and from_env.requests == []


# --- through the transports ---------------------------------------------------------


@pytest.mark.parametrize(
    "node_class", [Urllib3HttpNode, RequestsHttpNode, HttpxHttpNode], ids=lambda c: c.__name__
)
def test_transport_through_a_proxy(
    node_class: type[BaseNode],
    fake_server: FakeServer,
    https_server: FakeServer,
    fake_proxy_factory: ProxyFactory,
    ca_file: str,
) -> None:
    proxy = fake_proxy_factory(auth=(USER, PASSWORD))
    fake_server.route("GET", "/", Reply(body={"cluster_name": "behind-a-proxy"}))
    transport = Transport(
        [
            NodeConfig("http", "127.0.0.1", fake_server.port, proxy=proxy_url(proxy)),
            NodeConfig("https", "127.0.0.1", https_server.port, ca_certs=ca_file, proxy=proxy_url(proxy)),
        ],
        node_class=node_class,
        randomize_nodes_in_pool=False,
    )
    try:
        first = transport.perform_request("GET", "/")
        second = transport.perform_request("GET", "/")
    finally:
        transport.close()
    assert {first.body.get("cluster_name"), second.body.get("tls")} == {"behind-a-proxy", True}
    assert [r.tunnel for r in proxy.requests] == [False, True]
    assert {r.proxy_authorization for r in proxy.requests} == {f"Basic {TOKEN}"}


def test_transport_with_an_unreachable_proxy_raises_connection_error(fake_server: FakeServer) -> None:
    port = free_port()
    transport = Transport(
        [
            NodeConfig(
                "http",
                "127.0.0.1",
                fake_server.port,
                proxy=f"http://{USER}:{QUOTED_PASSWORD}@127.0.0.1:{port}",
            )
        ],
        max_retries=0,
    )
    try:
        with pytest.raises(ConnectionError) as e:
            transport.perform_request("GET", "/")
    finally:
        transport.close()
    assert f"through the proxy http://127.0.0.1:{port}" in str(e.value)
    assert QUOTED_PASSWORD not in str(e.value) and PASSWORD not in str(e.value)


@pytest.mark.parametrize("node_class", [AiohttpHttpNode, HttpxAsyncHttpNode], ids=lambda c: c.__name__)
def test_async_transport_through_a_proxy(
    node_class: type[BaseNode],
    fake_server: FakeServer,
    https_server: FakeServer,
    fake_proxy_factory: ProxyFactory,
    ca_file: str,
) -> None:
    proxy = fake_proxy_factory(auth=(USER, PASSWORD))
    fake_server.route("GET", "/", Reply(body={"cluster_name": "behind-a-proxy"}))

    async def run() -> list[Any]:
        transport = AsyncTransport(
            [
                NodeConfig("http", "127.0.0.1", fake_server.port, proxy=proxy_url(proxy)),
                NodeConfig("https", "127.0.0.1", https_server.port, ca_certs=ca_file, proxy=proxy_url(proxy)),
            ],
            node_class=node_class,
            randomize_nodes_in_pool=False,
        )
        try:
            return [(await transport.perform_request("GET", "/")).body for _ in range(2)]
        finally:
            await transport.close()

    first, second = asyncio.run(run())
    assert {first.get("cluster_name"), second.get("tls")} == {"behind-a-proxy", True}
    assert [r.tunnel for r in proxy.requests] == [False, True]
    assert {r.proxy_authorization for r in proxy.requests} == {f"Basic {TOKEN}"}


def test_proxy_path_is_not_used_without_a_proxy(fake_server: FakeServer) -> None:
    """The default path stays the one it was: the plain pool, no proxy state, no header."""
    node = Urllib3HttpNode(NodeConfig("http", "127.0.0.1", fake_server.port))
    assert type(node.pool).__name__ == "HTTPConnectionPool" and node.pool.proxy is None
    assert node._proxy is None
    request(node)
    assert "proxy-authorization" not in fake_server.last.headers
