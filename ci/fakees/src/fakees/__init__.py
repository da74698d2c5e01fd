"""One scripted fake HTTP server for every test suite of the monorepo (test support only)."""

from ._server import FakeServer, Handler, Reply, Request, Route, free_port, sequence

__all__ = ["FakeServer", "Handler", "Reply", "Request", "Route", "free_port", "sequence"]
