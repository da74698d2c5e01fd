"""Public names and the private helpers other libraries import, as in the official transport."""

from __future__ import annotations

import asyncio
import pickle

import elastic_transport
import pytest
from elastic_transport import client_utils
from elastic_transport._compat import await_if_coro, warn_stacklevel
from elastic_transport._otel import OpenTelemetrySpan
from elastic_transport._utils import is_ipaddress


@pytest.mark.parametrize("module", [elastic_transport, client_utils])
def test_all_is_sorted(module: object) -> None:
    names = list(module.__all__)  # type: ignore[attr-defined]
    assert names == sorted(names)


def test_public_classes_name_the_package() -> None:
    assert repr(elastic_transport.Transport) == "<class 'elastic_transport.Transport'>"
    assert elastic_transport.AsyncTransport.__module__ == "elastic_transport"  # loaded lazily
    assert elastic_transport.ObjectApiResponse.__module__ == "elastic_transport"
    error = elastic_transport.ConnectionError("boom")
    assert type(pickle.loads(pickle.dumps(error))) is elastic_transport.ConnectionError


def test_await_if_coro() -> None:
    async def three() -> int:
        return 3

    async def main() -> tuple[int, int]:
        return await await_if_coro(three()), await await_if_coro(4)

    assert asyncio.run(main()) == (3, 4)
    assert warn_stacklevel() >= 1


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        (b"::1", True),
        ("fe80::1%25eth0", True),
        ("[::1]", True),
        ("localhost", False),
        (b"es.example.com", False),
        ("1.2.3", False),
    ],
)
def test_is_ipaddress(host: str | bytes, expected: bool) -> None:
    assert is_ipaddress(host) is expected


class _Span:
    def __init__(self) -> None:
        self.attributes: dict[str, object] = {}

    def set_attribute(self, key: str, value: object) -> None:
        self.attributes[key] = value


def test_otel_span_attributes() -> None:
    raw = _Span()
    span = OpenTelemetrySpan(raw, endpoint_id="search", body_strategy="raw")
    span.set_node_metadata("es", 9200, "https://es:9200", "/idx/_search", "POST")
    span.set_elastic_cloud_metadata({"X-Found-Handling-Cluster": "c1", "X-Found-Handling-Instance": "i1"})
    span.set_db_statement(b'{"query":{}}')
    span.set_db_response(200)
    assert raw.attributes == {
        "db.system.name": "elasticsearch",
        "db.operation.name": "search",
        "url.full": "https://es:9200/idx/_search",
        "http.request.method": "POST",
        "server.address": "es",
        "server.port": 9200,
        "db.namespace": "c1",
        "elasticsearch.node.name": "i1",
        "db.query.text": '{"query":{}}',
        "db.response.status_code": "200",
    }
    # documents are never recorded: only search endpoints' bodies, and only with "raw"
    for endpoint, strategy in (("index", "raw"), ("search", "omit")):
        raw = _Span()
        OpenTelemetrySpan(raw, endpoint_id=endpoint, body_strategy=strategy).set_db_statement(b"{}")  # type: ignore[arg-type]
        assert "db.query.text" not in raw.attributes
    OpenTelemetrySpan(None).set_node_metadata("es", 9200, "http://es:9200", "/")  # no span: no-op
