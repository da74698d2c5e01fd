"""Client construction: hosts, cloud_id, auth, TLS and pool options -> the shared transport's nodes."""

from __future__ import annotations

import base64
import ssl
import warnings
from types import ModuleType
from typing import Any

import elastic_transport
import pytest

from .conftest import Server


def configs(client: Any) -> list[elastic_transport.NodeConfig]:
    return sorted(
        (node.config for node in client.transport.connection_pool.all()), key=lambda c: (c.host, c.port)
    )


def cloud_id(data: str) -> str:
    return "name:" + base64.b64encode(data.encode()).decode()


def test_default_host(es7: ModuleType) -> None:
    es = es7.Elasticsearch()
    (config,) = configs(es)
    assert (config.scheme, config.host, config.port, config.path_prefix) == ("http", "localhost", 9200, "")
    assert config.request_timeout == 10
    assert config.headers["user-agent"].startswith("elasticsearch-py/7.17.0 (Python ")
    assert repr(es) == "<Elasticsearch([{}])>"


def test_hosts_as_strings(es7: ModuleType) -> None:
    es = es7.Elasticsearch(["h1", "h2:9201", "https://h3"])
    assert [(c.scheme, c.host, c.port) for c in configs(es)] == [
        ("http", "h1", 9200),
        ("http", "h2", 9201),
        ("https", "h3", 443),
    ]
    assert repr(es) == (
        "<Elasticsearch([{'host': 'h1'}, {'host': 'h2', 'port': 9201}, {'host': 'h3', 'port': 443, 'use_ssl': True}])>"
    )


@pytest.mark.parametrize("hosts", ["", [""], "http://", "//:9200"])
def test_a_host_without_a_name_is_refused(es7: ModuleType, hosts: Any) -> None:
    with pytest.raises(es7.exceptions.ImproperlyConfigured, match="names no host"):
        es7.Elasticsearch(hosts)


def test_bad_values_are_value_errors_as_in_7x(es7: ModuleType) -> None:
    """7.x raised ValueError for a timeout that is not a number: ours is both that and
    ImproperlyConfigured, so either ``except`` keeps working."""
    with pytest.raises(ValueError) as raised:
        es7.Elasticsearch(timeout="x")
    assert isinstance(raised.value, es7.exceptions.ImproperlyConfigured)
    with pytest.raises(ValueError):
        es7.Elasticsearch("")


def test_repr_shows_five_hosts(es7: ModuleType) -> None:
    es = es7.Elasticsearch([f"h{i}" for i in range(8)])
    assert repr(es).endswith("{'host': 'h4'}, '...'])>")


def test_host_dicts(es7: ModuleType) -> None:
    es = es7.Elasticsearch(
        [{"host": "h", "port": 1, "url_prefix": "/p", "use_ssl": True}], timeout=3, maxsize=4
    )
    (config,) = configs(es)
    assert (config.scheme, config.host, config.port, config.path_prefix) == ("https", "h", 1, "/p")
    assert config.request_timeout == 3
    assert config.connections_per_node == 4
    es = es7.Elasticsearch([{"host": "h", "port": 1, "scheme": "https"}])
    assert configs(es)[0].scheme == "https"
    # The host dict wins over client-wide options.
    es = es7.Elasticsearch([{"host": "h", "port": 1}], port=5)
    assert configs(es)[0].port == 1


def test_url_credentials_and_prefix(es7: ModuleType) -> None:
    es = es7.Elasticsearch("https://u:p%40@h:9300/pre/")
    (config,) = configs(es)
    assert config.headers["authorization"] == "Basic " + base64.b64encode(b"u:p@").decode()
    assert config.path_prefix == "/pre"


