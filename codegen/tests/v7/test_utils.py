"""Request building without a server: escaping, paths, hosts, NDJSON bodies and ``query_params``."""

from __future__ import annotations

import datetime
import warnings
from types import ModuleType
from typing import Any

import pytest


def test_escape(es7: ModuleType) -> None:
    escape = es7.client.utils._escape
    assert escape("a") == b"a"
    assert escape("ü") == "ü".encode()
    assert escape(b"x") == b"x"
    assert escape(True) == b"true"
    assert escape(False) == b"false"
    assert escape(1) == "1"
    assert escape(1.5) == "1.5"
    assert escape(["a", "b"]) == b"a,b"
    assert escape(("a",)) == b"a"
    assert escape([1, True, "x"]) == b"1,true,x"  # 7.17 fails on non-str items; we join them
    assert escape(datetime.date(2020, 1, 2)) == b"2020-01-02"
    assert escape(datetime.datetime(2020, 1, 2, 3, 4, 5)) == b"2020-01-02T03:04:05"


def test_make_path(es7: ModuleType) -> None:
    make_path = es7.client.utils._make_path
    assert make_path("a", None, "", "b c", ["x", "y"], 1, b"z", "ü/", "*,") == "/a/b%20c/x,y/1/z/%C3%BC%2F/*,"
    assert make_path() == "/"
    assert make_path("a b/ü#?,*", "_doc", "1 2") == "/a%20b%2F%C3%BC%23%3F,*/_doc/1%202"
    assert es7.client.utils.SKIP_IN_PATH == (None, "", b"", [], ())


@pytest.mark.parametrize(
    ("hosts", "expected"),
    [
        (None, [{}]),
        ("localhost", [{"host": "localhost"}]),
        ("localhost:9200", [{"host": "localhost", "port": 9200}]),
        ("http://localhost", [{"host": "localhost"}]),
        ("https://localhost", [{"host": "localhost", "port": 443, "use_ssl": True}]),
        (
            "https://u:p%40@h:9300/pre/",
            [{"host": "h", "port": 9300, "use_ssl": True, "http_auth": "u:p@", "url_prefix": "/pre/"}],
        ),
        ("http://h:9200/", [{"host": "h", "port": 9200}]),
        ("h/path", [{"host": "h", "url_prefix": "/path"}]),
        (["a", "b:1"], [{"host": "a"}, {"host": "b", "port": 1}]),
        ([{"host": "x", "port": 1}], [{"host": "x", "port": 1}]),
        ({"host": "x"}, [{"host": "x"}]),
        ("https://[::1]:9200", [{"host": "::1", "port": 9200, "use_ssl": True}]),
    ],
)
def test_normalize_hosts(es7: ModuleType, hosts: Any, expected: list[dict[str, Any]]) -> None:
    assert es7.client.utils._normalize_hosts(hosts) == expected


def test_bulk_body(es7: ModuleType) -> None:
    bulk_body = es7.client.utils._bulk_body
    serializer = es7.serializer.JSONSerializer()
    assert bulk_body(serializer, [{"a": 1}, {"b": 2}]) == '{"a":1}\n{"b":2}\n'
    assert bulk_body(serializer, ['{"a":1}', b'{"b":2}']) == '{"a":1}\n{"b":2}\n'
    assert bulk_body(serializer, '{"a":1}') == '{"a":1}\n'
    assert bulk_body(serializer, b'{"a":1}\n') == b'{"a":1}\n'
    assert bulk_body(serializer, ({"a": i} for i in range(2))) == '{"a":0}\n{"a":1}\n'


def test_base64_auth_header(es7: ModuleType) -> None:
    header = es7.client.utils._base64_auth_header
    assert header(("u", "p")) == "dTpw"
    assert header(["u", "p"]) == "dTpw"
    assert header("already-encoded") == "already-encoded"
    assert header(b"abc") == "abc"


