"""AsyncTransport with both async nodes (aiohttp, httpx) against real local HTTP servers."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from elastic_transport import (
    AsyncTransport,
    ConnectionError,
    ConnectionTimeout,
    NodeConfig,
    SniffingError,
    SniffOptions,
    Transport,
)
from elastic_transport._node._base import BaseNode
from fakees import FakeServer, Reply, free_port

MakeTransport = Callable[..., AsyncTransport]
META_PREFIX = {"aiohttp": "ai", "httpxasync": "hx"}


def node(server: FakeServer | int, **kwargs: object) -> NodeConfig:
    port = server if isinstance(server, int) else server.port
    return NodeConfig("http", "127.0.0.1", port, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(params=["aiohttp", "httpxasync"])
def node_class(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def make_transport(node_class: str) -> AsyncIterator[MakeTransport]:
    """Builds transports on the test's node class and closes them all afterwards."""
    made: list[AsyncTransport] = []

    def make(*nodes: FakeServer | int | NodeConfig, **kwargs: object) -> AsyncTransport:
        configs = [n if isinstance(n, NodeConfig) else node(n) for n in nodes]
        transport = AsyncTransport(configs, node_class=node_class, **kwargs)
        made.append(transport)
        return transport

    yield make
    for transport in made:
        await transport.close()


def is_closed(node: BaseNode) -> bool:
    session = getattr(node, "_session", None)  # aiohttp: dropped on close
    client = getattr(node, "_client", None)  # httpx: kept, marked closed
    return session is None if client is None else bool(client.is_closed)


# -- HTTP basics ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
async def test_methods_return_decoded_body(
    http_server: FakeServer, make_transport: MakeTransport, method: str
) -> None:
    http_server.respond(Reply(body={"acknowledged": True}))
    meta, body = await make_transport(http_server).perform_request(method, "/idx")
    assert (meta.status, body) == (200, {"acknowledged": True})
    assert meta.http_version == "1.1"
    assert meta.mimetype == "application/json"
    assert meta.headers["x-elastic-product"] == "Elasticsearch"
    assert meta.node == node(http_server)
    assert meta.duration > 0
    assert http_server.requests[0].method == method


async def test_head_returns_without_waiting_for_a_body(
    http_server: FakeServer, make_transport: MakeTransport
) -> None:
    http_server.respond(Reply(body={"a" * 100: 1}))  # a Content-Length but no body, as HEAD requires
    transport = make_transport(http_server)
    for _ in range(3):  # the connection stays usable after a bodiless response
        meta, body = await asyncio.wait_for(transport.perform_request("HEAD", "/idx"), 5)
        assert (meta.status, body) == (200, None)
    assert len({r.connection_id for r in http_server.requests}) == 1


async def test_json_body_round_trip(http_server: FakeServer, make_transport: MakeTransport) -> None:
    http_server.handler = lambda request: Reply(body=json.loads(request.body))
    document = {"title": "Zoë", "tags": ["a", "b"], "n": 1.5, "nested": {"ok": None}}
    _, body = await make_transport(http_server).perform_request(
        "PUT", "/idx/_doc/1", body=document, headers={"content-type": "application/json"}
    )
    assert body == document
    assert http_server.requests[0].headers["content-type"] == "application/json"


async def test_target_is_sent_as_given(http_server: FakeServer, make_transport: MakeTransport) -> None:
    await make_transport(node(http_server, path_prefix="/es")).perform_request(
        "GET", "/idx/_doc/a%2Fb?q=x+y%20z"
    )
    assert http_server.requests[0].target == "/es/idx/_doc/a%2Fb?q=x+y%20z"


async def test_request_and_node_headers(
    http_server: FakeServer, make_transport: MakeTransport, node_class: str
) -> None:
    transport = make_transport(node(http_server, headers={"X-Node": "n", "X-Both": "node"}))
    await transport.perform_request("GET", "/", headers={"x-both": "request", "X-Request": "r"})
    headers = http_server.requests[0].headers
    assert (headers["x-node"], headers["x-both"], headers["x-request"]) == ("n", "request", "r")
    if node_class == "aiohttp":
        assert "accept-encoding" not in headers  # only asked for with http_compress
    else:  # httpx's own default, as the official httpx node sends it
        assert headers["accept-encoding"] == httpx.AsyncClient().headers["accept-encoding"]


