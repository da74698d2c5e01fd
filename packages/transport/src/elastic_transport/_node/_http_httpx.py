"""httpx nodes: ``HttpxAsyncHttpNode`` for asyncio (the sync ``HttpxHttpNode`` lives here too)."""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar

import httpx

from .._exceptions import TransportError
from .._models import NodeApiResponse, NodeConfig
from ..client_utils import DEFAULT, DefaultType
from ._base import (
    BaseAsyncNode,
    BaseNode,
    ConnectionSlots,
    ProxySettings,
    caused_by_tls,
    connection_error_for,
    deadline_left,
    refuse_ca_certs_without_verification,
    response_meta,
    ssl_context_from_node_config,
)


def _proxy_kwargs(proxy: ProxySettings | None) -> dict[str, Any]:
    """How an httpx client of the node reaches it: through ``NodeConfig.proxy`` when set,
    else as httpx itself does, through the proxy the environment names for it (HTTP_PROXY,
    HTTPS_PROXY, ALL_PROXY, NO_PROXY, read when the client is made). The TLS settings are
    the node's SSLContext either way, so the environment's CA variables play no part."""
    if proxy is None:
        return {"trust_env": True}
    return {"trust_env": False, "proxy": httpx.Proxy(proxy.url, headers=proxy.headers)}


class HttpxAsyncHttpNode(BaseAsyncNode):
    """Sends requests through an ``httpx.AsyncClient``, one per node.

    httpx can't check a pinned leaf-certificate fingerprint, so ``ssl_assert_fingerprint``
    is refused rather than silently ignored.
    """

    _CLIENT_META_HTTP_CLIENT: ClassVar[tuple[str, str]] = ("hx", httpx.__version__)

    def __init__(self, config: NodeConfig) -> None:
        if config.ssl_assert_fingerprint:
            raise ValueError(
                "HttpxAsyncHttpNode doesn't support 'ssl_assert_fingerprint': httpx does not support "
                "certificate pinning. Use 'ca_certs' instead, or the 'aiohttp' node class"
            )
        refuse_ca_certs_without_verification(config)
        super().__init__(config)
        # Plain-http nodes never use TLS: False spares loading a CA bundle for nothing.
        verify: ssl.SSLContext | bool = (
            ssl_context_from_node_config(config) if config.scheme == "https" else False
        )
        self.client = httpx.AsyncClient(
            base_url=self.base_url,  # for reference only: requests are sent to absolute URLs
            limits=httpx.Limits(
                max_connections=config.connections_per_node,
                max_keepalive_connections=config.connections_per_node,
            ),
            verify=verify,
            timeout=config.request_timeout,
            **_proxy_kwargs(self._proxy),
        )
        # httpx's own Accept-Encoding is sent (as by the official node); what comes back
        # compressed is inflated by the node, within max_decompressed_size.
        self._extensions: dict[str, Any] | None = (
            {"sni_hostname": config.ssl_assert_hostname} if config.ssl_assert_hostname else None
        )

    async def perform_request(  # type: ignore[override]
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | None | DefaultType = DEFAULT,
        deadline: float | None = None,
    ) -> NodeApiResponse:
        request_headers = self._request_headers(headers)
        payload = self._compress(body, request_headers)  # the trace shows ``body`` as given
        request = self.client.build_request(
            method,
            self.base_url + target,
            content=payload,
            headers=request_headers,
            timeout=httpx.USE_CLIENT_DEFAULT if request_timeout is DEFAULT else request_timeout,
            extensions=self._extensions,
        )
        start = time.perf_counter()
        try:
            if deadline is None:
                response, data = await self._send(request)
            else:
                # One timer over the whole attempt: httpx's own timeouts bound each read only.
                response, data = await asyncio.wait_for(
                    self._send(request), deadline_left(deadline, self, target)
                )
        except (httpx.HTTPError, OSError, asyncio.TimeoutError) as e:
            error = connection_error_for(e, _async_error_kind(e), self)
            self._log_request(method, target, request_headers, body, exception=error)
            raise error from None
        meta = response_meta(
            self,
            response.status_code,
            response.http_version.removeprefix("HTTP/"),
            response.headers,
            time.perf_counter() - start,
        )
        encoding = meta.headers._internal.get("content-encoding")
        if encoding is not None and data:
            data = self._decompress(data, encoding[1], target)
        self._log_request(method, target, request_headers, body, meta=meta, response=data)
        return NodeApiResponse(meta, data)

    async def _send(self, request: httpx.Request) -> tuple[httpx.Response, bytes]:
        """The response and its body as sent (still compressed, if it is)."""
        response = await self.client.send(request, stream=True)
        try:
            return response, b"".join([part async for part in response.aiter_raw()])
        finally:
            await response.aclose()

    async def close(self) -> None:  # type: ignore[override]
        await self.client.aclose()


