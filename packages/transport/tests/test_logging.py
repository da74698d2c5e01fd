import logging

import pytest
from elastic_transport import ApiError, NodeConfig, Transport, debug_logging
from elastic_transport.client_utils import url_to_node_config
from fakees import FakeServer, Reply


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
