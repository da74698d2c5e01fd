"""Real HTTP servers on 127.0.0.1 for the transport tests: no mocked sockets.

``http_server`` is a threaded HTTP/1.1 server whose answers a test scripts through
``server.respond(...)``/``server.handler``; it records every request it receives
(method, path, headers, body and which TCP connection carried it).
"""

from __future__ import annotations

import gzip
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    connection_id: int


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    gzip: bool = False
    repeated_headers: list[tuple[str, str]] = field(default_factory=list)  # sent as-is, duplicates kept

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = {"X-Elastic-Product": "Elasticsearch", **self.headers}
        if isinstance(self.body, (dict, list)):
            data = json.dumps(self.body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(self.body, str):
            data = self.body.encode()
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        else:
            data = self.body
            headers.setdefault("Content-Type", "application/json")
        if self.gzip:
            data = gzip.compress(data)
            headers["Content-Encoding"] = "gzip"
        return data, headers


Handler = Callable[[RecordedRequest], Reply]


class TestServer:
    """A threaded HTTP server on 127.0.0.1 with a scriptable handler."""

    __test__ = False

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self.requests: list[RecordedRequest] = []
        self.handler: Handler = lambda request: Reply()
        self._lock = threading.Lock()
        self._connections = 0
        owner = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes: no 40ms stall

            def setup(self) -> None:
                super().setup()
                with owner._lock:
                    owner._connections += 1
                    self.connection_id = owner._connections

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = RecordedRequest(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body, self.connection_id
                )
                with owner._lock:
                    owner.requests.append(request)
                reply = owner.handler(request)
                if reply.delay:
                    time.sleep(reply.delay)
                data, headers = reply.encoded()
                try:
                    self.send_response(reply.status)
                    for key, value in [*headers.items(), *reply.repeated_headers]:
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.httpd.socket.listen(128)  # the default backlog of 5 drops concurrent connects: 1s SYN retries
        if ssl_context is not None:
            self.httpd.socket = ssl_context.wrap_socket(self.httpd.socket, server_side=True)
        self.port: int = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def respond(self, *replies: Reply) -> None:
        """Answers requests with these replies in order, repeating the last one."""
        queue = list(replies)

        def handler(request: RecordedRequest) -> Reply:
            with self._lock:
                return queue.pop(0) if len(queue) > 1 else queue[0]

        self.handler = handler

    @property
    def connections_opened(self) -> int:
        return self._connections

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port() -> int:
    """A port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