def _async_error_kind(error: Exception) -> str:
    if caused_by_tls(error):
        return "tls"
    if isinstance(error, (httpx.TimeoutException, TimeoutError, asyncio.TimeoutError)):
        return "timeout"
    return "connection"


class HttpxHttpNode(BaseNode):
    """Sends requests through ``httpx.Client`` objects, each used by one thread at a time.

    httpx's sync connection pool can close a connection while another thread is waiting on
    it (encode/httpcore#1110), so threads never share a client: the node keeps up to
    ``connections_per_node`` idle single-connection clients, handing one to each request and
    making a new one when none is idle, like urllib3's non-blocking pool does with connections.

    Like the async node, ``ssl_assert_fingerprint`` is refused: httpx offers no way to check
    the server's certificate before the request (and its credentials) is sent.
    ``ssl_assert_hostname`` is sent as the SNI name, which httpx verifies the certificate against.
    """

    _CLIENT_META_HTTP_CLIENT: ClassVar[tuple[str, str]] = ("hx", httpx.__version__)

    def __init__(self, config: NodeConfig) -> None:
        if config.ssl_assert_fingerprint:
            raise ValueError(
                "HttpxHttpNode doesn't support 'ssl_assert_fingerprint': httpx does not support "
                "certificate pinning. Use 'ca_certs' instead, or the 'urllib3' or 'requests' node class"
            )
        refuse_ca_certs_without_verification(config)
        super().__init__(config)
        self._verify: ssl.SSLContext | bool = (
            ssl_context_from_node_config(config) if config.scheme == "https" else False
        )
        self._extensions: dict[str, Any] | None = (
            {"sni_hostname": config.ssl_assert_hostname} if config.ssl_assert_hostname else None
        )
        self._proxy_kwargs = _proxy_kwargs(self._proxy)
        self._lock = threading.Lock()
        self._closed = False
        # The first of the node's clients, kept for reference (TLS settings, base_url).
        self.client = self._new_client()
        self._idle_clients: list[httpx.Client] = [self.client]
        # At most connections_per_node clients (each with one connection) in use at a time.
        self._slots = ConnectionSlots(config.connections_per_node)

    def _new_client(self) -> httpx.Client:
        client = httpx.Client(
            base_url=self.base_url,  # for reference only: requests are sent to absolute URLs
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            verify=self._verify,
            timeout=self._config.request_timeout,
            **self._proxy_kwargs,
        )
        return client

    @contextmanager
    def _checkout_client(self, timeout: float | None) -> Iterator[httpx.Client]:
        self._slots.acquire(timeout, self)
        try:
            with self._client_from_pool() as client:
                yield client
        finally:
            self._slots.release()

    @contextmanager
    def _client_from_pool(self) -> Iterator[httpx.Client]:
        with self._lock:
            client = self._idle_clients.pop() if self._idle_clients else None
        if client is None:
            client = self._new_client()
        try:
            yield client
        finally:
            with self._lock:
                keep = not self._closed and len(self._idle_clients) < self._config.connections_per_node
                if keep:
                    self._idle_clients.append(client)
            if not keep:
                client.close()

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | None | DefaultType = DEFAULT,
        deadline: float | None = None,
    ) -> NodeApiResponse:
        request_headers = self._request_headers(headers)
        payload = self._compress(body, request_headers)  # the trace shows ``body`` as given
        timeout = self._timeout(request_timeout)
        start = time.perf_counter()
        try:
            with self._checkout_client(timeout) as client:
                request = client.build_request(
                    method,
                    self.base_url + target,
                    content=payload,
                    headers=request_headers,
                    timeout=httpx.USE_CLIENT_DEFAULT if request_timeout is DEFAULT else request_timeout,
                    extensions=self._extensions,
                )
                response = client.send(request, stream=True)
                try:
                    # As sent (inflated below, within max_decompressed_size); under a deadline
                    # the clock is checked after every read (each one bounded by the timeout).
                    if deadline is None:
                        data = b"".join(response.iter_raw())
                    else:
                        parts = []
                        deadline_left(deadline, self, target)
                        for part in response.iter_raw():
                            parts.append(part)
                            deadline_left(deadline, self, target)
                        data = b"".join(parts)
                finally:
                    response.close()
        except (httpx.HTTPError, OSError) as e:
            error = connection_error_for(e, _async_error_kind(e), self)
            self._log_request(method, target, request_headers, body, exception=error)
            raise error from None
        except TransportError as error:  # no free connection in time
            self._log_request(method, target, request_headers, body, exception=error)
            raise
        meta = response_meta(
            self,
            response.status_code,
            response.http_version.removeprefix("HTTP/"),
            response.headers,
            time.perf_counter() - start,
        )
        encoding = meta.headers._internal.get("content-encoding")
        if encoding is not None and data:
            data = self._decompress(data, encoding[1], target)
        self._log_request(method, target, request_headers, body, meta=meta, response=data)
        return NodeApiResponse(meta, data)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            clients, self._idle_clients = self._idle_clients, []
        for client in clients:
            client.close()
