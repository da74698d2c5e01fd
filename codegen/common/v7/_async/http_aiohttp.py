"""``AIOHttpConnection``: nodes on aiohttp (imported only when such a node is made)."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any, ClassVar

import elastic_transport

from ..connection.base import Connection
from ..exceptions import from_transport_error

__all__ = ["AIOHttpConnection", "AsyncConnection"]


class AsyncConnection(Connection):
    """Base class of the asyncio connections: ``perform_request`` and ``close`` are coroutines."""

    node_class: ClassVar[str] = "aiohttp"

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


class AIOHttpConnection(AsyncConnection):
    """Selects aiohttp nodes; accepts the 7.x constructor arguments (``loop`` is ignored)."""

    node_class: ClassVar[str] = "aiohttp"

    def __init__(
        self,
        host: str = "localhost",
        port: int | None = None,
        url_prefix: str = "",
        timeout: float | None = 10,
        http_auth: Any = None,
        use_ssl: bool = False,
        verify_certs: bool | None = None,
        ssl_show_warn: bool | None = None,
        ca_certs: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        ssl_version: int | None = None,
        ssl_assert_fingerprint: str | None = None,
        maxsize: int = 10,
        headers: Mapping[str, str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        http_compress: bool | None = None,
        cloud_id: str | None = None,
        api_key: Any = None,
        opaque_id: str | None = None,
        loop: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            host=host,
            port=port,
            url_prefix=url_prefix,
            timeout=timeout,
            use_ssl=use_ssl,
            headers=headers,
            http_compress=http_compress,
            cloud_id=cloud_id,
            api_key=api_key,
            opaque_id=opaque_id,
            http_auth=http_auth,
            verify_certs=verify_certs,
            ssl_show_warn=ssl_show_warn,
            ca_certs=ca_certs,
            client_cert=client_cert,
            client_key=client_key,
            ssl_version=ssl_version,
            ssl_assert_fingerprint=ssl_assert_fingerprint,
            maxsize=maxsize,
            ssl_context=ssl_context,
            **kwargs,
        )
