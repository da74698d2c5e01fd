"""``ELASTIC_CLIENT_APIVERSIONING=negotiate`` (beyond the official clients): the
``compatible-with`` version follows the server's major, learned once per client from
``GET /_nodes/_all/http?filter_path=nodes.*.version`` before the first request.

Without the variable the client sends ``compatible-with=<client major>`` from the first
request on, as the official client does. Each test runs per package and per flavour.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from .v8plus_servers import RecordingServer, Reply, nodes_http_info, resolve, sequence

MAJOR = {"elasticsearch": 9, "elasticsearch8": 8}
DISCOVERY = "/_nodes/_all/http"


def nodes_answer(*versions: str) -> Reply:
    return Reply(body={"nodes": {f"node-{i}": {"version": v} for i, v in enumerate(versions)}})


def compat(version: int) -> str:
    return f"application/vnd.elasticsearch+json; compatible-with={version}"


def discoveries(server: RecordingServer) -> list[Any]:
    return [r for r in server.requests if r.path == DISCOVERY]


@pytest.fixture
def negotiate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELASTIC_CLIENT_APIVERSIONING", "negotiate")


@pytest.mark.parametrize("value", [None, "true", "1", "false"])
async def test_default_mode_sends_the_client_major(
    make_client: Callable[..., Any],
    es_module: ModuleType,
    server: RecordingServer,
    monkeypatch: pytest.MonkeyPatch,
    value: str | None,
) -> None:
    """No discovery request, and the official header from the first request on."""
    if value is not None:
        monkeypatch.setenv("ELASTIC_CLIENT_APIVERSIONING", value)
    es = make_client()
    await resolve(es.search(index="i", query={"match_all": {}}))
    assert [r.path for r in server.requests] == ["/i/_search"]
    assert server.last.headers["accept"] == compat(MAJOR[es_module.__name__])
    assert server.last.headers["content-type"] == compat(MAJOR[es_module.__name__])


@pytest.mark.parametrize(
    ("server_version", "expected"),
    [
        ("7.17.29", {"elasticsearch8": 7}),
        ("8.19.3", {"elasticsearch": 8, "elasticsearch8": 8}),
        ("9.5.0", {"elasticsearch": 9, "elasticsearch8": 8}),
        ("10.0.0", {"elasticsearch": 9}),
    ],
)
async def test_header_follows_the_server_major(
    negotiate: None,
    make_client: Callable[..., Any],
    es_module: ModuleType,
    server: RecordingServer,
    server_version: str,
    expected: dict[str, int],
) -> None:
    """``compatible-with=min(client major, server major)`` for a server one major older, the
    same or one newer; any other server gets an error naming both versions."""
    server.route("GET", DISCOVERY, nodes_answer(server_version))
    es = make_client(api_key="secret")
    version = expected.get(es_module.__name__)
    if version is None:
        with pytest.raises(es_module.UnsupportedProductError) as caught:
            await resolve(es.index(index="i", id="1", document={"a": 1}))
        message = str(caught.value)
        assert f"Elasticsearch {server_version}" in message
        assert f"{es_module.__name__} {es_module.__versionstr__} client" in message
        assert [r.path for r in server.requests] == [DISCOVERY]
        return
    await resolve(es.index(index="i", id="1", document={"a": 1}))
    discovery, request = server.requests
    assert (discovery.method, discovery.target) == ("GET", f"{DISCOVERY}?filter_path=nodes.*.version")
    # plain JSON, which every major accepts, with the client's credentials
    assert discovery.headers["accept"] == "application/json"
    assert "content-type" not in discovery.headers
    assert discovery.headers["authorization"] == "ApiKey secret"
    assert (request.method, request.path) == ("PUT", "/i/_doc/1")
    assert request.headers["accept"] == request.headers["content-type"] == compat(version)
    await resolve(es.bulk(operations=[{"index": {"_index": "i"}}, {"a": 1}]))
    assert server.last.headers["content-type"] == (
        f"application/vnd.elasticsearch+x-ndjson; compatible-with={version}"
    )


async def test_oldest_node_decides(
    negotiate: None, make_client: Callable[..., Any], es_module: ModuleType, server: RecordingServer
) -> None:
    """A cluster in a rolling upgrade is talked to as its oldest node's major."""
    major = MAJOR[es_module.__name__]
    server.route("GET", DISCOVERY, nodes_answer(f"{major}.1.0", f"{major - 1}.19.3"))
    es = make_client()
    await resolve(es.info())
    assert server.last.headers["accept"] == compat(major - 1)


