"""The client constructor (hosts, cloud_id, auth, deprecated 8.x names), calls in the older
``body=``/``params=`` style, required parameters, and sniffing, against real local servers.
"""

from __future__ import annotations

import base64
import inspect
import warnings
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from elastic_transport import NodeConfig
from fakees import FakeProxy

from .v8plus_servers import RecordingServer, Reply, nodes_http_info, resolve


def configs(client: Any) -> list[tuple[str, str, int, str]]:
    return sorted(
        (n.config.scheme, n.config.host, n.config.port, n.config.path_prefix)
        for n in client.transport.node_pool.all()
    )


def cloud_id(data: str) -> str:
    return "name:" + base64.b64encode(data.encode()).decode()


@pytest.fixture
def servers() -> Iterator[list[RecordingServer]]:
    """Three servers; the first answers the sniff request with all three as the cluster's nodes."""
    trio = [RecordingServer() for _ in range(3)]
    trio[0].route("GET", "/_nodes/_all/http", Reply(body=nodes_http_info(trio)))
    try:
        yield trio
    finally:
        for srv in trio:
            srv.close()


# -- hosts and cloud_id -------------------------------------------------------------------


async def test_hosts_forms_reach_the_server(make_client: Callable[..., Any], server: RecordingServer) -> None:
    """A URL, a list of URLs, a dict and a NodeConfig all address the same server."""
    forms: list[Any] = [
        server.url,
        [server.url],
        [{"host": "127.0.0.1", "port": server.port, "scheme": "http"}],
        [NodeConfig("http", "127.0.0.1", server.port)],
    ]
    for hosts in forms:
        es = make_client(hosts)
        assert configs(es) == [("http", "127.0.0.1", server.port, "")]
        await resolve(es.search(index="i"))
        assert server.last.path == "/i/_search"
    assert len(server.requests) == len(forms)


async def test_path_prefix_and_url_credentials(
    make_client: Callable[..., Any], server: RecordingServer
) -> None:
    es = make_client([{"host": "127.0.0.1", "port": server.port, "scheme": "http", "path_prefix": "/proxy"}])
    await resolve(es.indices.get(index="logs"))
    assert server.last.path == "/proxy/logs"
    es = make_client(f"http://user:pa%3Ass@127.0.0.1:{server.port}/es/")
    await resolve(es.info())
    assert server.last.path == "/es/"  # the trailing slash of the prefix is dropped, the root's kept
    assert server.last.headers["authorization"] == "Basic " + base64.b64encode(b"user:pa:ss").decode()


async def test_proxy_argument_sends_every_node_through_the_proxy(
    make_client: Callable[..., Any], server: RecordingServer, fake_proxy_factory: Callable[..., FakeProxy]
) -> None:
    """``proxy=``/``proxy_headers=`` (beyond the official clients) become every node's
    NodeConfig.proxy; the credentials of its URL are Proxy-Authorization, and shown nowhere."""
    proxy = fake_proxy_factory(auth=("team", "pa:ss"))
    es = make_client(
        [server.url, {"host": "127.0.0.1", "port": server.port, "scheme": "http", "path_prefix": "es"}],
        proxy=f"http://team:pa%3Ass@127.0.0.1:{proxy.port}",
        proxy_headers={"X-Proxy-Team": "search"},
        randomize_nodes_in_pool=False,
    )
    nodes = es.transport.node_pool.all()
    assert {n.config.proxy for n in nodes} == {f"http://team:pa%3Ass@127.0.0.1:{proxy.port}"}
    await resolve(es.search(index="i"))
    await resolve(es.search(index="i"))
    assert sorted(r.target for r in proxy.requests) == [
        f"{server.url}/es/i/_search",
        f"{server.url}/i/_search",
    ]
    assert {r.proxy_authorization for r in proxy.requests} == {
        "Basic " + base64.b64encode(b"team:pa:ss").decode()
    }
    assert {r.headers["x-proxy-team"] for r in proxy.requests} == {"search"}
    assert "pa%3Ass" not in repr(es) + repr([n.config for n in nodes])
    # Without proxy=, the client goes straight to the server.
    await resolve(make_client().info())
    assert len(proxy.requests) == 2 and server.last.target == "/"


