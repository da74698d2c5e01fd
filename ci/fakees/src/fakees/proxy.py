"""A forward HTTP proxy on 127.0.0.1 for tests of proxy support (test support only).

It does what a corporate proxy in front of Elasticsearch does, and nothing more:

- an absolute-form request (``GET http://127.0.0.1:9200/_search HTTP/1.1``) is forwarded to
  that origin in origin form (``GET /_search``) and its answer relayed back;
- ``CONNECT host:port`` opens a TCP tunnel: after ``200 Connection established`` bytes are
  copied both ways untouched, so TLS runs end to end between the client and the server;
- with ``auth=(user, password)`` every request without that ``Proxy-Authorization: Basic``
  gets ``407 Proxy Authentication Required``.

Every request it receives is kept in ``requests`` (a ``ProxiedRequest``), so a test can
check that its traffic really went through the proxy, how, and with which credentials.
"""

from __future__ import annotations

import base64
import http.client
import selectors
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

__all__ = ["FakeProxy", "ProxiedRequest"]

# Hop-by-hop headers (RFC 9110 7.6.1) and the proxy's own: never forwarded upstream.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
_UPSTREAM_TIMEOUT = 30.0


@dataclass
class ProxiedRequest:
    """One request as the proxy received it (header names lower-cased)."""

    method: str
    target: str  # as sent: "http://host:port/path?query" or, for CONNECT, "host:port"
    headers: dict[str, str]
    status: int = 0  # what the proxy answered: 200 (tunnel or relayed), 400, 407, 502...

    @property
    def tunnel(self) -> bool:
        """Whether this was a CONNECT (an https request goes through a tunnel)."""
        return self.method == "CONNECT"

    @property
    def proxy_authorization(self) -> str | None:
        return self.headers.get("proxy-authorization")

    @property
    def host_port(self) -> tuple[str, int]:
        """The origin the request was for."""
        if self.tunnel:
            host, _, port = self.target.rpartition(":")
            return host.strip("[]"), int(port)
        parts = urlsplit(self.target)
        return parts.hostname or "", parts.port or 80


class FakeProxy:
    """A threaded forward proxy on a free port of 127.0.0.1; ``close()`` stops it."""

    __test__ = False

    def __init__(self, auth: tuple[str, str] | None = None) -> None:
        self.requests: list[ProxiedRequest] = []
        self.expected_authorization: str | None = None
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            self.expected_authorization = f"Basic {token}"
        self._lock = threading.Lock()
        self._connections = 0
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _bind(self))
        self._httpd.daemon_threads = True
        self.port: int = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def url_with_auth(self, user: str, password: str) -> str:
        """The proxy URL with credentials in it (percent-encode them if they need it)."""
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    @property
    def connections_opened(self) -> int:
        return self._connections

    @property
    def tunnels(self) -> list[ProxiedRequest]:
        return [r for r in self.requests if r.tunnel]

    @property
    def forwarded(self) -> list[ProxiedRequest]:
        return [r for r in self.requests if not r.tunnel]

    def _new_connection(self) -> None:
        with self._lock:
            self._connections += 1

    def _record(self, request: ProxiedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _bind(owner: FakeProxy) -> type[BaseHTTPRequestHandler]:
    class _ProxyHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def setup(self) -> None:
            super().setup()
            owner._new_connection()

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)

        def _read_body(self) -> bytes:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                while self.rfile.readline().strip():
                    pass
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _admitted(self, request: ProxiedRequest) -> bool:
            """Answers 407 (and closes) when the proxy wants credentials it did not get."""
            expected = owner.expected_authorization
            if expected is None or request.proxy_authorization == expected:
                return True
            request.status = 407
            self.close_connection = True
            self._reply(407, b"proxy credentials required", {"Proxy-Authenticate": 'Basic realm="fakees"'})
            return False

        def _forward(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            request = ProxiedRequest(self.command, self.path, headers)
            owner._record(request)
            body = self._read_body()
            if not self._admitted(request):
                return
            parts = urlsplit(self.path)
            if parts.scheme != "http" or not parts.hostname:
                request.status = 400
                self._reply(400, b"a proxy takes absolute-form targets (http://host:port/path)")
                return
            origin_target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            upstream = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=_UPSTREAM_TIMEOUT)
            try:
                upstream.putrequest(self.command, origin_target, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                        upstream.putheader(name, value)
                if body or self.command in ("POST", "PUT", "PATCH"):
                    upstream.putheader("Content-Length", str(len(body)))
                upstream.endheaders(body or None)
                response = upstream.getresponse()
                data = response.read()
                relayed = {
                    name: value
                    for name, value in response.getheaders()
                    if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length"
                }
            except OSError as e:
                request.status = 502
                self._reply(502, f"upstream unreachable: {e}".encode())
                return
            finally:
                upstream.close()
            request.status = response.status
            self.log_request(response.status)
            self.send_response_only(response.status, response.reason)  # the origin's Server and Date
            for name, value in relayed.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def do_CONNECT(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            request = ProxiedRequest("CONNECT", self.path, headers)
            owner._record(request)
            if not self._admitted(request):
                return
            try:
                host, port = request.host_port
                upstream = socket.create_connection((host, port), timeout=_UPSTREAM_TIMEOUT)
            except (OSError, ValueError) as e:
                request.status = 502
                self.close_connection = True
                self._reply(502, f"upstream unreachable: {e}".encode())
                return
            request.status = 200
            self.close_connection = True  # the connection is the tunnel's from now on
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.flush()
            with upstream:
                upstream.settimeout(None)
                _relay(self.connection, upstream, self._buffered())

        def _buffered(self) -> bytes:
            """Bytes the client sent after the CONNECT head that the reader holds already."""
            self.connection.setblocking(False)
            try:
                return self.rfile.read1(65536) or b""
            except (BlockingIOError, OSError):
                return b""
            finally:
                self.connection.setblocking(True)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _forward

    return _ProxyHandler


def _relay(client: socket.socket, upstream: socket.socket, pending: bytes) -> None:
    """Copies bytes both ways until either side closes."""
    if pending:
        upstream.sendall(pending)
    peer = {client: upstream, upstream: client}
    with selectors.DefaultSelector() as selector:
        selector.register(client, selectors.EVENT_READ)
        selector.register(upstream, selectors.EVENT_READ)
        while True:
            for key, _ in selector.select():
                source: socket.socket = key.fileobj  # type: ignore[assignment]
                try:
                    data = source.recv(65536)
                    if not data:
                        return
                    peer[source].sendall(data)
                except OSError:
                    return
