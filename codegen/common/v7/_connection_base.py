"""7.x connection options -> the shared transport's ``NodeConfig``, and ``ConnectionBase``.

In 7.x each host became a ``Connection`` built from ``{**client_kwargs, **host_dict}``.
Here the same merged options become a ``NodeConfig`` for ``elastic_transport``; the
connection classes only name which HTTP library the nodes use. They also work standalone
(``perform_request`` returning ``(status, headers, data)``), over one node: ``ConnectionBase``
holds all of that but the I/O. ``Connection`` (``connection/base.py``, the sync twin of
``_async/_connection.py``) sends through the node itself; the urllib3, requests and aiohttp
classes send, as 7.x did, with the node's pool or session (``pool.urlopen``,
``session.send``, ``session.request``) and their own headers, so that code and tests
working on those objects keep working.
"""

from __future__ import annotations

import binascii
import contextlib
import contextvars
import gzip
import logging
import platform
import warnings
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import unquote, urlencode, urlparse

import elastic_transport
from elastic_transport import BaseNode, NodeConfig
from elastic_transport._models import LowercaseHeaders
from elastic_transport._node import NODE_CLASSES, node_class_for
from elastic_transport.client_utils import _auth_header, _encode_credentials

from . import _profile
from ._mimetypes import BINARY_MIMETYPES, base_mimetype
from ._stacklevel import warn_stacklevel
from ._warnings import emit_server_warnings
from .exceptions import (
    ConnectionError,
    ConnectionTimeout,
    ImproperlyConfigured,
    ImproperlyConfiguredValue,
    SSLError,
    from_transport_error,
    http_error,
)

# What the 7.x ``connection.base`` module offered, besides ``Connection``: ``connection/base.py``
# imports (and so re-exports) all of it from here.
__all__ = [
    "auth_header_value",
    "base_mimetype",
    "BaseNode",
    "_basic_auth_header",
    "BINARY_MIMETYPES",
    "cloud_address",
    "ConnectionBase",
    "connection_failure",
    "constructor_options",
    "decode_body",
    "decode_error_body",
    "emit_server_warnings",
    "from_transport_error",
    "gzip_body",
    "http_error",
    "ImproperlyConfigured",
    "is_requests_auth",
    "logger",
    "lower_headers",
    "node_class_by_name",
    "node_class_for_configs",
    "node_class_name",
    "_NODE_CLASS_NAMES",
    "node_config_from_options",
    "NodeConfig",
    "normalize_hosts",
    "POOL_OPTIONS",
    "quiet_construction",
    "_profile",
    "REQUESTS_AUTH_EXTRA",
    "SSL_CONTEXT_WARNING",
    "target_with_params",
    "tracer",
    "_TLS_FILES",
    "USER_AGENT",
    "warn_stacklevel",
]

# 7.x wrote a line per request to "elasticsearch" and a curl command per request to
# "elasticsearch.trace" (the standalone connections still do).
logger = logging.getLogger("elasticsearch")
tracer = logging.getLogger("elasticsearch.trace")

USER_AGENT = f"{_profile.USER_AGENT_NAME}/{_profile.CLIENT_VERSION} (Python {platform.python_version()})"

# Options that configure the node pool or the transport, not a node; they arrive in the
# same **kwargs as the node options (7.x passed them on to the connection pool).
POOL_OPTIONS = frozenset({"dead_timeout", "timeout_cutoff", "selector_class", "randomize_hosts"})
_TLS_FILES = ("ca_certs", "client_cert", "client_key", "ssl_version")
REQUESTS_AUTH_EXTRA = "requests.session.auth"
# The options an ``ssl_context`` replaces; giving one of them too is warned about (7.x's text).
_SSL_CONTEXT_OVERRIDES = ("verify_certs", "ssl_show_warn", *_TLS_FILES[:3], "ssl_version")
SSL_CONTEXT_WARNING = "When using `ssl_context`, all other SSL related kwargs are ignored"

