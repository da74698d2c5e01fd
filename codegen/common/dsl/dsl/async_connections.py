"""The registry of ``AsyncElasticsearch`` clients by alias; see ``connections``."""

from __future__ import annotations

from .. import AsyncElasticsearch
from .connections import Connections

__all__ = [
    "AsyncElasticsearchConnections",
    "add_connection",
    "configure",
    "connections",
    "create_connection",
    "get_connection",
    "remove_connection",
]


class AsyncElasticsearchConnections(Connections[AsyncElasticsearch]):
    """The registry of asynchronous clients."""

    def __init__(self, *, elasticsearch_class: type[AsyncElasticsearch] = AsyncElasticsearch):
        super().__init__(elasticsearch_class=elasticsearch_class)


connections = AsyncElasticsearchConnections()
configure = connections.configure
add_connection = connections.add_connection
remove_connection = connections.remove_connection
create_connection = connections.create_connection
get_connection = connections.get_connection
