"""The client base: constructor, ``options()`` and ``perform_request``.

Generated API methods build a path, query and body and hand them to ``perform_request``;
everything per-request that is not API-specific (options, headers, product check, errors,
response classes) happens here and in ``_dispatch``; argument handling lives in ``_config``.
"""

# unasync: async-only
# The source of _sync/client/_base.py, its sync twin (codegen/unasync.py).
# unasync: end

from __future__ import annotations

# unasync: async-only
import asyncio

# unasync: end
import copy

# unasync: sync-only
# import threading
# unasync: end
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any, TypeVar

from elastic_transport import (
    ApiResponse,
    AsyncTransport,
    BaseNode,
    ConnectionError,
    HttpHeaders,
    NodeConfig,
    NodePool,
    NodeSelector,
    SerializationError,
    Serializer,
    SniffingError,
    SniffOptions,
)
from elastic_transport.client_utils import DEFAULT, DefaultType

from ..._config import (
    SNIFF_TARGET,
    CallOptions,
    apply_options,
    setup_client,
    skip_dedicated_masters,
    sniffed_node_configs,
)
from ..._dispatch import (
    COMPAT_MIMETYPES,
    SERVER_VERSION_TARGET,
    CompatMimetypes,
    CompatNegotiation,
    build_response,
    compat_mimetype,
    discovery_headers,
    negotiated_mimetypes,
    request_headers,
    request_target,
)
from ..._otel import NO_SPAN, OpenTelemetry

SelfType = TypeVar("SelfType", bound="AsyncElasticsearchBase")


class AsyncBaseClient:
    """State shared by the client and its namespaces: the transport and per-call options."""

    _otel = OpenTelemetry(enabled=False)  # a client's own is set by its constructor

    def __init__(self, _transport: AsyncTransport) -> None:
        self._transport = _transport
        self._headers = HttpHeaders()
        self._call_options = CallOptions()
        self._is_serverless = False
        # Negotiate mode's shared state; None sends compatible-with=<client major> (official).
        self._negotiation: CompatNegotiation | None = None

    @property
    def transport(self) -> AsyncTransport:
        return self._transport

    @property
    def _client_meta(self) -> Any:
        """The ``x-elastic-client-meta`` additions of this client copy (helpers set ``h=bp``)."""
        return self._call_options.transport["client_meta"]

    @_client_meta.setter
    def _client_meta(self, value: Any) -> None:
        self._call_options = self._call_options.replace(client_meta=value)

    async def perform_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any | None = None,
        endpoint_id: str | None = None,
        path_parts: Mapping[str, Any] | None = None,
    ) -> ApiResponse[Any]:
        """Sends any request; also the way to reach endpoints this client has no method for."""
        negotiation = self._negotiation
        mimetypes = (
            COMPAT_MIMETYPES
            if negotiation is None
            else negotiation.mimetypes or await self._negotiate(negotiation)
        )
        if self._otel.enabled and self._otel.recording():
            return await self._traced_request(
                method, path, params, headers, body, endpoint_id, path_parts, mimetypes
            )
        call_options = self._call_options
        meta, response_body = await self._transport.perform_request(
            method,
            request_target(path, params),
            headers=request_headers(self._headers, headers, self._is_serverless, mimetypes),
            body=body,
            otel_span=NO_SPAN,
            **call_options.transport,
        )
        return build_response(method, meta, response_body, call_options.ignore_status)

    async def _traced_request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        body: Any | None,
        endpoint_id: str | None,
        path_parts: Mapping[str, Any] | None,
        mimetypes: CompatMimetypes,
    ) -> ApiResponse[Any]:
        """``perform_request`` inside the call's OpenTelemetry span (kept off the untraced path)."""
        with self._otel.span(method, endpoint_id=endpoint_id, path_parts=path_parts or {}) as span:
            call_options = self._call_options
            meta, response_body = await self._transport.perform_request(
                method,
                request_target(path, params),
                headers=request_headers(self._headers, headers, self._is_serverless, mimetypes),
                body=body,
                otel_span=span,
                **call_options.transport,
            )
            return build_response(method, meta, response_body, call_options.ignore_status)

    async def _negotiate(self, negotiation: CompatNegotiation) -> CompatMimetypes:
        """Negotiate mode: asks the server its version before the first request, once for this
        client and its copies; a failed attempt raises and the next request tries again."""
        async with negotiation.lock:
            if negotiation.mimetypes is None:
                meta, body = await self._transport.perform_request(
                    "GET",
                    SERVER_VERSION_TARGET,
                    headers=discovery_headers(self._headers),
                    otel_span=NO_SPAN,
                    **self._call_options.transport,
                )
                answer = build_response("GET", meta, body, DEFAULT)
                negotiation.mimetypes = negotiated_mimetypes(answer)
            return negotiation.mimetypes