async def test_connection_is_kept_alive(http_server: FakeServer, make_transport: MakeTransport) -> None:
    transport = make_transport(http_server)
    for _ in range(20):
        await transport.perform_request("GET", "/")
    assert len(http_server.requests) == 20
    assert len({r.connection_id for r in http_server.requests}) == 1


async def test_gzip_request_body_when_http_compress(
    http_server: FakeServer, make_transport: MakeTransport
) -> None:
    http_server.respond(Reply(body={"ok": True}, gzip=True))
    transport = make_transport(node(http_server, http_compress=True))
    _, body = await transport.perform_request(
        "POST",
        "/idx/_search",
        body={"query": {"match_all": {}}},
        headers={"content-type": "application/json"},
    )
    request = http_server.requests[0]
    assert request.headers["content-encoding"] == "gzip"
    assert "gzip" in request.headers["accept-encoding"]
    assert json.loads(gzip.decompress(request.body)) == {"query": {"match_all": {}}}
    assert body == {"ok": True}


async def test_gzip_response_is_decoded(http_server: FakeServer, make_transport: MakeTransport) -> None:
    http_server.respond(Reply(body={"hits": list(range(100))}, gzip=True))
    _, body = await make_transport(http_server).perform_request("GET", "/")
    assert body == {"hits": list(range(100))}


async def test_text_and_empty_bodies(http_server: FakeServer, make_transport: MakeTransport) -> None:
    transport = make_transport(http_server)
    http_server.respond(Reply(body="green\n"))
    assert (await transport.perform_request("GET", "/_cat/health")).body == "green\n"
    http_server.respond(Reply(body=b""))
    assert (await transport.perform_request("GET", "/")).body is None


# -- failures and retries -------------------------------------------------------------------


async def test_request_timeout(http_server: FakeServer, make_transport: MakeTransport) -> None:
    http_server.respond(Reply(delay=2))
    start = time.monotonic()
    with pytest.raises(ConnectionTimeout):
        await make_transport(http_server).perform_request("GET", "/", request_timeout=0.3)
    assert time.monotonic() - start < 1.5
    assert len(http_server.requests) == 1  # timeouts aren't retried unless asked


async def test_request_timeout_from_node_config(
    http_server: FakeServer, make_transport: MakeTransport
) -> None:
    http_server.respond(Reply(delay=2))
    start = time.monotonic()
    with pytest.raises(ConnectionTimeout):
        await make_transport(node(http_server, request_timeout=0.3)).perform_request("GET", "/")
    assert time.monotonic() - start < 1.5


async def test_retry_on_timeout(http_server: FakeServer, make_transport: MakeTransport) -> None:
    http_server.respond(Reply(delay=2), Reply(body={"second": True}))
    transport = make_transport(http_server, retry_on_timeout=True)
    _, body = await transport.perform_request("GET", "/", request_timeout=0.3)
    assert body == {"second": True}
    assert len(http_server.requests) == 2


async def test_refused_connection(make_transport: MakeTransport) -> None:
    with pytest.raises(ConnectionError) as info:
        await make_transport(free_port(), max_retries=2).perform_request("GET", "/")
    assert not isinstance(info.value, ConnectionTimeout)
    assert len(info.value.errors) == 3  # its own cause, then the two earlier attempts


async def test_retries_on_status(http_server: FakeServer, make_transport: MakeTransport) -> None:
    http_server.respond(Reply(503), Reply(503), Reply(body={"ok": True}))
    meta, body = await make_transport(http_server).perform_request("GET", "/")
    assert (meta.status, body) == (200, {"ok": True})
    assert len(http_server.requests) == 3


async def test_max_retries_exhausted_returns_last_response(
    http_server: FakeServer, make_transport: MakeTransport
) -> None:
    http_server.respond(Reply(503, body={"error": "unavailable"}))
    meta, body = await make_transport(http_server, max_retries=2).perform_request("GET", "/")
    assert (meta.status, body) == (503, {"error": "unavailable"})
    assert len(http_server.requests) == 3


