import dataclasses
import ssl

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig


def test_headers_are_case_insensitive_and_keep_spelling() -> None:
    headers = HttpHeaders({"Content-Type": "application/json"})
    headers["X-Opaque-Id"] = "abc"
    assert headers["content-type"] == "application/json"
    assert "x-opaque-id" in headers
    assert list(headers) == ["Content-Type", "X-Opaque-Id"]
    headers["CONTENT-TYPE"] = "text/plain"
    assert len(headers) == 2 and headers["Content-Type"] == "text/plain"
    assert headers == {"content-type": "text/plain", "x-opaque-id": "abc"}


def test_frozen_headers_reject_changes_and_copy_unfreezes() -> None:
    headers = HttpHeaders({"a": "1"}).freeze()
    with pytest.raises(ValueError, match="frozen"):
        headers["b"] = "2"
    with pytest.raises(ValueError, match="frozen"):
        del headers["a"]
    copy = headers.copy()
    copy["b"] = "2"
    assert copy.frozen is False and "b" not in headers


def test_headers_repr_hides_credentials() -> None:
    headers = HttpHeaders({"Authorization": "ApiKey c2VjcmV0", "X-A": "1"})
    assert "c2VjcmV0" not in repr(headers) and "c2VjcmV0" not in str(headers)
    assert "ApiKey <hidden>" in repr(headers)


def test_node_config_normalizes_and_is_immutable() -> None:
    config = NodeConfig("HTTPS", "[::1]", 9200, path_prefix="a/b/", headers={"X-A": "1"})
    assert (config.scheme, config.host, config.path_prefix) == ("https", "::1", "/a/b")
    assert config.url == "https://[::1]:9200/a/b"
    assert isinstance(config.headers, HttpHeaders) and config.headers.frozen
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.port = 1  # type: ignore[misc]
    changed = config.replace(port=9201)
    assert changed.port == 9201 and config.port == 9200
    assert config.replace() == config and hash(config.replace(headers={"X-A": "1"})) == hash(config)


def test_node_config_repr_hides_credentials() -> None:
    config = NodeConfig("http", "localhost", 9200, headers={"authorization": "Basic dXNlcjpwYXNz"})
    assert "dXNlcjpwYXNz" not in repr(config)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scheme": "ftp"}, "Unknown scheme 'ftp'"),
        ({"host": ""}, "Invalid host"),
        ({"host": "http://localhost"}, "Invalid host"),
        ({"port": -1}, "Invalid port"),
        ({"port": 70000}, "Invalid port"),
        ({"port": "9200"}, "Invalid port"),
        ({"connections_per_node": 0}, "connections_per_node"),
        ({"ca_certs": "/ca.pem"}, "TLS options require scheme to be 'https'"),
        ({"scheme": "https", "ssl_assert_fingerprint": "abc"}, "Invalid 'ssl_assert_fingerprint'"),
        ({"scheme": "https", "ssl_assert_fingerprint": "zz" * 32}, "Invalid 'ssl_assert_fingerprint'"),
        ({"scheme": "https", "client_key": "/k.pem"}, "'client_key' was given without 'client_cert'"),
        (
            {"scheme": "https", "ssl_context": ssl.create_default_context(), "ca_certs": "/ca.pem"},
            "'ssl_context' can't be combined with ca_certs",
        ),
    ],
)
def test_node_config_bad_input(kwargs: dict, message: str) -> None:
    args = {"scheme": "http", "host": "localhost", "port": 9200, **kwargs}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        NodeConfig(**args)


def test_fingerprint_is_normalized() -> None:
    digest = "AB:" * 31 + "AB"
    config = NodeConfig("https", "localhost", 9200, ssl_assert_fingerprint=digest)
    assert config.ssl_assert_fingerprint == "ab" * 32


def test_response_meta_mimetype() -> None:
    node = NodeConfig("http", "localhost", 9200)
    meta = ApiResponseMeta(
        200, "1.1", HttpHeaders({"Content-Type": "Application/JSON; charset=UTF-8"}), 0.1, node
    )
    assert meta.mimetype == "application/json"
    assert ApiResponseMeta(200, "1.1", HttpHeaders(), 0.1, node).mimetype is None


def test_lowercase_headers_find_any_spelling() -> None:
    from elastic_transport._models import LowercaseHeaders, lowercase_headers

    headers = lowercase_headers({"Content-Type": "application/json", "X-Opaque-Id": "op"})
    assert type(headers) is LowercaseHeaders
    assert list(headers) == ["content-type", "x-opaque-id"]
    assert headers["Content-Type"] == headers["content-type"] == "application/json"
    assert headers.get("X-OPAQUE-ID") == "op" and headers.get("Missing", "d") == "d"
    assert "CONTENT-type" in headers and "accept" not in headers
    with pytest.raises(KeyError, match="Accept"):
        headers["Accept"]
    assert headers == {"Content-Type": "application/json", "x-opaque-id": "op"}
    assert headers == HttpHeaders({"CONTENT-TYPE": "application/json", "X-Opaque-Id": "op"})
    assert headers != {"content-type": "application/json"} and headers != {
        "content-type": "x",
        "x-opaque-id": "op",
    }
    assert headers != {1: "a", 2: "b"} and headers != [("content-type", "application/json")]
    copied = headers.copy()
    assert type(copied) is LowercaseHeaders and copied["X-Opaque-Id"] == "op" and copied is not headers