class AsyncNamespacedClient(AsyncBaseClient):
    """A group of APIs (``client.indices``) that sends through its parent client's settings."""

    def __init__(self, client: AsyncBaseClient) -> None:
        self._client = client
        super().__init__(client._transport)
        self._is_serverless = client._is_serverless  # the parent's server mode, as on the official client

    async def perform_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any | None = None,
        endpoint_id: str | None = None,
        path_parts: Mapping[str, Any] | None = None,
    ) -> ApiResponse[Any]:
        return await self._client.perform_request(
            method,
            path,
            params=params,
            headers=headers,
            body=body,
            endpoint_id=endpoint_id,
            path_parts=path_parts,
        )


def make_sniff_callback(
    node_callback: Callable[[dict[str, Any], NodeConfig], NodeConfig | None] | None,
    negotiate: bool,
) -> Callable[[AsyncTransport, SniffOptions], Awaitable[list[NodeConfig]]]:
    """The client's sniff callback: ``GET /_nodes/_all/http`` through the transport (so
    retries and dead-node handling apply), once per known node until one answers.

    ``node_callback`` may adjust or drop each sniffed node; without one, dedicated masters
    are dropped. The initial sniff waits as long as it takes; later ones use ``sniff_timeout``.
    In negotiate mode the sniff may come before the server's major is known: it asks with the
    plain JSON Accept that every major takes.
    """
    keep = node_callback or skip_dedicated_masters

    async def sniff(transport: AsyncTransport, options: SniffOptions) -> list[NodeConfig]:
        headers = {"accept": "application/json" if negotiate else compat_mimetype("application/json")}
        timeout = None if options.is_initial_sniff else options.sniff_timeout
        errors: list[Exception] = []
        answered = False
        for _ in transport.node_pool.all():
            try:
                meta, answer = await transport.perform_request(
                    "GET", SNIFF_TARGET, headers=headers, request_timeout=timeout
                )
            except (SerializationError, ConnectionError) as e:
                errors.append(e)
                continue
            answered = True
            if 200 <= meta.status < 300:
                configs = sniffed_node_configs(answer, meta.node, keep)
                if configs:
                    return configs
        if not answered:
            raise SniffingError("No node answered the sniff request", errors=tuple(errors))
        return []

    return sniff