@pytest.mark.parametrize(
    ("options", "header"),
    [
        ({"http_auth": ("u", "p")}, "Basic dTpw"),
        ({"http_auth": "u:p"}, "Basic dTpw"),
        ({"http_auth": b"u:p"}, "Basic dTpw"),
        ({"api_key": ("i", "k")}, "ApiKey aTpr"),
        ({"api_key": "abc"}, "ApiKey abc"),
        ({"http_auth": "u:p", "api_key": "abc"}, "Basic dTpw"),  # 7.17: http_auth wins
    ],
)
def test_auth_options(es7: ModuleType, options: dict[str, Any], header: str) -> None:
    (config,) = configs(es7.Elasticsearch("http://h:1", **options))
    assert config.headers["authorization"] == header


def test_headers_and_opaque_id(es7: ModuleType) -> None:
    (config,) = configs(
        es7.Elasticsearch("http://h:1", headers={"X-Foo": "1", "User-Agent": "mine"}, opaque_id="o")
    )
    assert config.headers["x-foo"] == "1"
    assert config.headers["user-agent"] == "mine"
    assert config.headers["x-opaque-id"] == "o"


def test_cloud_id(es7: ModuleType) -> None:
    (config,) = configs(es7.Elasticsearch(cloud_id=cloud_id("us-east-1.aws.found.io$abc$def")))
    assert (config.scheme, config.host, config.port) == ("https", "abc.us-east-1.aws.found.io", 443)
    assert config.http_compress is True
    (config,) = configs(
        es7.Elasticsearch(cloud_id=cloud_id("us-east-1.aws.found.io:9243$abc$def"), http_compress=False)
    )
    assert (config.port, config.http_compress) == (9243, False)
    # As in 7.17, a host given next to cloud_id only contributes its port.
    (config,) = configs(es7.Elasticsearch("http://h:1", cloud_id=cloud_id("x.io$abc$def")))
    assert (config.scheme, config.host, config.port) == ("https", "abc.x.io", 1)
    with pytest.raises(es7.ImproperlyConfigured, match="cloud_id"):
        es7.Elasticsearch(cloud_id="bad")


def test_tls_options(es7: ModuleType, tmp_path: Any) -> None:
    # TLS file options mean nothing for plain HTTP: ignored, as in 7.x.
    (config,) = configs(es7.Elasticsearch("http://h:1", ca_certs="/nonexistent"))
    assert config.ca_certs is None
    with pytest.warns(elastic_transport.SecurityWarning):
        (config,) = configs(es7.Elasticsearch("https://h:1", verify_certs=False, ca_certs="/x"))
    assert (config.verify_certs, config.ca_certs) == (False, None)
    (config,) = configs(es7.Elasticsearch("https://h:1", verify_certs=False, ssl_show_warn=False))
    assert config.ssl_show_warn is False
    context = ssl.create_default_context()
    with pytest.warns(UserWarning, match="all other SSL related kwargs are ignored"):
        (config,) = configs(es7.Elasticsearch("https://h:1", ssl_context=context, ca_certs="/x"))
    assert config.ssl_context is context and config.ca_certs is None
    fingerprint = "AB:" * 31 + "AB"
    (config,) = configs(es7.Elasticsearch("https://h:1", ssl_assert_fingerprint=fingerprint))
    assert config.ssl_assert_fingerprint == "ab" * 32


def test_unknown_options_are_ignored(es7: ModuleType) -> None:
    es = es7.Elasticsearch("http://h:1", foo=1)
    assert es.transport.kwargs == {"foo": 1}


def test_transport_options(es7: ModuleType) -> None:
    es = es7.Elasticsearch(
        ["http://h:1", "http://h:2"],
        max_retries=5,
        retry_on_status=(500,),
        retry_on_timeout=True,
        dead_timeout=2,
        timeout_cutoff=3,
        randomize_hosts=False,
        selector_class=es7.connection_pool.RandomSelector,
    )
    shared = es.transport._transport
    assert (shared.max_retries, set(shared.retry_on_status), shared.retry_on_timeout) == (5, {500}, True)
    pool = es.transport.connection_pool
    assert isinstance(pool, es7.ConnectionPool)
    assert (pool.dead_timeout, pool.timeout_cutoff) == (2, 3)
    assert isinstance(pool.selector, es7.connection_pool.RandomSelector)
    # 7.x Connection objects, each over one node of the pool (made once per node).
    assert [c._node for c in pool.connections] == pool.all()
    assert pool.connections == pool.connections
    assert type(pool.connections[0]) is es7.Urllib3HttpConnection
    assert es.transport.get_connection().hostname == "h"
    with pytest.raises(es7.ImproperlyConfigured):
        es7.Elasticsearch("http://h:1", connection_pool_class=dict)


