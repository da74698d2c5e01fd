"""``PoolingConnection``: the 7.x base for a connection class over an HTTP library that has
no pool of its own (and whose connections are not thread-safe).

A subclass says how to open one connection (``_make_connection``); requests take an idle one
(``_get_connection``), or open one, and give it back when done (``_release_connection``).
"""

from __future__ import annotations

import queue
from typing import Any

from .base import Connection

__all__ = ["PoolingConnection"]


class PoolingConnection(Connection):
    """Keeps the idle connections of a library without a pool in a queue, one per thread at
    a time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._free_connections: queue.Queue[Any] = queue.Queue()
        super().__init__(*args, **kwargs)

    def _make_connection(self) -> Any:
        """A new connection of the library: what a subclass provides."""
        raise NotImplementedError()

    def _get_connection(self) -> Any:
        try:
            return self._free_connections.get_nowait()
        except queue.Empty:
            return self._make_connection()

    def _release_connection(self, con: Any) -> None:
        self._free_connections.put(con)

    def close(self) -> None:
        """Nothing to close here: the subclass owns what its connections hold."""
