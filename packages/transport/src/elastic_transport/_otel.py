"""OpenTelemetry span wrapper: records Elasticsearch attributes on a span when one is given."""

from __future__ import annotations

from typing import Any, Literal


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

    def set_node_metadata(self, host: str, port: int, base_url: str, target: str) -> None:
        if self.otel_span is None:
            return
        self.otel_span.set_attribute("url.full", base_url + target)
        self.otel_span.set_attribute("server.address", host)
        self.otel_span.set_attribute("server.port", port)

    def set_elastic_cloud_metadata(self, headers: Any) -> None:
        if self.otel_span is None:
            return
        cluster = headers.get("X-Found-Handling-Cluster")
        if cluster is not None:
            self.otel_span.set_attribute("db.elasticsearch.cluster.name", cluster)
        instance = headers.get("X-Found-Handling-Instance")
        if instance is not None:
            self.otel_span.set_attribute("db.elasticsearch.node.name", instance)

    def set_db_statement(self, serialized_body: bytes) -> None:
        if self.otel_span is None or self.body_strategy == "omit":
            return
        self.otel_span.set_attribute("db.statement", serialized_body.decode("utf-8", "replace"))

    def set_db_response(self, status_code: int) -> None:
        if self.otel_span is None:
            return
        self.otel_span.set_attribute("db.response.status_code", str(status_code))