def test_hosts_parsing(client_class: type[Any]) -> None:
    es = client_class(
        ["http://a:1", "https://b:2/prefix", {"host": "c", "port": 3, "scheme": "https", "path_prefix": "/p"}]
    )
    assert configs(es) == [("http", "a", 1, ""), ("https", "b", 2, "/prefix"), ("https", "c", 3, "/p")]
    assert configs(client_class("https://secure.example")) == [("https", "secure.example", 443, "")]
    assert repr(client_class("http://a:1")) == f"<{client_class.__name__}(['http://a:1'])>"
    many = client_class([f"http://h{i}:9200" for i in range(7)], randomize_nodes_in_pool=False)
    assert repr(many) == f"<{client_class.__name__}({[f'http://h{i}:9200' for i in range(5)] + ['...']})>"


@pytest.mark.parametrize(
    ("hosts", "message"),
    [
        ("localhost:9200", "must include a 'scheme', 'host', and 'port'"),
        ("http://localhost", "must include a 'scheme', 'host', and 'port'"),
        ("http://localhost:notaport", "localhost:notaport"),
    ],
)
def test_bad_urls(client_class: type[Any], hosts: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        client_class(hosts)


def test_hosts_or_cloud_id(client_class: type[Any]) -> None:
    with pytest.raises(ValueError, match="Either 'hosts' or 'cloud_id' must be specified"):
        client_class()
    with pytest.raises(ValueError, match="The 'cloud_id' and 'hosts' parameters are mutually exclusive"):
        client_class("http://a:1", cloud_id=cloud_id("es.example$abc$def"))
    with pytest.raises(ValueError, match=r"[Cc]loud ID"):
        client_class(cloud_id="not-a-cloud-id")
    with pytest.raises(ValueError, match="Sniffing should not be enabled when connecting to Elastic Cloud"):
        client_class(cloud_id=cloud_id("es.example$abc$def"), sniff_on_start=True)


@pytest.mark.parametrize(
    ("data", "port"), [("us-east-1.aws.found.io$abc$def", 443), ("us-east-1.aws.found.io:9243$abc$def", 9243)]
)
def test_cloud_id(client_class: type[Any], data: str, port: int) -> None:
    es = client_class(cloud_id=cloud_id(data))
    (node,) = es.transport.node_pool.all()
    assert (node.config.scheme, node.config.host, node.config.port) == (
        "https",
        "abc.us-east-1.aws.found.io",
        port,
    )
    assert node.config.http_compress is True


# -- auth and headers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"api_key": "c2VjcmV0"}, "ApiKey c2VjcmV0"),
        ({"api_key": ("id", "key")}, "ApiKey aWQ6a2V5"),
        ({"api_key": b"aWQ6a2V5"}, "ApiKey aWQ6a2V5"),
        ({"basic_auth": ("user", "pass")}, "Basic dXNlcjpwYXNz"),
        ({"bearer_auth": "token"}, "Bearer token"),
    ],
)
async def test_auth_headers(
    make_client: Callable[..., Any], server: RecordingServer, kwargs: dict[str, Any], expected: str
) -> None:
    es = make_client(**kwargs)
    await resolve(es.info())
    await resolve(es.indices.exists(index="i"))
    assert [r.headers["authorization"] for r in server.requests] == [expected, expected]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"api_key": "k", "basic_auth": ("u", "p")},
        {"api_key": "k", "bearer_auth": "t"},
        {"basic_auth": ("u", "p"), "bearer_auth": "t"},
    ],
)
def test_only_one_auth(client_class: type[Any], kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="Can only set one of 'api_key', 'basic_auth', and 'bearer_auth'"):
        client_class("http://a:1", **kwargs)


async def test_http_auth_is_a_deprecated_basic_auth(client_class: type[Any], server: RecordingServer) -> None:
    with pytest.warns(DeprecationWarning, match="'http_auth' parameter is deprecated") as caught:
        es = client_class(server.url, http_auth=("user", "pass"))
    assert {w.filename for w in caught} == {__file__}
    try:
        await resolve(es.info())
        assert server.last.headers["authorization"] == "Basic dXNlcjpwYXNz"
    finally:
        await resolve(es.close())
    with pytest.raises(ValueError, match="Can't specify both 'http_auth' and 'basic_auth'"):
        client_class(server.url, http_auth=("u", "p"), basic_auth=("u", "p"))


async def test_client_headers_and_opaque_id(make_client: Callable[..., Any], server: RecordingServer) -> None:
    es = make_client(headers={"X-Team": "search"}, opaque_id="req-1")
    await resolve(es.cat.indices())
    assert (server.last.headers["x-team"], server.last.headers["x-opaque-id"]) == ("search", "req-1")


# -- 8.x constructor names ---------------------------------------------------------------

