"""Nodes that send through a user's ``Connection`` subclass.

``connection_class=`` normally only picks the HTTP library: the shared transport's node for
it sends the requests (the fast path). A subclass that overrides ``perform_request`` (to sign
requests, add headers, record them...) expects that method to be called for every request,
as 7.x did. For such a class the transport gets one of the node classes here instead: each
node owns one instance of the user's class, built from the merged host and client options,
and calls its ``perform_request(method, url, params, body, timeout=, ignore=, headers=)``.
The answer goes back to the shared transport as a status, headers and raw body, so retries,
dead-node handling, sniffing, the product check and errors by status work as for any node.
"""

from __future__ import annotations

import contextvars
import inspect
import json
import time
import warnings
from collections.abc import Callable, Mapping
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import elastic_transport
from elastic_transport import ApiResponseMeta, BaseAsyncNode, BaseNode, HttpHeaders, NodeConfig
from elastic_transport._models import NodeApiResponse
from elastic_transport.client_utils import DEFAULT, DefaultType

from ._connection_base import REQUESTS_AUTH_EXTRA, ConnectionBase, node_class_by_name
from .exceptions import HTTP_EXCEPTIONS, ConnectionError, ConnectionTimeout, SSLError, TransportError

__all__ = [
    "CONNECTION_OPTIONS_EXTRA",
    "CALL",
    "Call",
    "connection_node_class",
    "connection_options",
    "uses_own_io",
]

# NodeConfig._extras key: the 7.x options (host dict merged over the client's keyword
# arguments) a node's connection is built from.
CONNECTION_OPTIONS_EXTRA = "elasticsearch7.connection_options"

# Options resolved into the NodeConfig: the connection gets the resolved values instead.
_RESOLVED = frozenset({"cloud_id", "scheme", "api_key", "http_auth", "opaque_id", "port", "host"})


class Call:
    """What the 7.x transport passes a connection for the request being sent: the query
    parameters as given (``None`` when none were), the ignored statuses, and whether it is the
    product check or a sniff (which 7.x sent with fewer arguments)."""

    __slots__ = ("headers", "ignore", "kind", "params")

    def __init__(
        self,
        params: dict[str, Any] | None,
        ignore: tuple[int, ...],
        kind: str = "request",
        headers: Mapping[str, str] | None | DefaultType = DEFAULT,
    ) -> None:
        self.params = params
        self.ignore = ignore
        self.kind = kind  # "request", or "check" / "sniff": only headers and timeout are passed
        # The request's headers as the caller gave them (names unchanged, no Content-Type
        # added; the client meta header joins them), or DEFAULT: the headers the node gets.
        self.headers = headers


# Set by the transport around a request when its nodes send through connections.
CALL: contextvars.ContextVar[Call | None] = contextvars.ContextVar(
    "elasticsearch7_connection_call", default=None
)


def uses_own_io(connection_class: Any) -> bool:
    """Whether ``connection_class`` sends requests itself: one of ours with its
    ``perform_request`` overridden, or any other class (not a node class), whose instances
    are then the connections, as in 7.x."""
    if not isinstance(connection_class, type) or issubclass(connection_class, BaseNode):
        return False
    if not issubclass(connection_class, ConnectionBase):
        return True
    for klass in connection_class.__mro__:
        if "perform_request" in vars(klass):
            return not vars(klass).get("_BUILTIN_IO", False)
    return False


class _AllStatuses:
    """``ignore=`` for the connection: every status is an answer for the transport to judge."""

    def __contains__(self, status: object) -> bool:
        return True

    def __iter__(self) -> Any:
        return iter(range(100, 600))


_ALL_STATUSES = _AllStatuses()


def connection_options(config: NodeConfig) -> dict[str, Any]:
    """The connection's constructor arguments for ``config`` (a seed node or a sniffed one)."""
    extras = config._extras or {}
    options = {k: v for k, v in (extras.get(CONNECTION_OPTIONS_EXTRA) or {}).items() if k not in _RESOLVED}
    options.update(
        host=config.host,
        port=config.port,
        use_ssl=config.scheme == "https",
        url_prefix=config.path_prefix,
        timeout=config.request_timeout,
        headers=dict(config.headers),
        http_compress=bool(config.http_compress),
        maxsize=config.connections_per_node,
    )
    if REQUESTS_AUTH_EXTRA in extras:
        options["http_auth"] = extras[REQUESTS_AUTH_EXTRA]
    if config.scheme == "https" and config.ssl_context is None:
        # (with a context, the user's own TLS options from the extras are passed as given)
        options.update(verify_certs=config.verify_certs, ssl_show_warn=config.ssl_show_warn)
        for name in (
            "ca_certs",
            "client_cert",
            "client_key",
            "ssl_version",
            "ssl_assert_hostname",
            "ssl_assert_fingerprint",
            "ssl_context",
        ):
            value = getattr(config, name)
            if value is not None:
                options[name] = value
    return options


def _split_target(target: str) -> tuple[str, dict[str, str]]:
    path, _, query = target.partition("?")
    return path, dict(parse_qsl(query, keep_blank_values=True)) if query else {}


def _transport_error(error: TransportError) -> elastic_transport.TransportError | None:
    """A connection failure raised by the connection, as the shared transport's error (retried);
    ``None`` for an error with a status, which becomes an answer."""
    message = str(error)
    if isinstance(error, ConnectionTimeout):
        return elastic_transport.ConnectionTimeout(message, errors=(error,))
    if isinstance(error, SSLError):
        return elastic_transport.TlsError(message, errors=(error,))
    if isinstance(error, ConnectionError):
        return elastic_transport.ConnectionError(message, errors=(error,))
    return None


