"""The 7.x ``AsyncTransport``: the same behaviour as ``Transport``, awaiting the shared
``elastic_transport.AsyncTransport`` (aiohttp nodes unless another connection class is given).

It can be created outside a running event loop; ``sniff_on_start`` then happens before
the first request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

import elastic_transport
from elastic_transport import NodeConfig, SniffOptions
from elastic_transport.client_utils import DEFAULT

from ..connection.base import normalize_hosts
from ..exceptions import TransportError
from ..transport import _SNIFF_TARGET, TransportBase
from .http_aiohttp import AIOHttpConnection

__all__ = ["AsyncTransport"]


class AsyncTransport(TransportBase):
    """The 7.x asyncio transport; use it from one event loop."""

    DEFAULT_CONNECTION_CLASS: Any = AIOHttpConnection
    _default_node = "aiohttp"
    _shared_transport_class: Any = elastic_transport.AsyncTransport

    def __init__(self, hosts: Any, *args: Any, **kwargs: Any) -> None:
        self._verify_lock = asyncio.Lock()
        self._removed_nodes: list[Any] = []
        super().__init__(hosts, *args, **kwargs)

    async def perform_request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        """Sends a request; returns the deserialized body, or a bool for HEAD."""
        method, target, request_headers, body_bytes, ignore, timeout = self._resolve_request_args(
            method, url, headers, params, body
        )
        if self._verified_elasticsearch is not True:
            if self._verified_elasticsearch is None:
                await self._do_verify_elasticsearch(request_headers, timeout)
            self._raise_if_unsupported()
        try:
            response = await self._transport.perform_request(
                method,
                target,
                body=body_bytes,
                headers=request_headers,
                request_timeout=timeout,
                retry_on_status=self._retry_statuses(ignore),
            )
        except elastic_transport.TransportError as e:
            raise self._wrap_error(e) from e
        return self._process_response(method, target, response, ignore)

    async def _do_verify_elasticsearch(self, headers: Mapping[str, str], timeout: Any) -> None:
        """Runs the product check once; concurrent first requests wait for it."""
        async with self._verify_lock:
            if self._verified_elasticsearch is not None:
                return
            try:
                response = await self._transport.perform_request(
                    "GET", "/", headers=self._product_check_headers(headers), request_timeout=timeout
                )
            except elastic_transport.TransportError as e:
                raise self._wrap_error(e) from e
            self._verified_elasticsearch = self._product_check_result(response)

    def _sniff_callback(self) -> Callable[..., Any]:
        async def sniff(transport: Any, options: SniffOptions) -> list[NodeConfig]:
            timeout = DEFAULT if options.is_initial_sniff else options.sniff_timeout
            errors: list[Exception] = []
            for node in transport.node_pool.all():
                try:
                    meta, raw = await node.perform_request(
                        "GET", _SNIFF_TARGET, headers={"accept": "application/json"}, request_timeout=timeout
                    )
                except elastic_transport.TransportError as e:
                    errors.append(e)
                    continue
                if 200 <= meta.status < 300:
                    return self._sniffed_node_configs(raw, node.config)
                errors.append(TransportError(meta.status, "Sniffing failed", None))
            raise elastic_transport.SniffingError("Unable to sniff hosts", errors=tuple(errors))

        return sniff

    async def sniff_hosts(self, initial: bool = False) -> None:
        """Asks the cluster for its nodes now and updates the pool."""
        try:
            await self._transport.sniff(initial)
        except elastic_transport.TransportError as e:
            raise self._wrap_error(e) from e

    def set_connections(self, hosts: Any) -> None:
        """Replaces the pool's nodes with ``hosts``; removed nodes are closed by ``close()``."""
        self.hosts = normalize_hosts(hosts)
        self._removed_nodes.extend(self._replace_nodes(hosts))

    async def close(self) -> None:
        """Closes every node's connections."""
        removed, self._removed_nodes = self._removed_nodes, []
        await asyncio.gather(*(node.close() for node in removed))
        await self._transport.close()
