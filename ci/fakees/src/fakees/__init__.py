"""One scripted fake HTTP server for every test suite of the monorepo (test support only)."""

from ._server import FakeServer, Handler, Reply, Request, Route, free_port, sequence
from .proxy import FakeProxy, ProxiedRequest

__all__ = [
    "FakeProxy",
    "FakeServer",
    "Handler",
    "ProxiedRequest",
    "Reply",
    "Request",
    "Route",
    "free_port",
    "sequence",
]