# Set while the client builds connection objects from options it resolved itself (not the
# user's): their construction warnings were already given once, for the user's options.
_QUIET: contextvars.ContextVar[bool | None] = contextvars.ContextVar("elasticsearch7_quiet", default=None)


@contextlib.contextmanager
def quiet_construction() -> Iterator[None]:
    """Connections built inside give no warnings about their TLS options."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def normalize_hosts(hosts: Any) -> list[Any]:
    """``hosts`` as 7.x accepted it -> a list of host dicts (URL strings are parsed).

    ``None`` is one default host (``{}``); a string or a single dict is one host; dicts
    (and ``NodeConfig`` objects) in a list are kept as they are. A URL sets ``host`` and
    ``port``; ``https`` adds ``use_ssl`` (and port 443 when none is given); credentials
    become ``http_auth``; a path other than ``/`` becomes ``url_prefix``.
    """
    if hosts is None:
        return [{}]
    if isinstance(hosts, (str, Mapping, NodeConfig)):
        hosts = [hosts]
    normalized: list[Any] = []
    for host in hosts:
        if not isinstance(host, str):
            normalized.append(host)
            continue
        parsed = urlparse(host if "://" in host else "//" + host)
        if not parsed.hostname:
            raise ImproperlyConfiguredValue(f"Host {host!r} names no host: give a host name or address")
        entry: dict[str, Any] = {"host": parsed.hostname}
        if parsed.port:
            entry["port"] = parsed.port
        if parsed.scheme == "https":
            entry["port"] = parsed.port or 443
            entry["use_ssl"] = True
        if parsed.username or parsed.password:
            entry["http_auth"] = f"{unquote(parsed.username or '')}:{unquote(parsed.password or '')}"
        if parsed.path and parsed.path != "/":
            entry["url_prefix"] = parsed.path
        normalized.append(entry)
    return normalized


def auth_header_value(value: Any) -> str:
    """``("id", "key")`` -> base64 of ``id:key``; a str or bytes is taken as already encoded."""
    if isinstance(value, (tuple, list)):
        return _encode_credentials(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def _basic_auth_header(http_auth: Any) -> str:
    """Constructor-level ``http_auth``: ``("user", "pass")`` or ``"user:pass"``, always encoded."""
    return _auth_header("Basic", http_auth)


def constructor_options(arguments: Mapping[str, Any], *, ignored: tuple[str, ...] = ()) -> dict[str, Any]:
    """A connection constructor's ``locals()`` -> the options for ``ConnectionBase.__init__``: its
    named arguments plus its ``**kwargs``, so each HTTP library's class keeps its 7.x signature
    without repeating every argument."""
    options = {k: v for k, v in arguments.items() if k not in ("self", "kwargs", "__class__", *ignored)}
    options.update(arguments.get("kwargs") or {})
    return options


def cloud_address(cloud_id: str) -> tuple[str, int]:
    """The Elasticsearch host and port encoded in an Elastic Cloud ID."""
    try:
        parsed = elastic_transport.client_utils.parse_cloud_id(cloud_id)
    except (ValueError, binascii.Error):
        raise ImproperlyConfigured("'cloud_id' is not properly formatted") from None
    assert parsed.es_address is not None
    return parsed.es_address


def is_requests_auth(http_auth: Any) -> bool:
    """Whether ``http_auth`` is an auth object for requests (e.g. AWS request signing)."""
    return http_auth is not None and not isinstance(http_auth, (str, bytes, tuple, list))


def node_config_from_options(options: Mapping[str, Any]) -> NodeConfig:
    """One node's configuration from the merged 7.x host dict and client keyword arguments.

    Follows 7.x: ``use_ssl`` or ``scheme="https"`` select TLS, ``port`` defaults to 9200,
    a ``cloud_id`` decides host and TLS (the host dict may still set the port) and turns
    ``http_compress`` on unless it was given. TLS file options are ignored for plain
    HTTP, ``ca_certs`` when ``verify_certs=False``, and everything but the context when an
    ``ssl_context`` is given. Unknown options are ignored, as 7.x ignored them.
    """
    host = options.get("host") or "localhost"
    port = options.get("port")
    use_ssl = bool(options.get("use_ssl")) or str(options.get("scheme") or "").lower() == "https"
    http_compress = options.get("http_compress")
    cloud_id = options.get("cloud_id")
    # As in 7.x: any other TLS option given next to a context is ignored, whatever the scheme.
    if (
        options.get("ssl_context") is not None
        and _QUIET.get() is None
        and any(options.get(name) is not None for name in _SSL_CONTEXT_OVERRIDES)
    ):
        warnings.warn(SSL_CONTEXT_WARNING, stacklevel=warn_stacklevel())
    if cloud_id:
        host, cloud_port = cloud_address(cloud_id)
        if port is None:
            port = cloud_port
        use_ssl = True
        if http_compress is None:
            http_compress = True
    if port is None:
        port = 9200

    headers = {str(k).lower(): v for k, v in (options.get("headers") or {}).items()}
    headers.setdefault("user-agent", USER_AGENT)
    extras: dict[str, Any] = {}
    http_auth = options.get("http_auth")
    api_key = options.get("api_key")
    if is_requests_auth(http_auth):
        extras[REQUESTS_AUTH_EXTRA] = http_auth
    elif http_auth is not None:
        headers["authorization"] = _basic_auth_header(http_auth)
    elif api_key is not None:
        headers["authorization"] = "ApiKey " + auth_header_value(api_key)
    if options.get("opaque_id"):
        headers["x-opaque-id"] = options["opaque_id"]

    fields: dict[str, Any] = {
        "scheme": "https" if use_ssl else "http",
        "host": host,
        "port": int(port),
        "path_prefix": options.get("url_prefix") or "",
        "headers": headers,
        "connections_per_node": options.get("maxsize") or 10,
        "request_timeout": options.get("timeout", 10),
        "http_compress": bool(http_compress),
        "_extras": extras,
    }
    if use_ssl:
        verify_certs = options.get("verify_certs")
        fields["verify_certs"] = True if verify_certs is None else bool(verify_certs)
        show_warn = options.get("ssl_show_warn")
        fields["ssl_show_warn"] = True if show_warn is None else bool(show_warn)
        for name in ("ssl_assert_hostname", "ssl_assert_fingerprint", *_TLS_FILES, "ssl_context"):
            if options.get(name) is not None:
                fields[name] = options[name]
        if fields.get("ssl_context") is not None:
            for name in _TLS_FILES:
                fields.pop(name, None)
        if not fields["verify_certs"]:
            fields.pop("ca_certs", None)
    try:
        return NodeConfig(**fields)
    except ValueError as e:
        raise ImproperlyConfiguredValue(str(e)) from None


# Library name -> node class name, from the shared transport's one registry of node classes.
_NODE_CLASS_NAMES = {entry.name: entry.class_name for entry in NODE_CLASSES}
_LIBRARY_NAMES = ", ".join(map(repr, _NODE_CLASS_NAMES))


def node_class_by_name(name: str) -> type[BaseNode]:
    """The shared transport's node class for a name; its HTTP library is imported only now."""
    if name not in _NODE_CLASS_NAMES:
        raise ImproperlyConfigured(f"Unknown HTTP library {name!r}: use one of {_LIBRARY_NAMES}")
    return node_class_for(name)


