"""TLS for the async nodes against a real local HTTPS server with trustme certificates."""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import trustme
from elastic_transport import AsyncTransport, ConnectionError, NodeConfig, SecurityWarning, TlsError
from fakees import FakeServer, Reply

MakeTransport = Callable[..., AsyncTransport]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def server_cert(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("127.0.0.1", "localhost")


def serve(cert: trustme.LeafCert, client_ca: trustme.CA | None = None) -> FakeServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    if client_ca is not None:
        client_ca.configure_trust(context)
        context.verify_mode = ssl.CERT_REQUIRED
    server = FakeServer(ssl_context=context)
    server.respond(Reply(body={"tls": True}))
    return server


@pytest.fixture
def tls_server(server_cert: trustme.LeafCert) -> Iterator[FakeServer]:
    server = serve(server_cert)
    yield server
    server.stop()


@pytest.fixture
def mtls_server(ca: trustme.CA, server_cert: trustme.LeafCert) -> Iterator[FakeServer]:
    server = serve(server_cert, client_ca=ca)
    yield server
    server.stop()


@pytest.fixture
def client_cert_files(ca: trustme.CA, tmp_path: Path) -> tuple[str, str]:
    cert = ca.issue_cert("client@example.com")
    cert_path, key_path = tmp_path / "client.pem", tmp_path / "client.key"
    cert.cert_chain_pems[0].write_to_path(str(cert_path))
    cert.private_key_pem.write_to_path(str(key_path))
    return str(cert_path), str(key_path)


def sha256_fingerprint(cert: trustme.LeafCert) -> str:
    der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    return hashlib.sha256(der).hexdigest()


@pytest.fixture(params=["aiohttp", "httpxasync"])
def node_class(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def make_transport(node_class: str) -> AsyncIterator[MakeTransport]:
    made: list[AsyncTransport] = []

    def make(server: FakeServer, **kwargs: object) -> AsyncTransport:
        config = NodeConfig("https", "127.0.0.1", server.port, **kwargs)  # type: ignore[arg-type]
        transport = AsyncTransport([config], node_class=node_class, max_retries=0)
        made.append(transport)
        return transport

    yield make
    for transport in made:
        await transport.close()


async def test_verified_with_ca(tls_server: FakeServer, ca_file: str, make_transport: MakeTransport) -> None:
    meta, body = await make_transport(tls_server, ca_certs=ca_file).perform_request("GET", "/")
    assert (meta.status, body) == (200, {"tls": True})


async def test_unknown_ca_is_a_tls_error(tls_server: FakeServer, make_transport: MakeTransport) -> None:
    with pytest.raises(TlsError):
        await make_transport(tls_server).perform_request("GET", "/")


async def test_verify_certs_off_warns_and_connects(
    tls_server: FakeServer, make_transport: MakeTransport
) -> None:
    with pytest.warns(SecurityWarning, match="verify_certs=False"):
        transport = make_transport(tls_server, verify_certs=False)
    meta, _ = await transport.perform_request("GET", "/")
    assert meta.status == 200


async def test_hostname_mismatch_and_assert_hostname(
    ca: trustme.CA, ca_file: str, make_transport: MakeTransport
) -> None:
    server = serve(ca.issue_cert("es.example.com"))
    try:
        with pytest.raises(TlsError):
            await make_transport(server, ca_certs=ca_file).perform_request("GET", "/")
        transport = make_transport(server, ca_certs=ca_file, ssl_assert_hostname="es.example.com")
        meta, _ = await transport.perform_request("GET", "/")
        assert meta.status == 200
    finally:
        server.stop()


async def test_client_certificate(
    mtls_server: FakeServer, ca_file: str, client_cert_files: tuple[str, str], make_transport: MakeTransport
) -> None:
    cert, key = client_cert_files
    transport = make_transport(mtls_server, ca_certs=ca_file, client_cert=cert, client_key=key)
    meta, _ = await transport.perform_request("GET", "/")
    assert meta.status == 200


async def test_missing_client_certificate_fails(
    mtls_server: FakeServer, ca_file: str, make_transport: MakeTransport
) -> None:
    with pytest.raises(ConnectionError):  # TLS 1.3 may report the rejection as a dropped connection
        await make_transport(mtls_server, ca_certs=ca_file).perform_request("GET", "/")
    assert mtls_server.requests == []


# -- fingerprint pinning: aiohttp checks it, httpx can't ------------------------------------


def aiohttp_transport(server: FakeServer, **kwargs: object) -> AsyncTransport:
    config = NodeConfig("https", "127.0.0.1", server.port, **kwargs)  # type: ignore[arg-type]
    return AsyncTransport([config], node_class="aiohttp", max_retries=0)


async def test_aiohttp_correct_fingerprint(tls_server: FakeServer, server_cert: trustme.LeafCert) -> None:
    transport = aiohttp_transport(tls_server, ssl_assert_fingerprint=sha256_fingerprint(server_cert))
    try:
        meta, _ = await transport.perform_request("GET", "/")
        assert meta.status == 200
    finally:
        await transport.close()


async def test_aiohttp_fingerprint_with_colons_and_upper_case(
    tls_server: FakeServer, server_cert: trustme.LeafCert
) -> None:
    digest = sha256_fingerprint(server_cert).upper()
    pinned = ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
    transport = aiohttp_transport(tls_server, ssl_assert_fingerprint=pinned)
    try:
        assert (await transport.perform_request("GET", "/")).meta.status == 200
    finally:
        await transport.close()


async def test_aiohttp_wrong_fingerprint(tls_server: FakeServer) -> None:
    transport = aiohttp_transport(tls_server, ssl_assert_fingerprint="ab" * 32)
    try:
        with pytest.raises(TlsError):
            await transport.perform_request("GET", "/")
        assert tls_server.requests == []  # nothing was sent to the unpinned server
        # aiohttp drops the rejected connection with a graceful TLS close: let it finish
        # before the test's event loop closes, or its socket is reported as leaked.
        await asyncio.sleep(0.2)
    finally:
        await transport.close()


async def test_aiohttp_fingerprint_with_client_certificate(
    mtls_server: FakeServer, server_cert: trustme.LeafCert, client_cert_files: tuple[str, str]
) -> None:
    cert, key = client_cert_files
    transport = aiohttp_transport(
        mtls_server, ssl_assert_fingerprint=sha256_fingerprint(server_cert), client_cert=cert, client_key=key
    )
    try:
        assert (await transport.perform_request("GET", "/")).meta.status == 200
    finally:
        await transport.close()


def test_aiohttp_refuses_non_sha256_fingerprint() -> None:
    config = NodeConfig("https", "127.0.0.1", 9200, ssl_assert_fingerprint="ab" * 20)
    with pytest.raises(ValueError, match="SHA-256"):
        AsyncTransport([config], node_class="aiohttp")


def test_httpx_refuses_fingerprint_pinning() -> None:
    config = NodeConfig("https", "127.0.0.1", 9200, ssl_assert_fingerprint="ab" * 32)
    with pytest.raises(ValueError, match="httpx does not support certificate pinning"):
        AsyncTransport([config], node_class="httpxasync")
