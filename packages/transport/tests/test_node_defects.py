"""Regression tests of node defects (issue 11), each against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import subprocess
import sys
import threading
import time
import tracemalloc
import warnings
import zlib

import httpx
import pytest
from elastic_transport import (
    AiohttpHttpNode,
    ConnectionTimeout,
    HttpxAsyncHttpNode,
    HttpxHttpNode,
    NodeConfig,
    RequestsHttpNode,
    TransportError,
    Urllib3HttpNode,
)
from elastic_transport._node import NODE_CLASSES, BaseNode, NodeClassEntry
from elastic_transport._node._base import DEFAULT_MAX_DECOMPRESSED_SIZE, DecompressedSizeError
from fakees import FakeServer, Reply, free_port

SYNC_NODE_CLASSES = [Urllib3HttpNode, RequestsHttpNode, HttpxHttpNode]
ASYNC_NODE_CLASSES = [AiohttpHttpNode, HttpxAsyncHttpNode]
ALL_NODE_CLASSES = [*SYNC_NODE_CLASSES, *ASYNC_NODE_CLASSES]


def _request(node: BaseNode, method: str, target: str) -> object:
    """perform_request on a sync or async node, the node closed afterwards."""
    if not node.is_async:
        try:
            return node.perform_request(method, target)
        finally:
            node.close()

    async def run() -> object:
        try:
            return await node.perform_request(method, target)  # type: ignore[misc]
        finally:
            await node.close()  # type: ignore[misc]

    return asyncio.run(run())


# --- optional libraries ---------------------------------------------------------------


@pytest.mark.parametrize("entry", [e for e in NODE_CLASSES if e.extra], ids=lambda e: e.name)
def test_node_class_imports_without_its_library(entry: NodeClassEntry) -> None:
    code = f"""
import sys
sys.modules[{entry.library!r}] = None
from elastic_transport import {entry.class_name} as cls, NodeConfig
assert cls.is_async is {entry.is_async}
try:
    cls(NodeConfig("http", "127.0.0.1", 9200))
except ValueError as e:
    print(e)
else:
    raise SystemExit("no error")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    message = result.stdout.strip()
    assert f"You must have {entry.library!r} installed to use {entry.class_name}" in message
    assert f"pip install elastic-transport[{entry.extra}]" in message


# --- aiohttp: targets percent-encoded like urllib3 does -------------------------------


@pytest.mark.parametrize("prefix", ["", "/my prefix"])
def test_aiohttp_percent_encodes_targets_like_urllib3(fake_server: FakeServer, prefix: str) -> None:
    target = "/idx/_search?q=a b&x=\u00e9t\u00e9"
    sent = []
    for cls in (Urllib3HttpNode, AiohttpHttpNode):
        _request(cls(NodeConfig("http", "127.0.0.1", fake_server.port, path_prefix=prefix)), "GET", target)
        sent.append(fake_server.last.target)
    expected = ("/my%20prefix" if prefix else "") + "/idx/_search?q=a%20b&x=%C3%A9t%C3%A9"
    assert sent == [expected, expected]


# --- connections_per_node is a cap, on every node class ---------------------------------


