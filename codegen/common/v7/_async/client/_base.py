"""The hand-written part of the 7.x client classes; the API methods are generated."""

# unasync: async-only
# The source of client/_base.py, its sync twin (codegen/unasync.py).
# unasync: end

from __future__ import annotations

from typing import Any

from ...client.utils import _normalize_hosts
from ..transport import AsyncTransport

__all__ = ["AsyncElasticsearchBase"]


def client_repr(client: Any) -> str:
    """``<Elasticsearch([{'host': 'localhost', 'port': 9200}])>``: up to five hosts, then ``'...'``."""
    try:
        hosts = list(client.transport.hosts)
        if len(hosts) > 5:
            hosts = [*hosts[:5], "..."]
        return f"<{type(client).__name__}({hosts!r})>"
    except Exception:
        return object.__repr__(client)


class AsyncElasticsearchBase:
    """Holds the transport; keyword arguments go to ``transport_class`` as in 7.x.

    ``hosts`` is a URL, a list of URLs or host dicts (``host``, ``port``, ``url_prefix``,
    ``use_ssl``, ...) or ``None`` for ``localhost:9200``; every other argument (``cloud_id``,
    ``http_auth``, ``api_key``, ``timeout``, TLS options, retries, sniffing, ...) is a
    transport or connection option. The asyncio client can be created outside a running
    event loop; connections open on first use.
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