def _recorder(es7: ModuleType, *names: str, **options: Any) -> Any:
    """A function decorated like a generated method that returns what it was called with."""

    def api(self: Any, body: Any = None, index: Any = None, params: Any = None, headers: Any = None) -> Any:
        return {"body": body, "index": index, "params": params, "headers": headers}

    return es7.client.utils.query_params(*names, **options)(api)


def test_query_params_escapes_and_routes(es7: ModuleType) -> None:
    api = _recorder(es7, "allow_no_indices", "size", "from_", "expand_wildcards")
    result = api(
        None,
        index="i",
        allow_no_indices=True,
        size=3,
        from_=2,
        expand_wildcards=["open", "closed"],
        pretty=True,
        filter_path=["a", "b"],
        human=None,
        ignore=404,
        request_timeout=3,
        opaque_id="op",
        params={"x": "y"},
        headers={"X-Foo": "bar"},
    )
    assert result["index"] == "i"
    assert result["params"] == {
        "x": "y",
        "allow_no_indices": b"true",
        "size": "3",
        "expand_wildcards": b"open,closed",
        "pretty": b"true",
        "filter_path": b"a,b",
        "ignore": 404,
        "request_timeout": 3,
        "from": "2",
    }
    assert list(result["params"])[-1] == "from"  # renamed last, as 7.17's URLs show
    assert result["headers"] == {"x-foo": "bar", "x-opaque-id": "op"}


def test_query_params_rejects_unknown_keywords(es7: ModuleType) -> None:
    api = _recorder(es7, "size")
    with pytest.raises(TypeError):
        api(None, foo=1)


def test_query_params_auth_headers(es7: ModuleType) -> None:
    api = _recorder(es7)
    assert api(None, http_auth=("u", "p"))["headers"] == {"authorization": "Basic dTpw"}
    # A string is taken as already encoded, as 7.17 does per request.
    assert api(None, http_auth="u:p")["headers"] == {"authorization": "Basic u:p"}
    assert api(None, api_key=("i", "k"))["headers"] == {"authorization": "ApiKey aTpr"}
    assert api(None, api_key="abc")["headers"] == {"authorization": "ApiKey abc"}
    with pytest.raises(ValueError, match="Only one of 'http_auth' and 'api_key'"):
        api(None, http_auth="a:b", api_key="abc")