def test_connection_classes(es7: ModuleType) -> None:
    def node_class(**options: Any) -> str:
        return type(es7.Elasticsearch("http://h:1", **options).transport.connection_pool.all()[0]).__name__

    assert node_class() == "Urllib3HttpNode"
    assert node_class(connection_class=es7.Urllib3HttpConnection) == "Urllib3HttpNode"
    assert node_class(connection_class=es7.RequestsHttpConnection) == "RequestsHttpNode"
    assert node_class(connection_class="requests") == "RequestsHttpNode"
    assert node_class(connection_class=elastic_transport.Urllib3HttpNode) == "Urllib3HttpNode"

    MyConnection = type("MyConnection", (es7.RequestsHttpConnection,), {})

    assert node_class(connection_class=MyConnection) == "RequestsHttpNode"
    with pytest.raises(es7.ImproperlyConfigured, match="connection_class"):
        node_class(connection_class=42)
    # Any other class is a 7.x connection class: its instances send the requests.
    Plain = type("Plain", (), {"__init__": lambda self, **options: None})
    assert node_class(connection_class=Plain) == "PlainNode"
    with pytest.raises(es7.ImproperlyConfigured, match="requests auth object"):
        node_class(http_auth=object())


def test_transport_accepts_url_strings(es7: ModuleType) -> None:
    transport = es7.Transport(["http://a:1", {"host": "b", "port": 2}])
    assert sorted((c.host, c.port) for c in (n.config for n in transport.connection_pool.all())) == [
        ("a", 1),
        ("b", 2),
    ]
    transport.add_connection({"host": "c", "port": 3})
    assert len(transport.connection_pool) == 3
    transport.set_connections(["http://d:4"])
    assert [n.config.host for n in transport.connection_pool.all()] == ["d"]
    with pytest.raises(es7.ImproperlyConfigured):
        es7.Transport([])


def test_context_manager_closes(es7: ModuleType, server: Server) -> None:
    """Leaving the block closes the kept-alive connection: the server sees it go."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with es7.Elasticsearch(server.url) as es:
            assert isinstance(es, es7.Elasticsearch)
            es.search(index="x")
            assert len(server.api_requests()) == 1
            assert server.connections_open == 1  # urllib3 keeps it open for the next request
        assert server.wait_connections_open(0), "the connection stayed open after the with block"


def test_connection_classes_pass_every_argument_on(es7: ModuleType) -> None:
    """Each HTTP library's class hands its named arguments and ``**kwargs`` to ``Connection``."""
    aio = es7.AIOHttpConnection("h", 9300, "/p", 3, ("u", "p"), maxsize=4, loop=object(), opaque_id="o")
    assert (aio.host, aio.url_prefix, aio.timeout, aio.config.connections_per_node) == (
        "http://h:9300",
        "/p",
        3,
        4,
    )
    assert aio.headers["authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    assert aio.headers["x-opaque-id"] == "o"
    for cls in (es7.Urllib3HttpConnection, es7.RequestsHttpConnection):
        conn = cls("h", 9300, "u:p", timeout=5, url_prefix="/x", http_compress=True)
        assert (conn.timeout, conn.url_prefix, conn.http_compress) == (5, "/x", True)
        if cls is es7.RequestsHttpConnection:  # as in 7.x: the session's auth, not a header
            assert conn.session.auth == ("u", "p") and "authorization" not in conn.headers
        else:
            assert conn.headers["authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    assert issubclass(es7.AIOHttpConnection, es7.Connection)
