"""What goes on the wire besides the API's own path and body: compatibility ``Accept`` and
``Content-Type`` headers, serverless mode, ``User-Agent`` and ``X-Elastic-Client-Meta``,
server ``Warning`` headers, and ``perform_request`` for endpoints without a method.

Expected values are those the official clients send for the same calls (9.5.1 / 8.19.3).
"""

from __future__ import annotations

import importlib.metadata
import inspect
import platform
import re
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

import elastic_transport
import pytest

from .v8plus_servers import RecordingServer, Reply, resolve

COMPAT_VERSION = {"elasticsearch": 9, "elasticsearch8": 8}


def compat(es_module: ModuleType, kind: str = "json") -> str:
    return f"application/vnd.elasticsearch+{kind}; compatible-with={COMPAT_VERSION[es_module.__name__]}"


async def test_json_requests(es: Any, es_module: ModuleType, server: RecordingServer) -> None:
    await resolve(es.search(index="i", query={"match_all": {}}))
    assert (server.last.method, server.last.path, server.last.json()) == (
        "POST",
        "/i/_search",
        {"query": {"match_all": {}}},
    )
    assert server.last.headers["accept"] == compat(es_module)
    assert server.last.headers["content-type"] == compat(es_module)
    await resolve(es.index(index="i", id="1", document={"a": 1}))
    assert (server.last.method, server.last.path, server.last.json()) == ("PUT", "/i/_doc/1", {"a": 1})
    assert server.last.headers["content-type"] == compat(es_module)
    await resolve(es.info())
    assert server.last.headers["accept"] == compat(es_module)
    assert "content-type" not in server.last.headers
    await resolve(es.indices.exists(index="i"))
    assert (server.last.method, server.last.headers["accept"]) == ("HEAD", compat(es_module))


async def test_ndjson_requests(es: Any, es_module: ModuleType, server: RecordingServer) -> None:
    await resolve(es.bulk(operations=[{"index": {"_index": "i"}}, {"a": 1}]))
    assert (server.last.method, server.last.path) == ("PUT", "/_bulk")
    assert server.last.body == b'{"index":{"_index":"i"}}\n{"a":1}\n'
    assert server.last.headers["content-type"] == compat(es_module, "x-ndjson")
    assert server.last.headers["accept"] == compat(es_module)
    await resolve(es.bulk(operations=['{"index": {}}', b'{"a": 1}'], index="i"))
    assert (server.last.path, server.last.body) == ("/i/_bulk", b'{"index": {}}\n{"a": 1}\n')
    await resolve(es.msearch(searches=[{}, {"query": {"match_all": {}}}]))
    assert (server.last.method, server.last.path, server.last.ndjson()) == (
        "POST",
        "/_msearch",
        [{}, {"query": {"match_all": {}}}],
    )
    assert server.last.headers["content-type"] == compat(es_module, "x-ndjson")


async def test_cat_text_and_json(es: Any, es_module: ModuleType, server: RecordingServer) -> None:
    server.route("GET", "/_cat/indices", Reply(body="green open logs\n"))
    response = await resolve(es.cat.indices())
    assert (type(response).__name__, response.body) == ("TextApiResponse", "green open logs\n")
    assert server.last.headers["accept"] == f"text/plain,{compat(es_module)}"
    server.route("GET", "/_cat/indices", Reply(body=[{"index": "logs"}]))
    response = await resolve(es.cat.indices(format="json"))
    assert (type(response).__name__, response.body) == ("ListApiResponse", [{"index": "logs"}])
    assert server.last.target == "/_cat/indices?format=json"


async def test_binary_response(es: Any, es_module: ModuleType, server: RecordingServer) -> None:
    server.default = Reply(body=b"\x1a\x00", headers={"Content-Type": "application/vnd.mapbox-vector-tile"})
    response = await resolve(es.search_mvt(index="i", field="f", zoom=1, x=0, y=0))
    assert (type(response).__name__, response.body) == ("BinaryApiResponse", b"\x1a\x00")
    assert server.last.headers["accept"] == compat(es_module, "vnd.mapbox-vector-tile")


