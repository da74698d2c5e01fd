"""OpenTelemetry: each API call of a traced client is one CLIENT span named after its endpoint,
with the transport's attributes added (calls through a real server on 127.0.0.1; spans
collected by the OpenTelemetry SDK's in-memory exporter). 9.x uses today's attribute names,
8.x the ones of its time."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from .v8plus_servers import RecordingServer, Reply, resolve

CLOUD = {"X-Found-Handling-Cluster": "c0ffee", "X-Found-Handling-Instance": "instance-3"}

NAMES = {
    "elasticsearch": {
        "system": "db.system.name",
        "operation": "db.operation.name",
        "parameter": "db.operation.parameter.",
        "cluster": "db.namespace",
        "node": "elasticsearch.node.name",
        "query": "db.query.text",
    },
    "elasticsearch8": {
        "system": "db.system",
        "operation": "db.operation",
        "parameter": "db.elasticsearch.path_parts.",
        "cluster": "db.elasticsearch.cluster.name",
        "node": "db.elasticsearch.node.name",
        "query": "db.statement",
    },
}


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


def traced(client: Any, es_module: ModuleType, exporter: InMemorySpanExporter, **options: Any) -> Any:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    otel = importlib.import_module(f"{es_module.__name__}._otel")
    client._otel = otel.OpenTelemetry(enabled=True, tracer=provider.get_tracer("test"), **options)
    return client


async def test_one_client_span_per_call_with_transport_attributes(
    make_client: Callable[..., Any],
    es_module: ModuleType,
    server: RecordingServer,
    exporter: InMemorySpanExporter,
) -> None:
    server.routes[("POST", "/idx/_search")] = Reply(body={"hits": {"hits": []}}, headers=CLOUD)
    client = traced(make_client(), es_module, exporter, body_strategy="raw")
    await resolve(client.search(index="idx", query={"match_all": {}}))
    await resolve(client.indices.exists(index="idx"))

    search, exists = exporter.get_finished_spans()
    names = NAMES[es_module.__name__]
    assert (search.name, search.kind) == ("search", SpanKind.CLIENT)
    assert dict(search.attributes or {}) == {
        "http.request.method": "POST",
        names["system"]: "elasticsearch",
        names["operation"]: "search",
        names["parameter"] + "index": "idx",
        names["query"]: '{"query":{"match_all":{}}}',
        "url.full": f"http://127.0.0.1:{server.port}/idx/_search",
        "server.address": "127.0.0.1",
        "server.port": server.port,
        names["cluster"]: "c0ffee",
        names["node"]: "instance-3",
        "db.response.status_code": "200",
    }
    assert exists.name == "indices.exists"
    assert dict(exists.attributes or {})["http.request.method"] == "HEAD"


async def test_query_left_out_by_default_and_options_copies_trace(
    make_client: Callable[..., Any],
    es_module: ModuleType,
    server: RecordingServer,
    exporter: InMemorySpanExporter,
) -> None:
    client = traced(make_client(), es_module, exporter, body_strategy="omit")
    await resolve(client.options(request_timeout=5).search(index="idx", query={"match_all": {}}))
    (span,) = exporter.get_finished_spans()
    assert NAMES[es_module.__name__]["query"] not in dict(span.attributes or {})


async def test_disabled_tracing_records_nothing(
    make_client: Callable[..., Any], es_module: ModuleType, exporter: InMemorySpanExporter
) -> None:
    client = traced(make_client(), es_module, exporter)
    client._otel.enabled = False
    await resolve(client.info())
    assert exporter.get_finished_spans() == ()


def test_environment_switches_tracing_off(es_module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    otel = importlib.import_module(f"{es_module.__name__}._otel")
    monkeypatch.setenv(otel.ENABLED_ENV_VAR, "false")
    assert otel.OpenTelemetry().enabled is False
    monkeypatch.setenv(otel.ENABLED_ENV_VAR, "true")
    assert otel.OpenTelemetry().enabled is True  # the OpenTelemetry API is installed here
    monkeypatch.setenv(otel.CAPTURE_SEARCH_QUERY_ENV_VAR, "true")
    assert otel.OpenTelemetry().body_strategy == "raw"


BULK_OK = {"took": 1, "errors": False, "items": [{"index": {"_index": "i", "status": 201}}] * 2}


@pytest.mark.parametrize("helper", ["bulk", "streaming_bulk", "parallel_bulk"])
def test_helper_runs_are_spans_around_their_requests(
    es_module: ModuleType, server: RecordingServer, exporter: InMemorySpanExporter, helper: str
) -> None:
    server.routes[("PUT", "/_bulk")] = Reply(body=BULK_OK)
    helpers = importlib.import_module(f"{es_module.__name__}.helpers")
    client = traced(es_module.Elasticsearch(server.url), es_module, exporter)
    actions = [{"_index": "i", "n": n} for n in range(4)]
    try:
        run = getattr(helpers, helper)(client, actions, chunk_size=2)
        if helper != "bulk":
            assert len(list(run)) == 4
    finally:
        client.close()

    spans = exporter.get_finished_spans()
    (outer,) = [s for s in spans if s.name == f"helpers.{helper}"]
    requests = [s for s in spans if s.name == "bulk"]
    assert len(requests) == 2  # one per chunk, also from parallel_bulk's worker threads
    assert all(s.parent is not None and s.parent.span_id == outer.context.span_id for s in requests)
    assert dict(outer.attributes or {})[NAMES[es_module.__name__]["operation"]] == f"helpers.{helper}"


def test_global_tracer_spans_only_once_a_provider_is_set(
    es_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until the program sets a tracer provider, the global tracer's spans would be no-ops: calls
    skip them (the no-op span goes to the transport)."""
    from opentelemetry import trace

    otel = importlib.import_module(f"{es_module.__name__}._otel")
    monkeypatch.setenv(otel.ENABLED_ENV_VAR, "true")
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: trace.ProxyTracerProvider())
    tracing = otel.OpenTelemetry()
    assert tracing.enabled and not tracing.recording()
    monkeypatch.setattr(trace, "get_tracer_provider", TracerProvider)
    assert tracing.recording()
