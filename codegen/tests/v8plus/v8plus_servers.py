"""The 8.x/9.x client tests' view of the shared fake server (ci/fakees): real sockets on
127.0.0.1, no mocks.

``RecordingServer`` is a ``fakees.FakeServer`` that answers ``GET /`` like a 9.5 node and
everything else with ``Reply()`` (``{"acknowledged": true}``); it keeps every request
(method, target, path, query, lower-cased headers, body). Answers say
``X-Elastic-Product: Elasticsearch`` unless a ``Reply`` turns that off.
"""

from __future__ import annotations

import inspect
import ssl
from dataclasses import dataclass, field
from typing import Any

import fakees
from fakees import Request as Recorded
from fakees import Route, sequence

__all__ = [
    "ROOT_INFO",
    "Recorded",
    "RecordingServer",
    "Reply",
    "Route",
    "nodes_http_info",
    "resolve",
    "sequence",
]

ROOT_INFO = {
    "name": "node-1",
    "cluster_name": "recording",
    "version": {"number": "9.5.0", "build_flavor": "default"},
    "tagline": "You Know, for Search",
}


@dataclass
class Reply(fakees.Reply):
    """A scripted answer; by default an acknowledgement, as most 8.x/9.x APIs give."""

    body: Any = field(default_factory=lambda: {"acknowledged": True})


class RecordingServer(fakees.FakeServer):
    """The fake server answering ``GET /`` with ``ROOT_INFO`` and anything else with ``Reply()``."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(ssl_context)
        self.routes[("GET", "/")] = Reply(body=ROOT_INFO)
        self.default = Reply()


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
