"""The hand-written part of the 7.x ``AsyncElasticsearch`` class; the API methods are generated."""

from __future__ import annotations

from typing import Any

from ...client._base import client_repr
from ...client.utils import _normalize_hosts
from ..transport import AsyncTransport

__all__ = ["AsyncElasticsearchBase"]


class AsyncElasticsearchBase:
    """Holds the async transport; the constructor takes what ``Elasticsearch`` takes.

    It can be created outside a running event loop; connections open on first use.
    """

    def __init__(
        self, hosts: Any = None, transport_class: type[AsyncTransport] = AsyncTransport, **kwargs: Any
    ) -> None:
        self.transport = transport_class(_normalize_hosts(hosts), **kwargs)

    def __repr__(self) -> str:
        return client_repr(self)

    async def __aenter__(self) -> Any:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Closes the transport's connections."""
        await self.transport.close()
