"""Requests through the 7.x client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import gzip
import json
import platform
import warnings
from types import ModuleType
from typing import Any

import pytest
from fakees import free_port

from .conftest import ROOT_BODY, Reply, Server

PRODUCT = {"X-Elastic-Product": "Elasticsearch"}


def client(es7: ModuleType, server: Server, **kwargs: Any) -> Any:
    return es7.Elasticsearch(server.url, **kwargs)


def root(
    number: str, product: bool = True, flavor: str | None = "default", tagline: str = "You Know, for Search"
) -> Reply:
    body: dict[str, Any] = {"version": {"number": number}, "tagline": tagline}
    if flavor:
        body["version"]["build_flavor"] = flavor
    return Reply(body=body, headers=dict(PRODUCT) if product else {})


def test_search_sends_body_params_and_headers(es7: ModuleType, server: Server) -> None:
    es = client(es7, server)
    assert es.search(index=["a", "b"], query={"match_all": {}}, size=2, request_timeout=5) == {"ok": True}
    check, search = server.requests
    assert (check.method, check.target) == ("GET", "/")
    assert (search.method, search.target) == ("POST", "/a,b/_search")
    assert json.loads(search.body) == {"query": {"match_all": {}}, "size": 2}
    assert search.headers["accept"] == "application/json"
    assert search.headers["content-type"] == "application/json"
    assert search.headers["user-agent"] == f"elasticsearch-py/7.17.0 (Python {platform.python_version()})"
    meta = search.headers["x-elastic-client-meta"]
    assert meta.startswith("es=7.17.0,py=") and ",t=" in meta and ",ur=" in meta


def test_query_string(es7: ModuleType, server: Server) -> None:
    es = client(es7, server)
    es.search(index="x", q="a b", allow_no_indices=True, params={"routing": "r"}, filter_path=["a", "b"])
    assert server.last.target == "/x/_search?routing=r&allow_no_indices=true&q=a+b&filter_path=a%2Cb"
    with pytest.warns(DeprecationWarning, match="'body' parameter"):
        es.search(index="x", body={"query": {}}, from_=3, size=1)
    assert server.last.target == "/x/_search?size=1&from=3"


def test_helper_meta_goes_to_the_meta_header_not_the_query(es7: ModuleType, server: Server) -> None:
    from elasticsearch7.helpers import actions  # the rendered package (the runtime here has no helpers)

    es = client(es7, server)
    kwargs = actions._add_helper_meta_to_kwargs({"params": {"routing": "r"}}, "bp")
    assert kwargs == {"params": {"routing": "r", "__elastic_client_meta": (("h", "bp"),)}}
    es.search(index="x", **kwargs)
    assert server.last.target == "/x/_search?routing=r"
    assert server.last.headers["x-elastic-client-meta"].endswith(",h=bp")
    es.search(index="x")
    assert ",h=" not in server.last.headers["x-elastic-client-meta"]


def test_index_put_and_post(es7: ModuleType, server: Server) -> None:
    es = client(es7, server)
    es.index(index="i", document={"a": 1})
    assert (server.last.method, server.last.target, server.last.body) == ("POST", "/i/_doc", b'{"a":1}')
    es.index(index="i", id="1 2", document={"a": 1}, refresh=True)
    assert (server.last.method, server.last.target) == ("PUT", "/i/_doc/1%202?refresh=true")
    with pytest.raises(ValueError, match="Empty value"):
        es.index(index="", document={})
    es.update(index="i", id="1")
    assert (server.last.target, server.last.body) == ("/i/_update/1", b"{}")


def test_bulk_ndjson(es7: ModuleType, server: Server) -> None:
    es = client(es7, server)
    es.bulk(body=[{"index": {"_id": 1}}, {"a": "ü"}], index="i", refresh="wait_for")
    assert server.last.target == "/i/_bulk?refresh=wait_for"
    assert server.last.headers["content-type"] == "application/x-ndjson"
    assert server.last.body == '{"index":{"_id":1}}\n{"a":"ü"}\n'.encode()
    es.bulk(body='{"index":{}}\n{"a":1}')
    assert server.last.body == b'{"index":{}}\n{"a":1}\n'


def test_head_returns_bool(es7: ModuleType, server: Server) -> None:
    es = client(es7, server)
    assert es.exists(index="i", id="1") is True
    server.routes[("HEAD", "/i/_doc/2")] = Reply(status=404, body=b"")
    assert es.exists(index="i", id="2") is False
    server.routes[("HEAD", "/missing")] = Reply(status=404, body=b"")
    assert es.indices.exists(index="missing") is False
    server.routes[("HEAD", "/i/_doc/3")] = Reply(status=500, body=b"")
    with pytest.raises(es7.TransportError) as e:
        es.exists(index="i", id="3")
    assert e.value.args == (500, "", None)
    server.routes[("HEAD", "/i/_doc/4")] = Reply(status=401, body=b"")
    assert es.exists(index="i", id="4", ignore=401) is False
    assert es.ping() is True


def test_ping_is_false_when_unreachable(es7: ModuleType) -> None:
    es = es7.Elasticsearch(f"http://127.0.0.1:{free_port()}", max_retries=0)
    es.transport._verified_elasticsearch = True  # user code does this to skip the check
    assert es.ping() is False
    with pytest.raises(es7.ConnectionError) as e:
        es.info()
    assert e.value.status_code == "N/A"
    assert str(e.value).startswith("ConnectionError(")
    assert isinstance(e.value.info, Exception)


ERROR_BODY = {
    "error": {
        "root_cause": [
            {
                "type": "index_not_found_exception",
                "reason": "no such index [x]",
                "resource.type": "index_or_alias",
                "resource.id": "x",
            }
        ],
        "type": "index_not_found_exception",
        "reason": "no such index [x]",
    },
    "status": 404,
}


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, "RequestError"),
        (401, "AuthenticationException"),
        (403, "AuthorizationException"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (500, "TransportError"),
        (429, "TransportError"),
    ],
)
def test_errors_by_status(es7: ModuleType, server: Server, status: int, cls: str) -> None:
    server.routes[("GET", "/x/_doc/1")] = Reply(
        status=status, body={**ERROR_BODY, "status": status}, headers=PRODUCT
    )
    es = client(es7, server)
    with pytest.raises(es7.TransportError) as e:
        es.get(index="x", id="1")
    assert type(e.value).__name__ == cls
    assert e.value.status_code == status
    assert e.value.error == "index_not_found_exception"
    assert e.value.info == {**ERROR_BODY, "status": status}
    assert (
        str(e.value)
        == f"{cls}({status}, 'index_not_found_exception', 'no such index [x]', x, index_or_alias)"
    )


def test_ignore_returns_the_body(es7: ModuleType, server: Server) -> None:
    server.routes[("GET", "/x/_doc/1")] = Reply(status=404, body={"found": False}, headers=PRODUCT)
    es = client(es7, server)
    assert es.get(index="x", id="1", ignore=404) == {"found": False}
    assert es.get(index="x", id="1", ignore=[400, 404]) == {"found": False}
    assert es.transport.perform_request("GET", "/x/_doc/1", params={"ignore": 404}) == {"found": False}
    with pytest.raises(es7.NotFoundError):
        es.get(index="x", id="1", ignore=400)


def test_ignored_status_is_not_retried(es7: ModuleType, server: Server) -> None:
    server.routes[("GET", "/x/_doc/1")] = Reply(status=503, body={"error": "busy"}, headers=PRODUCT)
    es = client(es7, server)
    assert es.get(index="x", id="1", ignore=503) == {"error": "busy"}
    assert len(server.api_requests()) == 1
    with pytest.raises(es7.TransportError) as e:
        es.get(index="x", id="1")
    assert e.value.status_code == 503
    assert len(server.api_requests()) == 1 + 4  # max_retries=3


def test_response_bodies(es7: ModuleType, server: Server) -> None:
    es = client(es7, server)
    server.routes[("GET", "/_cat/indices")] = Reply(body="green open i\n", headers=PRODUCT)
    assert es.cat.indices() == "green open i\n"
    assert server.last.headers["accept"] == "text/plain,application/json"
    server.routes[("GET", "/e/_doc/1")] = Reply(body=b"", headers=PRODUCT)
    assert es.get(index="e", id="1") == ""
    server.routes[("GET", "/n/_doc/1")] = Reply(body=b'{"a":1}', headers={**PRODUCT, "Content-Type": ""})
    assert es.get(index="n", id="1") == {"a": 1}
    server.routes[("GET", "/y/_doc/1")] = Reply(
        body=b"a: 1", headers={**PRODUCT, "Content-Type": "application/yaml"}
    )
    with pytest.raises(es7.SerializationError):
        es.get(index="y", id="1")


def test_auth_and_opaque_id_per_request(es7: ModuleType, server: Server) -> None:
    es = client(es7, server, http_auth=("u", "p"), opaque_id="o1", headers={"X-A": "1"})
    es.get(index="x", id="1")
    assert server.last.headers["authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    assert (server.last.headers["x-opaque-id"], server.last.headers["x-a"]) == ("o1", "1")
    es.get(index="x", id="1", api_key=("id", "key"), opaque_id="o2", headers={"X-B": "2"})
    assert server.last.headers["authorization"] == "ApiKey " + base64.b64encode(b"id:key").decode()
    assert (server.last.headers["x-opaque-id"], server.last.headers["x-b"]) == ("o2", "2")
    es.get(index="x", id="1", http_auth=("a", "b"))
    assert server.last.headers["authorization"] == "Basic " + base64.b64encode(b"a:b").decode()


def test_api_key_from_constructor(es7: ModuleType, server: Server) -> None:
    client(es7, server, api_key="abc").get(index="x", id="1")
    assert server.last.headers["authorization"] == "ApiKey abc"


def test_timeouts(es7: ModuleType, server: Server) -> None:
    server.routes[("GET", "/slow/_doc/1")] = Reply(delay=0.5, headers=PRODUCT)
    es = client(es7, server, timeout=0.1, max_retries=0)
    es.info()
    with pytest.raises(es7.ConnectionTimeout) as e:
        es.get(index="slow", id="1")
    assert e.value.status_code == "TIMEOUT"
    assert str(e.value).startswith("ConnectionTimeout caused by - ")
    assert es.get(index="slow", id="1", request_timeout=5) == {"ok": True}
    es = client(es7, server, max_retries=0)
    with pytest.raises(es7.ConnectionTimeout):
        es.get(index="slow", id="1", request_timeout=0.1)


def test_product_check_runs_once(es7: ModuleType, server: Server) -> None:
    es = client(es7, server)
    es.search(index="x")
    es.search(index="x")
    assert [(r.method, r.target) for r in server.requests] == [
        ("GET", "/"),
        ("POST", "/x/_search"),
        ("POST", "/x/_search"),
    ]
    # The check sends the request's own headers (credentials).
    client(es7, server, api_key="k").search(index="x", opaque_id="o")
    check = server.requests[-2]
    assert (check.target, check.headers["authorization"], check.headers["x-opaque-id"]) == (
        "/",
        "ApiKey k",
        "o",
    )


def test_product_check_missing_header(es7: ModuleType, server: Server) -> None:
    server.routes[("GET", "/")] = root("7.17.0", product=False)
    es = client(es7, server)
    for _ in range(2):
        with pytest.raises(es7.UnsupportedProductError):
            es.search(index="x")
    with pytest.raises(es7.UnsupportedProductError):
        es.ping()  # not a TransportError, so ping doesn't swallow it
    assert [(r.method, r.target) for r in server.requests] == [("GET", "/")]


@pytest.mark.parametrize(
    ("reply", "supported"),
    [
        (root("7.17.0"), True),
        (root("7.17.0-SNAPSHOT"), True),
        (root("8.5.0"), True),
        (root("8.5.0", product=False), False),
        (root("7.14"), True),
        (root("7.13.0", product=False), True),
        (root("7.13.0", product=False, tagline="other"), False),
        (root("7.10.0", product=False, flavor="oss"), False),
        (root("7.13.0", flavor=None), False),
        (root("6.8.0", product=False, flavor=None), True),
        (root("6.8.0", product=False, flavor="oss"), True),
        (root("5.6.0", product=False, flavor=None), False),
        (root("7"), False),
        (Reply(body={}, headers=PRODUCT), False),
        (Reply(body="hello", headers=PRODUCT), False),
        (
            Reply(
                body={**ROOT_BODY, "version": {"number": "7.17.0"}}, headers={"X-Elastic-Product": "Other"}
            ),
            False,
        ),
    ],
)
def test_product_check_versions(es7: ModuleType, server: Server, reply: Reply, supported: bool) -> None:
    server.routes[("GET", "/")] = reply
    es = client(es7, server)
    if supported:
        assert es.search(index="x") == {"ok": True}
    else:
        with pytest.raises(es7.UnsupportedProductError):
            es.search(index="x")


def test_product_check_unsupported_distribution_message(es7: ModuleType, server: Server) -> None:
    server.routes[("GET", "/")] = root("7.10.0", product=False, flavor="oss")
    with pytest.raises(es7.UnsupportedProductError, match="distribution"):
        client(es7, server).info()


@pytest.mark.parametrize("status", [401, 403])
def test_product_check_without_privileges_warns(es7: ModuleType, server: Server, status: int) -> None:
    server.routes[("GET", "/")] = Reply(status=status, body={})
    es = client(es7, server)
    with pytest.warns(es7.ElasticsearchWarning, match="unable to verify") as record:
        assert es.search(index="x") == {"ok": True}
    assert record[0].filename == __file__
    es.search(index="x")
    assert [r.target for r in server.requests] == ["/", "/x/_search", "/x/_search"]


def test_product_check_error_is_raised_and_retried(es7: ModuleType, server: Server) -> None:
    server.routes[("GET", "/")] = Reply(status=500, body={"error": "boom"})
    es = client(es7, server, max_retries=0)
    with pytest.raises(es7.TransportError) as e:
        es.search(index="x")
    assert e.value.status_code == 500
    server.routes[("GET", "/")] = Reply(body=ROOT_BODY, headers=PRODUCT)
    assert es.search(index="x") == {"ok": True}
    assert [r.target for r in server.requests] == ["/", "/", "/x/_search"]


def test_compat_headers(es7: ModuleType, server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    es = client(es7, server)  # switched on after the client exists: read per request
    monkeypatch.setenv("ELASTIC_CLIENT_APIVERSIONING", "true")
    compat = "application/vnd.elasticsearch+json;compatible-with=7"
    server.routes[("POST", "/x/_search")] = Reply(
        body=b'{"a":1}', headers={**PRODUCT, "Content-Type": compat}
    )
    assert es.search(index="x", query={}) == {"a": 1}
    check, search = server.requests
    assert check.headers["accept"] == compat
    assert (search.headers["accept"], search.headers["content-type"]) == (compat, compat)
    es.bulk(body=[{}])
    assert server.last.headers["content-type"] == "application/vnd.elasticsearch+x-ndjson;compatible-with=7"
    es.cat.indices()
    assert server.last.headers["accept"] == "text/plain," + compat
    es.exists(index="i", id="1")
    assert server.last.headers["accept"] == compat
    es.search(index="x", headers={"accept": "application/json"})
    assert server.last.headers["accept"] == "application/json"
    es.transport.perform_request("POST", "/raw", body={"a": 1})
    assert (server.last.headers["accept"], server.last.headers["content-type"]) == (compat, compat)
    monkeypatch.delenv("ELASTIC_CLIENT_APIVERSIONING")
    es.search(index="x")
    assert server.last.headers["accept"] == "application/json"


def test_server_warnings(es7: ModuleType, server: Server) -> None:
    server.routes[("POST", "/x/_search")] = Reply(
        headers={
            **PRODUCT,
            "Warning": '299 Elasticsearch-7.17.0-abc "this is deprecated", 299 Elasticsearch-7.17.0-abc "second, with \\"quotes\\""',
        }
    )
    es = client(es7, server)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        es.search(index="x")
    assert [(w.category, str(w.message)) for w in record] == [
        (es7.ElasticsearchWarning, "this is deprecated"),
        (es7.ElasticsearchWarning, 'second, with "quotes"'),
    ]
    assert {w.filename for w in record} == {__file__}


def test_send_get_body_as(es7: ModuleType, server: Server) -> None:
    es = client(es7, server, send_get_body_as="POST")
    es.transport.perform_request("GET", "/x/_count", body={"a": 1})
    assert (server.last.method, server.last.body) == ("POST", b'{"a":1}')
    es = client(es7, server, send_get_body_as="source")
    es.transport.perform_request("GET", "/x/_count", body={"a": 1})
    assert (server.last.method, server.last.target, server.last.body) == (
        "GET",
        "/x/_count?source=%7B%22a%22%3A1%7D",
        b"",
    )


def test_transport_perform_request_returns_deserialized(es7: ModuleType, server: Server) -> None:
    es = client(es7, server)
    assert es.transport.perform_request("GET", "/_anything", params={"a": "b c"}) == {"ok": True}
    assert server.last.target == "/_anything?a=b+c"
    assert es.transport.perform_request("HEAD", "/") is True


def test_http_compress(es7: ModuleType, server: Server) -> None:
    es = client(es7, server, http_compress=True)
    es.index(index="i", document={"a": 1})
    assert server.last.headers["content-encoding"] == "gzip"
    assert "gzip" in server.last.headers["accept-encoding"]


def test_requests_connection_class(es7: ModuleType, server: Server) -> None:
    es = client(es7, server, connection_class=es7.RequestsHttpConnection, http_auth=("u", "p"))
    assert es.search(index="x") == {"ok": True}
    assert server.last.headers["authorization"] == "Basic dTpw"
    assert ",rq=" in server.last.headers["x-elastic-client-meta"]


def test_requests_auth_object_signs_requests(es7: ModuleType, server: Server) -> None:
    seen: list[str] = []

    class Signer:
        """Like requests_aws4auth.AWS4Auth: a callable that adds headers to the prepared request."""

        def __call__(self, request: Any) -> Any:
            seen.append(request.method)
            request.headers["Authorization"] = "Signed"
            return request

    es = client(es7, server, connection_class=es7.RequestsHttpConnection, http_auth=Signer())
    es.search(index="x")
    assert server.last.headers["authorization"] == "Signed"
    assert seen == ["GET", "POST"]


def test_standalone_connection(es7: ModuleType, server: Server) -> None:
    connection = es7.Urllib3HttpConnection("127.0.0.1", server.port, http_auth=("u", "p"))
    assert repr(connection) == f"<Urllib3HttpConnection: http://127.0.0.1:{server.port}>"
    status, headers, data = connection.perform_request("GET", "/x", params={"a": "1"}, body='{"q":1}')
    assert (status, json.loads(data)) == (200, {"ok": True})
    assert headers["x-elastic-product"] == "Elasticsearch"  # names lower-cased, as in 7.x
    assert (server.last.target, server.last.headers["authorization"]) == ("/x?a=1", "Basic dTpw")
    server.routes[("GET", "/nf")] = Reply(status=404, body={"found": False})
    with pytest.raises(es7.NotFoundError):
        connection.perform_request("GET", "/nf")
    assert connection.perform_request("GET", "/nf", ignore=404)[0] == 404
    connection.close()


@pytest.mark.parametrize("name", ["Urllib3HttpConnection", "RequestsHttpConnection"])
def test_standalone_connection_compression(es7: ModuleType, server: Server, name: str) -> None:
    """Standalone, with http_compress: the body goes gzipped, a gzipped answer comes back
    inflated, the credentials go in the Authorization header (not in any message)."""
    server.routes[("POST", "/z")] = Reply(
        body=gzip.compress(b'{"answer": 42}'),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json", "Warning": '299 x "w"'},
    )
    connection = getattr(es7, name)("127.0.0.1", server.port, http_auth="u:p", http_compress=True)
    with pytest.warns(es7.ElasticsearchWarning, match="^w$"):
        status, headers, data = connection.perform_request("POST", "/z", body=b'{"q": 1}', timeout=5)
    assert (status, json.loads(data), headers["content-encoding"]) == (200, {"answer": 42}, "gzip")
    sent = server.last
    assert gzip.decompress(sent.body) == b'{"q": 1}'
    assert (sent.headers["content-encoding"], sent.headers["accept-encoding"]) == ("gzip", "gzip,deflate")
    assert sent.headers["authorization"] == "Basic dTpw"
    with pytest.raises(es7.ConnectionError) as e:
        getattr(es7, name)("127.0.0.1", free_port(), http_auth="u:secret").perform_request("GET", "/")
    assert "secret" not in str(e.value) and "secret" not in repr(e.value)
    connection.close()


def test_sniffing(es7: ModuleType, server: Server) -> None:
    nodes = {
        "nodes": {
            "a": {
                "roles": ["data", "master"],
                "http": {"publish_address": f"localhost/127.0.0.1:{server.port}"},
            },
            "m": {"roles": ["master"], "http": {"publish_address": "10.0.0.2:9200"}},
            "x": {"roles": ["data"], "http": {"publish_address": "10.0.0.3:9200"}},
        }
    }
    server.routes[("GET", "/_nodes/_all/http")] = Reply(body=nodes, headers=PRODUCT)
    seen: list[str] = []

    def host_info(node_info: dict[str, Any], host: dict[str, Any]) -> dict[str, Any] | None:
        seen.append(host["host"])
        return host if host["host"] == "localhost" else None

    es = es7.Elasticsearch(
        f"http://127.0.0.1:{server.port}", sniff_on_start=True, host_info_callback=host_info
    )
    assert sorted(seen) == ["10.0.0.2", "10.0.0.3", "localhost"]
    assert [(n.config.host, n.config.port) for n in es.transport.connection_pool.all()] == [
        ("localhost", server.port)
    ]
    # The default callback skips dedicated masters.
    assert es7.transport.get_host_info(nodes["nodes"]["m"], {"host": "10.0.0.2", "port": 9200}) is None
    assert es7.transport.get_host_info(nodes["nodes"]["x"], {"host": "10.0.0.3"}) == {"host": "10.0.0.3"}
    assert es.search(index="x") == {"ok": True}
    es.transport.sniff_hosts()
    assert len(es.transport.connection_pool) == 1


def test_initial_sniff_failure(es7: ModuleType, server: Server) -> None:
    server.routes[("GET", "/_nodes/_all/http")] = Reply(status=500, body={})
    with pytest.raises(es7.TransportError):
        es7.Elasticsearch(server.url, sniff_on_start=True)


def test_tls(es7: ModuleType, tls_server: tuple[Server, str]) -> None:
    server, ca_certs = tls_server
    assert es7.Elasticsearch(server.url, ca_certs=ca_certs).search(index="x") == {"ok": True}
    assert es7.Elasticsearch(f"127.0.0.1:{server.port}", use_ssl=True, ca_certs=ca_certs).info()["tagline"]
    with pytest.raises(es7.SSLError) as e:
        es7.Elasticsearch(server.url, max_retries=0).info()
    assert e.value.status_code == "N/A"
    assert isinstance(e.value, es7.ConnectionError)
    with pytest.warns(Warning, match="verify_certs=False"):
        es = es7.Elasticsearch(server.url, verify_certs=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # urllib3's per-request InsecureRequestWarning, as in 7.x
        assert es.info()["tagline"]


def test_meta_header_off(es7: ModuleType, server: Server) -> None:
    client(es7, server, meta_header=False).search(index="x")
    assert "x-elastic-client-meta" not in server.last.headers


def test_requests_are_logged_like_7x(
    es7: ModuleType, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    server.routes[("GET", "/x/_doc/1")] = Reply(status=404, body={}, headers=PRODUCT)
    es = client(es7, server)
    with caplog.at_level("INFO", logger="elasticsearch"):
        es.search(index="x", q="a")
        with pytest.raises(es7.NotFoundError):
            es.get(index="x", id="1")
    records = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "elasticsearch"]
    assert records[-2][0] == "INFO" and records[-2][1].startswith(
        f"POST {server.url}/x/_search?q=a [status:200 request:"
    )
    assert records[-1][0] == "WARNING" and "[status:404 request:" in records[-1][1]