class AsyncElasticsearchBase(AsyncBaseClient):
    """The client constructor and lifecycle; API methods come from the generated subclass."""

    def __init__(
        self,
        # codegen: client arguments (every major's; a profile leaves out what its major lacks)
        hosts: Any = None,
        *,
        cloud_id: str | None = None,
        api_key: str | tuple[str, str] | None = None,
        basic_auth: str | tuple[str, str] | None = None,
        bearer_auth: str | None = None,
        opaque_id: str | None = None,
        server_mode: str = "stack",
        headers: DefaultType | Mapping[str, str] = DEFAULT,
        connections_per_node: DefaultType | int = DEFAULT,
        http_compress: DefaultType | bool = DEFAULT,
        verify_certs: DefaultType | bool = DEFAULT,
        ca_certs: DefaultType | str = DEFAULT,
        client_cert: DefaultType | str = DEFAULT,
        client_key: DefaultType | str = DEFAULT,
        ssl_assert_hostname: DefaultType | str = DEFAULT,
        ssl_assert_fingerprint: DefaultType | str = DEFAULT,
        ssl_version: DefaultType | int = DEFAULT,
        ssl_context: DefaultType | Any = DEFAULT,
        ssl_show_warn: DefaultType | bool = DEFAULT,
        transport_class: type[AsyncTransport] = AsyncTransport,
        request_timeout: DefaultType | None | float = DEFAULT,
        node_class: DefaultType | str | type[BaseNode] = DEFAULT,
        node_pool_class: DefaultType | type[NodePool] = DEFAULT,
        randomize_nodes_in_pool: DefaultType | bool = DEFAULT,
        node_selector_class: DefaultType | str | type[NodeSelector] = DEFAULT,
        dead_node_backoff_factor: DefaultType | float = DEFAULT,
        max_dead_node_backoff: DefaultType | float = DEFAULT,
        serializer: Serializer | None = None,
        serializers: DefaultType | Mapping[str, Serializer] = DEFAULT,
        default_mimetype: str = "application/json",
        max_retries: DefaultType | int = DEFAULT,
        retry_on_status: DefaultType | int | Collection[int] = DEFAULT,
        retry_on_timeout: DefaultType | bool = DEFAULT,
        retry_backoff_base: DefaultType | float = DEFAULT,
        retry_backoff_cap: DefaultType | float = DEFAULT,
        request_deadline: DefaultType | None | float = DEFAULT,
        sniff_on_start: DefaultType | bool = DEFAULT,
        sniff_before_requests: DefaultType | bool = DEFAULT,
        sniff_on_node_failure: DefaultType | bool = DEFAULT,
        sniff_timeout: DefaultType | None | float = DEFAULT,
        min_delay_between_sniffing: DefaultType | None | float = DEFAULT,
        sniffed_node_callback: Callable[[dict[str, Any], NodeConfig], NodeConfig | None] | None = None,
        meta_header: DefaultType | bool = DEFAULT,
        timeout: DefaultType | None | float = DEFAULT,
        randomize_hosts: DefaultType | bool = DEFAULT,
        host_info_callback: Any = None,
        sniffer_timeout: DefaultType | None | float = DEFAULT,
        sniff_on_connection_fail: DefaultType | bool = DEFAULT,
        http_auth: DefaultType | Any = DEFAULT,
        maxsize: DefaultType | int = DEFAULT,
        # beyond the official clients: an HTTP proxy for every node (NodeConfig.proxy)
        proxy: DefaultType | str | None = DEFAULT,
        proxy_headers: DefaultType | Mapping[str, str] | None = DEFAULT,
        _transport: AsyncTransport | None = None,
        # codegen: end
    ) -> None:
        given = dict(locals())
        transport, setup = setup_client(given, make_sniff_callback)
        super().__init__(transport)
        self._headers = setup.headers
        self._is_serverless = setup.serverless
        if setup.call_options:
            self._call_options = self._call_options.replace(**setup.call_options)
        if setup.negotiate:
            # unasync: async-only
            self._negotiation = CompatNegotiation(asyncio.Lock())
            # unasync: end
            # unasync: sync-only
            # self._negotiation = CompatNegotiation(threading.Lock())
            # unasync: end
        self._otel = OpenTelemetry()

    def __repr__(self) -> str:
        try:
            urls = [n.base_url for n in self._transport.node_pool.all()]
            # Always a list, like the official client; at most five URLs, then "...".
            shown = [*urls[:5], "..."] if len(urls) > 5 else urls
            return f"<{type(self).__name__}({shown!r})>"
        except Exception:  # a repr must never fail
            return f"<{type(self).__name__}>"

    async def __aenter__(self: SelfType) -> SelfType:
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Closes every connection of the shared transport."""
        await self._transport.close()

    def options(
        self: SelfType,
        *,
        opaque_id: DefaultType | str = DEFAULT,
        api_key: DefaultType | str | tuple[str, str] = DEFAULT,
        basic_auth: DefaultType | str | tuple[str, str] = DEFAULT,
        bearer_auth: DefaultType | str = DEFAULT,
        headers: DefaultType | Mapping[str, str] = DEFAULT,
        request_timeout: DefaultType | float | None = DEFAULT,
        ignore_status: DefaultType | int | Collection[int] = DEFAULT,
        max_retries: DefaultType | int = DEFAULT,
        retry_on_status: DefaultType | int | Collection[int] = DEFAULT,
        retry_on_timeout: DefaultType | bool = DEFAULT,
        retry_backoff_base: DefaultType | float = DEFAULT,
        retry_backoff_cap: DefaultType | float = DEFAULT,
        request_deadline: DefaultType | float | None = DEFAULT,
    ) -> SelfType:
        """A copy of this client with other per-request options; it shares the transport.

        ``request_deadline`` (seconds, None for none) bounds each request as a whole, its
        retries and the waits between them included (elastic_transport's option of that name).
        """
        options = dict(locals())
        client = copy.copy(self)
        client._headers = self._headers.copy()
        apply_options(client, options)
        client._reset_namespaces()
        return client

    def _reset_namespaces(self) -> None:
        """Namespace clients are cached on the client; a copy must build its own."""
        for key, value in list(vars(self).items()):
            if isinstance(value, AsyncNamespacedClient):
                del self.__dict__[key]
