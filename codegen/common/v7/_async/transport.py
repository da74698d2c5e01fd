"""The I/O of the 7.x transport: ``perform_request``, the product check request, sniffing
and closing, over the shared ``elastic_transport`` transport. Configuration, request
preparation and response handling come from ``TransportBase`` (``_transport_base.py``).
"""

# unasync: async-only
# The source of transport.py, its sync twin (codegen/unasync.py). The flavours differ in
# their lock, their default connection class and in when nodes dropped by set_connections
# are closed. The asyncio transport can be created outside a running event loop;
# sniff_on_start then happens before the first request.
# unasync: end

from __future__ import annotations

import asyncio

# unasync: sync-only
# import threading
# unasync: end
from collections.abc import Callable, Mapping
from typing import Any

import elastic_transport
from elastic_transport import NodeConfig, SniffOptions
from elastic_transport.client_utils import DEFAULT

from .._transport_base import (  # noqa: F401  (the names the 7.x module had, importable from here too)
    _DEFAULT_SERIALIZER,
    _PRODUCT_ERRORS,
    _RAW_SERIALIZERS,
    _SNIFF_TARGET,
    _UNDECODED,
    _VERSION_RE,
    CALL,
    DEFAULT_SERIALIZERS,
    POOL_OPTIONS,
    UNSUPPORTED_DISTRIBUTION,
    UNSUPPORTED_PRODUCT,
    AuthenticationException,
    AuthorizationException,
    BaseNode,
    Call,
    ConnectionError,
    ConnectionPool,
    ConnectionTimeout,
    DefaultType,
    Deserializer,
    DummyConnectionPool,
    ElasticsearchWarning,
    EmptyConnectionPool,
    HostInfoCallback,
    ImproperlyConfigured,
    JSONSerializer,
    NodePool,
    SerializationError,
    Serializer,
    TransportApiResponse,
    TransportBase,
    TransportError,
    UnsupportedProductError,
    Urllib3HttpConnection,
    _ProductChecker,
    _profile,
    _Undecoded,
    client_meta_version,
    compat_mimetype,
    compat_mode,
    decode_error_body,
    emit_server_warnings,
    from_transport_error,
    get_host_info,
    http_error,
    logger,
    node_class_for_configs,
    node_class_name,
    node_config_from_options,
    normalize_hosts,
    product_check,
    target_with_params,
    warn_stacklevel,
)
from .http_aiohttp import AIOHttpConnection

__all__ = ["AsyncTransport", "TransportBase", "get_host_info"]


# unasync: async-only
class _SharedAsyncTransport(elastic_transport.AsyncTransport):
    """The shared transport as 7.x sniffs: the nodes found replace the seed hosts."""

    _sniff_keeps_seeds = False


# unasync: end
class AsyncTransport(TransportBase):
    """The 7.x transport of a client and its namespaces: the sync one is shared across threads,
    the asyncio one belongs to one event loop."""

    # unasync: async-only (TransportBase has the sync defaults: urllib3 nodes)
    DEFAULT_CONNECTION_CLASS: Any = AIOHttpConnection
    _default_node = "aiohttp"
    _shared_transport_class: Any = _SharedAsyncTransport

    def __init__(self, hosts: Any, *args: Any, **kwargs: Any) -> None:
        self._verify_lock = asyncio.Lock()
        self._removed_nodes: list[Any] = []
        super().__init__(hosts, *args, **kwargs)

    # unasync: end
    # unasync: sync-only (a thread lock; dropped nodes are closed at once)
    # def __init__(self, hosts: Any, *args: Any, **kwargs: Any) -> None:
    #     self._verify_lock = threading.Lock()
    #     super().__init__(hosts, *args, **kwargs)
    #
    # unasync: end
    async def perform_request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        """Sends a request; returns the deserialized body, or a bool for HEAD.

        ``params`` may carry ``ignore`` (statuses that return the body instead of raising)
        and ``request_timeout``; the rest is the query string.
        """
        method, target, request_headers, body_bytes, ignore, timeout = self._resolve_request_args(
            method, url, headers, params, body
        )
        if self._verified_elasticsearch is not True:
            if self._verified_elasticsearch is None:
                await self._do_verify_elasticsearch(request_headers, timeout)
            self._raise_if_unsupported()
        token = self._connection_call(params, target, ignore)
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
        finally:
            self._end_call(token)
        return self._process_response(method, target, response, ignore)

    async def _do_verify_elasticsearch(self, headers: Mapping[str, str], timeout: Any) -> None:
        """Runs the product check once; concurrent first requests wait for it."""
        async with self._verify_lock:
            if self._verified_elasticsearch is not None:
                return
            token = self._special_call("check")
            try:
                response = await self._transport.perform_request(
                    "GET", "/", headers=self._product_check_headers(headers), request_timeout=timeout
                )
            except elastic_transport.TransportError as e:
                raise self._wrap_error(e) from e
            finally:
                self._end_call(token)
            self._verified_elasticsearch = self._product_check_result(response)

    def _sniff_callback(self) -> Callable[..., Any]:
        async def sniff(transport: Any, options: SniffOptions) -> list[NodeConfig]:
            timeout = DEFAULT if options.is_initial_sniff else options.sniff_timeout
            errors: list[Exception] = []
            for node in transport.node_pool.all():
                token = self._special_call("sniff")
                try:
                    meta, raw = await node.perform_request(
                        "GET", _SNIFF_TARGET, headers={"accept": "application/json"}, request_timeout=timeout
                    )
                except elastic_transport.TransportError as e:
                    errors.append(e)
                    continue
                finally:
                    self._end_call(token)
                if 200 <= meta.status < 300:
                    return self._sniffed_node_configs(raw, node.config)
                errors.append(TransportError(meta.status, "Sniffing failed", None))
            raise elastic_transport.SniffingError("Unable to sniff hosts", errors=tuple(errors))

        return sniff

    async def sniff_hosts(self, initial: bool = False) -> None:
        """Asks the cluster for its nodes now and updates the pool."""
        if self._transport._sniff_callback is None:  # sniffing is off: a sniff on request
            self._transport._sniff_callback = self._sniff_callback()
        try:
            await self._transport.sniff(initial)
        except elastic_transport.TransportError as e:
            raise self._wrap_error(e) from e

    # unasync: async-only (closing a node awaits: dropped nodes wait for close())
    async def _async_call(self) -> None:
        """What the asyncio transport defers until an event loop runs: the initial sniff (once,
        when ``sniff_on_start`` is set); every request awaits it first."""
        try:
            await self._transport._async_call()
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

    # unasync: end
    # unasync: sync-only
    # def set_connections(self, hosts: Any) -> None:
    #     """Replaces the pool's nodes with ``hosts`` (7.x host dicts or URLs)."""
    #     self.hosts = normalize_hosts(hosts)
    #     for node in self._replace_nodes(hosts):
    #         node.close()
    #
    # def close(self) -> None:
    #     """Closes every node's connections."""
    #     self._transport.close()
    # unasync: end
