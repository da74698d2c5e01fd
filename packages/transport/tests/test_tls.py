"""TLS on the three sync nodes against a real TLS server with certificates from a throwaway
CA (trustme): verification, fingerprint pinning, client certificates, hostname checks."""

from __future__ import annotations

import hashlib
import ssl
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme
from elastic_transport import (
    ConnectionError,
    HttpxHttpNode,
    NodeConfig,
    RequestsHttpNode,
    SecurityWarning,
    TlsError,
    Transport,
    Urllib3HttpNode,
)
from elastic_transport._node import BaseNode
from fakees import FakeServer

NodeFactory = Callable[..., BaseNode]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_pem(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def tls_server(cert: trustme.LeafCert, client_ca: trustme.CA | None = None) -> FakeServer:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    if client_ca is not None:
        client_ca.configure_trust(context)
        context.verify_mode = ssl.CERT_REQUIRED
    return FakeServer(ssl_context=context)


@pytest.fixture(scope="module")
def server_cert(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("127.0.0.1", "localhost")


@pytest.fixture(scope="module")
def https_server(server_cert: trustme.LeafCert) -> Iterator[FakeServer]:
    server = tls_server(server_cert)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def leaf_sha256(server_cert: trustme.LeafCert) -> str:
    der = ssl.PEM_cert_to_DER_cert(server_cert.cert_chain_pems[0].bytes().decode())
    return hashlib.sha256(der).hexdigest()


@pytest.fixture(
    params=[Urllib3HttpNode, RequestsHttpNode, HttpxHttpNode], ids=["urllib3", "requests", "httpx"]
)
def node_class(request: pytest.FixtureRequest) -> type[BaseNode]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def make_node(node_class: type[BaseNode]) -> Iterator[NodeFactory]:
    """Builds an https node of the class under test; closes it after the test."""
    nodes: list[BaseNode] = []

    def make(port: int, host: str = "127.0.0.1", **kwargs: object) -> BaseNode:
        nodes.append(node_class(NodeConfig("https", host, port, **kwargs)))  # type: ignore[arg-type]
        return nodes[-1]

    yield make
    for node in nodes:
        node.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_verified_with_ca_certs(
    make_node: NodeFactory, https_server: FakeServer, ca_pem: str, host: str
) -> None:
    meta, _ = make_node(https_server.port, host=host, ca_certs=ca_pem).perform_request("GET", "/")
    assert meta.status == 200


def test_unknown_ca_is_a_tls_error_and_kills_the_node(
    node_class: type[BaseNode], https_server: FakeServer
) -> None:
    transport = Transport(
        [NodeConfig("https", "127.0.0.1", https_server.port)], node_class=node_class, max_retries=0
    )
    try:
        with pytest.raises(TlsError) as info:
            transport.perform_request("GET", "/")
        assert "certificate verify failed" in repr(info.value.errors).lower()
        assert transport.node_pool.alive_count() == 0
    finally:
        transport.close()


def test_verify_certs_false_connects_and_warns(make_node: NodeFactory, https_server: FakeServer) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        meta, _ = make_node(https_server.port, verify_certs=False).perform_request("GET", "/")
    assert meta.status == 200
    assert any(w.category is SecurityWarning and "verify_certs=False" in str(w.message) for w in caught)


def test_ssl_show_warn_false_silences_every_warning(make_node: NodeFactory, https_server: FakeServer) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        node = make_node(https_server.port, verify_certs=False, ssl_show_warn=False)
        for _ in range(2):
            assert node.perform_request("GET", "/").meta.status == 200
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize("style", ["lower", "upper_colons"])
def test_fingerprint_pins_the_leaf_without_a_ca(
    make_node: NodeFactory, node_class: type[BaseNode], https_server: FakeServer, leaf_sha256: str, style: str
) -> None:
    fingerprint = (
        leaf_sha256 if style == "lower" else ":".join(leaf_sha256[i : i + 2] for i in range(0, 64, 2)).upper()
    )
    if node_class is HttpxHttpNode:  # it can't check a fingerprint before sending, so it refuses one
        with pytest.raises(ValueError, match="ssl_assert_fingerprint"):
            make_node(https_server.port, ssl_assert_fingerprint=fingerprint)
        return
    meta, _ = make_node(https_server.port, ssl_assert_fingerprint=fingerprint).perform_request("GET", "/")
    assert meta.status == 200


@pytest.mark.parametrize("node_class", [Urllib3HttpNode, RequestsHttpNode], ids=["urllib3", "requests"])
def test_wrong_fingerprint_is_a_tls_error(make_node: NodeFactory, https_server: FakeServer) -> None:
    node = make_node(https_server.port, ssl_assert_fingerprint="00" * 32)
    with pytest.raises(TlsError):
        node.perform_request("GET", "/")


@pytest.fixture(scope="module")
def mtls_server(ca: trustme.CA, server_cert: trustme.LeafCert) -> Iterator[FakeServer]:
    server = tls_server(server_cert, client_ca=ca)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client_files(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    """(certificate, key, certificate and key in one file) for a client certificate."""
    cert = ca.issue_cert("client@example.org")
    folder = tmp_path_factory.mktemp("client")
    paths = (folder / "cert.pem", folder / "key.pem", folder / "both.pem")
    cert.cert_chain_pems[0].write_to_path(str(paths[0]))
    cert.private_key_pem.write_to_path(str(paths[1]))
    cert.private_key_and_cert_chain_pem.write_to_path(str(paths[2]))
    return str(paths[0]), str(paths[1]), str(paths[2])


@pytest.mark.parametrize("layout", ["separate_key", "combined_file"])
def test_client_certificate_accepted(
    make_node: NodeFactory,
    mtls_server: FakeServer,
    ca_pem: str,
    client_files: tuple[str, str, str],
    layout: str,
) -> None:
    cert, key, both = client_files
    files = {"client_cert": cert, "client_key": key} if layout == "separate_key" else {"client_cert": both}
    meta, _ = make_node(mtls_server.port, ca_certs=ca_pem, **files).perform_request("GET", "/")
    assert meta.status == 200


def test_missing_client_certificate_is_refused(
    make_node: NodeFactory, mtls_server: FakeServer, ca_pem: str
) -> None:
    # Under TLS 1.3 the server's refusal can arrive as an alert (TlsError) or a reset (ConnectionError).
    with pytest.raises(ConnectionError):
        make_node(mtls_server.port, ca_certs=ca_pem).perform_request("GET", "/", request_timeout=5)


def test_user_ssl_context_is_used(make_node: NodeFactory, https_server: FakeServer, ca: trustme.CA) -> None:
    context = ssl.create_default_context()
    ca.configure_trust(context)  # the only way this node can trust the test CA
    meta, _ = make_node(https_server.port, ssl_context=context).perform_request("GET", "/")
    assert meta.status == 200


@pytest.fixture(scope="module")
def other_name_server(ca: trustme.CA) -> Iterator[FakeServer]:
    server = tls_server(ca.issue_cert("example.org"))
    yield server
    server.stop()


def test_hostname_mismatch_is_a_tls_error(
    make_node: NodeFactory, other_name_server: FakeServer, ca_pem: str
) -> None:
    with pytest.raises(TlsError):
        make_node(other_name_server.port, ca_certs=ca_pem).perform_request("GET", "/")


def test_ssl_assert_hostname_accepts_the_named_certificate(
    make_node: NodeFactory, other_name_server: FakeServer, ca_pem: str
) -> None:
    node = make_node(other_name_server.port, ca_certs=ca_pem, ssl_assert_hostname="example.org")
    assert node.perform_request("GET", "/").meta.status == 200


def test_ssl_assert_hostname_still_checks(
    make_node: NodeFactory, https_server: FakeServer, ca_pem: str
) -> None:
    node = make_node(https_server.port, ca_certs=ca_pem, ssl_assert_hostname="example.org")
    with pytest.raises(TlsError):
        node.perform_request("GET", "/")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"scheme": "http", "ca_certs": "/ca.pem"}, "TLS options require scheme to be 'https'"),
        ({"scheme": "http", "ssl_assert_fingerprint": "00" * 32}, "ssl_assert_fingerprint"),
        ({"ssl_assert_fingerprint": "abc"}, "Invalid 'ssl_assert_fingerprint'"),
        ({"ssl_assert_fingerprint": "zz" * 32}, "Invalid 'ssl_assert_fingerprint'"),
        (
            {"ssl_context": ssl.create_default_context(), "ca_certs": "/ca.pem"},
            "'ssl_context' can't be combined",
        ),
        ({"client_key": "/key.pem"}, "'client_key' was given without 'client_cert'"),
    ],
)
def test_bad_tls_options_rejected(kwargs: dict[str, object], message: str) -> None:
    options: dict[str, object] = {"scheme": "https", **kwargs}
    scheme = options.pop("scheme")
    with pytest.raises(ValueError, match=message):
        NodeConfig(scheme, "localhost", 9200, **options)  # type: ignore[arg-type]


