"""OpenTelemetry span wrapper: records Elasticsearch attributes on a span when one is given.

The attribute names follow OpenTelemetry's database and HTTP semantic conventions, as the
official transport records them: ``db.system.name``, ``db.operation.name`` (the endpoint id),
``url.full``, ``http.request.method``, ``server.address``, ``server.port``, ``db.namespace``
(the Elastic Cloud cluster), ``elasticsearch.node.name``, ``db.response.status_code`` and,
with ``body_strategy="raw"`` on search endpoints only, ``db.query.text``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

# Endpoints whose request body is a query (never documents), so the only ones whose body may be
# recorded as ``db.query.text``.
SEARCH_ENDPOINTS = frozenset(
    {
        "search",
        "async_search.submit",
        "msearch",
        "eql.search",
        "esql.query",
        "search_template",
        "msearch_template",
        "render_search_template",
        "terms_enum",
    }
)


class OpenTelemetrySpan:
    """Wraps an optional OpenTelemetry span; every method is a no-op without one."""

    def __init__(
        self,
        otel_span: Any | None,
        endpoint_id: str | None = None,
        body_strategy: Literal["omit", "raw"] = "omit",
    ) -> None:
        self.otel_span = otel_span
        self.endpoint_id = endpoint_id
        self.body_strategy = body_strategy
        if otel_span is not None:
            otel_span.set_attribute("db.system.name", "elasticsearch")
            if endpoint_id is not None:
                otel_span.set_attribute("db.operation.name", endpoint_id)

    def set_node_metadata(
        self, host: str, port: int, base_url: str, target: str, method: str | None = None
    ) -> None:
        if self.otel_span is None:
            return
        # base_url may end with "/" and target may start with one: never two in the URL
        self.otel_span.set_attribute("url.full", base_url.rstrip("/") + "/" + target.lstrip("/"))
        if method is not None:
            self.otel_span.set_attribute("http.request.method", method)
        self.otel_span.set_attribute("server.address", host)
        self.otel_span.set_attribute("server.port", port)

    def set_elastic_cloud_metadata(self, headers: Mapping[str, str]) -> None:
        if self.otel_span is None:
            return
        cluster = headers.get("X-Found-Handling-Cluster")
        if cluster is not None:
            self.otel_span.set_attribute("db.namespace", cluster)
        instance = headers.get("X-Found-Handling-Instance")
        if instance is not None:
            self.otel_span.set_attribute("elasticsearch.node.name", instance)

    def set_db_statement(self, serialized_body: bytes) -> None:
        if self.otel_span is None or self.body_strategy != "raw" or self.endpoint_id not in SEARCH_ENDPOINTS:
            return
        self.otel_span.set_attribute("db.query.text", serialized_body.decode("utf-8", "replace"))

    def set_db_response(self, status_code: int) -> None:
        if self.otel_span is None:
            return
        self.otel_span.set_attribute("db.response.status_code", str(status_code))