async def test_retry_backoff_sleeps(http_server: FakeServer, make_transport: MakeTransport) -> None:
    http_server.respond(Reply(503), Reply(200))
    start = time.monotonic()
    meta, _ = await make_transport(http_server).perform_request("GET", "/", retry_backoff_base=0.2)
    assert meta.status == 200
    assert time.monotonic() - start >= 0.1  # equal jitter: at least half the base


async def test_dead_node_is_skipped(http_servers: list[FakeServer], make_transport: MakeTransport) -> None:
    http_servers[0].stop()
    transport = make_transport(*http_servers, randomize_nodes_in_pool=False)
    for _ in range(6):
        meta, _ = await transport.perform_request("GET", "/")
        assert meta.status == 200
        assert meta.node.port != http_servers[0].port
    assert transport.node_pool.alive_count() == 2
    assert len(http_servers[1].requests) + len(http_servers[2].requests) == 6


async def test_concurrent_requests(http_server: FakeServer, make_transport: MakeTransport) -> None:
    http_server.handler = lambda request: Reply(body={"path": request.target}, delay=0.01)
    transport = make_transport(http_server)
    results = await asyncio.gather(*(transport.perform_request("GET", f"/doc/{i}") for i in range(64)))
    assert [body for _, body in results] == [{"path": f"/doc/{i}"} for i in range(64)]
    assert len(http_server.requests) == 64
    assert http_server.connections_opened <= 10  # connections_per_node bounds the pool


async def test_client_meta_header(
    http_server: FakeServer, make_transport: MakeTransport, node_class: str
) -> None:
    transport = make_transport(http_server)
    await transport.perform_request("GET", "/", client_meta=(("h", "s"),))
    value = http_server.requests[0].headers["x-elastic-client-meta"]
    prefix = META_PREFIX[node_class]
    assert re.fullmatch(rf"et=[0-9.]+p?,py=[0-9.]+p?,t=[0-9.]+p?,{prefix}=[0-9.]+p?,h=s", value), value


async def test_no_client_meta_header_when_disabled(
    http_server: FakeServer, make_transport: MakeTransport
) -> None:
    await make_transport(http_server, meta_header=False).perform_request("GET", "/")
    assert "x-elastic-client-meta" not in http_server.requests[0].headers


# -- sniffing -------------------------------------------------------------------------------


async def test_sniff_on_start_with_async_callback(
    http_servers: list[FakeServer], make_transport: MakeTransport
) -> None:
    calls: list[SniffOptions] = []

    async def sniff_callback(transport: AsyncTransport, options: SniffOptions) -> list[NodeConfig]:
        calls.append(options)
        await asyncio.sleep(0.05)
        return [node(server) for server in http_servers]

    transport = make_transport(http_servers[0], sniff_on_start=True, sniff_callback=sniff_callback)
    assert calls == []  # no loop work at construction
    results = await asyncio.gather(*(transport.perform_request("GET", "/") for _ in range(5)))
    assert all(meta.status == 200 for meta, _ in results)
    assert calls == [SniffOptions(is_initial_sniff=True, sniff_timeout=0.5)]  # one sniff, everyone waited
    assert {n.config for n in transport.node_pool.all()} == {node(server) for server in http_servers}


async def test_failed_initial_sniff_raises_and_is_retried(
    http_server: FakeServer, make_transport: MakeTransport
) -> None:
    results: list[list[NodeConfig]] = [[], [node(http_server)]]

    def sniff_callback(transport: AsyncTransport, options: SniffOptions) -> list[NodeConfig]:
        return results.pop(0)

    transport = make_transport(http_server, sniff_on_start=True, sniff_callback=sniff_callback)
    with pytest.raises(SniffingError):
        await transport.perform_request("GET", "/")
    assert http_server.requests == []
    meta, _ = await transport.perform_request("GET", "/")
    assert meta.status == 200


async def test_sniff_before_requests_runs_in_background_once(
    http_servers: list[FakeServer], make_transport: MakeTransport
) -> None:
    calls: list[SniffOptions] = []

    def sniff_callback(transport: AsyncTransport, options: SniffOptions) -> list[NodeConfig]:
        calls.append(options)
        return [node(server) for server in http_servers]

    transport = make_transport(http_servers[0], sniff_before_requests=True, sniff_callback=sniff_callback)
    for _ in range(5):
        await transport.perform_request("GET", "/")
    assert calls == [SniffOptions(is_initial_sniff=False, sniff_timeout=0.5)]  # min_delay_between_sniffing
    assert len(transport.node_pool) == 3