def test_query_params_mimetypes(es7: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    api = _recorder(
        es7, response_mimetypes=["text/plain", "application/json"], request_mimetypes=["application/json"]
    )
    assert api(None)["headers"] == {
        "accept": "text/plain,application/json",
        "content-type": "application/json",
    }
    assert api(None, headers={"Accept": "text/csv"})["headers"]["accept"] == "text/csv"
    monkeypatch.setenv("ELASTIC_CLIENT_APIVERSIONING", "true")
    assert api(None)["headers"] == {
        "accept": "text/plain,application/vnd.elasticsearch+json;compatible-with=7",
        "content-type": "application/vnd.elasticsearch+json;compatible-with=7",
    }
    monkeypatch.setenv("ELASTIC_CLIENT_APIVERSIONING", "True")  # 7.17 accepts only "1" and "true"
    assert api(None)["headers"]["content-type"] == "application/json"
    monkeypatch.setenv("ELASTIC_CLIENT_APIVERSIONING", "1")
    assert "compatible-with=7" in api(None)["headers"]["content-type"]


def test_query_params_body_fields(es7: ModuleType) -> None:
    api = _recorder(es7, "size", "from_", "q", body_params=["from_", "query", "size", "sort"])
    # Body fields form the body when no body is given, also those that are query params too.
    result = api(None, index="x", query={"match_all": {}}, size=3, from_=1, q="z")
    assert result["body"] == {"from": 1, "query": {"match_all": {}}, "size": 3}
    assert result["params"] == {"q": b"z"}
    assert api(None, size=3)["body"] == {"size": 3}
    assert api(None, query=None)["body"] == {}
    assert api(None)["body"] is None
    # With body=, fields that are also query params stay query params (and body= is deprecated).
    with pytest.warns(
        DeprecationWarning, match="The 'body' parameter is deprecated for the 'api' API"
    ) as record:
        result = api(None, body={"a": 1}, size=3, from_=2)
    assert record[0].filename == __file__
    assert result["body"] == {"a": 1}
    assert result["params"] == {"size": "3", "from": "2"}
    with pytest.raises(TypeError, match="The 'query' parameter is only serialized in the request body"):
        api(None, body={"a": 1}, query={})


def test_query_params_body_alias_and_required(es7: ModuleType) -> None:
    api = _recorder(es7, body_name="document")
    assert api(None, document={"a": 1})["body"] == {"a": 1}
    with pytest.raises(TypeError, match="Can't use 'document' and 'body' parameters together"):
        api(None, document={}, body={})
    with pytest.warns(DeprecationWarning, match="Instead use the 'document' parameter"):
        assert api(None, body={"a": 1})["body"] == {"a": 1}
    required = _recorder(es7, body_params=["doc"], body_required=True)
    assert required(None)["body"] == {}
    assert required(None, doc={"a": 1})["body"] == {"doc": {"a": 1}}


def test_query_params_positional_arguments_warn(es7: ModuleType) -> None:
    api = _recorder(es7)
    with pytest.warns(
        DeprecationWarning, match="Using positional arguments for APIs is deprecated"
    ) as record:
        assert api(None, {"q": 1}, "idx")["index"] == "idx"
    assert record[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        api(None, body={"q": 1})  # keywords only, no body_params: no warning


def test_namespaced_client(es7: ModuleType) -> None:
    client = es7.Elasticsearch("http://localhost:9200")
    assert client.indices.client is client
    assert client.indices.transport is client.transport
    assert isinstance(client.indices, es7.client.utils.NamespacedClient)


def test_exception_hierarchy(es7: ModuleType) -> None:
    exc = es7.exceptions
    assert {
        400: exc.RequestError,
        401: exc.AuthenticationException,
        403: exc.AuthorizationException,
        404: exc.NotFoundError,
        409: exc.ConflictError,
    } == exc.HTTP_EXCEPTIONS
    for cls in (*exc.HTTP_EXCEPTIONS.values(), exc.ConnectionError):
        assert issubclass(cls, exc.TransportError)
    assert issubclass(exc.ConnectionTimeout, exc.ConnectionError)
    assert issubclass(exc.SSLError, exc.ConnectionError)
    assert issubclass(exc.TransportError, exc.ElasticsearchException)
    assert issubclass(exc.SerializationError, exc.ElasticsearchException)
    assert issubclass(exc.UnsupportedProductError, exc.ElasticsearchException)
    assert not issubclass(exc.UnsupportedProductError, exc.TransportError)
    assert not issubclass(exc.ImproperlyConfigured, exc.ElasticsearchException)
    assert exc.ElasticsearchDeprecationWarning is exc.ElasticsearchWarning
    assert issubclass(exc.ElasticsearchWarning, Warning)


def test_exception_formats(es7: ModuleType) -> None:
    exc = es7.exceptions
    info = {
        "error": {
            "root_cause": [
                {"type": "t", "reason": "no such index [x]", "resource.type": "index", "resource.id": "x"}
            ],
            "type": "index_not_found_exception",
        },
        "status": 404,
    }
    error = exc.http_error(404, '{"error": {"type": "index_not_found_exception"}}')
    assert isinstance(error, exc.NotFoundError)
    assert (error.status_code, error.error) == (404, "index_not_found_exception")
    error = exc.NotFoundError(404, "index_not_found_exception", info)
    assert str(error) == "NotFoundError(404, 'index_not_found_exception', 'no such index [x]', x, index)"
    assert repr(error) == f"NotFoundError(404, 'index_not_found_exception', {info!r})"
    assert str(exc.RequestError(400, "plain", {"error": "plain"})) == "RequestError(400, 'plain', 'plain')"
    assert str(exc.TransportError(503, "t", {"error": {"type": "t"}})) == "TransportError(503, 't')"
    assert str(exc.TransportError(500)) == "TransportError(500)"
    assert exc.TransportError(500).info is None
    cause = OSError("boom")
    assert str(exc.ConnectionError("N/A", "msg", cause)) == "ConnectionError(msg) caused by: OSError(boom)"
    assert str(exc.SSLError("N/A", "msg", cause)) == "ConnectionError(msg) caused by: OSError(boom)"
    assert (
        str(exc.ConnectionTimeout("TIMEOUT", "msg", cause)) == "ConnectionTimeout caused by - OSError(boom)"
    )


@pytest.mark.parametrize(
    ("status", "raw", "cls", "error", "info"),
    [
        (400, '{"error":"plain string"}', "RequestError", "plain string", {"error": "plain string"}),
        (409, '{"x":1}', "ConflictError", '{"x":1}', {"x": 1}),
        (500, "boom", "TransportError", "boom", None),
        (403, "not json", "AuthorizationException", "not json", None),
        (418, "", "TransportError", "", None),
        (400, "[1,2]", "RequestError", "[1,2]", [1, 2]),
    ],
)
def test_http_error(es7: ModuleType, status: int, raw: str, cls: str, error: Any, info: Any) -> None:
    exception = es7.exceptions.http_error(status, raw)
    assert type(exception).__name__ == cls
    assert exception.args == (status, error, info)


def test_serializers(es7: ModuleType) -> None:
    ser = es7.serializer
    json_ser = ser.JSONSerializer()
    assert json_ser.dumps({"a": datetime.datetime(2020, 1, 1), "ü": 1}) == '{"a":"2020-01-01T00:00:00","ü":1}'
    assert json_ser.dumps("already") == "already"
    assert json_ser.dumps(b"bytes") == b"bytes"
    assert json_ser.loads('{"a":1}') == {"a": 1}
    with pytest.raises(es7.exceptions.SerializationError):
        json_ser.dumps({"s": {1, 2}})
    with pytest.raises(es7.exceptions.SerializationError):
        json_ser.loads("x")
    with pytest.raises(es7.exceptions.SerializationError):
        ser.TextSerializer().dumps(1)
    deserializer = ser.Deserializer(ser.DEFAULT_SERIALIZERS)
    assert deserializer.loads('{"a":1}') == {"a": 1}
    assert deserializer.loads('{"a":1}', "application/json; charset=UTF-8") == {"a": 1}
    assert deserializer.loads(b'{"a":1}', "application/vnd.elasticsearch+json;compatible-with=7") == {"a": 1}
    # As in 7.17, a mimetype without its own serializer is refused, text/* ones included;
    # a program that wants them registers one (``serializers=`` of the client).
    with pytest.raises(es7.exceptions.SerializationError, match="Unknown mimetype"):
        deserializer.loads(b"<html/>", "text/html")
    csv = ser.Deserializer({**ser.DEFAULT_SERIALIZERS, "text/csv": ser.TextSerializer()})
    assert csv.loads("a,b", "text/csv") == "a,b"
    assert deserializer.loads(b"\x1a\x00", "application/vnd.mapbox-vector-tile") == b"\x1a\x00"
    with pytest.raises(es7.exceptions.SerializationError, match="Unknown mimetype"):
        deserializer.loads("x", "application/yaml")
    with pytest.raises(es7.exceptions.ImproperlyConfigured):
        ser.Deserializer({})


def test_compat_module(es7: ModuleType) -> None:
    compat = es7.compat
    assert compat.string_types == (str, bytes)
    assert compat.to_str(b"a") == "a" and compat.to_bytes("a") == b"a"
    assert compat.PY2 is False
