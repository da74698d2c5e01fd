"""The hand-written part of the 7.x ``Elasticsearch`` class; the API methods are generated."""

from __future__ import annotations

from typing import Any

from ..transport import Transport
from .utils import _normalize_hosts

__all__ = ["ElasticsearchBase"]


def client_repr(client: Any) -> str:
    """``<Elasticsearch([{'host': 'localhost', 'port': 9200}])>``: up to five hosts, then ``'...'``."""
    try:
        hosts = list(client.transport.hosts)
        if len(hosts) > 5:
            hosts = [*hosts[:5], "..."]
        return f"<{type(client).__name__}({hosts!r})>"
    except Exception:
        return object.__repr__(client)


class ElasticsearchBase:
    """Holds the transport; keyword arguments go to ``transport_class`` as in 7.x.

    ``hosts`` is a URL, a list of URLs or host dicts (``host``, ``port``, ``url_prefix``,
    ``use_ssl``, ...) or ``None`` for ``localhost:9200``; every other argument (``cloud_id``,
    ``http_auth``, ``api_key``, ``timeout``, TLS options, retries, sniffing, ...) is a
    transport or connection option.
    """

    def __init__(self, hosts: Any = None, transport_class: type[Transport] = Transport, **kwargs: Any) -> None:
        self.transport = transport_class(_normalize_hosts(hosts), **kwargs)

    def __repr__(self) -> str:
        return client_repr(self)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the transport's connections."""
        self.transport.close()