async def test_only_one_background_sniff_at_a_time(
    http_server: FakeServer, make_transport: MakeTransport
) -> None:
    release = asyncio.Event()
    calls = 0

    async def sniff_callback(transport: AsyncTransport, options: SniffOptions) -> list[NodeConfig]:
        nonlocal calls
        calls += 1
        await release.wait()
        return [node(http_server)]

    transport = make_transport(
        http_server, sniff_before_requests=True, min_delay_between_sniffing=0, sniff_callback=sniff_callback
    )
    await asyncio.gather(*(transport.perform_request("GET", "/") for _ in range(10)))
    assert calls == 1
    release.set()
    await asyncio.sleep(0.01)
    await transport.perform_request("GET", "/")
    await asyncio.sleep(0.01)
    assert calls == 2  # with no delay required, the next request sniffs again


async def test_sniff_on_node_failure_finds_a_working_node(
    http_server: FakeServer, make_transport: MakeTransport
) -> None:
    dead_port = free_port()

    async def sniff_callback(transport: AsyncTransport, options: SniffOptions) -> list[NodeConfig]:
        return [node(http_server)]

    transport = make_transport(dead_port, sniff_on_node_failure=True, sniff_callback=sniff_callback)
    meta, _ = await transport.perform_request("GET", "/")
    assert meta.status == 200
    assert [n.config for n in transport.node_pool.all()] == [node(dead_port), node(http_server)]  # seed stays


async def test_sniff_closes_removed_nodes(
    http_servers: list[FakeServer], make_transport: MakeTransport
) -> None:
    async def sniff_callback(transport: AsyncTransport, options: SniffOptions) -> list[NodeConfig]:
        return [node(http_servers[1])]

    transport = make_transport(http_servers[0], sniff_on_node_failure=True, sniff_callback=sniff_callback)
    transport.node_pool.add(node(http_servers[2]))  # added, as a sniff would: not a seed
    await transport.perform_request("GET", "/")
    await transport.perform_request("GET", "/")
    old = transport.node_pool.all()[1]
    await transport.sniff()
    await transport.close()
    assert is_closed(old)  # a node the sniff no longer lists is dropped; seeds stay
    assert [n.config for n in transport.node_pool.all()] == [node(http_servers[0]), node(http_servers[1])]


async def test_failed_sniff_keeps_the_pool(http_server: FakeServer, make_transport: MakeTransport) -> None:
    async def sniff_callback(transport: AsyncTransport, options: SniffOptions) -> list[NodeConfig]:
        raise RuntimeError("cluster unreachable")

    transport = make_transport(http_server, sniff_before_requests=True, sniff_callback=sniff_callback)
    with pytest.raises(RuntimeError, match="cluster unreachable"):  # the callback's own error
        await transport.sniff()
    assert transport._last_sniffed_at == 0.0  # a failed sniff doesn't delay the next one
    meta, _ = await transport.perform_request("GET", "/")  # a background sniff fails: logged only
    assert meta.status == 200
    assert transport._sniffing_task is not None
    await transport._sniffing_task
    assert [n.config for n in transport.node_pool.all()] == [node(http_server)]


async def test_close_closes_every_node(http_servers: list[FakeServer], make_transport: MakeTransport) -> None:
    transport = make_transport(*http_servers)
    await transport.perform_request("GET", "/")
    await transport.close()
    assert all(is_closed(n) for n in transport.node_pool.all())


# -- construction ---------------------------------------------------------------------------


def test_default_node_class_is_aiohttp() -> None:
    transport = AsyncTransport([node(free_port())])
    assert type(transport.node_pool.all()[0]).__name__ == "AiohttpHttpNode"


def test_sync_node_class_is_refused() -> None:
    with pytest.raises(ValueError, match="Specified 'node_class' is not async, should be async instead"):
        AsyncTransport([node(free_port())], node_class="urllib3")


@pytest.mark.parametrize("name", ["aiohttp", "httpxasync"])
def test_async_node_class_is_refused_by_sync_transport(name: str) -> None:
    with pytest.raises(ValueError, match="Specified 'node_class' is async, should be sync instead"):
        Transport([node(free_port())], node_class=name)
