"""A front door for clusters without the ``rest-root`` module: it answers ``GET /`` itself.

The integration-test distributions of 8.x and 9.x leave ``rest-root`` out, so ``GET /`` (what
``client.info()`` sends) is a 405 there. Test suites written for a full distribution call it
first (the official DSL suite does, to find the cluster and its version). ``RootEndpointProxy``
sits on 127.0.0.1 in front of one node and relays every request untouched, except ``GET`` and
``HEAD`` of ``/`` when the node cannot answer them: those get the document ``rest-root`` would
send, built from the node's own ``_nodes`` and cluster state answers. Where the node has
``rest-root`` its own answer is relayed like any other.

It also answers ``DELETE /_data_stream/*`` when the node has no data-streams module (a 400 "no
handler found", or on 8.x a 405 for the method): without the module no data stream can exist,
so deleting them all is done.
Suites that wipe the cluster after each test (the official ones) call it.
"""

from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

__all__ = ["RootEndpointProxy"]

_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer"})
_TIMEOUT = 120.0


class RootEndpointProxy:
    """A threaded reverse proxy on a free port of 127.0.0.1 for the node at ``upstream``;
    ``url`` is where to point a client, ``close()`` stops it (also a context manager)."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"RootEndpointProxy relays plain http only, not {upstream!r}")
        self.upstream = (parts.hostname, parts.port or 80)
        self._root: bytes | None = None
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()

    def __enter__(self) -> RootEndpointProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(*self.upstream, timeout=_TIMEOUT)

    def root_document(self) -> bytes:
        """What ``rest-root`` answers, from the node's version info and the cluster's uuid
        (read once: neither changes while the cluster runs)."""
        with self._lock:
            if self._root is None:
                nodes = self._get("/_nodes/_local?filter_path=nodes.*.name,nodes.*.version,nodes.*.build_*")
                node = next(iter(nodes["nodes"].values()))
                state = self._get("/_cluster/state/metadata?filter_path=cluster_name,metadata.cluster_uuid")
                document = {
                    "name": node.get("name"),
                    "cluster_name": state.get("cluster_name"),
                    "cluster_uuid": state.get("metadata", {}).get("cluster_uuid"),
                    "version": {
                        "number": node.get("version"),
                        "build_flavor": node.get("build_flavor", "default"),
                        "build_type": node.get("build_type"),
                        "build_hash": node.get("build_hash"),
                    },
                    "tagline": "You Know, for Search",
                }
                self._root = json.dumps(document).encode()
            return self._root

    def _get(self, path: str) -> dict[str, Any]:
        conn = self.connection()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}: {body[:200]!r}")
            doc: dict[str, Any] = json.loads(body)
            return doc
        finally:
            conn.close()


def _handler(proxy: RootEndpointProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        upstream: http.client.HTTPConnection | None = None

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read their own logs
            pass

        def _relay(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            for attempt in (1, 2):  # a kept-alive upstream socket the node closed gets one retry
                if self.upstream is None:
                    self.upstream = proxy.connection()
                try:
                    self.upstream.request(self.command, self.path, body=body, headers=headers)
                    response = self.upstream.getresponse()
                    break
                except (OSError, http.client.HTTPException):
                    self.upstream.close()
                    self.upstream = None
                    if attempt == 2:
                        raise
            payload = response.read()
            path = self.path.split("?")[0]
            if path == "/" and self.command in ("GET", "HEAD") and response.status == 405:
                self._answer(proxy.root_document())
                return
            if (
                self.command == "DELETE"
                and path.startswith("/_data_stream/")
                and response.status in (400, 405)
                and (b"no handler found" in payload or b"Incorrect HTTP method" in payload)
            ):
                self._answer(b'{"acknowledged":true}')
                return
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def _answer(self, document: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-elastic-product", "Elasticsearch")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(document)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _relay

    return Handler
