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
import time
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
    node_of,
    normalize_hosts,
    product_check,
    target_with_params,
    warn_stacklevel,
)
from .http_aiohttp import AIOHttpConnection

__all__ = ["AsyncTransport", "TransportBase", "get_host_info"]


# The query parameter that carries extra client meta header pairs to the transport (7.x).
_CLIENT_META_PARAM = "__elastic_client_meta"


class AsyncTransport(TransportBase):
    """The 7.x transport of a client and its namespaces: the sync one is shared across threads,
    the asyncio one belongs to one event loop."""

    # unasync: async-only (TransportBase has the sync defaults: urllib3 nodes)
    DEFAULT_CONNECTION_CLASS: Any = AIOHttpConnection
    _default_node = "aiohttp"
    _shared_transport_class: Any = elastic_transport.AsyncTransport

    def __init__(self, hosts: Any, *args: Any, **kwargs: Any) -> None:
        self._verify_lock = asyncio.Lock()
        self._removed_nodes: list[Any] = []
        # The running (or last) sniff; sniffs run as tasks, which requests don't wait for
        # except the sniff_on_start one.
        self.sniffing_task: asyncio.Task[None] | None = None
        self._async_init_called = False
        self._sniff_on_start_event: asyncio.Event | None = None
        super().__init__(hosts, *args, **kwargs)

    @staticmethod
    def _clock() -> float:
        """The clock of ``last_sniff``: the event loop's."""
        return time.monotonic()

    # unasync: end
    # unasync: sync-only (a thread lock; dropped nodes are closed at once)
    # def __init__(self, hosts: Any, *args: Any, **kwargs: Any) -> None:
    #     self._verify_lock = threading.Lock()
    #     # Nodes the last set_connections dropped: a request that began before it may still
    #     # pick them from the pool it holds, so they are closed one replacement later.
    #     self._retired_nodes: list[Any] = []
    #     super().__init__(hosts, *args, **kwargs)
    #     if self.sniff_on_start:
    #         self.sniff_hosts(True)
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

        ``params`` may carry ``ignore`` (statuses that return the body instead of raising),
        ``request_timeout`` and ``__elastic_client_meta`` (pairs added to the client meta
        header, ``(("h", "bp"),)`` from a helper); the rest is the query string.
        """
        client_meta: Any = DEFAULT
        if params and _CLIENT_META_PARAM in params:
            params = dict(params)
            client_meta = tuple(params.pop(_CLIENT_META_PARAM))
        method, target, request_headers, body_bytes, ignore, timeout = self._resolve_request_args(
            method, url, headers, params, body
        )
        # unasync: async-only (sniff_on_start and the sniffer_timeout sniff start here)
        await self._async_call()
        # unasync: end
        # unasync: sync-only
        # if self.sniffer_timeout and self._sniff_due():
        #     self._periodic_sniff()
        # unasync: end
        if self._verified_elasticsearch is not True:
            if self._verified_elasticsearch is None:
                await self._do_verify_elasticsearch(headers, timeout)
            self._raise_if_unsupported()
        token = self._connection_call(params, target, ignore, headers)
        try:
            response = await self._transport.perform_request(
                method,
                target,
                body=body_bytes,
                headers=request_headers,
                request_timeout=timeout,
                retry_on_status=self._retry_statuses(ignore),
                client_meta=client_meta,
            )
        except elastic_transport.TransportError as e:
            raise self._wrap_error(e) from e
        finally:
            self._end_call(token)
        return self._process_response(method, target, response, ignore)

    async def _do_verify_elasticsearch(self, headers: Mapping[str, str] | None, timeout: Any) -> None:
        """Runs the product check once; concurrent first requests wait for it."""
        async with self._verify_lock:
            if self._verified_elasticsearch is not None:
                return
            token = self._special_call("check")
            try:
                # One attempt per live connection, as in 7.x; then the failure is raised to
                # the requests waiting for the check.
                response = await self._transport.perform_request(
                    "GET",
                    "/",
                    headers=self._product_check_headers(headers),
                    request_timeout=timeout,
                    max_retries=max(len(self.connection_pool.connections), 1) - 1,
                )
            except elastic_transport.TransportError as e:
                raise self._wrap_error(e) from e
            finally:
                self._end_call(token)
            self._verified_elasticsearch = self._product_check_result(response)

    def _sniff_callback(self) -> Callable[..., Any]:
        """What the shared transport calls to sniff after a node failed (the sync transport):
        this transport's ``sniff_hosts``."""

        async def sniff(transport: Any, options: SniffOptions) -> list[NodeConfig]:
            try:
                await self.sniff_hosts(options.is_initial_sniff)
            except TransportError as e:
                raise elastic_transport.SniffingError(str(e), errors=(e,)) from e
            return [node.config for node in self.connection_pool.all()]

        return sniff

    def _sniff_candidates(self) -> list[Any]:
        """The nodes a sniff asks: the live connections', then the seed ones', each once."""
        nodes: list[Any] = []
        for connection in (*self.connection_pool.connections, *self.seed_connections):
            node = node_of(self.connection_pool, connection)
            if all(node is not known for known in nodes):
                nodes.append(node)
        return nodes

    async def _ask_for_nodes(
        self, node: Any, timeout: float | None
    ) -> list[tuple[dict[str, Any], NodeConfig]] | None:
        """One node's answer to the sniff request, ``None`` when it gave none usable."""
        token = self._special_call("sniff")
        try:
            meta, raw = await node.perform_request(
                "GET",
                _SNIFF_TARGET,
                headers={"accept": "application/json"},
                request_timeout=DEFAULT if timeout is None else timeout,
            )
        except elastic_transport.TransportError:
            return None
        finally:
            self._end_call(token)
        if not 200 <= meta.status < 300:
            return None
        try:
            body = self.deserializer.loads(raw, meta.headers.get("content-type"))
        except SerializationError:
            return None
        return self._sniffed_hosts(body, node.config) if isinstance(body, dict) else None

    async def _get_sniff_data(self, initial: bool = False) -> list[tuple[dict[str, Any], NodeConfig]]:
        """Asks the live connections, then the seed ones, for the cluster's nodes (the
        asyncio transport asks them all at once); the first usable answer wins."""
        timeout = None if initial else self.sniff_timeout
        previous_sniff, self.last_sniff = self.last_sniff, self._clock()
        try:
            # unasync: async-only
            pending = {
                asyncio.ensure_future(self._ask_for_nodes(n, timeout)) for n in self._sniff_candidates()
            }
            try:
                while pending:
                    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        found = task.result()
                        if found is not None:
                            return found
            finally:
                for task in pending:
                    task.cancel()
            # unasync: end
            # unasync: sync-only
            # for node in self._sniff_candidates():
            #     found = self._ask_for_nodes(node, timeout)
            #     if found is not None:
            #         return found
            # unasync: end
            raise TransportError("N/A", "Unable to sniff hosts.")
        except BaseException:
            self.last_sniff = previous_sniff
            raise

    async def sniff_hosts(self, initial: bool = False) -> None:
        """Asks the cluster for its nodes now and replaces the pool with them."""
        found = await self._get_sniff_data(initial)
        if not found:
            raise TransportError("N/A", "Unable to sniff hosts - no viable hosts found.")
        self._set_connections([host for host, _ in found], [config for _, config in found])

    # unasync: async-only (sniffs run as tasks; closing a node awaits: dropped nodes wait for close())
    def _sniff_on_failure_in_pool(self) -> bool:
        return self.sniff_on_connection_fail

    def _connection_failed(self, connection: Any) -> None:
        self.create_sniff_task()

    def create_sniff_task(self, initial: bool = False) -> None:
        """Starts a sniff as a task unless one is running; a finished one's failure is logged."""
        task = self.sniffing_task
        if task is not None:
            if not task.done():
                return
            if not task.cancelled() and task.exception() is not None:
                logger.warning("Sniffing failed: %r", task.exception())
        self.sniffing_task = asyncio.get_running_loop().create_task(self.sniff_hosts(initial))

    async def _async_init(self) -> None:
        """Runs once an event loop runs: the ``sniff_on_start`` sniff, which the first
        requests wait for. If it fails, the request that started it raises and the next
        request starts it again."""
        if not self.sniff_on_start:
            return
        event = self._sniff_on_start_event = asyncio.Event()
        try:
            self.last_sniff = self._clock()
            self.create_sniff_task(initial=True)
            task = self.sniffing_task
            assert task is not None
            await asyncio.wait([task])
            if not task.cancelled():  # cancelled: the transport was closed
                try:
                    task.result()
                except BaseException:
                    self._async_init_called = False
                    raise
        finally:
            event.set()

    async def _async_call(self) -> None:
        """What every request awaits first: the ``sniff_on_start`` sniff (run once an event
        loop runs), then a ``sniffer_timeout`` sniff starts if one is due."""
        if not self._async_init_called:
            self._async_init_called = True
            await self._async_init()
        elif self._sniff_on_start_event is not None and not self._sniff_on_start_event.is_set():
            await self._sniff_on_start_event.wait()
        if self.sniffer_timeout and self._sniff_due():
            self.create_sniff_task()

    def _set_connections(self, hosts: Any, configs: Any = None) -> None:
        self._removed_nodes.extend(self._replace_pool(hosts, configs))

    def set_connections(self, hosts: Any) -> None:
        """Replaces the pool's connections with ones for ``hosts``; removed ones are closed by
        ``close()``."""
        self.hosts = normalize_hosts(hosts)
        self._set_connections(self.hosts)

    def mark_dead(self, connection: Any) -> None:
        """Takes a connection out of rotation for a while, as a failure does; starts a sniff
        then when ``sniff_on_connection_fail`` is set."""
        self.connection_pool.mark_dead(connection)
        if self.sniff_on_connection_fail:
            self.create_sniff_task()

    async def close(self) -> None:
        """Stops a running sniff and closes every node's connections."""
        task = self.sniffing_task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])
        removed, self._removed_nodes = self._removed_nodes, []
        await asyncio.gather(*(node.close() for node in removed))
        await self._transport.close()

    # unasync: end
    # unasync: sync-only
    # def _periodic_sniff(self) -> None:
    #     """The ``sniffer_timeout`` sniff; the request goes on if it fails."""
    #     try:
    #         self.sniff_hosts()
    #     except TransportError as e:
    #         logger.warning("Sniffing failed: %r", e)
    #
    # def _set_connections(self, hosts: Any, configs: Any = None) -> None:
    #     retired = self._replace_pool(hosts, configs)
    #     retired, self._retired_nodes = self._retired_nodes, retired
    #     for node in retired:
    #         node.close()
    #
    # def set_connections(self, hosts: Any) -> None:
    #     """Replaces the pool's connections with ones for ``hosts`` (7.x host dicts or URLs)."""
    #     self.hosts = normalize_hosts(hosts)
    #     self._set_connections(self.hosts)
    #
    # def mark_dead(self, connection: Any) -> None:
    #     """Takes a connection out of rotation for a while, as a failure does; sniffs then
    #     when ``sniff_on_connection_fail`` is set."""
    #     self.connection_pool.mark_dead(connection)
    #     if self.sniff_on_connection_fail:
    #         self.sniff_hosts()
    #
    # def close(self) -> None:
    #     """Closes every node's connections."""
    #     retired, self._retired_nodes = self._retired_nodes, []
    #     for node in retired:
    #         node.close()
    #     self._transport.close()
    # unasync: end
