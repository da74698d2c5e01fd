"""The transport's part of tracing: given the API client's span, a request through a real server
on 127.0.0.1 records the node, the answer's status, Elastic Cloud's headers and (for search
endpoints with ``body_strategy="raw"``) the query, under OpenTelemetry's attribute names."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from elastic_transport import AsyncTransport, NodeConfig, OpenTelemetrySpan, Transport
from fakees import FakeServer, Reply
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

CLOUD_HEADERS = {"X-Found-Handling-Cluster": "c0ffee", "X-Found-Handling-Instance": "instance-7"}


def traced_request(
    server: FakeServer, flavour: str, endpoint_id: str, body_strategy: Any, **options: Any
) -> ReadableSpan:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    config = NodeConfig("http", "127.0.0.1", server.port)

    with tracer.start_as_current_span(endpoint_id) as otel_span:
        span = OpenTelemetrySpan(otel_span, endpoint_id=endpoint_id, body_strategy=body_strategy)
        if flavour == "sync":
            transport = Transport([config], **options)
            try:
                transport.perform_request("POST", "/idx/_search", body={"size": 1}, otel_span=span)
            finally:
                transport.close()
        else:

            async def main() -> None:
                transport = AsyncTransport([config], node_class="httpxasync", **options)
                try:
                    await transport.perform_request("POST", "/idx/_search", body={"size": 1}, otel_span=span)
                finally:
                    await transport.close()

            asyncio.run(main())
    (finished,) = exporter.get_finished_spans()
    return finished


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_transport_records_node_status_cloud_and_query(fake_server: FakeServer, flavour: str) -> None:
    fake_server.respond(Reply(200, headers=CLOUD_HEADERS))
    span = traced_request(fake_server, flavour, "search", "raw")
    assert span.name == "search"
    assert dict(span.attributes or {}) == {
        "db.system.name": "elasticsearch",
        "db.operation.name": "search",
        "db.query.text": '{"size":1}',
        "url.full": f"http://127.0.0.1:{fake_server.port}/idx/_search",
        "http.request.method": "POST",
        "server.address": "127.0.0.1",
        "server.port": fake_server.port,
        "db.namespace": "c0ffee",
        "elasticsearch.node.name": "instance-7",
        "db.response.status_code": "200",
    }


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_query_omitted_by_default_and_last_attempt_wins(fake_server: FakeServer, flavour: str) -> None:
    fake_server.respond(Reply(503), Reply(201))
    span = traced_request(fake_server, flavour, "search", "omit", max_retries=1, retry_on_status=(503,))
    attributes = dict(span.attributes or {})
    assert "db.query.text" not in attributes
    assert attributes["db.response.status_code"] == "201"
    assert "db.namespace" not in attributes
    assert len(fake_server.requests) == 2
