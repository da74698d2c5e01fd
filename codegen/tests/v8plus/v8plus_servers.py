"""A real recording HTTP server on 127.0.0.1 for the 8.x/9.x client tests (no mocks).

``RecordingServer`` is a threaded HTTP/1.1 server. It keeps every request it receives
(method, path, query, lower-cased headers, body) and answers from ``routes`` keyed by
``(method, path)`` or with ``default``. Answers say ``X-Elastic-Product: Elasticsearch``
unless a ``Reply`` turns that off. Only the standard library is used, so the module also
runs under the official clients' virtualenvs for black-box comparisons.
"""

from __future__ import annotations

import inspect
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ROOT_INFO = {
    "name": "node-1",
    "cluster_name": "recording",
    "version": {"number": "9.5.0", "build_flavor": "default"},
    "tagline": "You Know, for Search",
}


@dataclass
class Recorded:
    """One request as it reached the socket."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    def json(self) -> Any:
        return json.loads(self.body)

    def ndjson(self) -> list[Any]:
        return [json.loads(line) for line in self.body.splitlines() if line.strip()]


@dataclass
class Reply:
    """A scripted answer; dicts and lists are sent as JSON, str as text/plain."""

    status: int = 200
    body: Any = field(default_factory=lambda: {"acknowledged": True})
    headers: dict[str, str] = field(default_factory=dict)
    product: bool = True
    delay: float = 0.0

    def encode(self) -> tuple[bytes, dict[str, str]]:
        headers = {"X-Elastic-Product": "Elasticsearch"} if self.product else {}
        headers.update(self.headers)
        if isinstance(self.body, (dict, list)):
            headers.setdefault("Content-Type", "application/json")
            return json.dumps(self.body).encode(), headers
        if isinstance(self.body, str):
            headers.setdefault("Content-Type", "text/plain; charset=UTF-8")
            return self.body.encode(), headers
        headers.setdefault("Content-Type", "application/json")
        return bytes(self.body), headers


Route = Reply | Callable[[Recorded], Reply]


class RecordingServer:
    """Threaded HTTP/1.1 server on a free port of 127.0.0.1 that records what it receives."""

    __test__ = False

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.routes: dict[tuple[str, str], Route] = {("GET", "/"): Reply(body=ROOT_INFO)}
        self.default: Route = Reply()
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with owner._lock:
                    owner.requests.append(request)
                route = owner.routes.get((self.command, request.path), owner.default)
                reply = route(request) if callable(route) else route
                if reply.delay:
                    time.sleep(reply.delay)
                data, headers = reply.encode()
                try:
                    self.send_response(reply.status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                except OSError:  # the client gave up waiting (timeout tests)
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port: int = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()

    def route(self, method: str, path: str, reply: Route) -> None:
        self.routes[(method, path)] = reply

    @property
    def last(self) -> Recorded:
        return self.requests[-1]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def sequence(*replies: Reply) -> Callable[[Recorded], Reply]:
    """A route that answers with each reply in turn, then repeats the last one."""
    pending: Iterator[Reply] = iter(replies)
    last = replies[-1]

    def route(request: Recorded) -> Reply:
        return next(pending, last)

    return route


async def resolve(value: Any) -> Any:
    """The result of a sync call as is, of an async call awaited: one test body for both clients."""
    return await value if inspect.isawaitable(value) else value


def nodes_http_info(servers: list[RecordingServer]) -> dict[str, Any]:
    """A ``GET /_nodes/_all/http`` answer that lists the given servers as the cluster's nodes."""
    return {
        "_nodes": {"total": len(servers), "successful": len(servers), "failed": 0},
        "cluster_name": "recording",
        "nodes": {
            f"node-{i}": {
                "name": f"node-{i}",
                "roles": ["data", "ingest", "master"],
                "http": {"publish_address": f"127.0.0.1:{server.port}"},
            }
            for i, server in enumerate(servers)
        },
    }
