"""The 7.x connection pool and selector names, on the shared transport's node pool.

``ConnectionPool`` *is* the pool the transport uses (``es.transport.connection_pool``),
with the 7.x accessors added; passing it, ``DummyConnectionPool`` or any
``elastic_transport.NodePool`` subclass as ``connection_pool_class=`` is accepted.
Selectors receive and return nodes instead of 7.x connections.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from elastic_transport import BaseNode, NodePool, NodeSelector

__all__ = [
    "ConnectionPool",
    "ConnectionSelector",
    "DummyConnectionPool",
    "EmptyConnectionPool",
    "RandomSelector",
    "RoundRobinSelector",
]


class ConnectionSelector(NodeSelector):
    """Base class of selectors: ``select(connections)`` picks one of the alive nodes.

    ``connection_opts`` holds the configurations of the pool's initial nodes.
    """

    def __init__(self, opts: Any) -> None:
        configs = list(opts) if not isinstance(opts, dict) else list(opts.values())
        super().__init__(configs)
        self.connection_opts = opts

    def select(self, connections: Sequence[BaseNode]) -> BaseNode:  # pragma: no cover - abstract
        raise NotImplementedError()


class RandomSelector(ConnectionSelector):
    def select(self, connections: Sequence[BaseNode]) -> BaseNode:
        return random.choice(connections)


class RoundRobinSelector(ConnectionSelector):
    def __init__(self, opts: Any) -> None:
        super().__init__(opts)
        self.rr = -1

    def select(self, connections: Sequence[BaseNode]) -> BaseNode:
        self.rr = (self.rr + 1) % len(connections)
        return connections[self.rr]


class ConnectionPool(NodePool):
    """The shared node pool with the 7.x accessors (``connections``, ``get_connection``)."""

    @property
    def connections(self) -> list[BaseNode]:
        """Every node of the pool."""
        return self.all()

    @property
    def orig_connections(self) -> tuple[BaseNode, ...]:
        return tuple(self.all())

    def get_connection(self) -> BaseNode:
        return self.get()


class DummyConnectionPool(ConnectionPool):
    """7.x used this for a single host; the shared pool handles that case itself."""


class EmptyConnectionPool(ConnectionPool):
    """7.x name for a pool without hosts; here a client always needs at least one node."""
