"""The 7.x ``Transport`` API on top of the shared ``elastic_transport.Transport``.

``perform_request(method, url, headers=None, params=None, body=None)`` returns the
deserialized body (``True``/``False`` for HEAD) and raises the 7.x exceptions. What this
layer adds to the shared transport, all as 7.17 does it:

- 7.x construction: host dicts plus client keyword arguments become node configs, the
  connection class picks the HTTP library, pool options (``dead_timeout``, ...) and the
  sniffing options map onto the shared transport's;
- the per-request ``ignore`` and ``request_timeout`` params, ``send_get_body_as``;
- the 7.14+ product check: ``GET /`` once before the first request; 401/403 there only
  warn; other error statuses raise (and the check is tried again next time); a server
  that is not a supported Elasticsearch raises ``UnsupportedProductError`` on every request;
- error statuses -> ``TransportError`` subclasses, server ``Warning`` headers ->
  ``ElasticsearchWarning``, response bodies decoded with the 7.x serializers.

``TransportBase`` here holds everything but the I/O. The I/O (requests, the product check
request, sniffing, closing) is written once, awaiting, in ``_async/transport.py``;
``transport.py`` is its sync twin, written by ``codegen/unasync.py``.
"""

from __future__ import annotations

import json
import logging
import re
import time
import warnings
import weakref
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

import elastic_transport
from elastic_transport import BaseNode, NodeConfig, NodePool, TransportApiResponse
from elastic_transport.client_utils import DEFAULT, DefaultType, client_meta_version

from . import _profile
from ._connection_base import (
    POOL_OPTIONS,
    ConnectionBase,
    decode_error_body,
    node_class_for_configs,
    node_class_name,
    node_config_from_options,
    normalize_hosts,
    target_with_params,
)
from ._connection_node import CALL, CONNECTION_OPTIONS_EXTRA, Call, connection_node_class, uses_own_io
from ._mimetypes import compat_mimetype, compat_mode
from ._stacklevel import warn_stacklevel
from ._warnings import emit_server_warnings
from .connection import Urllib3HttpConnection
from .connection_pool import ConnectionPool, DummyConnectionPool, EmptyConnectionPool, connection_of, node_of
from .exceptions import (
    AuthenticationException,
    AuthorizationException,
    ConnectionError,
    ConnectionTimeout,
    ElasticsearchWarning,
    ImproperlyConfigured,
    ImproperlyConfiguredValue,
    SerializationError,
    TransportError,
    UnsupportedProductError,
    from_transport_error,
    http_error,
)
from .serializer import DEFAULT_SERIALIZERS, Deserializer, JSONSerializer, Serializer

# What the 7.x ``transport`` module offered, besides ``Transport``: ``transport.py`` imports
# (and so re-exports) all of it from here.
__all__ = [
    "AuthenticationException",
    "AuthorizationException",
    "BaseNode",
    "CALL",
    "Call",
    "client_meta_version",
    "compat_mimetype",
    "compat_mode",
    "ConnectionError",
    "ConnectionPool",
    "ConnectionTimeout",
    "decode_error_body",
    "_DEFAULT_SERIALIZER",
    "DEFAULT_SERIALIZERS",
    "DefaultType",
    "Deserializer",
    "DummyConnectionPool",
    "ElasticsearchWarning",
    "emit_server_warnings",
    "EmptyConnectionPool",
    "from_transport_error",
    "get_host_info",
    "HostInfoCallback",
    "http_error",
    "ImproperlyConfigured",
    "JSONSerializer",
    "logger",
    "node_class_for_configs",
    "node_class_name",
    "node_of",
    "node_config_from_options",
    "NodePool",
    "normalize_hosts",
    "POOL_OPTIONS",
    "product_check",
    "_PRODUCT_ERRORS",
    "_ProductChecker",
    "_profile",
    "_RAW_SERIALIZERS",
    "SerializationError",
    "Serializer",
    "_SNIFF_TARGET",
    "target_with_params",
    "TransportApiResponse",
    "TransportBase",
    "TransportError",
    "_UNDECODED",
    "_Undecoded",
    "UNSUPPORTED_DISTRIBUTION",
    "UNSUPPORTED_PRODUCT",
    "UnsupportedProductError",
    "Urllib3HttpConnection",
    "_VERSION_RE",
    "warn_stacklevel",
]

