"""What every node shares: configuration, default headers, TLS setup, gzip, error mapping, logging."""

from __future__ import annotations

import logging
import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from .._exceptions import ConnectionError, ConnectionTimeout, SecurityWarning, TlsError, TransportError
from .._models import (
    _AUTH_HEADERS,
    ApiResponseMeta,
    HttpHeaders,
    LowercaseHeaders,
    NodeApiResponse,
    NodeConfig,
    hide_auth_in_headers,
    redact_url,
)
from .._version import __version__
from ..client_utils import DEFAULT, DefaultType, create_user_agent

if TYPE_CHECKING:
    import ssl

logger = logging.getLogger("elastic_transport.node")

# What a node sends as User-Agent unless its headers or the request's say otherwise.
DEFAULT_USER_AGENT = create_user_agent("elastic-transport-python", __version__)

# Response headers that hold one value (RFC 9110): when a server repeats one, the first
# value counts, in every node, instead of a joined "a, b" that means nothing.
_SINGLE_VALUE_HEADERS = frozenset({"content-type", "content-length", "content-encoding", "location"})


# How many bytes a compressed response body may inflate to, unless the NodeConfig's
# ``_extras["max_decompressed_size"]`` says otherwise (None: no limit). Elasticsearch's own
# Java client buffers at most 100 MiB of a response; 256 MiB leaves room for any real
# answer while a gzip bomb (1 MiB on the wire, 1 GiB inflated) stops at a quarter.
DEFAULT_MAX_DECOMPRESSED_SIZE = 256 * 1024 * 1024
MAX_DECOMPRESSED_SIZE_OPTION = "max_decompressed_size"


class DecompressedSizeError(TransportError):
    """A compressed response body inflates past the node's ``max_decompressed_size``."""


def decompress_body(data: bytes, encoding: str, limit: int | None, where: str) -> bytes:
    """The body of a response with ``Content-Encoding: encoding``, at most ``limit`` bytes.

    gzip and deflate are inflated here, a bounded step at a time, so a body that would
    inflate past the limit raises ``DecompressedSizeError`` having held at most the limit
    in memory. Any other encoding (br, zstd) goes to urllib3's decoders.
    """
    for coding in reversed([c.strip().lower() for c in encoding.split(",") if c.strip()]):
        if coding == "identity":
            continue
        if coding in ("gzip", "x-gzip", "deflate"):
            data = _inflate(data, coding, limit, where)
            continue
        from urllib3.response import MultiDecoder  # br, zstd: when their libraries are installed

        try:
            decoder = MultiDecoder(coding)
            data = decoder.decompress(data) + decoder.flush()
        except Exception as e:
            raise TransportError(f"Could not decode a {coding!r} response body from {where}: {e}") from None
        if limit is not None and len(data) > limit:
            raise _too_large(limit, where)
    return data


def _inflate(data: bytes, coding: str, limit: int | None, where: str) -> bytes:
    import zlib

    # gzip: possibly several members one after the other; deflate: zlib-wrapped or raw.
    if coding != "deflate":
        wbits = 16 + zlib.MAX_WBITS
    else:
        wbits = zlib.MAX_WBITS if data[:1] == b"\x78" else -zlib.MAX_WBITS
    parts: list[bytes] = []
    size = 0
    try:
        while data:
            inflater = zlib.decompressobj(wbits)
            pending = data
            while pending:
                # Bounded steps: what is held never exceeds the limit by more than one step.
                part = inflater.decompress(pending, _INFLATE_STEP)
                size += len(part)
                if limit is not None and size > limit:
                    raise _too_large(limit, where)
                parts.append(part)
                pending = inflater.unconsumed_tail
            if not inflater.eof:
                parts.append(inflater.flush())  # a truncated body: what could be inflated
                break
            data = inflater.unused_data.lstrip(b"\x00")
    except zlib.error as e:
        raise TransportError(f"Could not decode a {coding!r} response body from {where}: {e}") from None
    return parts[0] if len(parts) == 1 else b"".join(parts)


_INFLATE_STEP = 4 * 1024 * 1024


def _too_large(limit: int, where: str) -> DecompressedSizeError:
    return DecompressedSizeError(
        f"The response from {where} inflates to more than {limit} bytes, the node's "
        f"{MAX_DECOMPRESSED_SIZE_OPTION!r} (set it in NodeConfig._extras; None lifts the limit)"
    )


