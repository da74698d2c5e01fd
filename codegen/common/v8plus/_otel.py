"""OpenTelemetry tracing of API calls: one CLIENT span per call, named after the endpoint.

Tracing is on when the ``opentelemetry`` API package is importable and
``OTEL_PYTHON_INSTRUMENTATION_ELASTICSEARCH_ENABLED`` is not ``false``. Without it, a call
costs one attribute check and passes the shared no-op span (``NO_SPAN``) to the transport, which
then records nothing. With it, the client opens the span and the transport adds the node, the
status and Elastic Cloud's headers to it (``elastic_transport.OpenTelemetrySpan``).

The search query is recorded (``body_strategy="raw"``) only when
``OTEL_PYTHON_INSTRUMENTATION_ELASTICSEARCH_CAPTURE_SEARCH_QUERY`` is ``true`` (or the older
``..._BODY_STRATEGY`` is ``raw``). The 8.x client uses the attribute names of the semantic
conventions of its time (``db.system``, ``db.elasticsearch.path_parts.*``, ...).
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from elastic_transport import OpenTelemetrySpan

from . import _profile

ENABLED_ENV_VAR = "OTEL_PYTHON_INSTRUMENTATION_ELASTICSEARCH_ENABLED"
CAPTURE_SEARCH_QUERY_ENV_VAR = "OTEL_PYTHON_INSTRUMENTATION_ELASTICSEARCH_CAPTURE_SEARCH_QUERY"
BODY_STRATEGY_ENV_VAR = "OTEL_PYTHON_INSTRUMENTATION_ELASTICSEARCH_BODY_STRATEGY"
TRACER_NAME = "elasticsearch-api"

BodyStrategy = Literal["omit", "raw"]

if _profile.MAJOR >= 9:
    SYSTEM, OPERATION, PARAMETER_PREFIX = "db.system.name", "db.operation.name", "db.operation.parameter."
else:
    SYSTEM, OPERATION, PARAMETER_PREFIX = "db.system", "db.operation", "db.elasticsearch.path_parts."


class _LegacyNamesSpan(OpenTelemetrySpan):
    """The transport's span with the attribute names the 8.x client records."""

    _RENAMED = {
        "db.system.name": "db.system",
        "db.operation.name": "db.operation",
        "db.namespace": "db.elasticsearch.cluster.name",
        "elasticsearch.node.name": "db.elasticsearch.node.name",
        "db.query.text": "db.statement",
    }

    def __init__(
        self, otel_span: Any | None, endpoint_id: str | None = None, body_strategy: Any = "omit"
    ) -> None:
        super().__init__(
            _Renaming(otel_span, self._RENAMED) if otel_span is not None else None, endpoint_id, body_strategy
        )


class _Renaming:
    """Forwards to a span, renaming the attributes set on it."""

    __slots__ = ("_names", "_span")

    def __init__(self, span: Any, names: Mapping[str, str]) -> None:
        self._span = span
        self._names = names

    def set_attribute(self, key: str, value: Any) -> None:
        self._span.set_attribute(self._names.get(key, key), value)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._span, name)


SpanClass: type[OpenTelemetrySpan] = OpenTelemetrySpan if _profile.MAJOR >= 9 else _LegacyNamesSpan

# What the transport gets for an untraced call: its methods record nothing.
NO_SPAN = OpenTelemetrySpan(None)


def _env_enabled() -> bool:
    return os.environ.get(ENABLED_ENV_VAR, "true").strip().lower() != "false"


def _env_body_strategy() -> BodyStrategy:
    strategy = os.environ.get(BODY_STRATEGY_ENV_VAR, "").strip().lower()
    if strategy in ("omit", "raw"):
        return strategy  # type: ignore[return-value]
    capture = os.environ.get(CAPTURE_SEARCH_QUERY_ENV_VAR, "false").strip().lower()
    return "raw" if capture == "true" else "omit"


@functools.cache
def _trace_module() -> Any | None:
    """``opentelemetry.trace``, or None without it (looked up once)."""
    try:
        from opentelemetry import trace
    except ImportError:
        return None
    return trace


def _global_provider_set(trace: Any) -> bool:
    """Whether the program has set a tracer provider: until then every span of the global
    tracer is a no-op, and calls skip making them."""
    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


class OpenTelemetry:
    """A client's tracing settings (``client._otel``), shared by its ``options()`` copies."""

    def __init__(
        self,
        enabled: bool | None = None,
        tracer: Any | None = None,
        body_strategy: BodyStrategy | None = None,
    ) -> None:
        if enabled is None:
            enabled = _env_enabled()
        # Without a tracer given, the global one (which follows the provider the program sets).
        self._global_trace = _trace_module() if enabled and tracer is None else None
        if self._global_trace is not None:
            tracer = self._global_trace.get_tracer(TRACER_NAME)
        self.tracer = tracer
        self.enabled = bool(enabled) and tracer is not None
        self.body_strategy: BodyStrategy = body_strategy or _env_body_strategy()

    def recording(self) -> bool:
        """Whether a call gets a span now: tracing is on and spans would be recorded."""
        if not self.enabled:
            return False
        return self._global_trace is None or _global_provider_set(self._global_trace)

    @contextlib.contextmanager
    def span(
        self, method: str, *, endpoint_id: str | None, path_parts: Mapping[str, Any]
    ) -> Iterator[OpenTelemetrySpan]:
        """A CLIENT span for one API call, named after the endpoint (the method without one)."""
        if not self.enabled or self.tracer is None:
            yield NO_SPAN
            return
        from opentelemetry.trace import SpanKind

        with self.tracer.start_as_current_span(endpoint_id or method, kind=SpanKind.CLIENT) as otel_span:
            otel_span.set_attribute("http.request.method", method)
            otel_span.set_attribute(SYSTEM, "elasticsearch")
            if endpoint_id is not None:
                otel_span.set_attribute(OPERATION, endpoint_id)
            for key, value in path_parts.items():
                otel_span.set_attribute(f"{PARAMETER_PREFIX}{key}", value)
            yield SpanClass(otel_span, endpoint_id=endpoint_id, body_strategy=self.body_strategy)

    @contextlib.contextmanager
    def helpers_span(self, span_name: str) -> Iterator[Any | None]:
        """A span around a whole helper run (``helpers.bulk``, ...); None when not tracing."""
        if not self.enabled or self.tracer is None:
            yield None
            return
        with self.tracer.start_as_current_span(span_name) as otel_span:
            otel_span.set_attribute(SYSTEM, "elasticsearch")
            otel_span.set_attribute(OPERATION, span_name)
            yield otel_span

    @contextlib.contextmanager
    def use_span(self, span: Any | None) -> Iterator[Any | None]:
        """Makes a helper's span current in another thread (parallel_bulk's workers)."""
        if not self.enabled or span is None:
            yield span
            return
        from opentelemetry import trace

        with trace.use_span(span):
            yield span
