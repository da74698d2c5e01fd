"""The 7.x connection pools and selectors.

A ``ConnectionPool`` holds 7.x ``Connection`` objects (any objects, for a pool built by
hand) as 7.x did: ``connections`` (the live ones), ``dead`` (a priority queue of
``(dead until, connection)``), ``dead_count``, ``connection_opts`` and a selector that picks
among the live connections. A failed connection stays out for
``dead_timeout * 2 ** min(failures - 1, timeout_cutoff)`` seconds.

The transport gives the pool it builds to the shared ``elastic_transport`` transport as its
node pool: there every connection carries the node it sends through (``connection._node``),
so ``get()``, ``mark_dead(node)``, ``mark_live(node)``, ``all()``, ``add()`` and ``remove()``
(the ``NodePool`` interface) work on the same state. Duplicate hosts are allowed, as in 7.x.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from queue import Empty, PriorityQueue
from typing import Any

from elastic_transport import BaseNode, NodeConfig, NodePool, NodeSelector

from .exceptions import ImproperlyConfigured

__all__ = [
    "ConnectionPool",
    "ConnectionSelector",
    "DummyConnectionPool",
    "EmptyConnectionPool",
    "RandomSelector",
    "RoundRobinSelector",
]

logger = logging.getLogger("elasticsearch")


class ConnectionSelector(NodeSelector):
    """Base class of selectors: ``select(connections)`` picks one of the live connections.

    ``connection_opts`` maps each of the pool's connections to the options (host dict) it
    was made from, for selectors that choose by them (a zone, a rack...).
    """

    def __init__(self, opts: Any) -> None:
        super().__init__([])
        self.connection_opts = opts

    def select(self, connections: Sequence[Any]) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError()


class RandomSelector(ConnectionSelector):
    def select(self, connections: Sequence[Any]) -> Any:
        return random.choice(connections)


class RoundRobinSelector(ConnectionSelector):
    """Each thread goes round the live connections in turn."""

    def __init__(self, opts: Any) -> None:
        super().__init__(opts)
        self._turn = threading.local()

    def select(self, connections: Sequence[Any]) -> Any:
        turn = (getattr(self._turn, "rr", -1) + 1) % len(connections)
        self._turn.rr = turn
        return connections[turn]


def connection_of(
    node: BaseNode, connection_class: Any, views: weakref.WeakKeyDictionary[BaseNode, Any]
) -> Any:
    """The 7.x ``Connection`` object of a node: the connection a node built from a user's
    connection class sends through, else a ``connection_class`` instance over the node itself
    (made once per node, kept in ``views``), so its ``perform_request`` uses the pool's node."""
    own = getattr(node, "connection", None)
    if own is not None:
        # Not ``_node``: a subclass of our classes sends through ``_node`` itself.
        own._pool_node = node
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


def _pool_node(connection: Any) -> BaseNode | None:
    """The node a connection of a transport's pool sends through, if it has one."""
    for name in ("_pool_node", "_node"):
        node = getattr(connection, name, None)
        if isinstance(node, BaseNode):
            return node
    return None


def node_of(pool: Any, connection: Any) -> BaseNode:
    """The node behind a 7.x connection object (or the node itself)."""
    if isinstance(connection, BaseNode):
        return connection
    node = _pool_node(connection)
    if node is not None:
        return node
    raise ValueError(f"{connection!r} is not a connection of this pool")


