"""The I/O of a standalone 7.x connection: one request to one node, and closing it;
everything else comes from ``ConnectionBase`` (``_connection_base.py``).
"""

# unasync: async-only
# The source of connection/base.py, its sync twin (codegen/unasync.py). As in 7.x, the
# asyncio connection is a subclass of the sync one.
# unasync: end

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import elastic_transport

from .._connection_base import (  # noqa: F401  (the names the 7.x module had, importable from here too)
    _NODE_CLASS_NAMES,
    _TLS_FILES,
    BINARY_MIMETYPES,
    POOL_OPTIONS,
    REQUESTS_AUTH_EXTRA,
    USER_AGENT,
    BaseNode,
    ConnectionBase,
    ImproperlyConfigured,
    NodeConfig,
    _basic_auth_header,
    _profile,
    auth_header_value,
    base_mimetype,
    cloud_address,
    constructor_options,
    decode_body,
    decode_error_body,
    emit_server_warnings,
    from_transport_error,
    http_error,
    is_requests_auth,
    node_class_by_name,
    node_class_for_configs,
    node_class_name,
    node_config_from_options,
    normalize_hosts,
    target_with_params,
    warn_stacklevel,
)

# unasync: async-only (the asyncio connection extends the sync one)
from ..connection.base import Connection

__all__ = ["AsyncConnection"]
# unasync: end


class AsyncConnection(Connection):
    """The 7.x connection API over one node of the shared transport (urllib3 unless a
    subclass says otherwise; aiohttp for the asyncio one, whose methods are coroutines)."""

    # unasync: async-only
    node_class: ClassVar[str] = "aiohttp"

    # unasync: end
    # Marks the classes whose perform_request is ours: a subclass overriding it is called for
    # every request of a client built with connection_class= it (_connection_node.py).
    _BUILTIN_IO: ClassVar[bool] = True

    async def perform_request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        timeout: float | None = None,
        ignore: Any = (),
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        """Sends one request to this node; raises the 7.x error for an error status not ignored."""
        target, body, request_headers = self._prepare(url, params, body, headers)
        node: Any = self._get_node()
        try:
            meta, raw = await node.perform_request(
                method,
                target,
                body=body,
                headers=request_headers,
                request_timeout=elastic_transport.client_utils.DEFAULT if timeout is None else timeout,
            )
        except elastic_transport.TransportError as e:
            raise from_transport_error(e) from e
        return self._finish(meta, raw, ignore)

    async def close(self) -> None:  # type: ignore[override]
        node: Any = self._node
        self._node = None
        if node is not None:
            await node.close()
