"""The registry of clients the DSL sends its requests through, by alias.

``connections.configure(default={"hosts": [...]})`` or ``connections.add_connection("default",
client)`` once, and every ``Search``, ``Document``, ``Index``... finds its client by the alias in
its ``using`` (``"default"`` unless told). A configured client is built on first use, with the
DSL's serializer. ``async_connections`` is the same registry for ``AsyncElasticsearch``.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from .. import Elasticsearch, __versionstr__
from .serializer import serializer

__all__ = [
    "Connections",
    "ElasticsearchConnections",
    "add_connection",
    "configure",
    "connections",
    "create_connection",
    "get_connection",
    "remove_connection",
]

_T = TypeVar("_T")

USER_AGENT = f"elasticsearch-dsl-py/{__versionstr__}"


class Connections(Generic[_T]):
    """Clients by alias, and the settings of the ones not built yet.

    ``elasticsearch_class`` builds the clients; it is called with the settings as keywords.
    """

    def __init__(self, *, elasticsearch_class: type[_T]):
        self.elasticsearch_class: type[_T] = elasticsearch_class
        self._conns: dict[str, _T] = {}
        self._kwargs: dict[str, dict[str, Any]] = {}

    def configure(self, **kwargs: Any) -> None:
        """Replace the settings of every alias: ``configure(default={...}, other={...})``.

        Clients are built lazily, by ``get_connection``. A client already built whose settings
        did not change is kept (with its open connections); the others are dropped.
        """
        for alias in list(self._conns):
            if alias not in self._kwargs or kwargs.get(alias) != self._kwargs[alias]:
                del self._conns[alias]
        self._kwargs = kwargs

    def add_connection(self, alias: str, conn: _T) -> None:
        """Register a client built elsewhere under ``alias``."""
        self._conns[alias] = self._with_user_agent(conn)

    def remove_connection(self, alias: str) -> None:
        """Forget the client and the settings of ``alias``; KeyError when it has neither."""
        if alias not in self._conns and alias not in self._kwargs:
            raise KeyError(f"There is no connection with alias {alias!r}.")
        self._conns.pop(alias, None)
        self._kwargs.pop(alias, None)

    def create_connection(self, alias: str = "default", **kwargs: Any) -> _T:
        """Build a client from ``kwargs`` (with the DSL's serializer unless one is given) and
        register it under ``alias``."""
        kwargs.setdefault("serializer", serializer)
        conn = self._with_user_agent(self.elasticsearch_class(**kwargs))
        self._conns[alias] = conn
        return conn

    def get_connection(self, alias: str | _T = "default") -> _T:
        """The client of ``alias``, built from its settings on first use.

        Anything but a string is taken to be a client already (any object, so that wrapped
        clients work) and comes back as it is. KeyError when the alias is unknown.
        """
        if not isinstance(alias, str):
            return self._with_user_agent(alias)
        if alias in self._conns:
            return self._conns[alias]
        if alias not in self._kwargs:
            raise KeyError(f"There is no connection with alias {alias!r}.")
        return self.create_connection(alias, **self._kwargs[alias])

    @staticmethod
    def _with_user_agent(conn: _T) -> _T:
        """Requests of the DSL announce it in their user agent (clients only; other objects
        are left alone). Frozen headers are replaced by a changed copy, frozen again."""
        headers = getattr(conn, "_headers", None)
        if headers is None:
            return conn
        frozen = bool(getattr(headers, "frozen", False))
        if frozen:
            headers = headers.copy()
        headers.update({"user-agent": USER_AGENT})  # through update: stand-ins (mocks) take it too
        if frozen:
            headers.freeze()
        conn._headers = headers  # type: ignore[attr-defined]
        return conn


class ElasticsearchConnections(Connections[Elasticsearch]):
    """The registry of synchronous clients."""

    def __init__(self, *, elasticsearch_class: type[Elasticsearch] = Elasticsearch):
        super().__init__(elasticsearch_class=elasticsearch_class)


connections = ElasticsearchConnections()
configure = connections.configure
add_connection = connections.add_connection
remove_connection = connections.remove_connection
create_connection = connections.create_connection
get_connection = connections.get_connection