def test_client_cert_files_are_checked_when_the_node_is_built(
    node_class: type[BaseNode], tmp_path: Path
) -> None:
    config = NodeConfig("https", "localhost", 9200, client_cert=str(tmp_path / "missing.pem"))
    if node_class.__name__ == "RequestsHttpNode":
        # As with the official requests node (and requests itself): each request fails instead.
        node = node_class(config)
        with pytest.raises(TlsError, match=r"missing\.pem"):
            node.perform_request("GET", "/")
        return
    with pytest.raises((OSError, ssl.SSLError)):
        node_class(config)


def test_ca_certs_with_verification_off(
    node_class: type[BaseNode], https_server: FakeServer, tmp_path: Path
) -> None:
    """urllib3 ignores a CA file when verification is off (it is not even read) and connects;
    requests and httpx refuse the pair when the node is built, as the official nodes do."""
    config = NodeConfig(
        "https", "127.0.0.1", https_server.port, verify_certs=False, ca_certs=str(tmp_path / "absent.pem")
    )
    if node_class is Urllib3HttpNode:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            response, _ = node_class(config).perform_request("GET", "/")
        assert response.status == 200
        return
    with pytest.raises(ValueError, match=r"^You cannot use 'ca_certs' when 'verify_certs=False'$"):
        node_class(config)
