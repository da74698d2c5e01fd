"""The scripted fake server: a real threaded HTTP/1.1 server on 127.0.0.1.

Tests talk to it through real sockets, so the HTTP libraries under test run their own code
end to end; what it answers is scripted per test and every request is kept for assertions.
"""

from __future__ import annotations

import gzip as gzip_module
import json
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl

__all__ = ["FakeServer", "Handler", "Reply", "Request", "Route", "free_port", "sequence"]

Action = Literal["answer", "close", "reset", "raw"]


@dataclass
class Request:
    """One request as it reached the socket (header names lower-cased)."""

    method: str
    target: str  # the request target as sent: path and query
    headers: dict[str, str]
    body: bytes
    connection_id: int = 0  # which TCP connection carried it, counted from 1

    @property
    def path(self) -> str:
        """The target without its query (not parsed as a URL: ``//x`` stays a path)."""
        return self.target.partition("?")[0]

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(self.target.partition("?")[2], keep_blank_values=True))

    def json(self) -> Any:
        return json.loads(self.body)

    def ndjson(self) -> list[Any]:
        return [json.loads(line) for line in self.body.splitlines() if line.strip()]


@dataclass
class Reply:
    """What to answer. Dicts and lists go out as JSON, str as text, bytes as they are.

    ``action`` scripts misbehaviour instead of an answer: ``"close"`` closes the connection
    without a byte, ``"reset"`` resets it (RST), ``"raw"`` sends ``raw`` as is and closes
    (a truncated response, say). ``delay`` waits before any of them; ``trickle`` sends the
    body one byte at a time, waiting that many seconds before each (a slow server).
    """

    status: int = 200
    body: Any = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    product: bool = True  # send X-Elastic-Product: Elasticsearch (``headers`` may override)
    delay: float = 0.0
    gzip: bool = False
    repeated_headers: list[tuple[str, str]] = field(default_factory=list)  # sent as is, duplicates kept
    action: Action = "answer"
    raw: bytes = b""
    trickle: float = 0.0

    def encode(self) -> tuple[bytes, dict[str, str]]:
        """The body's bytes and the headers to send with them (without Content-Length)."""
        headers = {"X-Elastic-Product": "Elasticsearch"} if self.product else {}
        headers.update(self.headers)
        if isinstance(self.body, (dict, list)):
            data = json.dumps(self.body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(self.body, str):
            data = self.body.encode()
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        else:
            data = bytes(self.body)
            headers.setdefault("Content-Type", "application/json")
        if self.gzip:
            data = gzip_module.compress(data)
            headers["Content-Encoding"] = "gzip"
        return data, headers


Handler = Callable[[Request], Reply]
Route = Reply | Handler


def sequence(*replies: Reply) -> Handler:
    """A route answering with each reply in turn, then repeating the last one."""
    pending: Iterator[Reply] = iter(replies)
    last = replies[-1]
    lock = threading.Lock()

    def route(request: Request) -> Reply:
        with lock:
            return next(pending, last)

    return route


class FakeServer:
    """A threaded HTTP/1.1 server on a free port of 127.0.0.1 (TLS with ``ssl_context``).

    Answers come from ``handler`` when set (``respond()`` sets one), else from
    ``routes[(method, path)]``, else from ``default``; a route is a ``Reply`` or a callable
    taking the ``Request``. Every request is appended to ``requests`` before it is answered.
    """

    __test__ = False  # not a test class, whatever the importing module is called

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self.requests: list[Request] = []
        self.routes: dict[tuple[str, str], Route] = {}
        self.default: Route = Reply()
        self.handler: Handler | None = None
        self._lock = threading.Lock()
        self._connections = 0
        self._finished = 0
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _bind(self))
        self._httpd.daemon_threads = True  # a delayed answer never holds up close()
        self._httpd.socket.listen(128)  # the default backlog of 5 drops concurrent connects: 1s SYN retries
        if ssl_context is not None:
            self._httpd.socket = ssl_context.wrap_socket(self._httpd.socket, server_side=True)
        self.port: int = self._httpd.server_address[1]
        self.url = f"{'https' if ssl_context else 'http'}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def route(self, method: str, path: str, reply: Route) -> None:
        """Answer ``method path`` (query ignored) with ``reply``."""
        self.routes[(method, path)] = reply

    def respond(self, *replies: Reply) -> None:
        """Answer every request with these replies in order, repeating the last one."""
        self.handler = sequence(*replies)

    def reply_for(self, request: Request) -> Reply:
        route = self.handler or self.routes.get((request.method, request.path), self.default)
        return route(request) if callable(route) else route

    @property
    def last(self) -> Request:
        return self.requests[-1]

    @property
    def connections_opened(self) -> int:
        return self._connections

    @property
    def connections_open(self) -> int:
        """Connections accepted and not yet closed (by the client, or by a scripted action)."""
        with self._lock:
            return self._connections - self._finished

    def wait_connections_open(self, count: int, timeout: float = 5.0) -> bool:
        """Whether ``connections_open`` came to ``count`` within ``timeout`` seconds: the
        server notices a client's close only when its read returns."""
        deadline = time.monotonic() + timeout
        while self.connections_open != count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _connection_finished(self) -> None:
        with self._lock:
            self._finished += 1

    def _new_connection(self) -> int:
        with self._lock:
            self._connections += 1
            return self._connections

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    stop = close

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _bind(owner: FakeServer) -> type[BaseHTTPRequestHandler]:
    """A request-handler class that reports to ``owner``."""

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes: no 40ms stall
        connection_id = 0

        def setup(self) -> None:
            super().setup()
            self.connection_id = owner._new_connection()

        def finish(self) -> None:
            try:
                super().finish()
            finally:
                owner._connection_finished()

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _read_body(self) -> bytes:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                while self.rfile.readline().strip():  # trailers
                    pass
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _handle(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            request = Request(self.command, self.path, headers, self._read_body(), self.connection_id)
            owner._record(request)
            reply = owner.reply_for(request)
            if reply.delay:
                time.sleep(reply.delay)
            try:
                if reply.action == "answer":
                    self._answer(reply)
                    return
                self.close_connection = True
                if reply.action == "raw":
                    self.wfile.write(reply.raw)
                    self.wfile.flush()
                elif reply.action == "reset":  # linger 0: close() sends RST instead of FIN
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
            except OSError:  # the client gave up waiting (timeout tests)
                self.close_connection = True

        def _answer(self, reply: Reply) -> None:
            data, headers = reply.encode()
            self.send_response(reply.status)
            for name, value in [*headers.items(), *reply.repeated_headers]:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if not reply.trickle:
                self.wfile.write(data)
                return
            for i in range(len(data)):
                time.sleep(reply.trickle)
                self.wfile.write(data[i : i + 1])

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle

    return _Handler


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