def node_class_for_configs(name: str, configs: list[NodeConfig]) -> type[BaseNode]:
    """The node class for ``name``; a requests auth object needs the requests node, which applies it."""
    if name != "requests" and any(REQUESTS_AUTH_EXTRA in config._extras for config in configs):
        raise ImproperlyConfigured(
            "'http_auth' must be a (user, password) tuple or a 'user:password' string, "
            "unless connection_class=RequestsHttpConnection is used with a requests auth object"
        )
    return node_class_by_name(name)


def node_class_name(connection_class: Any, default: str) -> str | type[BaseNode]:
    """What ``connection_class=`` means for the shared transport: a node class or its name.

    Accepts the 7.x connection classes (and subclasses), a library name such as
    ``"requests"``, or an ``elastic_transport`` node class.
    """
    if connection_class is None:
        return default
    if isinstance(connection_class, str):
        return connection_class
    if isinstance(connection_class, type):
        if issubclass(connection_class, BaseNode):
            return connection_class
        name = getattr(connection_class, "node_class", None)
        if isinstance(name, str):
            return name
    raise ImproperlyConfigured(
        f"connection_class={connection_class!r} is not supported: use Urllib3HttpConnection, "
        "RequestsHttpConnection or AIOHttpConnection (or a subclass), a library name "
        f"({_LIBRARY_NAMES}) or an elastic_transport node class"
    )


