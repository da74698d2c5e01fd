"""What every node shares: configuration, default headers, TLS setup, gzip, error mapping, logging."""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from .._exceptions import ConnectionError, ConnectionTimeout, SecurityWarning, TlsError, TransportError
from .._models import (
    ApiResponseMeta,
    HttpHeaders,
    LowercaseHeaders,
    NodeApiResponse,
    NodeConfig,
    hide_auth_in_headers,
)
from ..client_utils import DEFAULT, DefaultType

if TYPE_CHECKING:
    import ssl

logger = logging.getLogger("elastic_transport.node")
body_logger = logging.getLogger("elastic_transport.node.body")


def ssl_context_from_node_config(config: NodeConfig) -> ssl.SSLContext:
    """Builds the SSLContext a node uses, from the TLS options of its NodeConfig.

    Verification is on unless ``verify_certs=False``; a pinned fingerprint replaces chain
    verification (the leaf certificate's digest is checked by the HTTP library instead).
    """
    if config.ssl_context is not None:
        return config.ssl_context
    import ssl  # here, not at the top: plain-HTTP programs never need it

    ctx = ssl.create_default_context(cafile=config.ca_certs)
    if config.ca_certs is None:
        try:
            import certifi  # optional: a newer CA bundle than the system one

            ctx.load_verify_locations(cafile=certifi.where())
        except ImportError:
            pass
    if config.ssl_version is not None:
        version = (
            config.ssl_version
            if isinstance(config.ssl_version, ssl.TLSVersion)
            else _tls_version_from_protocol(int(config.ssl_version))
        )
        if version is not None:
            ctx.minimum_version = version
    if config.client_cert:
        ctx.load_cert_chain(config.client_cert, config.client_key)
    if not config.verify_certs or config.ssl_assert_fingerprint:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _tls_version_from_protocol(protocol: int) -> ssl.TLSVersion | None:
    """Maps the legacy ``ssl.PROTOCOL_*`` constants onto a minimum TLS version."""
    import ssl

    for name, version in (
        ("PROTOCOL_TLSv1", ssl.TLSVersion.TLSv1),
        ("PROTOCOL_TLSv1_1", ssl.TLSVersion.TLSv1_1),
        ("PROTOCOL_TLSv1_2", ssl.TLSVersion.TLSv1_2),
    ):
        if getattr(ssl, name, None) == protocol:
            return version
    if protocol in (ssl.PROTOCOL_TLS_CLIENT, ssl.PROTOCOL_TLS):  # "any version": no minimum
        return None
    raise ValueError(f"Unsupported 'ssl_version' {protocol!r}")


def warn_if_unverified(config: NodeConfig) -> None:
    if config.scheme == "https" and config.verify_certs is False and config.ssl_show_warn:
        warnings.warn(
            f"Connecting to {config.url!r} using TLS with verify_certs=False is insecure",
            stacklevel=5,
            category=SecurityWarning,
        )


def connection_error_for(error: BaseException, kind: str) -> TransportError:
    """Wraps an HTTP library's exception into ours; ``kind`` is "tls", "timeout" or "connection"."""
    cls = {"tls": TlsError, "timeout": ConnectionTimeout}.get(kind, ConnectionError)
    return cls(str(error), errors=(error,))  # type: ignore[arg-type]