RENAMED = [
    ("timeout", 5, "request_timeout"),
    ("maxsize", 3, "connections_per_node"),
    ("randomize_hosts", False, "randomize_nodes_in_pool"),
    ("sniffer_timeout", 5, "min_delay_between_sniffing"),
    ("sniff_on_connection_fail", True, "sniff_on_node_failure"),
    ("host_info_callback", lambda info, host: host, "sniffed_node_callback"),
]


@pytest.mark.parametrize("es_module", ["elasticsearch8"], indirect=True)
@pytest.mark.parametrize(("old", "value", "new"), RENAMED, ids=[r[0] for r in RENAMED])
def test_8x_names_are_deprecated_in_elasticsearch8(
    client_class: type[Any], old: str, value: Any, new: str
) -> None:
    sniffing = {"sniff_on_node_failure": True} if old == "host_info_callback" else {}
    with pytest.warns(DeprecationWarning, match=f"'{old}' parameter is deprecated") as caught:
        client_class("http://a:1", **{old: value}, **sniffing)
    assert {w.filename for w in caught} == {__file__}
    new_value = (lambda info, host: host) if new == "sniffed_node_callback" else value
    with pytest.raises(ValueError, match=f"'{old}' and '{new}'"):
        client_class("http://a:1", **{old: value, new: new_value}, **sniffing)