class ConnectionSlots:
    """At most ``connections_per_node`` requests of a node at a time, for the HTTP libraries
    whose pools would otherwise open more connections under load (requests, httpx's sync
    client): a request finding every slot taken waits for one, at most its timeout."""

    __slots__ = ("_semaphore", "_size")

    def __init__(self, size: int) -> None:
        self._size = size
        self._semaphore = threading.Semaphore(size)

    def acquire(self, timeout: float | None, node: BaseNode) -> None:
        if not self._semaphore.acquire(timeout=timeout):
            raise ConnectionTimeout(
                f"No free connection to {node._display_url} within {timeout:g}s "
                f"(all {self._size} of connections_per_node busy)"
            )

    def release(self) -> None:
        self._semaphore.release()


def deadline_reached(node: BaseNode, target: str) -> TimeoutError:
    """What a node raises when the request's deadline passes while the response streams in."""
    return TimeoutError(
        f"The request deadline passed while reading the response from {node._display_url}{target}"
    )


def deadline_left(deadline: float, node: BaseNode, target: str) -> float:
    """Seconds left until ``deadline`` (time.monotonic()); raises once none are left."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise deadline_reached(node, target)
    return left


def ssl_context_from_node_config(config: NodeConfig) -> ssl.SSLContext:
    """Builds the SSLContext a node uses, from the TLS options of its NodeConfig.

    Verification is on unless ``verify_certs=False``; a pinned fingerprint replaces chain
    verification (the leaf certificate's digest is checked by the HTTP library instead).
    """
    if config.ssl_context is not None:
        return config.ssl_context
    import ssl  # here, not at the top: plain-HTTP programs never need it

    # Without verification a CA file is not read at all (the urllib3 and aiohttp nodes accept
    # and ignore it, as the official ones do; requests and httpx refuse the pair).
    cafile = config.ca_certs if config.verify_certs else None
    ctx = ssl.create_default_context(cafile=cafile)
    if cafile is None and config.verify_certs:
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


def refuse_ca_certs_without_verification(config: NodeConfig) -> None:
    """The requests and httpx nodes refuse a CA file with verification off (the urllib3 and
    aiohttp nodes ignore it), as the official node classes do."""
    if config.verify_certs is False and config.ca_certs is not None:
        raise ValueError("You cannot use 'ca_certs' when 'verify_certs=False'")


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
            f"Connecting to {redact_url(config.url)!r} using TLS with verify_certs=False is insecure",
            stacklevel=5,
            category=SecurityWarning,
        )


class ProxySettings(NamedTuple):
    """A node's HTTP proxy as the HTTP libraries take it, read once from ``NodeConfig.proxy``.

    The credentials of the proxy URL never reach a library as part of a URL (where its
    messages or logs could show them): they become the ``Proxy-Authorization`` header.
    """

    url: str  # scheme://host:port, without credentials: the one form messages show
    host: str
    port: int
    headers: dict[str, str]  # sent to the proxy only: Proxy-Authorization, then proxy_headers
    secrets: tuple[str, ...]  # what scrub() removes from any text

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<hidden>")
        return text


def proxy_settings(config: NodeConfig) -> ProxySettings | None:
    """The node's proxy (None without one); NodeConfig has validated the URL already."""
    if config.proxy is None:
        return None
    import base64
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(config.proxy)
    host = parts.hostname or ""
    port = parts.port or 80
    headers: dict[str, str] = {}
    secrets: list[str] = []
    if parts.username is not None or parts.password is not None:
        user, password = unquote(parts.username or ""), unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        headers["Proxy-Authorization"] = f"Basic {token}"
        secrets += [token, parts.netloc.rpartition("@")[0], parts.password or "", password]
    if config.proxy_headers:
        for name, value in config.proxy_headers.items():
            headers[name] = value
            if name.lower() in _AUTH_HEADERS:
                secrets += [value, value.partition(" ")[2]]
    shown_host = f"[{host}]" if ":" in host else host
    # Longest first, so that a secret holding another is hidden whole.
    unique = sorted({s for s in secrets if s}, key=len, reverse=True)
    return ProxySettings(f"http://{shown_host}:{port}", host, port, headers, tuple(unique))


def connection_error_for(error: BaseException, kind: str, node: BaseNode | None = None) -> TransportError:
    """Wraps an HTTP library's exception into ours; ``kind`` is "tls", "timeout" or "connection".

    For a node whose URL looks like it holds credentials (see ``redact_url``) the library's
    message, which names host, port and path, is left out: only the error's type is kept.
    Through a proxy the message names it, and is self-contained (no ``errors``): the
    library's message is shown with the proxy's credentials scrubbed out of it.
    """
    cls = {"tls": TlsError, "timeout": ConnectionTimeout}.get(kind, ConnectionError)
    if node is not None and node._proxy is not None:
        proxy = node._proxy
        cause = type(error).__name__ if node._redacted else f"{type(error).__name__}({error})"
        where = f" for {node._display_url}" if node._redacted else ""
        return cls(f"{proxy.scrub(cause)}{where} (through the proxy {proxy.url})")  # type: ignore[no-any-return]
    if node is not None and node._redacted:
        return cls(f"{type(error).__name__} for {node._display_url}")  # type: ignore[no-any-return]
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
        self._headers.setdefault("connection", "keep-alive")
        self._headers.setdefault("user-agent", DEFAULT_USER_AGENT)
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
        # What messages, reprs and logs show of the URL: never something like credentials.
        self._display_url = redact_url(self.base_url)
        self._redacted = self._display_url != self.base_url
        # The HTTP proxy every request goes through (None: straight to the node).
        self._proxy = proxy_settings(config)
        self._max_decompressed_size: int | None = (config._extras or {}).get(
            MAX_DECOMPRESSED_SIZE_OPTION, DEFAULT_MAX_DECOMPRESSED_SIZE
        )
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
        return f"<{type(self).__name__}({self._display_url})>"

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
        if not body:
            return None  # an empty body is no body: nothing to compress, no content-encoding
        if self._http_compress:
            headers["content-encoding"] = "gzip"
            import gzip

            return gzip.compress(body, compresslevel=6)
        return body

    def _decompress(self, data: bytes, encoding: str, target: str) -> bytes:
        """A compressed response body inflated, within the node's ``max_decompressed_size``."""
        return decompress_body(data, encoding, self._max_decompressed_size, self._display_url + target)

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
        url = self._display_url + target
        if meta is not None:
            logger.info("%s %s [status:%s duration:%.3fs]", method, url, meta.status, meta.duration)
        else:
            logger.info("%s %s [status:N/A] failed: %r", method, url, exception)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s", _trace(method, target, headers, body, meta, response))


def _trace(
    method: str,
    target: str,
    headers: Mapping[str, str] | None,
    body: bytes | None,
    meta: ApiResponseMeta | None,
    response: bytes | None,
) -> str:
    """The exchange as curl -v shows it: ``> `` lines sent, ``< `` lines received.

    ``body`` is the request body as given, before any gzip; when no response came (a
    connection error) the HTTP version is unknown, ``HTTP/?.?``, and no ``<`` line follows.
    """
    version = "?.?" if meta is None else meta.http_version
    lines = [f"> {method} {target} HTTP/{version}"]
    lines.extend(f"> {key.title()}: {value}" for key, value in hide_auth_in_headers(headers or {}).items())
    if body:
        lines.append(f"> {_printable(body)}")
    if meta is not None:
        reason = _REASONS.get(meta.status)
        lines.append(
            f"< HTTP/{version} {meta.status} {reason}" if reason else f"< HTTP/{version} {meta.status}"
        )
        lines.extend(f"< {key.title()}: {value}" for key, value in hide_auth_in_headers(meta.headers).items())
        if response:
            lines.append(f"< {_printable(response)}")
    return "\n".join(lines)


# Status line reason phrases ("200 OK"), looked up only while tracing.
_REASONS = {status.value: status.phrase for status in HTTPStatus}


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
            lower: (entry[0], entry[1]) if len(entry) == 2 else _repeated(lower, entry[0], entry[1:])
            for lower, entry in raw._container.items()
        }
    )


def _repeated(lower: str, name: str, values: list[str]) -> tuple[str, str]:
    """A header the server sent more than once: the first value, or all of them joined."""
    if lower in _SINGLE_VALUE_HEADERS:
        return name, values[0]
    return name, ", ".join(values)


def _from_pairs(pairs: Any) -> HttpHeaders:
    """Headers from (name, value) pairs; a repeated name gets its values joined."""
    internal: dict[str, tuple[str, str]] = {}
    for key, value in pairs:
        lower = key.lower()
        previous = internal.get(lower)
        if previous is None:
            internal[lower] = (key, value)
        elif lower not in _SINGLE_VALUE_HEADERS:
            internal[lower] = (previous[0], f"{previous[1]}, {value}")
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