def caused_by_tls(error: BaseException) -> bool:
    """Whether an ``ssl.SSLError`` is in the exception's chain.

    HTTP libraries often re-raise TLS failures as generic connect or read errors; the chain
    is the only reliable way to tell a bad certificate from a refused connection.
    """
    ssl = sys.modules.get("ssl")
    if ssl is None:  # nothing imported ssl, so no SSLError exists
        return False
    seen: BaseException | None = error
    for _ in range(16):  # real chains are short; the bound guards against a cyclic chain
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class BaseNode:
    """A node speaks HTTP to one host:port; subclasses wrap one HTTP library each."""

    _CLIENT_META_HTTP_CLIENT: ClassVar[tuple[str, str]] = ("", "")
    is_async: ClassVar[bool] = False

    def __init__(self, config: NodeConfig) -> None:
        self._config = config
        self._headers = HttpHeaders(config.headers)
        self._http_compress = bool(config.http_compress)
        if self._http_compress:
            self._headers.setdefault("accept-encoding", "gzip")
        # Lower-cased names so per-request headers override node headers case-insensitively.
        self._base_headers: dict[str, str] = {k.lower(): v for k, v in self._headers.items()}
        self._scheme = config.scheme
        self._host = config.host
        self._port = config.port
        self._path_prefix = config.path_prefix
        self.base_url = config.url
        if config.scheme == "https":
            warn_if_unverified(config)

    @property
    def config(self) -> NodeConfig:
        return self._config

    @property
    def headers(self) -> HttpHeaders:
        return self._headers

    @property
    def scheme(self) -> str:
        return self._scheme

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        return self._port

    @property
    def path_prefix(self) -> str:
        return self._path_prefix

    def __repr__(self) -> str:
        return f"<{type(self).__name__}({self.base_url})>"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, BaseNode):
            return NotImplemented
        return id(self) < id(other)

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | None | DefaultType = DEFAULT,
    ) -> NodeApiResponse:  # pragma: no cover - abstract
        raise NotImplementedError()

    def close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError()

    def _request_headers(self, headers: Mapping[str, str] | None) -> dict[str, str]:
        """The node's headers overridden by the request's (names already lower-case when the
        transport sends them)."""
        merged = self._base_headers.copy()
        if headers:
            if type(headers) is LowercaseHeaders:
                merged.update(headers)
            else:
                for key, value in headers.items():
                    merged[key.lower()] = value
        return merged

    def _compress(self, body: bytes | None, headers: dict[str, str]) -> bytes | None:
        """Gzips a request body when the node has ``http_compress`` on."""
        if body and self._http_compress:
            headers["content-encoding"] = "gzip"
            import gzip

            return gzip.compress(body, compresslevel=6)
        return body

    def _timeout(self, request_timeout: float | None | DefaultType) -> float | None:
        return self._config.request_timeout if request_timeout is DEFAULT else request_timeout  # type: ignore[return-value]

    def _log_request(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str] | None,
        body: bytes | None,
        meta: ApiResponseMeta | None = None,
        response: bytes | None = None,
        exception: BaseException | None = None,
    ) -> None:
        """One INFO line per request; headers and bodies at DEBUG, credentials masked."""
        if not logger.isEnabledFor(logging.INFO):
            return
        url = self.base_url + target
        if meta is not None:
            logger.info("%s %s [status:%s duration:%.3fs]", method, url, meta.status, meta.duration)
        else:
            logger.info("%s %s [status:N/A] failed: %r", method, url, exception)
        if body_logger.isEnabledFor(logging.DEBUG) or logger.isEnabledFor(logging.DEBUG):
            log = logger.debug
            log("> %s %s HTTP/1.1", method, target)
            for key, value in hide_auth_in_headers(headers or {}).items():
                log("> %s: %s", key.title(), value)
            if body is not None:
                log("> %s", _printable(body))
            if meta is not None:
                log("< HTTP/%s %s", meta.http_version, meta.status)
                for key, value in meta.headers.items():
                    log("< %s: %s", key.title(), value)
                if response is not None:
                    log("< %s", _printable(response))


def _printable(data: bytes) -> str:
    if data[:2] == b"\x1f\x8b":
        return "<gzip-compressed body>"
    return data.decode("utf-8", "replace")


class BaseAsyncNode(BaseNode):
    """A node for asyncio: ``perform_request`` and ``close`` are coroutines."""

    is_async: ClassVar[bool] = True

    async def perform_request(  # type: ignore[override]
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | None | DefaultType = DEFAULT,
    ) -> NodeApiResponse:  # pragma: no cover - abstract
        raise NotImplementedError()

    async def close(self) -> None:  # type: ignore[override]  # pragma: no cover - abstract
        raise NotImplementedError()


def _from_urllib3(raw: Any) -> HttpHeaders:
    # urllib3's HTTPHeaderDict keeps {lower: [name, *values]}: read directly, it is several
    # times cheaper than iterating the mapping.
    return HttpHeaders._from_internal(
        {
            lower: (entry[0], entry[1]) if len(entry) == 2 else (entry[0], ", ".join(entry[1:]))
            for lower, entry in raw._container.items()
        }
    )


def _from_pairs(pairs: Any) -> HttpHeaders:
    """Headers from (name, value) pairs; a repeated name gets its values joined."""
    internal: dict[str, tuple[str, str]] = {}
    for key, value in pairs:
        lower = key.lower()
        previous = internal.get(lower)
        internal[lower] = (key, value) if previous is None else (previous[0], f"{previous[1]}, {value}")
    return HttpHeaders._from_internal(internal)


def _from_multi_items(raw: Any) -> HttpHeaders:
    return _from_pairs(raw.multi_items())  # httpx: every (name, value), repeats included


def _from_items(raw: Any) -> HttpHeaders:
    # aiohttp's CIMultiDictProxy, requests, plain mappings. A comprehension first: when no
    # name repeats (the usual case) it is all there is to do.
    internal = {key.lower(): (key, value) for key, value in raw.items()}
    if len(internal) == len(raw):
        return HttpHeaders._from_internal(internal)
    return _from_pairs(raw.items())


# How to read each HTTP library's header type, found once per type (not per response).
_HEADER_READERS: dict[type, Callable[[Any], HttpHeaders]] = {}


def response_headers(raw: Any) -> HttpHeaders:
    """An HTTP library's response headers as HttpHeaders; repeated headers (Warning) are joined."""
    reader = _HEADER_READERS.get(type(raw))
    if reader is None:
        if isinstance(getattr(raw, "_container", None), dict):
            reader = _from_urllib3
        elif hasattr(raw, "multi_items"):
            reader = _from_multi_items
        else:
            reader = _from_items
        if len(_HEADER_READERS) < 16:
            _HEADER_READERS[type(raw)] = reader
    return reader(raw)


def response_meta(
    node: BaseNode, status: int, http_version: str, headers: Any, duration: float
) -> ApiResponseMeta:
    return ApiResponseMeta(
        status=status,
        http_version=http_version,
        headers=response_headers(headers),
        duration=duration,
        node=node.config,
    )
