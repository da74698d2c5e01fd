"""The 7.x connection pool and selector names, on the shared transport's node pool.

``ConnectionPool`` *is* the pool the transport uses (``es.transport.connection_pool``),
with the 7.x accessors added; passing it, ``DummyConnectionPool`` or any
``elastic_transport.NodePool`` subclass as ``connection_pool_class=`` is accepted.
Selectors receive and return nodes instead of 7.x connections.
"""

from __future__ import annotations

import random
import weakref
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


def connection_of(
    node: BaseNode, connection_class: Any, views: weakref.WeakKeyDictionary[BaseNode, Any]
) -> Any:
    """The 7.x ``Connection`` object of a node: the connection a node built from a user's
    connection class sends through, else a ``connection_class`` instance over the node itself
    (made once per node, kept in ``views``), so its ``perform_request`` uses the pool's node."""
    own = getattr(node, "connection", None)
    if own is not None:
        return own
    view = views.get(node)
    if view is None:
        from ._connection_base import quiet_construction
        from ._connection_node import connection_options

        with quiet_construction():  # its options were resolved (and warned about) already
            view = connection_class(**connection_options(node.config))
        view._node = node
        views[node] = view
    return view


def node_of(pool: NodePool, connection: Any) -> BaseNode:
    """The pool's node behind a 7.x connection object (or the node itself)."""
    if isinstance(connection, BaseNode):
        return connection
    node = getattr(connection, "_node", None)
    for candidate in pool.all():
        if candidate is node or getattr(candidate, "connection", None) is connection:
            return candidate
    raise ValueError(f"{connection!r} is not a connection of this pool")


class ConnectionPool(NodePool):
    """The shared node pool with the 7.x accessors (``connections``, ``get_connection``);
    they hand out 7.x ``Connection`` objects, each sending through one node of the pool."""

    # The 7.x class of the connection objects; the transport sets the one it was given.
    connection_class: Any = None

    def _connection_views(self) -> weakref.WeakKeyDictionary[BaseNode, Any]:
        views: weakref.WeakKeyDictionary[BaseNode, Any] | None = self.__dict__.get("_views")
        if views is None:
            views = self.__dict__["_views"] = weakref.WeakKeyDictionary()
        return views

    def _as_connection(self, node: BaseNode) -> Any:
        connection_class = self.connection_class
        if connection_class is None:
            from .connection import Urllib3HttpConnection

            connection_class = Urllib3HttpConnection
        return connection_of(node, connection_class, self._connection_views())

    @property
    def connections(self) -> list[Any]:
        """A ``Connection`` for every node of the pool."""
        return [self._as_connection(node) for node in self.all()]

    @property
    def orig_connections(self) -> tuple[Any, ...]:
        return tuple(self.connections)

    def get_connection(self) -> Any:
        """The ``Connection`` of the node the next request would go to."""
        return self._as_connection(self.get())


class DummyConnectionPool(ConnectionPool):
    """7.x used this for a single host; the shared pool handles that case itself."""


class EmptyConnectionPool(ConnectionPool):
    """7.x name for a pool without hosts; here a client always needs at least one node."""
