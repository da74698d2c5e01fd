import gzip
import json
import logging
import threading
import time

import pytest
from elastic_transport import (
    ConnectionError,
    ConnectionTimeout,
    NodeConfig,
    SerializationError,
    SniffingError,
    SniffOptions,
    Transport,
    __version__,
)
from elastic_transport import _transport as transport_module
from elastic_transport.client_utils import url_to_node_config
from elastic_transport.sniff import node_configs_from_nodes_info, parse_publish_address, sniff_nodes_http
from fakees import FakeServer, Reply, Request, free_port


def node(server: FakeServer | int, **kwargs: object) -> NodeConfig:
    port = server if isinstance(server, int) else server.port
    return NodeConfig("http", "127.0.0.1", port, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Records retry backoff sleeps instead of sleeping."""
    recorded: list[float] = []
    monkeypatch.setattr(transport_module.time, "sleep", recorded.append)
    return recorded


def test_body_serialized_with_default_content_type(http_server: FakeServer) -> None:
    transport = Transport([node(http_server)])
    meta, body = transport.perform_request("POST", "/i/_search", body={"query": {"match_all": {}}})
    request = http_server.requests[0]
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.body) == {"query": {"match_all": {}}}
    assert meta.status == 200 and body == {}


def test_ndjson_body_by_content_type(http_server: FakeServer) -> None:
    transport = Transport([node(http_server)])
    transport.perform_request(
        "POST", "/_bulk", body=[{"index": {}}, {"a": 1}], headers={"Content-Type": "application/x-ndjson"}
    )
    assert http_server.requests[0].body == b'{"index":{}}\n{"a":1}\n'


def test_client_meta_header(http_server: FakeServer) -> None:
    transport = Transport([node(http_server)], client_meta_service=("es", "9.5.0"))
    transport.perform_request("GET", "/", client_meta=(("h", "bp"),))
    value = http_server.requests[0].headers["x-elastic-client-meta"]
    parts = dict(p.split("=") for p in value.split(","))
    assert (
        value.startswith("es=9.5.0,py=")
        and parts["t"] == __version__
        and parts["h"] == "bp"
        and "ur" in parts
    )
    Transport([node(http_server)], meta_header=False).perform_request("GET", "/")
    assert "x-elastic-client-meta" not in http_server.requests[1].headers


def test_keep_alive_reuses_one_connection(http_server: FakeServer) -> None:
    transport = Transport([node(http_server)])
    for _ in range(20):
        transport.perform_request("GET", "/")
    assert {r.connection_id for r in http_server.requests} == {1}
    assert http_server.connections_opened == 1


def test_gzip_both_ways(http_server: FakeServer) -> None:
    http_server.respond(Reply(body={"compressed": True}, gzip=True))
    transport = Transport([node(http_server, http_compress=True)])
    _, body = transport.perform_request("PUT", "/i/_doc/1", body={"a": "x" * 100})
    request = http_server.requests[0]
    assert request.headers["content-encoding"] == "gzip" and "gzip" in request.headers["accept-encoding"]
    assert json.loads(gzip.decompress(request.body)) == {"a": "x" * 100}
    assert body == {"compressed": True}


def test_head_has_no_body(http_server: FakeServer) -> None:
    http_server.respond(Reply(status=404))
    meta, body = Transport([node(http_server)]).perform_request("HEAD", "/missing")
    assert meta.status == 404 and body is None


def test_text_response(http_server: FakeServer) -> None:
    http_server.respond(Reply(body="green open idx\n"))
    _, body = Transport([node(http_server)]).perform_request("GET", "/_cat/indices")
    assert body == "green open idx\n"


def test_malformed_response_keeps_raw_bytes(http_server: FakeServer) -> None:
    http_server.respond(Reply(body=b"<html>proxy error</html>"))
    with pytest.raises(SerializationError) as info:
        Transport([node(http_server)]).perform_request("GET", "/")
    assert info.value.raw == b"<html>proxy error</html>"


def test_retries_on_status_counted_on_server(http_server: FakeServer, sleeps: list[float]) -> None:
    http_server.respond(Reply(status=503), Reply(status=503), Reply(body={"ok": True}))
    meta, body = Transport([node(http_server)]).perform_request("GET", "/")
    assert len(http_server.requests) == 3 and meta.status == 200 and body == {"ok": True}
    assert sleeps == []  # no backoff configured


def test_retries_exhausted_return_last_response(http_server: FakeServer) -> None:
    http_server.respond(Reply(status=502, body={"error": "bad gateway"}))
    meta, body = Transport([node(http_server)], max_retries=2).perform_request("GET", "/")
    assert len(http_server.requests) == 3 and meta.status == 502 and body == {"error": "bad gateway"}


def test_non_retry_status_returned_at_once(http_server: FakeServer) -> None:
    http_server.respond(Reply(status=404, body={"found": False}))
    meta, _ = Transport([node(http_server)]).perform_request("GET", "/", retry_on_status=(503,))
    assert meta.status == 404 and len(http_server.requests) == 1


def test_429_retried_with_jittered_backoff(http_server: FakeServer, sleeps: list[float]) -> None:
    http_server.respond(Reply(status=429), Reply(status=429), Reply(status=429), Reply(status=200))
    transport = Transport([node(http_server)], retry_backoff_base=0.5, retry_backoff_cap=1.5)
    meta, _ = transport.perform_request("GET", "/")
    assert meta.status == 200 and len(http_server.requests) == 4
    # equal jitter: attempt n waits between half and all of min(cap, base * 2**(n-1))
    assert len(sleeps) == 3
    for attempt, delay in enumerate(sleeps, start=1):
        ceiling = min(1.5, 0.5 * 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling


def test_refused_connection_raises_with_history(sleeps: list[float]) -> None:
    transport = Transport([node(free_port())], max_retries=2, retry_backoff_base=0.1)
    with pytest.raises(ConnectionError) as info:
        transport.perform_request("GET", "/")
    assert "Connection refused" in str(info.value)
    assert (
        len([e for e in info.value.errors if isinstance(e, ConnectionError)]) == 2
    )  # the 2 earlier attempts
    assert len(sleeps) == 2


def test_dead_node_skipped_and_next_node_used(http_servers: list[FakeServer]) -> None:
    dead_port = free_port()
    configs = [node(dead_port), *(node(s) for s in http_servers[:2])]
    transport = Transport(configs, randomize_nodes_in_pool=False)
    for _ in range(10):
        meta, _ = transport.perform_request("GET", "/")
        assert meta.status == 200 and meta.node.port != dead_port
    assert transport.node_pool.alive_count() == 2
    assert len(http_servers[0].requests) + len(http_servers[1].requests) == 10


def test_timeout_not_retried_unless_asked(http_server: FakeServer) -> None:
    http_server.respond(Reply(delay=1.0))
    transport = Transport([node(http_server, request_timeout=0.2)])
    started = time.monotonic()
    with pytest.raises(ConnectionTimeout):
        transport.perform_request("GET", "/")
    assert len(http_server.requests) == 1
    with pytest.raises(ConnectionTimeout):
        transport.perform_request("GET", "/", retry_on_timeout=True, max_retries=1, request_timeout=0.2)
    assert len(http_server.requests) == 3
    assert time.monotonic() - started < 5


def test_max_retries_zero(http_server: FakeServer) -> None:
    http_server.respond(Reply(status=503))
    meta, _ = Transport([node(http_server)], max_retries=0).perform_request("GET", "/")
    assert meta.status == 503 and len(http_server.requests) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"node_configs": []}, ValueError, "non-empty list of NodeConfig"),
        ({"node_class": "curl"}, ValueError, "Unknown option for node_class: 'curl'"),
        ({"node_class": "aiohttp"}, ValueError, "Specified 'node_class' is async, should be sync instead"),
        ({"max_retries": -1}, ValueError, "max_retries"),
        ({"sniff_on_start": True}, ValueError, "requires specifying a 'sniff_callback'"),
        ({"retry_backoff_base": -1}, ValueError, "retry_backoff_base"),
        ({"node_class": int}, TypeError, "node_class"),
    ],
)
def test_bad_transport_arguments(kwargs: dict, error: type[Exception], message: str) -> None:
    args = {"node_configs": [NodeConfig("http", "localhost", 9200)], **kwargs}
    with pytest.raises(error, match=message):
        Transport(**args)


def nodes_info(servers: list[FakeServer], master_only_port: int | None = None) -> dict:
    nodes = {
        f"n{i}": {"roles": ["data", "master"], "http": {"publish_address": f"localhost/127.0.0.1:{s.port}"}}
        for i, s in enumerate(servers)
    }
    if master_only_port:
        nodes["m"] = {"roles": ["master"], "http": {"publish_address": f"127.0.0.1:{master_only_port}"}}
    return {"nodes": nodes}


def route_sniff(servers: list[FakeServer], answer: dict) -> None:
    def handler(request: Request) -> Reply:
        return Reply(body=answer) if request.target == "/_nodes/_all/http" else Reply(body={"ok": True})

    for server in servers:
        server.handler = handler


def test_sniff_on_start_discovers_all_nodes(http_servers: list[FakeServer]) -> None:
    route_sniff(http_servers, nodes_info(http_servers, master_only_port=free_port()))
    transport = Transport(
        [node(http_servers[0], headers={"X-Seed": "1"})], sniff_on_start=True, sniff_callback=sniff_nodes_http
    )
    # The seed stays beside the nodes found (published as "localhost/127.0.0.1:port").
    assert sorted((n.host, n.port) for n in transport.node_pool.all()) == sorted(
        [("127.0.0.1", http_servers[0].port)] + [("localhost", s.port) for s in http_servers]
    )
    assert all(n.config.headers["x-seed"] == "1" for n in transport.node_pool.all())  # settings copied
    for _ in range(6):
        transport.perform_request("GET", "/")
    assert all(any(r.target == "/" for r in s.requests) for s in http_servers)


def test_sniff_on_node_failure_and_min_delay(http_servers: list[FakeServer]) -> None:
    dead_port = free_port()
    route_sniff(http_servers, nodes_info(http_servers[:2]))
    calls: list[SniffOptions] = []

    def callback(transport: Transport, options: SniffOptions) -> list[NodeConfig]:
        calls.append(options)
        return sniff_nodes_http(transport, options)

    transport = Transport(
        [node(dead_port), node(http_servers[0])],
        randomize_nodes_in_pool=False,
        sniff_on_node_failure=True,
        sniff_callback=callback,
        min_delay_between_sniffing=60,
    )
    transport.perform_request("GET", "/")
    assert len(calls) == 1 and calls[0].is_initial_sniff is False and calls[0].sniff_timeout == 0.5
    assert (
        sorted((n.host, n.port) for n in transport.node_pool.all())
        == sorted(
            [("127.0.0.1", dead_port), ("127.0.0.1", http_servers[0].port)]  # the seeds stay
            + [("localhost", s.port) for s in http_servers[:2]]
        )
    )
    for _ in range(4):
        transport.perform_request("GET", "/")
    assert len(calls) == 1  # within min_delay_between_sniffing


def test_sniff_before_requests(http_servers: list[FakeServer]) -> None:
    route_sniff(http_servers, nodes_info(http_servers))
    transport = Transport(
        [node(http_servers[0])],
        sniff_before_requests=True,
        sniff_callback=sniff_nodes_http,
        min_delay_between_sniffing=0,
    )
    transport.perform_request("GET", "/")
    assert len(transport.node_pool) == 4  # the seed and the three nodes found


def test_sniff_drops_the_nodes_it_found_before_but_never_a_seed() -> None:
    found = [[NodeConfig("http", "10.0.0.1", 9200), NodeConfig("http", "10.0.0.2", 9200)]]

    def callback(transport: Transport, options: SniffOptions) -> list[NodeConfig]:
        return found[-1]

    seed = NodeConfig("http", "seed.local", 9200)
    transport = Transport([seed], sniff_on_start=True, sniff_callback=callback)
    assert sorted(n.config.host for n in transport.node_pool.all()) == ["10.0.0.1", "10.0.0.2", "seed.local"]
    found.append([NodeConfig("http", "10.0.0.3", 9200)])
    transport.sniff()
    assert sorted(n.config.host for n in transport.node_pool.all()) == ["10.0.0.3", "seed.local"]
    transport.close()


def test_initial_sniff_failure_is_an_error() -> None:
    with pytest.raises(SniffingError, match="No node answered the sniff request"):
        Transport([node(free_port())], sniff_on_start=True, sniff_callback=sniff_nodes_http)


def test_publish_address_parsing() -> None:
    assert parse_publish_address("es1.local/10.0.0.1:9200") == ("es1.local", 9200)
    assert parse_publish_address("10.0.0.1:9201") == ("10.0.0.1", 9201)
    assert parse_publish_address("[::1]:9200") == ("::1", 9200)
    with pytest.raises(SniffingError):
        parse_publish_address("nohost")
    with pytest.raises(SniffingError, match="no 'nodes'"):
        node_configs_from_nodes_info({}, NodeConfig("http", "localhost", 9200))


def test_sixteen_threads_share_one_transport(http_servers: list[FakeServer]) -> None:
    transport = Transport([node(s, connections_per_node=4) for s in http_servers])
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for i in range(50):
                meta, body = transport.perform_request("POST", "/i/_doc", body={"i": i})
                assert meta.status == 200 and body == {}
        except BaseException as e:  # pragma: no cover - reported below
            failures.append(e)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sum(len(s.requests) for s in http_servers) == 800
    assert sum(s.connections_opened for s in http_servers) <= 3 * 16  # connections are pooled


def test_logs_hide_credentials(http_server: FakeServer, caplog: pytest.LogCaptureFixture) -> None:
    config = url_to_node_config(f"http://elastic:s3cret-pass@127.0.0.1:{http_server.port}")
    transport = Transport([config.replace(headers={**config.headers, "X-Api-Key": "k3y"})])
    with caplog.at_level(logging.DEBUG, logger="elastic_transport"):
        transport.perform_request("GET", "/", headers={"Authorization": "ApiKey c2VjcmV0"})
    text = caplog.text + repr(transport.node_pool.all()) + repr(transport.node_pool.all()[0].config)
    assert "GET http://127.0.0.1" in caplog.text and "[status:200" in caplog.text
    for secret in ("s3cret-pass", "c2VjcmV0", "k3y", "ZWxhc3RpYzpzM2NyZXQtcGFzcw=="):
        assert secret not in text


def test_node_class_need_not_derive_from_base_node(http_server: FakeServer) -> None:
    """Any class with BaseNode's interface is a node class (as in the official transport): here
    one that wraps a urllib3 node instead of subclassing it. It sends no client-meta suffix."""
    from elastic_transport import Urllib3HttpNode

    class WrappingNode:
        def __init__(self, config: NodeConfig) -> None:
            self.config = config
            self.inner = Urllib3HttpNode(config)

        def perform_request(self, *args: object, **kwargs: object) -> object:
            return self.inner.perform_request(*args, **kwargs)  # type: ignore[arg-type]

        def close(self) -> None:
            self.inner.close()

    transport = Transport([node(http_server)], node_class=WrappingNode)  # type: ignore[arg-type]
    assert isinstance(transport.node_pool.get(), WrappingNode)
    meta, body = transport.perform_request("GET", "/")
    assert (meta.status, body) == (200, {})
    meta_header = http_server.requests[0].headers["x-elastic-client-meta"]
    assert meta_header.split(",")[-1].startswith("t=")
    transport.close()
    with pytest.raises(
        TypeError, match="'node_class' must be a node class name or a class with perform_request"
    ):
        Transport([node(http_server)], node_class=Urllib3HttpNode(node(http_server)))  # type: ignore[arg-type]


def test_empty_json_body_and_pandas_nat(http_server: FakeServer) -> None:
    """An empty JSON response body is None (JsonSerializer.loads(b"") itself refuses it);
    a request body holding pandas.NaT is refused before anything is sent."""
    pd = pytest.importorskip("pandas")
    http_server.route("GET", "/empty", Reply(body=b"", headers={"Content-Type": "application/json"}))
    transport = Transport([node(http_server)])
    meta, body = transport.perform_request("GET", "/empty")
    assert (meta.status, body) == (200, None)
    with pytest.raises(SerializationError, match="NaT"):
        transport.perform_request("POST", "/i/_doc", body={"when": pd.NaT})
    transport.perform_request("POST", "/i/_doc", body={"when": pd.Timestamp("2024-01-02T03:04:05")})
    assert [r.path for r in http_server.requests] == ["/empty", "/i/_doc"]
    assert json.loads(http_server.requests[-1].body) == {"when": "2024-01-02T03:04:05"}
    transport.close()
