"""The default node: urllib3's connection pool, one per node, with keep-alive connections."""

from __future__ import annotations

import email.parser
import http.client
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import urllib3
import urllib3.connection
from urllib3.exceptions import (
    ConnectTimeoutError,
    EmptyPoolError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError

from .._models import NodeApiResponse, NodeConfig
from ..client_utils import DEFAULT, DefaultType
from ._base import BaseNode, connection_error_for, deadline_left, response_meta, ssl_context_from_node_config

if TYPE_CHECKING:
    from urllib3._base_connection import BaseHTTPConnection


# http.client's limits for one header line and for the number of headers.
_MAX_LINE = 65536
_MAX_HEADERS = 100
_NO_BODY_STATUSES = frozenset({204, 304})


class _HeaderMessage(http.client.HTTPMessage):
    """An ``HTTPMessage`` filled from plain ``Name: value`` lines, with a case-insensitive index.

    ``email.message.Message`` answers ``get()`` by scanning every header and ``items()`` by
    running each value through its policy; for latin-1 header values both give back the
    values as parsed, so the index answers directly while nobody changes the headers.
    """

    _index: dict[str, str] | None = None

    def get(self, name: str, failobj: Any = None) -> Any:
        index = self._index
        if index is None:
            return super().get(name, failobj)
        return index.get(name.lower(), failobj)

    def items(self) -> list[tuple[str, Any]]:
        if self._index is None:
            return super().items()
        return list(self._headers)  # type: ignore[attr-defined]

    def __setitem__(self, name: str, value: Any) -> None:
        self._index = None
        super().__setitem__(name, value)

    def __delitem__(self, name: str) -> None:
        self._index = None
        super().__delitem__(name)

    def add_header(self, *args: Any, **kwargs: Any) -> None:
        self._index = None
        super().add_header(*args, **kwargs)

    def replace_header(self, *args: Any, **kwargs: Any) -> None:
        self._index = None
        super().replace_header(*args, **kwargs)

    def set_raw(self, *args: Any, **kwargs: Any) -> None:
        self._index = None
        super().set_raw(*args, **kwargs)

    def set_boundary(self, *args: Any, **kwargs: Any) -> None:
        self._index = None
        super().set_boundary(*args, **kwargs)


def _parse_header_lines(lines: list[bytes]) -> http.client.HTTPMessage:
    """Header lines (CRLF included, blank line excluded) as an ``HTTPMessage``.

    Plain ``Name: value`` lines take the fast way; anything else (folded lines, a line
    without a name) goes through the email parser, exactly as http.client does it.
    """
    headers: list[tuple[str, str]] = []
    index: dict[str, str] = {}
    for raw in lines:
        line = raw.decode("iso-8859-1")
        name, colon, value = line.partition(":")
        if not colon or not name or not name.isascii() or " " in name or "\t" in name:
            text = b"".join(lines).decode("iso-8859-1")
            return email.parser.Parser(_class=http.client.HTTPMessage).parsestr(text)  # type: ignore[return-value]
        value = value.lstrip(" \t").rstrip("\r\n")
        headers.append((name, value))
        index.setdefault(name.lower(), value)
    message = _HeaderMessage()
    message._headers = headers  # type: ignore[attr-defined]
    message._index = index
    return message


class _FastHeadersResponse(http.client.HTTPResponse):
    """http.client's response with a faster header parser.

    ``begin()`` reads the status line and headers like http.client but builds the header
    message without the email parser (a large share of a small request's CPU time), then
    decides body framing (chunked, Content-Length, connection close) the same way.
    """

    def _read_header_lines(self) -> list[bytes]:
        lines: list[bytes] = []
        while True:
            line = self.fp.readline(_MAX_LINE + 1)
            if len(line) > _MAX_LINE:
                raise http.client.LineTooLong("header line")
            if line in (b"\r\n", b"\n", b""):
                return lines
            lines.append(line)
            if len(lines) > _MAX_HEADERS:
                raise http.client.HTTPException(f"got more than {_MAX_HEADERS} headers")

    def begin(self) -> None:
        if self.headers is not None:  # already begun
            return
        while True:
            version, status, reason = self._read_status()  # type: ignore[attr-defined]
            if status != http.client.CONTINUE:
                break
            self._read_header_lines()  # an interim 100 Continue: skip its headers
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise http.client.UnknownProtocol(version)
        self.headers = self.msg = _parse_header_lines(self._read_header_lines())

        transfer_encoding = self.headers.get("transfer-encoding")
        self.chunked = bool(transfer_encoding) and transfer_encoding.lower() == "chunked"
        self.chunk_left = None
        self.will_close = self._check_close()  # type: ignore[attr-defined]
        self.length = None
        content_length = self.headers.get("content-length")
        if content_length and not self.chunked:
            try:
                length = int(content_length)
            except ValueError:
                length = -1
            self.length = length if length >= 0 else None
        if status in _NO_BODY_STATUSES or 100 <= status < 200 or self._method == "HEAD":  # type: ignore[attr-defined]
            self.length = 0
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True  # no framing: the body ends when the server closes


# Header lines already checked by http.client, by (name, value): a client sends the same few
# headers (user agent, accept, meta header, ...) with every request. Bounded, since values
# such as Content-Length vary.
_CHECKED_LINES: dict[tuple[str, str], bytes] = {}
_CHECKED_LINES_MAX = 512


class _RequestWriting(http.client.HTTPConnection):
    """Writes a header line that was checked before without checking it again.

    urllib3 and http.client validate and encode every header of every request, which is a
    visible share of a small request's CPU time. A line is only reused after http.client
    itself has produced it from the same (str) name and value.
    """

    def putheader(self, header: str | bytes, *values: Any) -> None:
        buffer: list[bytes] = self._buffer  # type: ignore[attr-defined]
        if len(values) != 1 or not buffer:  # no request line yet: let http.client refuse
            super().putheader(header, *values)
            return
        key = (header, values[0])
        line = _CHECKED_LINES.get(key)  # type: ignore[arg-type]
        if line is not None:
            buffer.append(line)
            return
        size = len(buffer)
        super().putheader(header, *values)
        if (
            len(buffer) == size + 1
            and type(header) is str
            and type(values[0]) is str
            and len(_CHECKED_LINES) < _CHECKED_LINES_MAX
        ):
            _CHECKED_LINES[key] = buffer[-1]  # type: ignore[index]


class _Connection(_RequestWriting, urllib3.connection.HTTPConnection):
    response_class = _FastHeadersResponse


class _TlsConnection(_RequestWriting, urllib3.connection.HTTPSConnection):
    response_class = _FastHeadersResponse


class HTTPConnectionPool(urllib3.HTTPConnectionPool):
    """urllib3's pool with connections that parse response headers faster."""

    ConnectionCls = _Connection


class HTTPSConnectionPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _TlsConnection


class _ForwardingPool(HTTPConnectionPool):
    """The pool of an http node behind a proxy: its connections go to the proxy, and each
    request names the node in absolute form (``GET http://es:9200/_search``); urllib3 adds
    the proxy headers to every request of a pool made by its ProxyManager."""

    origin = ""  # "http://es:9200", set by the node

    def urlopen(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        kwargs["assert_same_host"] = False  # the pool's host is the proxy's, not the node's
        return super().urlopen(method, self.origin + url, *args, **kwargs)


class QuietHTTPSConnectionPool(HTTPSConnectionPool):
    """An HTTPS pool without urllib3's per-request InsecureRequestWarning.

    Used when ``ssl_show_warn=False``: silencing it per pool avoids ``urllib3.disable_warnings()``,
    which would hide the warning for every other user of urllib3 in the process.
    """

    def _validate_conn(self, conn: BaseHTTPConnection) -> None:
        urllib3.HTTPConnectionPool._validate_conn(self, conn)
        if conn.is_closed:  # connect now, as urllib3 does, so TLS errors surface here
            conn.connect()


class Urllib3HttpNode(BaseNode):
    """Sends requests through ``urllib3.HTTPConnectionPool`` (or the HTTPS variant)."""

    _CLIENT_META_HTTP_CLIENT: ClassVar[tuple[str, str]] = ("ur", urllib3.__version__)  # type: ignore[attr-defined]

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        self._default_timeout = urllib3.Timeout(total=config.request_timeout)
        # A blocking pool: connections_per_node is a cap on the node's connections. A thread
        # finding them all busy waits for one (at most the request timeout) instead of
        # opening a connection that urllib3 would then have to discard.
        pool_kwargs: dict[str, Any] = {
            "maxsize": config.connections_per_node,
            "block": True,
            "timeout": self._default_timeout,
            "retries": False,
        }
        pool_class: type[urllib3.HTTPConnectionPool] = HTTPConnectionPool
        if config.scheme == "https":
            pool_class = HTTPSConnectionPool if config.ssl_show_warn else QuietHTTPSConnectionPool
            pool_kwargs["ssl_context"] = ssl_context_from_node_config(config)
            pool_kwargs["assert_fingerprint"] = config.ssl_assert_fingerprint
            pool_kwargs["assert_hostname"] = config.ssl_assert_hostname
        self.pool: urllib3.HTTPConnectionPool
        if self._proxy is None:
            self.pool = pool_class(config.host, config.port, **pool_kwargs)
        else:
            self.pool = self._proxied_pool(
                pool_class if config.scheme == "https" else _ForwardingPool, pool_kwargs
            )

    def _proxied_pool(
        self, pool_class: type[urllib3.HTTPConnectionPool], kwargs: dict[str, Any]
    ) -> urllib3.HTTPConnectionPool:
        """The node's one pool, through its proxy: urllib3's ProxyManager makes it with the
        proxy settings, from our pool classes (an https node's pool tunnels with CONNECT;
        an http node's pool talks to the proxy, in absolute form)."""
        assert self._proxy is not None
        manager = urllib3.ProxyManager(
            self._proxy.url, num_pools=1, proxy_headers=self._proxy.headers, **kwargs
        )
        manager.pool_classes_by_scheme = {"http": pool_class, "https": pool_class}
        pool = manager.connection_from_host(self._host, self._port, self._scheme)
        if isinstance(pool, _ForwardingPool):
            pool.origin = self.base_url[: len(self.base_url) - len(self._path_prefix)]
        return pool

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | None | DefaultType = DEFAULT,
        deadline: float | None = None,
    ) -> NodeApiResponse:
        """``deadline`` (a ``time.monotonic()`` value, from the transport's ``request_deadline``)
        bounds the reading of the body too: it is read a socket read at a time, each one
        given at most the time left."""
        request_headers = self._request_headers(headers)
        payload = body  # what goes on the wire; the trace shows ``body`` as given
        if self._http_compress:
            payload = self._compress(body, request_headers)
        pool_timeout: Any
        if request_timeout is DEFAULT:
            timeout: Any = self._default_timeout
            pool_timeout = self._config.request_timeout
        else:
            timeout = pool_timeout = request_timeout  # urllib3 takes seconds as well as a Timeout
        start = time.perf_counter()
        try:
            response = self.pool.urlopen(
                method,
                self._path_prefix + target,
                body=payload,
                headers=request_headers,
                retries=False,
                timeout=timeout,
                pool_timeout=pool_timeout,
                preload_content=deadline is None,
                decode_content=False,  # inflated below, within max_decompressed_size
            )
            if deadline is None:
                data = response.data
            else:
                data = read_body_until(response, deadline, pool_timeout, self, target)
        except (urllib3.exceptions.HTTPError, OSError) as e:
            error = connection_error_for(e, _error_kind(e), self)
            self._log_request(method, target, request_headers, body, exception=error)
            raise error from None
        meta = response_meta(
            self,
            response.status,
            "1.1" if response.version == 11 else "1.0",
            response.headers,
            time.perf_counter() - start,
        )
        encoding = meta.headers._internal.get("content-encoding")
        if encoding is not None and data:
            data = self._decompress(data, encoding[1], target)
        self._log_request(method, target, request_headers, body, meta=meta, response=data)
        return NodeApiResponse(meta, data)

    def close(self) -> None:
        self.pool.close()


# The most a single read of a body under a deadline asks for.
_READ_STEP = 64 * 1024


def read_body_until(
    response: urllib3.BaseHTTPResponse, deadline: float, timeout: float | None, node: BaseNode, target: str
) -> bytes:
    """The body of a response opened with ``preload_content=False``, as sent (not inflated).

    One socket read at a time (``read1``), the socket's timeout set to what is left of the
    deadline, or ``timeout`` when that is shorter: a server trickling bytes cannot stretch
    the request past its deadline. Whatever stops the reading, the connection is closed and
    handed back to the pool.
    """
    connection = response.connection
    sock = getattr(connection, "sock", None)
    parts: list[bytes] = []
    try:
        while True:
            left = deadline_left(deadline, node, target)
            if sock is not None:
                sock.settimeout(left if timeout is None or timeout > left else timeout)
            part = response.read1(_READ_STEP, decode_content=False)
            if not part:
                break
            parts.append(part)
    except BaseException:
        response.close()
        response.release_conn()
        raise
    response.release_conn()
    return b"".join(parts)


def _error_kind(error: Exception) -> str:
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2.x: check it first.
    if isinstance(error, SSLError):
        return "tls"
    if isinstance(error, NewConnectionError):
        return "connection"
    if isinstance(
        error, (ReadTimeoutError, ConnectTimeoutError, Urllib3TimeoutError, TimeoutError, EmptyPoolError)
    ):
        return "timeout"
    return "connection"