class _ConnectionNodeMixin:
    """What both node flavours share: building the connection, the call and the answer."""

    connection_class: ClassVar[type[Any]]
    connection: Any
    _config: NodeConfig

    def _build_connection(self) -> None:
        self.connection = self.connection_class(**connection_options(self._config))

    def _call_args(
        self, target: str, body: bytes | None, headers: Mapping[str, str] | None, request_timeout: Any
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The connection's arguments, as the 7.x transport passed them."""
        url, query = _split_target(target)
        timeout = None if request_timeout is DEFAULT else request_timeout
        call = CALL.get()
        request_headers = dict(headers) if headers else None
        if call is None:  # a request the shared transport makes by itself
            kwargs = {"timeout": timeout, "ignore": _ALL_STATUSES, "headers": request_headers}
            return (url, query or None, body), kwargs
        if call.kind == "check":
            return (url,), {"headers": request_headers, "timeout": timeout}
        if call.kind == "sniff":
            return (url,), {"timeout": timeout}
        params = call.params if call.params is not None or not query else query
        if call.headers is not DEFAULT:
            meta = headers.get("x-elastic-client-meta") if headers else None
            given = dict(call.headers) if call.headers else {}
            if meta:
                given["x-elastic-client-meta"] = meta
            request_headers = given or None
        return (url, params, body), {"headers": request_headers, "ignore": call.ignore, "timeout": timeout}

    def _answer(self, result: Any, started: float) -> NodeApiResponse:
        status, headers, data = result
        if isinstance(data, str):
            raw = data.encode("utf-8", "surrogatepass")
        elif data is None:
            raw = b""
        else:
            raw = bytes(data)
        meta = ApiResponseMeta(
            status=int(status),
            http_version="1.1",
            headers=HttpHeaders(headers or {}),
            duration=time.monotonic() - started,
            node=self._config,
        )
        return NodeApiResponse(meta, raw)

    def _error_answer(self, error: TransportError, started: float) -> NodeApiResponse:
        converted = _transport_error(error)
        if converted is not None:
            raise converted from error
        status = error.status_code
        if not isinstance(status, int):
            # An error of a status class raised without its status: the class tells it.
            status = next((code for code, cls in HTTP_EXCEPTIONS.items() if type(error) is cls), None)
            if status is None:
                raise error
        info = error.info
        if isinstance(info, (dict, list)):
            raw = json.dumps(info)
        else:
            raw = info if isinstance(info, str) else str(error.error)
        return self._answer((status, {"content-type": "application/json"}, raw), started)


def _quiet_init(init: Callable[[NodeConfig], None], config: NodeConfig) -> None:
    """The node's own setup without its TLS warnings: the connection it owns warns once itself."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        init(config)


class ConnectionNode(_ConnectionNodeMixin, BaseNode):
    """A sync node sending through its ``connection``."""

    def __init__(self, config: NodeConfig) -> None:
        _quiet_init(super().__init__, config)
        self._build_connection()

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | None | DefaultType = DEFAULT,
    ) -> NodeApiResponse:
        args, kwargs = self._call_args(target, body, headers, request_timeout)
        started = time.monotonic()
        try:
            result = self.connection.perform_request(method, *args, **kwargs)
        except TransportError as e:
            return self._error_answer(e, started)
        return self._answer(result, started)

    def close(self) -> None:
        self.connection.close()


class AsyncConnectionNode(_ConnectionNodeMixin, BaseAsyncNode):
    """An asyncio node awaiting its ``connection``."""

    def __init__(self, config: NodeConfig) -> None:
        _quiet_init(super().__init__, config)
        self._build_connection()

    async def perform_request(  # type: ignore[override]
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | None | DefaultType = DEFAULT,
    ) -> NodeApiResponse:
        args, kwargs = self._call_args(target, body, headers, request_timeout)
        started = time.monotonic()
        try:
            result = await self.connection.perform_request(method, *args, **kwargs)
        except TransportError as e:
            return self._error_answer(e, started)
        return self._answer(result, started)

    async def close(self) -> None:  # type: ignore[override]
        result = self.connection.close()
        if inspect.isawaitable(result):
            await result


def connection_node_class(connection_class: type[Any], default_async: bool = False) -> type[BaseNode]:
    """A node class whose nodes send through instances of ``connection_class`` (async when its
    ``perform_request`` is; ``default_async`` for a class without one)."""
    send = getattr(connection_class, "perform_request", None)
    is_async = default_async if send is None else inspect.iscoroutinefunction(send)
    base: type[BaseNode] = AsyncConnectionNode if is_async else ConnectionNode
    namespace: dict[str, Any] = {"connection_class": connection_class}
    own_meta = getattr(connection_class, "HTTP_CLIENT_META", None)
    if own_meta:  # the class names its own entry, as 7.x connection classes could
        namespace["_CLIENT_META_HTTP_CLIENT"] = tuple(own_meta)
        return type(f"{connection_class.__name__}Node", (base,), namespace)
    # The x-elastic-client-meta entry of the HTTP library, for a subclass of one library's
    # class; a direct subclass of Connection has none (it may send any way it likes).
    for klass in connection_class.__mro__:
        if "node_class" in vars(klass):
            library = vars(klass)["node_class"]
            if (
                isinstance(library, str)
                and klass is not ConnectionBase
                and not vars(klass).get("_ANY_LIBRARY")
            ):
                namespace["_CLIENT_META_HTTP_CLIENT"] = node_class_by_name(library)._CLIENT_META_HTTP_CLIENT
            break
    return type(f"{connection_class.__name__}Node", (base,), namespace)