def target_with_params(url: str, params: Mapping[str, Any] | None) -> str:
    """``url`` plus the query string; values are sent as given (``params=`` is not escaped in 7.x)."""
    if not params:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def lower_headers(pairs: Any) -> dict[str, str]:
    """Response header ``(name, value)`` pairs as a dict by lower-case name, as 7.x gave them,
    that also answers any other spelling (``headers["Content-Type"]``); a repeated header's
    values joined with ", " (as one header holding them all)."""
    headers: dict[str, str] = LowercaseHeaders()
    for name, value in pairs:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def connection_failure(error: Exception, kind: str) -> Exception:
    """The 7.x error for an HTTP library's failure to get an answer; ``kind`` is "tls",
    "timeout" or "connection"."""
    if kind == "tls":
        return SSLError("N/A", str(error), error)
    if kind == "timeout":
        return ConnectionTimeout("TIMEOUT", str(error), error)
    return ConnectionError("N/A", str(error), error)


def gzip_body(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6)


def decode_error_body(raw: bytes | None) -> str:
    return raw.decode("utf-8", "surrogatepass") if raw else ""


def decode_body(raw: bytes | None, content_type: str | None) -> Any:
    """Raw response bytes as 7.x connections returned them: text, or bytes for binary types."""
    if not raw:
        return ""
    if base_mimetype(content_type) in BINARY_MIMETYPES:
        return raw
    return raw.decode("utf-8", "surrogatepass")


