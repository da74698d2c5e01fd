"""The request-building helpers, under the path the async API modules of 7.x imported them from."""

from __future__ import annotations

from ...client.utils import (
    SKIP_IN_PATH,
    NamespacedClient,
    _bulk_body,
    _escape,
    _make_path,
    _normalize_hosts,
    query_params,
)

__all__ = [
    "SKIP_IN_PATH",
    "NamespacedClient",
    "_bulk_body",
    "_escape",
    "_make_path",
    "_normalize_hosts",
    "query_params",
]