HostInfoCallback = Callable[[dict[str, Any], dict[str, Any]], "dict[str, Any] | None"]

# 7.x logged one line per request here; applications configure this logger.
logger = logging.getLogger("elasticsearch")

_DEFAULT_SERIALIZER = JSONSerializer()
_SNIFF_TARGET = "/_nodes/_all/http"
_VERSION_RE = re.compile(r"^([0-9]+)\.([0-9]+)(?:\.([0-9]+))?")
# Results of the product check besides True.
UNSUPPORTED_PRODUCT = "unsupported_product"
UNSUPPORTED_DISTRIBUTION = "unsupported_distribution"
_PRODUCT_ERRORS = {
    UNSUPPORTED_PRODUCT: (
        "The client noticed that the server is not Elasticsearch and we do not support this unknown product"
    ),
    UNSUPPORTED_DISTRIBUTION: (
        "The client noticed that the server is not a supported distribution of Elasticsearch"
    ),
}


def get_host_info(node_info: dict[str, Any], host: dict[str, Any]) -> dict[str, Any] | None:
    """Default ``host_info_callback``: keeps every sniffed node except dedicated masters,
    which should not receive client traffic."""
    if node_info.get("roles", []) == ["master"]:
        return None
    return host


def product_check(headers: Mapping[str, str], body: Any) -> bool | str:
    """``True`` when ``GET /`` came from a supported Elasticsearch, else why not.

    From 7.14 on the server must send ``X-Elastic-Product: Elasticsearch``; 6.x up to
    7.13 must send the usual tagline, and 7.x also the ``default`` build flavor. Older
    versions, or an answer without a parseable version, are not supported.
    """
    try:
        match = _VERSION_RE.match(body["version"]["number"])
    except (KeyError, TypeError):
        return UNSUPPORTED_PRODUCT
    if match is None:
        return UNSUPPORTED_PRODUCT
    major, minor = int(match.group(1)), int(match.group(2))
    if major < 6:
        return UNSUPPORTED_PRODUCT
    if (major, minor) >= (7, 14):
        return True if headers.get("x-elastic-product") == "Elasticsearch" else UNSUPPORTED_PRODUCT
    if body.get("tagline") != "You Know, for Search":
        return UNSUPPORTED_PRODUCT
    if major == 7 and body["version"].get("build_flavor") != "default":
        return UNSUPPORTED_DISTRIBUTION
    return True


class _ProductChecker:
    """The product check under the 7.x name: its result constants and ``check_product``."""

    SUCCESS = True
    SUCCESS_RESULTS: tuple[Any, ...] = (True,)
    UNSUPPORTED_PRODUCT = UNSUPPORTED_PRODUCT
    UNSUPPORTED_DISTRIBUTION = UNSUPPORTED_DISTRIBUTION

    @staticmethod
    def check_product(headers: Mapping[str, str], response: Any) -> bool | str:
        """``True`` for a supported Elasticsearch, else one of the two constants."""
        lowered = {str(k).lower(): v for k, v in (headers or {}).items()}
        return product_check(lowered, response if isinstance(response, dict) else {})


class _Undecoded(elastic_transport.Serializer):
    """Lets bodies through the shared transport untouched, both ways.

    Request bodies arrive already serialized by the 7.x serializers; response bodies are
    decoded by this layer once the status is known, because 7.x parses error bodies
    leniently (whatever their content type) and success bodies strictly.
    """

    def loads(self, data: bytes) -> Any:
        return data

    def dumps(self, data: Any) -> bytes:
        return data if isinstance(data, bytes) else str(data).encode("utf-8", "surrogatepass")