@pytest.mark.parametrize("cls", SYNC_NODE_CLASSES, ids=lambda c: c.__name__)
def test_connections_per_node_caps_sockets(
    fake_server: FakeServer, caplog: pytest.LogCaptureFixture, cls: type[BaseNode]
) -> None:
    fake_server.respond(Reply(delay=0.05))
    node = cls(NodeConfig("http", "127.0.0.1", fake_server.port, connections_per_node=4))
    errors: list[BaseException] = []
    start = threading.Barrier(16)

    def work() -> None:
        try:
            start.wait()
            for _ in range(3):
                node.perform_request("GET", "/")
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    with caplog.at_level(logging.WARNING, logger="urllib3"):
        threads = [threading.Thread(target=work) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    node.close()
    assert errors == []
    assert len(fake_server.requests) == 48
    assert fake_server.connections_opened <= 4
    assert "Connection pool is full" not in caplog.text


@pytest.mark.parametrize("cls", ASYNC_NODE_CLASSES, ids=lambda c: c.__name__)
def test_async_connections_per_node_caps_sockets(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    fake_server.respond(Reply(delay=0.05))

    async def run() -> None:
        node = cls(NodeConfig("http", "127.0.0.1", fake_server.port, connections_per_node=4))
        try:
            for _ in range(3):
                await asyncio.gather(*[node.perform_request("GET", "/") for _ in range(16)])  # type: ignore[misc]
        finally:
            await node.close()  # type: ignore[misc]

    asyncio.run(run())
    assert len(fake_server.requests) == 48
    assert fake_server.connections_opened <= 4


def test_no_free_connection_within_the_timeout(fake_server: FakeServer) -> None:
    # Every connection busy for longer than the request timeout: the waiting request gives up.
    fake_server.respond(Reply(delay=1.0))
    for cls in (RequestsHttpNode, HttpxHttpNode):
        node = cls(NodeConfig("http", "127.0.0.1", fake_server.port, connections_per_node=1))
        busy = threading.Thread(target=node.perform_request, args=("GET", "/"))
        busy.start()
        time.sleep(0.2)
        with pytest.raises(ConnectionTimeout, match="No free connection"):
            node.perform_request("GET", "/", request_timeout=0.2)
        busy.join()
        node.close()


# --- no secret in any node message ----------------------------------------------------


@pytest.fixture
def leaky_config() -> NodeConfig:
    # What a password with an unencoded '/' makes of "https://127.0.0.1:9/s3cr3t@host:port" when
    # a NodeConfig is built by hand (url_to_node_config refuses such a URL): part of it as the
    # port, the rest (and the real host) as the path. Port 9 of 127.0.0.1: nothing listens there.
    return NodeConfig("https", "127.0.0.1", 9, path_prefix=f"/s3cr3t@127.0.0.1:{free_port()}")


@pytest.mark.parametrize("cls", ALL_NODE_CLASSES, ids=lambda c: c.__name__)
def test_no_secret_in_node_messages(
    cls: type[BaseNode], leaky_config: NodeConfig, caplog: pytest.LogCaptureFixture
) -> None:
    config = dataclasses.replace(leaky_config, verify_certs=False, request_timeout=5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        node = cls(config)
    shown = [repr(node), *(str(w.message) for w in caught)]
    with caplog.at_level(logging.DEBUG, logger="elastic_transport"):
        with pytest.raises(TransportError) as error:
            _request(node, "GET", "/_search")
    shown += [str(error.value), repr(error.value), caplog.text]
    assert "<hidden>" in repr(node)
    for text in shown:
        assert "s3cr3t" not in text


# --- a repeated Content-Type ----------------------------------------------------------


@pytest.mark.parametrize("cls", ALL_NODE_CLASSES, ids=lambda c: c.__name__)
def test_repeated_content_type_first_value_counts(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    fake_server.respond(
        Reply(
            body=b'{"a": 1}',
            headers={"Content-Type": "application/json"},
            repeated_headers=[("Content-Type", "text/plain"), ("Warning", "299 a"), ("Warning", "299 b")],
        )
    )
    meta, data = _request(cls(NodeConfig("http", "127.0.0.1", fake_server.port)), "GET", "/")  # type: ignore[misc]
    assert meta.headers["content-type"] == "application/json"
    assert meta.headers["warning"] == "299 a, 299 b"  # list-valued headers stay joined
    assert data == b'{"a": 1}'


# --- a cap on decompressed response bodies --------------------------------------------


def _gzip_of_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    parts = [compressor.compress(chunk) for _ in range(size >> 20)]
    return b"".join(parts) + compressor.flush()


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    bomb = _gzip_of_zeros(1 << 30)  # 1 GiB inflated
    assert len(bomb) < 2 << 20  # about 1 MiB on the wire
    return bomb


CAPPED_NODE_CLASSES = ALL_NODE_CLASSES


@pytest.mark.parametrize("cls", CAPPED_NODE_CLASSES, ids=lambda c: c.__name__)
def test_gzip_bomb_stops_at_the_default_cap(
    fake_server: FakeServer, gzip_bomb: bytes, cls: type[BaseNode]
) -> None:
    fake_server.respond(Reply(body=gzip_bomb, headers={"Content-Encoding": "gzip"}))
    node = cls(NodeConfig("http", "127.0.0.1", fake_server.port))
    tracemalloc.start()
    try:
        with pytest.raises(DecompressedSizeError, match="max_decompressed_size"):
            _request(node, "GET", "/")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < DEFAULT_MAX_DECOMPRESSED_SIZE + (64 << 20)


@pytest.mark.parametrize("cls", CAPPED_NODE_CLASSES, ids=lambda c: c.__name__)
def test_decompressed_size_is_configurable(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    fake_server.respond(Reply(body=_gzip_of_zeros(4 << 20), headers={"Content-Encoding": "gzip"}))
    small = NodeConfig("http", "127.0.0.1", fake_server.port, _extras={"max_decompressed_size": 1 << 20})
    with pytest.raises(DecompressedSizeError, match=str(1 << 20)):
        _request(cls(small), "GET", "/")
    # At the limit is fine, and None lifts it.
    exact = NodeConfig("http", "127.0.0.1", fake_server.port, _extras={"max_decompressed_size": 4 << 20})
    assert _request(cls(exact), "GET", "/")[1] == bytes(4 << 20)  # type: ignore[index]
    unlimited = NodeConfig("http", "127.0.0.1", fake_server.port, _extras={"max_decompressed_size": None})
    assert _request(cls(unlimited), "GET", "/")[1] == bytes(4 << 20)  # type: ignore[index]


@pytest.mark.parametrize("cls", ALL_NODE_CLASSES, ids=lambda c: c.__name__)
def test_gzip_answers_still_inflate(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    fake_server.respond(Reply(body={"hello": "world"}, gzip=True))
    config = NodeConfig("http", "127.0.0.1", fake_server.port, http_compress=True)
    _meta, data = _request(cls(config), "GET", "/")  # type: ignore[misc]
    assert data == b'{"hello": "world"}'
    assert fake_server.last.headers["accept-encoding"] == "gzip"


@pytest.mark.parametrize("cls", [HttpxHttpNode, HttpxAsyncHttpNode], ids=lambda c: c.__name__)
def test_httpx_default_accept_encoding_answers_inflate(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    fake_server.respond(Reply(body={"hello": "world"}, gzip=True))
    _meta, data = _request(cls(NodeConfig("http", "127.0.0.1", fake_server.port)), "GET", "/")  # type: ignore[misc]
    assert data == b'{"hello": "world"}'
    assert "gzip" in fake_server.last.headers["accept-encoding"]


# --- what every node sends by default (the official suite checks it with mocks) ---------


@pytest.mark.parametrize("cls", ALL_NODE_CLASSES, ids=lambda c: c.__name__)
def test_default_and_merged_headers_on_the_wire(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    from elastic_transport._node._base import DEFAULT_USER_AGENT

    config = NodeConfig("http", "127.0.0.1", fake_server.port, headers={"h1": "v1", "h2": "v2"})
    node = cls(config)
    if node.is_async:

        async def run() -> None:
            await node.perform_request("GET", "/", headers={"H2": "v2p", "h3": "v3"})  # type: ignore[misc]
            await node.perform_request("HEAD", "/")  # type: ignore[misc]
            await node.close()  # type: ignore[misc]

        asyncio.run(run())
    else:
        node.perform_request("GET", "/", headers={"H2": "v2p", "h3": "v3"})
        node.perform_request("HEAD", "/")
        node.close()
    first, head = fake_server.requests
    assert first.headers["connection"] == "keep-alive"
    assert first.headers["user-agent"] == DEFAULT_USER_AGENT
    assert (first.headers["h1"], first.headers["h2"], first.headers["h3"]) == ("v1", "v2p", "v3")
    if cls in (HttpxHttpNode, HttpxAsyncHttpNode):
        # httpx's own default (gzip, deflate, and br/zstd when their libraries are installed),
        # as the official httpx nodes send it; answers are inflated within the node's cap.
        assert first.headers["accept-encoding"] == httpx.Client().headers["accept-encoding"]
    else:
        assert first.headers.get("accept-encoding", "identity") == "identity"  # gzip only with http_compress
    if cls is AiohttpHttpNode:
        assert "accept" not in first.headers  # aiohttp's own "*/*" is not sent
    assert head.method == "HEAD"