class ConnectionPool(NodePool):
    """Live and dead 7.x connections, handed out by a selector."""

    # Called with the connection after each ``mark_dead`` (the asyncio transport starts a
    # sniff there when ``sniff_on_connection_fail`` is set).
    on_failure: Callable[[Any], None] | None = None

    def __init__(
        self,
        connections: Sequence[tuple[Any, Any]],
        dead_timeout: Any = 60,
        timeout_cutoff: int = 5,
        selector_class: type[ConnectionSelector] = RoundRobinSelector,
        randomize_hosts: bool = True,
        **kwargs: Any,
    ) -> None:
        if not connections:
            raise ImproperlyConfigured("No connections were given: a connection pool needs at least one host")
        self.connection_opts: list[tuple[Any, Any]] = list(connections)
        self.connections: list[Any] = [connection for connection, _ in self.connection_opts]
        self.orig_connections: tuple[Any, ...] = tuple(self.connections)
        self.dead: PriorityQueue[tuple[float, Any]] = PriorityQueue(len(self.connections))
        self.dead_count: dict[Any, int] = {}
        if randomize_hosts:
            random.shuffle(self.connections)
        self.dead_timeout = dead_timeout
        self.timeout_cutoff = timeout_cutoff
        self.selector = selector_class(dict(self.connection_opts))
        self._state_lock = threading.RLock()

    # -- the 7.x interface -------------------------------------------------------------

    def mark_dead(self, connection: Any, now: float | None = None) -> None:  # type: ignore[override]
        """Takes a failed connection out of rotation; each failure in a row doubles its wait
        (up to ``timeout_cutoff`` doublings). A connection not in rotation is left alone."""
        connection = self._connection(connection)
        self._mark_dead(connection, now)
        if self.on_failure is not None:
            self.on_failure(connection)

    def _mark_dead(self, connection: Any, now: float | None) -> None:
        now = now if now else time.time()
        with self._state_lock:
            try:
                self.connections.remove(connection)
            except ValueError:
                logger.info("Not marking %r dead: it is not a live connection of this pool", connection)
                return
            failures = self.dead_count.get(connection, 0) + 1
            self.dead_count[connection] = failures
            timeout = self.dead_timeout * 2 ** min(failures - 1, self.timeout_cutoff)
            self.dead.put((now + timeout, connection))
        logger.warning(
            "Connection %r failed %d time(s) in a row: out of rotation for %s seconds",
            connection,
            failures,
            timeout,
        )

    def mark_live(self, connection: Any) -> None:  # type: ignore[override]
        """Forgets a connection's failures after it answered."""
        if not self.dead_count:  # the common case: nothing to forget
            return
        self.dead_count.pop(self._connection(connection), None)

    def resurrect(self, force: bool = False) -> Any:
        """Puts the dead connection due soonest back in rotation if its time is up (or, with
        ``force``, anyway) and returns it; with ``force`` and nothing dead, any connection."""
        with self._state_lock:
            try:
                until, connection = self.dead.get(block=False)
            except Empty:
                return random.choice(self.orig_connections) if force else None
            if not force and until > time.time():
                self.dead.put((until, connection))
                return None
            self.connections.append(connection)
        logger.info("Connection %r back in rotation (force=%s)", connection, force)
        return connection

    def get_connection(self) -> Any:
        """The connection for the next request."""
        if self.dead.queue:  # a look without the queue's lock: most of the time nothing is dead
            self.resurrect()
        connections = self.connections[:]
        if not connections:
            return self.resurrect(True)
        if len(connections) == 1:
            return connections[0]
        return self.selector.select(connections)

    def close(self) -> None:
        """Closes the live connections."""
        for connection in self.connections:
            connection.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.connections!r}>"

    # -- the shared transport's node pool interface ------------------------------------

    def _connection(self, item: Any) -> Any:
        """The pool's connection for ``item`` (a connection, or the node one sends through)."""
        if not isinstance(item, BaseNode):
            return item
        for connection, _ in self.connection_opts:
            if _pool_node(connection) is item:
                return connection
        return item

    @property
    def node_class(self) -> type[BaseNode]:
        return type(node_of(self, self.connection_opts[0][0]))

    def get(self) -> BaseNode:
        return node_of(self, self.get_connection())

    def all(self) -> list[BaseNode]:
        """The nodes of all the pool's connections, live and dead."""
        return [node_of(self, connection) for connection, _ in self.connection_opts]

    def alive_count(self) -> int:
        return len(self.connections)

    def __len__(self) -> int:
        return len(self.connection_opts)

    def add(self, node_config: NodeConfig) -> None:
        """Nothing to do for a node the pool has (the 7.x transport builds a new pool for
        new hosts: ``set_connections``)."""
        if any(node.config == node_config for node in self.all()):
            return
        raise NotImplementedError("the 7.x transport adds hosts with add_connection() or set_connections()")

    def remove(self, node_config: NodeConfig) -> BaseNode | None:
        return self._remove(node_config, keep_seeds=False)

    def _remove(self, node_config: NodeConfig, keep_seeds: bool) -> BaseNode | None:
        """Drops the connections whose node has ``node_config`` (never the last one)."""
        with self._state_lock:
            for entry in self.connection_opts:
                connection = entry[0]
                node = _pool_node(connection)
                if node is None or node.config != node_config or len(self.connection_opts) == 1:
                    continue
                self.connection_opts.remove(entry)
                if connection in self.connections:
                    self.connections.remove(connection)
                self.dead_count.pop(connection, None)
                self.orig_connections = tuple(c for c in self.orig_connections if c is not connection)
                return node  # type: ignore[no-any-return]
        return None


class DummyConnectionPool(ConnectionPool):
    """The pool of a single connection: it is always used, never marked dead."""

    def __init__(self, connections: Sequence[tuple[Any, Any]], **kwargs: Any) -> None:
        if len(connections) != 1:
            raise ImproperlyConfigured("DummyConnectionPool takes exactly one connection")
        super().__init__(connections, randomize_hosts=False)
        self.connection = self.connections[0]

    def get_connection(self) -> Any:
        return self.connection

    def _mark_dead(self, connection: Any, now: float | None) -> None:
        pass

    def mark_live(self, connection: Any) -> None:  # type: ignore[override]
        pass

    def resurrect(self, force: bool = False) -> Any:
        return None


class EmptyConnectionPool(ConnectionPool):
    """The pool of a transport without hosts: every request fails."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.connections = []
        self.connection_opts = []
        self.orig_connections = ()
        self.dead = PriorityQueue()
        self.dead_count = {}
        self._state_lock = threading.RLock()

    def get_connection(self) -> Any:
        raise ImproperlyConfigured("No connections were configured")

    def mark_dead(self, connection: Any, now: float | None = None) -> None:  # type: ignore[override]
        pass

    def mark_live(self, connection: Any) -> None:  # type: ignore[override]
        pass

    def resurrect(self, force: bool = False) -> Any:
        return None

    def close(self) -> None:
        pass