async def test_one_discovery_per_client_and_its_copies(
    negotiate: None, make_client: Callable[..., Any], es_module: ModuleType, server: RecordingServer
) -> None:
    server.route("GET", DISCOVERY, nodes_answer("8.19.3"))
    es = make_client()
    await resolve(es.info())
    await resolve(es.options(request_timeout=5).search(index="i"))
    await resolve(es.indices.exists(index="i"))
    await resolve(es.options(opaque_id="x").indices.refresh(index="i"))
    assert len(discoveries(server)) == 1
    assert {r.headers["accept"] for r in server.requests if r.path != DISCOVERY} == {compat(8)}
    other = make_client()  # another client learns on its own
    await resolve(other.info())
    assert len(discoveries(server)) == 2


async def test_failed_discovery_surfaces_and_is_retried(
    negotiate: None, make_client: Callable[..., Any], es_module: ModuleType, server: RecordingServer
) -> None:
    """A timeout or an error status raises as for any request; the next request asks again."""
    server.route(
        "GET",
        DISCOVERY,
        sequence(
            Reply(delay=1.0, body=nodes_answer("8.19.3").body),  # answered after the timeout
            Reply(status=403, body={"error": {"type": "security_exception"}, "status": 403}),
            nodes_answer("8.19.3"),
        ),
    )
    es = make_client(max_retries=0, request_timeout=0.3)
    with pytest.raises(es_module.ConnectionTimeout):
        await resolve(es.info())
    with pytest.raises(es_module.AuthorizationException):
        await resolve(es.info())
    await resolve(es.info())
    assert [r.path for r in server.requests] == [DISCOVERY, DISCOVERY, DISCOVERY, "/"]
    assert server.last.headers["accept"] == compat(8)


async def test_concurrent_first_requests_discover_once(
    negotiate: None, es_module: ModuleType, server: RecordingServer
) -> None:
    """Threads of a sync client and tasks of an async one wait for the one discovery."""
    server.route("GET", DISCOVERY, Reply(delay=0.2, body=nodes_answer("8.19.3").body))
    sync_client = es_module.Elasticsearch(server.url)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            sync_client.info()
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sync_client.close()
    assert errors == []
    assert len(discoveries(server)) == 1

    async_client = es_module.AsyncElasticsearch(server.url)
    try:
        await asyncio.gather(*(async_client.info() for _ in range(4)))
    finally:
        await async_client.close()
    assert len(discoveries(server)) == 2
    assert {r.headers["accept"] for r in server.requests if r.path == "/"} == {compat(8)}


async def test_sniffing_asks_with_plain_json(
    negotiate: None, client_class: type[Any], es_module: ModuleType, server: RecordingServer
) -> None:
    """The sniff may come before the server's major is known: it takes no compatibility header."""
    info = nodes_http_info([server])
    for node in info["nodes"].values():
        node["version"] = "8.19.3"
    server.route("GET", DISCOVERY, Reply(body=info))
    es = client_class(server.url, sniff_on_start=True)
    try:
        await resolve(es.info())
    finally:
        await resolve(es.close())
    sniff, discovery = discoveries(server)
    assert sniff.target == DISCOVERY and sniff.headers["accept"] == "application/json"
    assert discovery.target.endswith("?filter_path=nodes.*.version")
    assert server.last.headers["accept"] == compat(8)


@pytest.mark.parametrize("flavor", ["Elasticsearch", "AsyncElasticsearch"])
async def test_serverless_does_not_negotiate(negotiate: None, server: RecordingServer, flavor: str) -> None:
    """Serverless has no compatibility mimetypes to choose (``server_mode`` is 9.x's)."""
    import elasticsearch

    es = getattr(elasticsearch, flavor)(server.url, server_mode="serverless")
    try:
        await resolve(es.info())
    finally:
        await resolve(es.close())
    assert [r.path for r in server.requests] == ["/"]
    assert server.last.headers["accept"] == "application/json"
