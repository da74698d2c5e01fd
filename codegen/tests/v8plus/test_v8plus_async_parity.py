"""``AsyncElasticsearch`` and ``Elasticsearch`` make the same requests and give the same results.

One script of calls runs through each client against its own recording server; the
requests that reach the sockets and what each call returned (or raised) must be equal,
except for headers the HTTP library sets (``X-Elastic-Client-Meta`` names it: ``ur=``/``ai=``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from .v8plus_servers import RecordingServer, Reply, resolve

NOT_FOUND = {
    "error": {"root_cause": [{"type": "t", "reason": "gone"}], "type": "t", "reason": "gone"},
    "status": 404,
}

CALLS: list[tuple[str, Callable[[Any], Any]]] = [
    ("info", lambda es: es.info()),
    ("ping", lambda es: es.ping()),
    (
        "search",
        lambda es: es.search(
            index=["a", "b"],
            query={"match": {"f": "x y"}},
            size=2,
            sort="f:asc",
            source_includes=["f"],
            request_cache=True,
        ),
    ),
    ("search_body", lambda es: es.search(index="a", body={"query": {"match_all": {}}})),
    ("index", lambda es: es.index(index="a", id="1/2", document={"f": "ü"}, refresh="wait_for")),
    ("create", lambda es: es.create(index="a", id="1", document={"f": 1})),
    ("get", lambda es: es.get(index="a", id="1", source=False)),
    ("get_missing", lambda es: es.get(index="missing", id="1")),
    ("get_ignored", lambda es: es.options(ignore_status=404).get(index="missing", id="1")),
    ("exists", lambda es: es.exists(index="a", id="1")),
    ("exists_missing", lambda es: es.exists(index="missing", id="1")),
    ("update", lambda es: es.update(index="a", id="1", doc={"f": 2}, retry_on_conflict=3)),
    ("delete", lambda es: es.delete(index="a", id="1")),
    ("bulk", lambda es: es.bulk(operations=[{"index": {"_index": "a"}}, {"f": 1}], refresh=True)),
    ("msearch", lambda es: es.msearch(index="a", searches=[{}, {"query": {"match_all": {}}}])),
    ("count", lambda es: es.count(index="a", q="f:1")),
    ("cat", lambda es: es.cat.indices(index="a*", v=True)),
    ("cat_json", lambda es: es.cat.indices(format="json", h=["index", "health"])),
    ("mvt", lambda es: es.search_mvt(index="a", field="g", zoom=1, x=0, y=0)),
    (
        "indices_create",
        lambda es: es.indices.create(
            index="b", mappings={"properties": {}}, settings={"number_of_shards": 1}
        ),
    ),
    ("indices_exists", lambda es: es.indices.exists(index="b")),
    ("indices_refresh", lambda es: es.indices.refresh()),
    (
        "options",
        lambda es: es.options(opaque_id="o", api_key=("i", "k"), headers={"X-A": "1"}).cluster.health(
            wait_for_status="green"
        ),
    ),
    (
        "perform",
        lambda es: es.perform_request(
            "POST",
            "/_custom",
            params={"p": [1, 2]},
            body={"x": None},
            headers={"content-type": "application/json", "accept": "application/json"},
        ),
    ),
    ("empty_index", lambda es: es.indices.delete(index="")),
]


def script(server: RecordingServer) -> None:
    server.route("GET", "/missing/_doc/1", Reply(status=404, body=NOT_FOUND))
    server.route("HEAD", "/missing/_doc/1", Reply(status=404, body=b""))
    for path in ("/_cat/indices", "/_cat/indices/a*"):
        server.route(
            "GET", path, lambda r: Reply(body=[{"index": "a"}] if "format=json" in r.target else "a green\n")
        )
    server.route(
        "GET",
        "/a/_mvt/g/1/0/0",
        Reply(body=b"\x1a\x00", headers={"Content-Type": "application/vnd.mapbox-vector-tile"}),
    )
    server.route(
        "POST",
        "/a/_mvt/g/1/0/0",
        Reply(body=b"\x1a\x00", headers={"Content-Type": "application/vnd.mapbox-vector-tile"}),
    )


def outcome(value: Any) -> Any:
    """What a call gave, in comparable form."""
    if isinstance(value, BaseException):
        return ("raised", type(value).__name__, str(value))
    if isinstance(value, bool):
        return ("bool", value)
    return (
        "returned",
        type(value).__name__,
        value.body,
        value.meta.status,
        dict(value.meta.headers).get("Content-Type"),
    )


# Set by the HTTP library, not by the client, in the official clients too: urllib3 sends
# accept-encoding, aiohttp does not; aiohttp sends content-length: 0 and, on a POST without
# body or content-type, content-type: application/octet-stream (and accept: */* when none is
# given, which API methods always give). The meta header names the HTTP library by design.
NODE_HEADERS = ("x-elastic-client-meta", "host", "connection", "accept-encoding", "content-length")


def requests(server: RecordingServer) -> list[Any]:
    return [
        (
            r.method,
            r.target,
            r.body,
            {
                k: v
                for k, v in r.headers.items()
                if k not in NODE_HEADERS
                and not (k == "content-type" and v == "application/octet-stream" and not r.body)
            },
        )
        for r in server.requests
    ]


@pytest.fixture
def servers() -> Iterator[tuple[RecordingServer, RecordingServer]]:
    pair = (RecordingServer(), RecordingServer())
    for srv in pair:
        script(srv)
    try:
        yield pair
    finally:
        for srv in pair:
            srv.close()


@pytest.mark.parametrize("es_module", ["elasticsearch", "elasticsearch8"], indirect=True)
async def test_same_requests_and_results(
    es_module: ModuleType, servers: tuple[RecordingServer, RecordingServer]
) -> None:
    results: list[list[Any]] = []
    for client_class, srv in zip(
        (es_module.Elasticsearch, es_module.AsyncElasticsearch), servers, strict=True
    ):
        client = client_class(srv.url, basic_auth=("u", "p"))
        got: list[Any] = []
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                for name, call in CALLS:
                    try:
                        got.append((name, outcome(await resolve(call(client)))))
                    except Exception as e:  # errors are results too
                        got.append((name, outcome(e)))
        finally:
            await resolve(client.close())
        results.append(got)
    sync_results, async_results = results
    assert async_results == sync_results
    assert requests(servers[1]) == requests(servers[0])
    assert len(servers[0].requests) == len(CALLS) - 1  # the empty index never leaves the client
    by_name = dict(sync_results)
    assert by_name["get_missing"][:2] == ("raised", "NotFoundError")
    assert by_name["exists_missing"][:4] == ("returned", "HeadApiResponse", False, 404)
    assert by_name["cat"][1:3] == ("TextApiResponse", "a green\n")
    assert by_name["mvt"][1:3] == ("BinaryApiResponse", b"\x1a\x00")
    assert by_name["empty_index"] == ("raised", "ValueError", "Empty value passed for parameter 'index'")
    sync_meta = servers[0].requests[0].headers["x-elastic-client-meta"]
    async_meta = servers[1].requests[0].headers["x-elastic-client-meta"]
    assert sync_meta.split(",")[:3] == async_meta.split(",")[:3]
    assert (sync_meta.split(",")[3][:3], async_meta.split(",")[3][:3]) == ("ur=", "ai=")


async def test_async_client_lifecycle(client_class: type[Any], server: RecordingServer) -> None:
    """Both clients are context managers of their kind and close the shared transport."""
    if client_class.__name__ == "AsyncElasticsearch":
        async with client_class(server.url) as es:
            assert (await es.info())["tagline"] == "You Know, for Search"
    else:
        with client_class(server.url) as es:
            assert es.info()["tagline"] == "You Know, for Search"
    assert [r.path for r in server.requests] == ["/"]