class ConnectionBase:
    """The 7.x connection API over one node of the shared transport, but the I/O.

    ``node_class`` names the ``elastic_transport`` node (HTTP library) that clients built
    with ``connection_class=`` this class use.
    """

    node_class: ClassVar[str] = "urllib3"
    HTTP_CLIENT_META: ClassVar[tuple[str, str] | None] = None
    # Whether ``headers`` starts with ``connection: keep-alive`` (the urllib3 and aiohttp
    # connections of 7.x list it there).
    _KEEP_ALIVE_HEADER: ClassVar[bool] = False

    def __init__(
        self,
        host: str = "localhost",
        port: int | None = None,
        use_ssl: bool = False,
        url_prefix: str = "",
        timeout: float | None = 10,
        headers: Mapping[str, str] | None = None,
        http_compress: bool | None = None,
        cloud_id: str | None = None,
        api_key: Any = None,
        opaque_id: str | None = None,
        meta_header: bool = True,
        **kwargs: Any,
    ) -> None:
        if not isinstance(meta_header, bool):
            raise TypeError("meta_header must be of type bool")
        options = dict(kwargs)
        options.update(
            host=host,
            port=port,
            use_ssl=use_ssl,
            url_prefix=url_prefix,
            timeout=timeout,
            headers=headers,
            http_compress=http_compress,
            cloud_id=cloud_id,
            api_key=api_key,
            opaque_id=opaque_id,
        )
        self.config = node_config_from_options(options)
        self.meta_header = meta_header
        self.use_ssl = self.config.scheme == "https"
        self.scheme = self.config.scheme
        self.hostname = self.config.host
        # A Cloud ID's default port (443) is left to the scheme, as in 7.x: no port is shown.
        default_cloud_port = bool(cloud_id) and port is None and self.config.port == 443
        self.port: int | None = None if default_cloud_port else self.config.port
        self.url_prefix = self.config.path_prefix
        self.timeout = self.config.request_timeout
        self.http_compress = bool(self.config.http_compress)
        # A subclass may set headers before calling this: they are kept, as in 7.x.
        own = self.__dict__.get("headers")
        headers_of_connection: dict[str, Any] = dict(own) if isinstance(own, dict) else {}
        if self._KEEP_ALIVE_HEADER:
            headers_of_connection["connection"] = "keep-alive"
        headers_of_connection.update(self.config.headers)
        if self.http_compress:
            headers_of_connection["accept-encoding"] = "gzip,deflate"
        self.headers = headers_of_connection
        host_part = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        self.host = f"{self.scheme}://{host_part}" + ("" if self.port is None else f":{self.port}")
        self._node: BaseNode | None = None
        if (
            self.use_ssl
            and not self.config.verify_certs
            and self.config.ssl_show_warn
            and _QUIET.get() is None
        ):
            warnings.warn(
                f"Connecting to {self.host} using SSL with verify_certs=False is insecure.",
                stacklevel=warn_stacklevel(),
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.host}>"

    def _raise_warnings(self, warning_headers: Any) -> None:
        """Issues an ``ElasticsearchWarning`` per message in the given ``Warning`` header values."""
        values = [str(value) for value in warning_headers or ()]
        if values:
            emit_server_warnings({"warning": ", ".join(values)})

    def _get_default_user_agent(self) -> str:
        """The User-Agent sent unless the headers set one."""
        return USER_AGENT

    def _get_node(self) -> BaseNode:
        if self._node is None:
            node_class = node_class_for_configs(self.node_class, [self.config])
            with warnings.catch_warnings():
                # The node's own TLS warning: the connection gave its own when it was made.
                warnings.simplefilter("ignore")
                self._node = node_class(self.config)
        return self._node

    def _prepare(
        self, url: str, params: Mapping[str, Any] | None, body: Any, headers: Mapping[str, str] | None
    ) -> tuple[str, bytes | None, dict[str, str]]:
        request_headers = {k.lower(): v for k, v in (headers or {}).items()}
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
        if body is not None:
            request_headers.setdefault("content-type", "application/json")
        return target_with_params(url, params), body, request_headers

    def _payload(self, body: bytes | None, headers: dict[str, str]) -> bytes | None:
        """What goes on the wire: the body gzipped (and ``headers`` saying so) with
        ``http_compress``, else the body as it is."""
        if not (self.http_compress and body):
            return body
        headers["content-encoding"] = "gzip"
        return gzip_body(body)

    @staticmethod
    def _inflated(node: Any, raw: bytes, encoding: str | None, target: str) -> bytes:
        """A compressed answer inflated by the node (within its ``max_decompressed_size``)."""
        return node._decompress(raw, encoding, target) if encoding and raw else raw

    def _finish(
        self, meta: elastic_transport.ApiResponseMeta, raw: bytes, ignore: Any
    ) -> tuple[int, dict[str, str], Any]:
        emit_server_warnings(meta.headers)
        if isinstance(ignore, int):
            ignore = (ignore,)
        if not 200 <= meta.status < 300 and meta.status not in ignore:
            raise http_error(meta.status, decode_error_body(raw))
        return meta.status, dict(meta.headers), decode_body(raw, meta.headers.get("content-type"))