@pytest.mark.parametrize("es_module", ["elasticsearch8"], indirect=True)
def test_8x_names_take_effect(client_class: type[Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        es = client_class("http://a:1", maxsize=3)
        assert [n.config.connections_per_node for n in es.transport.node_pool.all()] == [3]


@pytest.mark.parametrize("es_module", ["elasticsearch8"], indirect=True)
async def test_8x_timeout_takes_effect(
    make_client: Callable[..., Any], es_module: ModuleType, server: RecordingServer
) -> None:
    server.route("GET", "/slow/_doc/1", Reply(delay=0.4))
    with pytest.warns(DeprecationWarning, match="'timeout' parameter is deprecated"):
        es = make_client(timeout=0.05, max_retries=0)
    with pytest.raises(es_module.ConnectionTimeout):
        await resolve(es.get(index="slow", id="1"))


@pytest.mark.parametrize("es_module", ["elasticsearch8"], indirect=True)
async def test_8x_randomize_hosts_takes_effect(
    client_class: type[Any], servers: list[RecordingServer]
) -> None:
    """With randomize_hosts=False the first host gets the first request, every time."""
    for _ in range(3):
        with pytest.warns(DeprecationWarning):
            es = client_class([s.url for s in servers], randomize_hosts=False)
        await resolve(es.info())
        await resolve(es.close())
    assert (len(servers[0].requests), len(servers[1].requests), len(servers[2].requests)) == (3, 0, 0)


@pytest.mark.parametrize("es_module", ["elasticsearch"], indirect=True)
@pytest.mark.parametrize(("old", "value", "new"), RENAMED, ids=[r[0] for r in RENAMED])
def test_8x_names_are_gone_in_elasticsearch(client_class: type[Any], old: str, value: Any, new: str) -> None:
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{old}'"):
        client_class("http://a:1", **{old: value})


# -- older calling styles --------------------------------------------------------------


async def call_recording_warnings(call: Callable[[], Any]) -> tuple[Any, list[warnings.WarningMessage]]:
    """Runs a sync or async API call here (this file is the caller) and returns its warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
        if inspect.isawaitable(result):
            result = await result
    return result, list(caught)


async def test_body_alone_is_accepted_silently(es: Any, server: RecordingServer) -> None:
    """``body=`` alone works as the official client accepts it: no warning."""
    calls: list[tuple[Callable[[], Any], str, str, bytes]] = [
        (
            lambda: es.search(index="i", body={"query": {"match_all": {}}, "from": 2}),
            "POST",
            "/i/_search",
            b'{"query":{"match_all":{}},"from":2}',
        ),
        (lambda: es.index(index="i", body={"a": 1}), "POST", "/i/_doc", b'{"a":1}'),
        (lambda: es.index(index="i", id="1", body={"a": 1}), "PUT", "/i/_doc/1", b'{"a":1}'),
        (
            lambda: es.bulk(body=[{"index": {"_index": "i"}}, {"a": 1}]),
            "PUT",
            "/_bulk",
            b'{"index":{"_index":"i"}}\n{"a":1}\n',
        ),
        (lambda: es.indices.create(index="x", body={"settings": {}}), "PUT", "/x", b'{"settings":{}}'),
        (
            lambda: es.update(index="x", id="1", body={"doc": {"a": 1}}),
            "POST",
            "/x/_update/1",
            b'{"doc":{"a":1}}',
        ),
    ]
    for call, method, path, body in calls:
        _, caught = await call_recording_warnings(call)
        assert caught == []
        assert (server.last.method, server.last.path, server.last.body) == (method, path, body)


async def test_body_with_keywords_warns_and_merges(es: Any, server: RecordingServer) -> None:
    _, caught = await call_recording_warnings(
        lambda: es.search(index="i", body={"query": {}}, size=3, sort=["a"])
    )
    assert [w.category for w in caught] == [DeprecationWarning, DeprecationWarning]
    assert {w.filename for w in caught} == {__file__}
    assert server.last.json() == {"query": {}, "size": 3, "sort": ["a"]}
    _, caught = await call_recording_warnings(
        lambda: es.indices.create(index="x", body={"settings": {}}, mappings={})
    )
    assert [w.category for w in caught] == [DeprecationWarning]
    assert server.last.json() == {"settings": {}, "mappings": {}}
    with pytest.raises(ValueError, match="'size'"):
        await resolve(es.search(index="i", body={"size": 1}, size=3))


async def test_body_and_its_alias_conflict(es: Any) -> None:
    with pytest.raises(TypeError, match="'document'"):
        await resolve(es.index(index="i", body={"a": 1}, document={"b": 2}))
    with pytest.raises(TypeError, match="'operations'"):
        await resolve(es.bulk(body=[{}], operations=[{}]))


async def test_params_and_transport_options_in_api_calls(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    _, caught = await call_recording_warnings(lambda: es.search(index="i", params={"size": 3, "q": "x"}))
    assert [w.category for w in caught] == [DeprecationWarning]
    assert (server.last.query, server.last.json()) == ({"q": "x"}, {"size": 3})
    server.route("GET", "/m/_doc/1", Reply(status=404, body={"found": False}))
    result, caught = await call_recording_warnings(lambda: es.get(index="m", id="1", ignore=404))
    assert ([w.category for w in caught], result.meta.status) == ([DeprecationWarning], 404)
    _, caught = await call_recording_warnings(
        lambda: es.indices.get(index="i", headers={"X-A": "2"}, api_key="k")
    )
    assert [w.category for w in caught] == [DeprecationWarning]
    assert (server.last.headers["x-a"], server.last.headers["authorization"]) == ("2", "ApiKey k")
    with pytest.raises(TypeError, match="keyword arguments only"):
        await resolve(es.indices.get("i"))


# -- required parameters ---------------------------------------------------------------


async def test_missing_required_parameters(es: Any, server: RecordingServer) -> None:
    with pytest.raises(TypeError, match="'index'"):
        await resolve(es.get(id="1"))
    with pytest.raises(TypeError, match="'index'"):
        await resolve(es.indices.create())
    with pytest.raises(ValueError, match="'operations'"):
        await resolve(es.bulk())
    with pytest.raises(ValueError, match="'document'"):
        await resolve(es.index(index="i"))
    assert server.requests == []


@pytest.mark.parametrize("empty", ["", None, b"", []], ids=["str", "None", "bytes", "list"])
async def test_empty_required_parameters(es: Any, server: RecordingServer, empty: Any) -> None:
    with pytest.raises(ValueError, match=r"^Empty value passed for parameter 'index'$"):
        await resolve(es.get(index=empty, id="1"))
    with pytest.raises(ValueError, match=r"^Empty value passed for parameter 'index'$"):
        await resolve(es.indices.exists(index=empty))
    with pytest.raises(ValueError, match=r"^Empty value passed for parameter 'id'$"):
        await resolve(es.delete(index="i", id=empty))
    assert server.requests == []


# -- sniffing --------------------------------------------------------------------------


async def test_sniff_on_start(client_class: type[Any], servers: list[RecordingServer]) -> None:
    """The nodes the first server lists replace the seed, and requests spread over them."""
    es = client_class(servers[0].url, sniff_on_start=True)
    try:
        for _ in range(6):
            await resolve(es.search(index="i"))
        assert sorted(n.config.port for n in es.transport.node_pool.all()) == sorted(s.port for s in servers)
        sniffs = [r for r in servers[0].requests if r.path == "/_nodes/_all/http"]
        assert [r.method for r in sniffs] == ["GET"]
        assert all(any(r.path == "/i/_search" for r in s.requests) for s in servers)
    finally:
        await resolve(es.close())


async def test_sniffed_node_callback(client_class: type[Any], servers: list[RecordingServer]) -> None:
    seen: list[str] = []

    def keep_two(info: dict[str, Any], config: NodeConfig) -> NodeConfig | None:
        seen.append(info["name"])
        return None if info["name"] == "node-2" else config

    es = client_class(servers[0].url, sniff_on_start=True, sniffed_node_callback=keep_two)
    try:
        await resolve(es.info())
        assert sorted(seen) == ["node-0", "node-1", "node-2"]
        assert sorted(n.config.port for n in es.transport.node_pool.all()) == sorted(
            s.port for s in servers[:2]
        )
    finally:
        await resolve(es.close())


@pytest.mark.parametrize("es_module", ["elasticsearch8"], indirect=True)
async def test_host_info_callback_in_8(client_class: type[Any], servers: list[RecordingServer]) -> None:
    def drop_second(info: dict[str, Any], host: dict[str, Any]) -> dict[str, Any] | None:
        return None if info["name"] == "node-1" else host

    with pytest.warns(DeprecationWarning):
        es = client_class(servers[0].url, sniff_on_start=True, host_info_callback=drop_second)
    try:
        await resolve(es.info())
        # node-1 is dropped by the callback; the seed (node-0) stays whatever the sniff says.
        assert sorted(n.config.port for n in es.transport.node_pool.all()) == sorted(
            s.port for i, s in enumerate(servers) if i != 1
        )
    finally:
        await resolve(es.close())


class _SignedAuth:
    """A requests auth object of our own (as AWS SigV4 or Kerberos plugins are): it signs
    every prepared request."""

    def __new__(cls) -> Any:
        import requests.auth

        class Signer(requests.auth.AuthBase):
            def __call__(self, request: Any) -> Any:
                request.headers["X-Signed"] = "by-requests-auth"
                return request

        return Signer()


def test_requests_auth_object_signs_requests_on_the_requests_node(
    es_module: ModuleType, server: RecordingServer
) -> None:
    for argument in ("basic_auth", "http_auth"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # http_auth is not deprecated for a requests auth object
            es = es_module.Elasticsearch(server.url, node_class="requests", **{argument: _SignedAuth()})
        try:
            es.info()
        finally:
            es.close()
        assert server.last.headers["x-signed"] == "by-requests-auth"
        assert "authorization" not in server.last.headers
    with pytest.raises(ValueError, match="must be used with node_class='requests'"):
        es_module.Elasticsearch(server.url, basic_auth=_SignedAuth())


@pytest.mark.parametrize(
    ("library", "call", "extra"),
    [
        ("aiohttp", "AsyncElasticsearch('http://127.0.0.1:9200')", "async"),
        ("requests", "Elasticsearch('http://127.0.0.1:9200', node_class='requests')", "requests"),
    ],
)
def test_a_missing_http_library_names_this_packages_extra(
    es_module: ModuleType, library: str, call: str, extra: str
) -> None:
    """Without aiohttp, ``AsyncElasticsearch()`` says ``pip install <package>[async]``."""
    import subprocess
    import sys

    code = f"""
import sys
sys.modules[{library!r}] = None
from {es_module.__name__} import AsyncElasticsearch, Elasticsearch
try:
    {call}
except ValueError as e:
    print(e)
else:
    raise SystemExit("no error")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"You must have {library!r} installed" in result.stdout
    assert f"pip install {es_module.__name__}[{extra}]" in result.stdout


def test_constructor_arguments_are_the_majors_own_and_keyword_only(client_class: type[Any]) -> None:
    """Each package keeps the common constructor's arguments but those its major lacks (9.x:
    no 8.x-only ones; 8.x: no ``server_mode``); all but ``hosts`` are keyword-only."""
    parameters = list(inspect.signature(client_class.__init__).parameters.values())[1:]
    assert parameters[0].name == "hosts"
    assert parameters[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert {p.kind for p in parameters[1:]} == {inspect.Parameter.KEYWORD_ONLY}
    names = {p.name for p in parameters}
    only_8 = {
        "timeout",
        "randomize_hosts",
        "host_info_callback",
        "sniffer_timeout",
        "sniff_on_connection_fail",
    }
    if client_class.__module__.startswith("elasticsearch8"):
        assert only_8 | {"maxsize"} <= names and "server_mode" not in names
    else:
        assert "server_mode" in names and not (only_8 | {"maxsize"}) & names
    with pytest.raises(TypeError):
        client_class("http://127.0.0.1:9200", None)  # cloud_id is keyword-only