# Every content type a response (or a user-set request Content-Type) may plausibly have;
# the shared transport would reject others before this layer sees the status.
_UNDECODED = _Undecoded()
_RAW_SERIALIZERS: dict[str, elastic_transport.Serializer] = dict.fromkeys(
    (
        "application/json",
        "application/x-ndjson",
        "application/vnd.mapbox-vector-tile",
        "application/yaml",
        "application/cbor",
        "application/smile",
        "application/octet-stream",
        "application/xml",
        "application/problem+json",
        "application/x-www-form-urlencoded",
        "text/*",
    ),
    _UNDECODED,
)


class _PoolToBeReplaced(NodePool):
    """What the shared transport builds as its node pool: only the node class it resolved;
    the 7.x transport then gives it a ``ConnectionPool`` of 7.x connections."""

    def __init__(self, node_configs: list[NodeConfig], node_class: type[BaseNode], **kwargs: Any) -> None:
        self._node_class = node_class


class TransportBase:
    """Configuration, request preparation and response handling of both 7.x transports."""

    DEFAULT_CONNECTION_CLASS: Any = Urllib3HttpConnection
    _default_node = "urllib3"
    _shared_transport_class: Any = elastic_transport.Transport

    def __init__(
        self,
        hosts: Any,
        connection_class: Any = None,
        connection_pool_class: Any = ConnectionPool,
        host_info_callback: HostInfoCallback = get_host_info,
        sniff_on_start: bool = False,
        sniffer_timeout: float | None = None,
        sniff_timeout: float | None = 0.1,
        sniff_on_connection_fail: bool = False,
        serializer: Serializer = _DEFAULT_SERIALIZER,
        serializers: Mapping[str, Serializer] | None = None,
        default_mimetype: str = "application/json",
        max_retries: int = 3,
        retry_on_status: Collection[int] = (502, 503, 504),
        retry_on_timeout: bool = False,
        send_get_body_as: str = "GET",
        meta_header: bool = True,
        **kwargs: Any,
    ) -> None:
        if connection_class is None:
            connection_class = self.DEFAULT_CONNECTION_CLASS
        if not isinstance(meta_header, bool):
            raise TypeError("meta_header must be of type bool")
        self.connection_class = connection_class
        self.connection_pool_class = connection_pool_class
        self.host_info_callback = host_info_callback
        self.sniff_on_start = sniff_on_start
        self.sniffer_timeout = sniffer_timeout
        self.sniff_timeout = sniff_timeout
        self.sniff_on_connection_fail = sniff_on_connection_fail
        self.max_retries = max_retries
        self.retry_on_status = tuple(retry_on_status)
        self.retry_on_timeout = retry_on_timeout
        self.send_get_body_as = send_get_body_as
        self.meta_header = meta_header
        self.serializer = serializer
        self.default_mimetype = default_mimetype
        all_serializers: dict[str, Serializer] = dict(DEFAULT_SERIALIZERS)
        all_serializers[serializer.mimetype] = serializer
        if serializers:
            all_serializers.update(serializers)
        self.deserializer = Deserializer(all_serializers, default_mimetype)
        self.kwargs = kwargs
        self._node_options = {k: v for k, v in kwargs.items() if k not in POOL_OPTIONS}
        if kwargs.get("cloud_id"):  # Elastic Cloud routes requests itself: no sniffing
            self.sniff_on_start = self.sniff_on_connection_fail = False
        if send_get_body_as != "GET":
            warnings.warn(
                "The 'send_get_body_as' parameter is no longer necessary and will be removed in 8.0",
                category=DeprecationWarning,
                stacklevel=warn_stacklevel(),
            )
        # A connection class with its own perform_request sends every request itself.
        self._own_io = uses_own_io(connection_class)
        self.hosts: list[Any] = (
            normalize_hosts(hosts) if hosts is None or isinstance(hosts, (str, Mapping)) else list(hosts)
        )
        # None: not checked yet; True: a supported Elasticsearch; else a product check result.
        self._verified_elasticsearch: bool | str | None = None
        is_connection = isinstance(connection_class, type) and issubclass(connection_class, ConnectionBase)
        # The class of the Connection objects over nodes the shared transport's HTTP nodes.
        self._view_class = connection_class if is_connection else self.DEFAULT_CONNECTION_CLASS
        self._views: weakref.WeakKeyDictionary[BaseNode, Any] = weakref.WeakKeyDictionary()
        self._transport = self._create_transport(kwargs)
        self._node_class: type[BaseNode] = self._transport.node_pool.node_class
        self._replace_pool(self.hosts)
        self.seed_connections: list[Any] = list(self.connection_pool.connections)
        self.last_sniff = self._clock()

    # -- construction -------------------------------------------------------------------

    def _node_config(self, host: Any) -> NodeConfig:
        if isinstance(host, NodeConfig):
            return host
        if isinstance(host, str):
            host = normalize_hosts(host)[0]
        options = {**self._node_options, **host}
        config = node_config_from_options(options)
        if self._own_io:
            config = config.replace(_extras={**config._extras, CONNECTION_OPTIONS_EXTRA: options})
        return config

    def _create_transport(self, kwargs: Mapping[str, Any]) -> Any:
        if not self.hosts:
            raise ImproperlyConfigured("No hosts were given: at least one host is needed")
        configs = [self._node_config(host) for host in self.hosts]
        node_class: Any
        if self._own_io:
            library = getattr(self.connection_class, "node_class", self._default_node)
            node_class_for_configs(library, configs)  # checks the auth
            node_class = connection_node_class(self.connection_class, self._default_node == "aiohttp")
        else:
            node_class = node_class_name(self.connection_class, self._default_node)
            if isinstance(node_class, str):
                node_class = node_class_for_configs(node_class, configs)
        pool_class = self.connection_pool_class
        if pool_class is None or pool_class in (DummyConnectionPool, EmptyConnectionPool):
            self.connection_pool_class = pool_class = ConnectionPool
        if not (isinstance(pool_class, type) and issubclass(pool_class, ConnectionPool)):
            raise ImproperlyConfigured(
                f"connection_pool_class={pool_class!r} is not supported: use ConnectionPool "
                "or a subclass of it"
            )
        on_failure = self.sniff_on_connection_fail and not self._sniff_on_failure_in_pool()
        options: dict[str, Any] = {
            "node_class": node_class,
            # The 7.x pool replaces this one right after (see _replace_pool).
            "node_pool_class": _PoolToBeReplaced,
            "max_retries": self.max_retries,
            "retry_on_status": self.retry_on_status,
            "retry_on_timeout": self.retry_on_timeout,
            "sniff_on_node_failure": on_failure,
            "sniff_timeout": self.sniff_timeout,
            "min_delay_between_sniffing": 0.0,
            # Only with sniffing on (the shared transport refuses an idle callback).
            "sniff_callback": self._sniff_callback() if on_failure else None,
            "serializers": _RAW_SERIALIZERS,
            "default_mimetype": "application/json",
            "meta_header": self.meta_header,
            "client_meta_service": (
                _profile.CLIENT_META_SERVICE,
                client_meta_version(_profile.CLIENT_VERSION),
            ),
        }
        try:
            return self._shared_transport_class(configs, **options)
        except ValueError as e:  # e.g. a sync connection class for the async transport
            raise ImproperlyConfiguredValue(str(e)) from e

    @staticmethod
    def _clock() -> float:
        """The clock of ``last_sniff``."""
        return time.time()

    def _sniff_on_failure_in_pool(self) -> bool:
        """Whether a connection failure starts the sniff through the pool's ``on_failure``
        (the asyncio transport: a sniff task) rather than the shared transport."""
        return False

    def _connection_failed(self, connection: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError()

    def _sniff_callback(self) -> Callable[..., Any]:  # pragma: no cover - overridden
        raise NotImplementedError()

    # -- sniffing ----------------------------------------------------------------------

    @staticmethod
    def _host_from_node_info(node_info: dict[str, Any]) -> dict[str, Any] | None:
        """``{"host", "port"}`` from a node's HTTP publish address, as 7.x read it."""
        address = (node_info.get("http") or {}).get("publish_address")
        if not address or ":" not in address:
            return None
        if "/" in address:
            fqdn, ip_port = address.split("/", 1)
            ip, _, port = ip_port.rpartition(":")
            host = fqdn or ip
        else:
            host, _, port = address.rpartition(":")
        return {"host": host.strip("[]"), "port": int(port)}

    def _sniffed_hosts(self, raw: Any, template: NodeConfig) -> list[tuple[dict[str, Any], NodeConfig]]:
        """The host dicts (passed through ``host_info_callback``) and node configs of the
        nodes a sniff found.

        A node keeps the settings of the node that answered (scheme, TLS, headers) unless
        the callback returns more than host and port; then it is built from the client's
        options like the initial hosts.
        """
        data = raw if isinstance(raw, dict) else json.loads(raw)
        found: list[tuple[dict[str, Any], NodeConfig]] = []
        for node_info in (data.get("nodes") or {}).values():
            host = self._host_from_node_info(node_info)
            if host is None:
                continue
            host = self.host_info_callback(node_info, host)
            if host is None:
                continue
            if set(host) <= {"host", "port"}:
                found.append((host, template.replace(host=host["host"], port=int(host["port"]))))
            else:
                found.append((host, self._node_config(host)))
        return found

    def _sniff_due(self) -> bool:
        every = self.sniffer_timeout
        return every is not None and every > 0 and self._clock() >= self.last_sniff + every

    # -- requests ----------------------------------------------------------------------

    def _resolve_request_args(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        params: Mapping[str, Any] | None,
        body: Any,
    ) -> tuple[str, str, dict[str, str], bytes | None, tuple[int, ...], Any]:
        """Method, target, headers, body bytes, ignored statuses and timeout of one request."""
        query = dict(params) if params else {}
        ignore: Any = query.pop("ignore", ())
        if isinstance(ignore, int):
            ignore = (ignore,)
        timeout = query.pop("request_timeout", None)
        request_headers = {k.lower(): v for k, v in headers.items()} if headers else {}
        if body is not None:
            body = self.serializer.dumps(body)
            if method in ("HEAD", "GET") and self.send_get_body_as != "GET":
                if self.send_get_body_as == "POST":
                    method = "POST"
                elif self.send_get_body_as == "source":
                    query["source"] = body
                    body = None
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
        compat = compat_mode()
        if body is not None and "content-type" not in request_headers:
            request_headers["content-type"] = (
                compat_mimetype(self.default_mimetype) if compat else self.default_mimetype
            )
        if compat and "accept" not in request_headers:
            request_headers["accept"] = compat_mimetype("application/json")
        return (
            method,
            target_with_params(url, query),
            request_headers,
            body,
            tuple(ignore),
            DEFAULT if timeout is None else timeout,
        )

    def _connection_call(
        self,
        params: Mapping[str, Any] | None,
        target: str,
        ignore: tuple[int, ...],
        headers: Mapping[str, str] | None,
    ) -> Any:
        """For a connection class with its own I/O: what it is passed for this request (the
        token to reset); ``None`` on the fast path. The connection gets the caller's headers
        as given, as in 7.x."""
        if not self._own_io:
            return None
        query = target.partition("?")[2]
        call_params = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
        return CALL.set(
            Call(call_params if params is not None or call_params else None, ignore, headers=headers)
        )

    def _special_call(self, kind: str) -> Any:
        """Like ``_connection_call`` for the product check and sniffing."""
        return CALL.set(Call(None, (), kind)) if self._own_io else None

    @staticmethod
    def _end_call(token: Any) -> None:
        if token is not None:
            CALL.reset(token)

    def _retry_statuses(self, ignore: tuple[int, ...]) -> Collection[int] | DefaultType:
        """An ignored status is an answer, not a failure: never retried (7.x didn't)."""
        if ignore and set(ignore) & set(self.retry_on_status):
            return tuple(s for s in self.retry_on_status if s not in ignore)
        return DEFAULT

    def _process_response(
        self, method: str, target: str, response: TransportApiResponse, ignore: tuple[int, ...]
    ) -> Any:
        meta, raw = response.meta, response.body
        status = meta.status
        level = logging.INFO if 200 <= status < 300 or status in ignore else logging.WARNING
        if logger.isEnabledFor(level):
            logger.log(
                level,
                "%s %s%s [status:%s request:%.3fs]",
                method,
                meta.node.url,
                target,
                status,
                meta.duration,
            )
        if "warning" in meta.headers:
            emit_server_warnings(meta.headers)
        if not 200 <= status < 300 and status not in ignore:
            if method == "HEAD" and status == 404:
                return False
            raise http_error(status, decode_error_body(raw))
        if method == "HEAD":
            return 200 <= status < 300
        if not raw:
            return ""
        return self.deserializer.loads(raw, meta.headers.get("content-type"))

    def _wrap_error(self, error: elastic_transport.TransportError) -> Exception:
        return from_transport_error(error)

    # -- product check -----------------------------------------------------------------

    @staticmethod
    def _product_check_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
        """The request's headers as the caller gave them (credentials included) for ``GET /``,
        asking for JSON unless they ask for a type already."""
        check_headers = {k.lower(): v for k, v in (headers or {}).items() if k.lower() != "content-type"}
        check_headers.setdefault("accept", "application/json")
        return check_headers

    @staticmethod
    def _product_check_result(response: TransportApiResponse) -> bool | str:
        if "warning" in response.meta.headers:
            emit_server_warnings(response.meta.headers)
        status = response.meta.status
        if status in (401, 403):
            # The 7.x wording, which programs filter warnings by.
            warnings.warn(
                "The client is unable to verify that the server is Elasticsearch due security "
                "privileges on the server side",
                category=ElasticsearchWarning,
                stacklevel=warn_stacklevel(),
            )
            return True
        if not 200 <= status < 300:
            raise http_error(status, decode_error_body(response.body))
        try:
            body = json.loads(response.body)
        except (TypeError, ValueError):
            return UNSUPPORTED_PRODUCT
        return product_check(response.meta.headers, body)

    def _raise_if_unsupported(self) -> None:
        result = self._verified_elasticsearch
        if result is not True:
            raise UnsupportedProductError(
                _PRODUCT_ERRORS.get(str(result), _PRODUCT_ERRORS[UNSUPPORTED_PRODUCT])
            )

    # -- 7.x accessors -----------------------------------------------------------------

    @property
    def connection_pool(self) -> ConnectionPool:
        """The 7.x pool of connections, which the shared transport uses as its node pool
        (a ``DummyConnectionPool`` for a single host)."""
        pool: ConnectionPool = self._transport.node_pool
        return pool

    def get_connection(self) -> Any:
        """The ``Connection`` the next request would go to."""
        return self.connection_pool.get_connection()

    def add_connection(self, host: Any) -> None:
        """Adds one more host (a 7.x host dict or URL) to the pool."""
        self.hosts.append(normalize_hosts(host)[0] if isinstance(host, str) else host)
        self._replace_pool(self.hosts)

    def _replace_pool(
        self, hosts: Sequence[Any], configs: Sequence[NodeConfig] | None = None
    ) -> list[BaseNode]:
        """Gives the shared transport a new 7.x pool holding a connection for each host; a
        host already in the pool keeps its connection. Returns the nodes no longer used,
        for closing."""
        if not hosts:
            raise ImproperlyConfigured("No hosts were given: at least one host is needed")
        old = self._transport.node_pool
        old_opts: list[tuple[Any, Any]] = list(getattr(old, "connection_opts", ()))
        entries: list[tuple[Any, Any]] = []
        for i, host in enumerate(hosts):
            connection = next((c for c, known in old_opts if known == host), None)
            if connection is None:
                config = configs[i] if configs is not None else self._node_config(host)
                node = self._node_class(config)
                connection = connection_of(node, self._view_class, self._views)
            entries.append((connection, host))
        pool: ConnectionPool
        if len(entries) == 1:
            pool = DummyConnectionPool(entries)
        else:
            pool = self.connection_pool_class(entries, **self.kwargs)
        if self._sniff_on_failure_in_pool():
            pool.on_failure = self._connection_failed
        self._transport.node_pool = pool
        # Seed connections stay open: sniffing asks them when the pool's connections fail.
        kept = {id(c) for c, _ in entries} | {id(c) for c in getattr(self, "seed_connections", ())}
        return [node_of(old, c) for c, _ in old_opts if id(c) not in kept]