async def test_caller_headers_are_made_compatible(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    await resolve(es.options(headers={"Accept": "application/json"}).info())
    assert server.last.headers["accept"] == compat(es_module)
    await resolve(es.perform_request("GET", "/_x", headers={"accept": "text/plain"}))
    assert server.last.headers["accept"] == "text/plain"


@pytest.mark.parametrize("es_module", ["elasticsearch"], indirect=True)
async def test_serverless_mode(make_client: Callable[..., Any], server: RecordingServer) -> None:
    """9.x only: an API version header and plain mimetypes."""
    es = make_client(server_mode="serverless")
    await resolve(es.search(index="i", query={"match_all": {}}))
    await resolve(es.bulk(operations=[{"index": {}}, {}]))
    await resolve(es.cat.indices())
    await resolve(es.info())
    seen = [
        {k: r.headers.get(k) for k in ("accept", "content-type", "elastic-api-version")}
        for r in server.requests
    ]
    assert seen == [
        {
            "accept": "application/json",
            "content-type": "application/json",
            "elastic-api-version": "2023-10-31",
        },
        {
            "accept": "application/json",
            "content-type": "application/x-ndjson",
            "elastic-api-version": "2023-10-31",
        },
        {"accept": "text/plain,application/json", "content-type": None, "elastic-api-version": "2023-10-31"},
        {"accept": "application/json", "content-type": None, "elastic-api-version": "2023-10-31"},
    ]
    await resolve(es.options(opaque_id="x").indices.exists(index="i"))  # copies and namespaces too
    assert (
        es.indices._is_serverless is es.options(opaque_id="x").cat._is_serverless is True
    )  # read by some programs
    assert (server.last.headers["elastic-api-version"], server.last.headers["accept"]) == (
        "2023-10-31",
        "application/json",
    )


@pytest.mark.parametrize("es_module", ["elasticsearch"], indirect=True)
@pytest.mark.parametrize("sniff", ["sniff_on_start", "sniff_before_requests", "sniff_on_node_failure"])
def test_serverless_forbids_sniffing(client_class: type[Any], server: RecordingServer, sniff: str) -> None:
    with pytest.raises(ValueError, match="Sniffing should not be enabled when 'server_mode' is 'serverless'"):
        client_class(server.url, server_mode="serverless", **{sniff: True})
    with pytest.raises(ValueError, match="'server_mode' must be 'stack' or 'serverless'"):
        client_class(server.url, server_mode="cloud")


async def test_stack_mode_sends_no_api_version(es: Any, server: RecordingServer) -> None:
    await resolve(es.info())
    assert "elastic-api-version" not in server.last.headers


@pytest.mark.parametrize("es_module", ["elasticsearch8"], indirect=True)
def test_no_server_mode_in_8(client_class: type[Any], server: RecordingServer) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'server_mode'"):
        client_class(server.url, server_mode="serverless")


async def test_user_agent_and_client_meta(
    make_client: Callable[..., Any], client_class: type[Any], es_module: ModuleType, server: RecordingServer
) -> None:
    es = make_client()
    await resolve(es.info())
    version, transport_version = es_module.__versionstr__, elastic_transport.__version__
    assert server.last.headers["user-agent"] == (
        f"elasticsearch-py/{version} (Python/{platform.python_version()}; elastic-transport/{transport_version})"
    )
    if client_class.__name__ == "Elasticsearch":
        http_client = f"ur={importlib.metadata.version('urllib3')}"
    else:
        http_client = f"ai={importlib.metadata.version('aiohttp')}"
    meta = server.last.headers["x-elastic-client-meta"]
    assert re.fullmatch(
        rf"es={re.escape(version)},py=\d+\.\d+\.\d+p?,t={re.escape(transport_version)},{re.escape(http_client)}",
        meta,
    )
    quiet = make_client(meta_header=False)
    await resolve(quiet.info())
    assert "x-elastic-client-meta" not in server.last.headers
    assert server.last.headers["user-agent"].startswith(f"elasticsearch-py/{version} ")


async def test_server_warnings_point_at_the_caller(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    """Each ``Warning`` header value becomes an ElasticsearchWarning at the line that made the call."""
    server.route(
        "POST",
        "/i/_search",
        Reply(
            headers={
                "Warning": '299 Elasticsearch-9.5.0-abc "this is deprecated", 299 Elasticsearch-9.5.0-abc "and this"'
            }
        ),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pending = es.search(index="i")
        if inspect.isawaitable(pending):  # awaited here, not in a helper, so this file is the caller
            await pending
    assert [(w.category, str(w.message)) for w in caught] == [
        (es_module.ElasticsearchWarning, "this is deprecated"),
        (es_module.ElasticsearchWarning, "and this"),
    ]
    assert {w.filename for w in caught} == {__file__}
    assert issubclass(es_module.ElasticsearchWarning, elastic_transport.TransportWarning)


async def test_perform_request_for_any_endpoint(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    server.route("GET", "/_custom/thing", Reply(body={"ok": 1}))
    response = await resolve(
        es.perform_request(
            "GET",
            "/_custom/thing",
            params={"list": ["a", "b"], "flag": False, "n": 3, "skip": None},
            headers={"X-Mine": "1"},
        )
    )
    assert (type(response).__name__, response.body, response.meta.status) == (
        "ObjectApiResponse",
        {"ok": 1},
        200,
    )
    assert server.last.target == "/_custom/thing?list=a,b&flag=false&n=3"
    assert server.last.headers["x-mine"] == "1"
    await resolve(
        es.perform_request(
            "PUT",
            "/_custom/thing",
            body={"x": [1, 2]},
            headers={"content-type": "application/json", "accept": "application/json"},
        )
    )
    assert (server.last.method, server.last.json()) == ("PUT", {"x": [1, 2]})
    assert server.last.headers["content-type"] == server.last.headers["accept"] == compat(es_module)
    server.route("HEAD", "/_custom/none", Reply(status=404, body=b""))
    head = await resolve(es.perform_request("HEAD", "/_custom/none"))
    assert (type(head).__name__, bool(head)) == ("HeadApiResponse", False)
    server.route("GET", "/_custom/none", Reply(status=404, body={"error": {"type": "t", "reason": "r"}}))
    with pytest.raises(es_module.NotFoundError):
        await resolve(es.perform_request("GET", "/_custom/none"))
    with pytest.raises(TypeError):
        es.perform_request("GET", "/_custom/thing", {"positional": "params"})


def test_node_class_reads_request_headers_by_any_spelling(
    es_module: ModuleType, server: RecordingServer
) -> None:
    """A custom node gets the request's headers as a mapping that finds "Content-Type" as
    well as "content-type" (as the official HttpHeaders does), and the request still goes out."""
    seen: list[tuple[Any, ...]] = []

    class PeekingNode(elastic_transport.Urllib3HttpNode):
        def perform_request(
            self, method: str, target: str, body: Any = None, headers: Any = None, **kwargs: Any
        ) -> Any:
            seen.append(
                (headers["Content-Type"], headers.get("X-Opaque-Id"), "Accept" in headers, headers["CustoM"])
            )
            return super().perform_request(method, target, body=body, headers=headers, **kwargs)

    client = es_module.Elasticsearch(server.url, node_class=PeekingNode)
    try:
        client.options(opaque_id="op-1", headers={"custom": "v"}).index(index="i", document={"a": 1})
    finally:
        client.close()
    assert seen == [(compat(es_module), "op-1", True, "v")]
    assert (server.last.headers["x-opaque-id"], server.last.headers["custom"]) == ("op-1", "v")
    assert server.last.headers["content-type"] == compat(es_module)
