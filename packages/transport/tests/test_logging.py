import asyncio
import gzip
import logging
from typing import Any

import pytest
from elastic_transport import (
    AiohttpHttpNode,
    ApiError,
    ConnectionError,
    HttpxAsyncHttpNode,
    HttpxHttpNode,
    NodeConfig,
    RequestsHttpNode,
    Transport,
    Urllib3HttpNode,
    debug_logging,
)
from elastic_transport._node import _base
from elastic_transport.client_utils import url_to_node_config
from fakees import FakeServer, Reply, free_port

NODE_CLASSES = [Urllib3HttpNode, RequestsHttpNode, HttpxHttpNode, HttpxAsyncHttpNode, AiohttpHttpNode]
all_nodes = pytest.mark.parametrize("node_class", NODE_CLASSES, ids=lambda c: c.__name__)


def exchange(node_class: Any, config: NodeConfig, method: str, target: str, **kwargs: Any) -> Any:
    """One request on a fresh node of any class (async ones in their own loop), then closed."""
    node = node_class(config)
    if not node_class.is_async:
        try:
            return node.perform_request(method, target, **kwargs)
        finally:
            node.close()

    async def run() -> Any:
        try:
            return await node.perform_request(method, target, **kwargs)
        finally:
            await node.close()

    return asyncio.run(run())


def traces(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]


@pytest.fixture
def clean_loggers():  # type: ignore[no-untyped-def]
    """debug_logging() changes global loggers; put them back afterwards."""
    names = ("elastic_transport", "elasticsearch")
    saved = {n: (logging.getLogger(n).level, list(logging.getLogger(n).handlers)) for n in names}
    yield
    for name, (level, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers


def test_debug_logging_shows_requests_without_credentials(
    http_server: FakeServer, capsys: pytest.CaptureFixture[str], clean_loggers: None
) -> None:
    http_server.respond(Reply(body={"took": 1}))
    debug_logging()
    debug_logging()  # idempotent: one handler, not two
    config = url_to_node_config(f"http://elastic:hunter2@127.0.0.1:{http_server.port}")
    transport = Transport([config])
    transport.perform_request("POST", "/i/_search", body={"query": {"match_all": {}}})
    err = capsys.readouterr().err
    assert err.count("POST http://127.0.0.1") == 1
    assert "> POST /i/_search HTTP/1.1" in err and '{"query":{"match_all":{}}}' in err
    assert '< {"took": 1}' in err
    assert "Authorization: Basic <hidden>" in err
    assert "hunter2" not in err and "ZWxhc3RpYzpodW50ZXIy" not in err


def test_reprs_hide_credentials(http_server: FakeServer) -> None:
    config = NodeConfig(
        "http", "127.0.0.1", http_server.port, headers={"Authorization": "ApiKey c2VjcmV0OmtleQ=="}
    )
    transport = Transport([config])
    meta, body = transport.perform_request("GET", "/")
    error = ApiError("boom", meta=meta, body=body)
    texts = [repr(config), repr(transport.node_pool.all()), repr(meta), repr(error), str(meta.node)]
    assert all("c2VjcmV0OmtleQ==" not in text for text in texts)


@all_nodes
def test_trace_shows_the_exchange_as_curl_does(
    node_class: Any, http_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    http_server.respond(Reply(body={"took": 1}, headers={"X-Trace-Me": "yes"}))
    caplog.set_level(logging.DEBUG, logger="elastic_transport.node")
    config = NodeConfig("http", "127.0.0.1", http_server.port)
    exchange(
        node_class,
        config,
        "POST",
        "/i/_search?q=1",
        body=b'{"a":1}',
        headers={"content-type": "application/json"},
    )
    [trace] = traces(caplog)  # one record per exchange: concurrent requests never interleave
    lines = trace.split("\n")
    assert lines[0] == "> POST /i/_search?q=1 HTTP/1.1"
    assert "> Connection: keep-alive" in lines
    assert f"> User-Agent: {_base.DEFAULT_USER_AGENT}" in lines
    assert "> Content-Type: application/json" in lines
    request_body = lines.index('> {"a":1}')
    status = lines.index("< HTTP/1.1 200 OK")
    assert request_body < status
    assert "< X-Trace-Me: yes" in lines and "< Content-Type: application/json" in lines
    assert lines[-1] == '< {"took": 1}'


@all_nodes
def test_trace_shows_the_request_body_before_gzip(
    node_class: Any, http_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    http_server.respond(Reply(body={"ok": True}, gzip=True))
    caplog.set_level(logging.DEBUG, logger="elastic_transport.node")
    config = NodeConfig("http", "127.0.0.1", http_server.port, http_compress=True)
    exchange(node_class, config, "PUT", "/doc", body=b'{"key":"value"}')
    assert gzip.decompress(http_server.last.body) == b'{"key":"value"}'  # gzipped on the wire
    lines = traces(caplog)[0].split("\n")
    assert "> Content-Encoding: gzip" in lines
    assert '> {"key":"value"}' in lines
    assert lines[-1] == '< {"ok": true}'  # and the response inflated


@all_nodes
def test_trace_of_a_failed_request_has_no_response(node_class: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="elastic_transport.node")
    config = NodeConfig("http", "127.0.0.1", free_port(), request_timeout=2)
    with pytest.raises(ConnectionError):
        exchange(node_class, config, "HEAD", "/anything")
    [trace] = traces(caplog)
    lines = trace.split("\n")
    assert lines[0] == "> HEAD /anything HTTP/?.?"  # no answer, so no known HTTP version
    assert not [line for line in lines if line.startswith("<")]


@all_nodes
def test_trace_masks_credentials(
    node_class: Any, http_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    http_server.respond(Reply(headers={"WWW-Authenticate": "Basic", "Authorization": "Bearer c2VydmVy"}))
    caplog.set_level(logging.DEBUG, logger="elastic_transport.node")
    config = NodeConfig(
        "http", "127.0.0.1", http_server.port, headers={"Authorization": "ApiKey c2VjcmV0OmtleQ=="}
    )
    exchange(node_class, config, "GET", "/", headers={"x-api-key": "dG9wc2VjcmV0"})
    lines = traces(caplog)[0].split("\n")
    assert "> Authorization: ApiKey <hidden>" in lines
    assert "> X-Api-Key: <hidden>" in lines
    assert "< Authorization: Bearer <hidden>" in lines
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "c2VjcmV0OmtleQ==" not in text and "dG9wc2VjcmV0" not in text and "c2VydmVy" not in text


def test_status_without_a_known_reason_phrase(
    http_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    http_server.respond(Reply(status=599, body=b""))
    caplog.set_level(logging.DEBUG, logger="elastic_transport.node")
    exchange(Urllib3HttpNode, NodeConfig("http", "127.0.0.1", http_server.port), "GET", "/")
    lines = traces(caplog)[0].split("\n")
    assert "< HTTP/1.1 599" in lines
    assert not [
        line for line in lines if line.startswith("< ") and not line[2:].strip()
    ]  # no empty body line


@all_nodes
def test_no_trace_is_built_below_debug(
    node_class: Any,
    http_server: FakeServer,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(*args: object) -> str:
        raise AssertionError("trace built with DEBUG off")

    monkeypatch.setattr(_base, "_trace", fail)
    caplog.set_level(logging.INFO, logger="elastic_transport.node")
    config = NodeConfig("http", "127.0.0.1", http_server.port)
    exchange(node_class, config, "POST", "/", body=b"{}")
    assert [r.levelno for r in caplog.records] == [logging.INFO]
