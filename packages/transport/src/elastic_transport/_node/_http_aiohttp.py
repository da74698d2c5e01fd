"""The default async node: one aiohttp session per node, with keep-alive connections."""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections.abc import Mapping
from typing import Any, ClassVar

import aiohttp
from yarl import URL

from .._models import NodeApiResponse, NodeConfig
from ..client_utils import DEFAULT, DefaultType
from ._base import (
    BaseAsyncNode,
    caused_by_tls,
    connection_error_for,
    response_meta,
    ssl_context_from_node_config,
)

# asyncio.timeout (Python 3.11+) bounds a request with one timer; 3.10 has only wait_for.
_timeout_context: Any = getattr(asyncio, "timeout", None)
_NO_TIMEOUT = aiohttp.ClientTimeout()  # what aiohttp gets when the node bounds the request
_URL_CACHE_SIZE = 256  # targets remembered per node; the cache starts over when full
# aiohttp before 3.7 hung on HEAD responses with a body length; the oldest aiohttp this
# package accepts (3.9) has the fix, so HEAD is always sent as HEAD.
_AIOHTTP_FIXED_HEAD_BUG = True
# What a request target keeps as is: RFC 3986's reserved and unreserved characters and '%'
# (targets come percent-encoded). Spaces, non-ASCII text and the rest get percent-encoded,
# as urllib3 does for the sync node.
_TARGET_SAFE = "!#$%&'()*+,/:;=?@[]~"


_allocator_warm = False


def _warm_up_allocator() -> None:
    """Lets glibc serve the event loop's receive buffers from the heap (once per process).

    asyncio reads a socket into a fresh 256 KiB bytes object and shrinks it to what
    arrived. That size is above glibc's initial mmap threshold (128 KiB), so until the
    threshold has moved, every read costs an mmap, an mremap and a munmap: about half the
    system time of a small request. glibc raises the threshold to the size of the first
    mmap-served block that is freed; freeing one 1 MiB block here does that, as a larger
    program's own allocations would have done sooner or later.
    """
    global _allocator_warm
    if _allocator_warm:
        return
    _allocator_warm = True
    try:
        is_glibc = os.confstr("CS_GNU_LIBC_VERSION") is not None
    except (AttributeError, ValueError, OSError):
        is_glibc = False
    if is_glibc:
        bytearray(1 << 20)  # allocated and freed at once


class AiohttpHttpNode(BaseAsyncNode):
    """Sends requests through an ``aiohttp.ClientSession`` created on first use.

    The session is created lazily because aiohttp binds it to the running event loop, and
    a transport is often built before any loop exists.
    """

    _CLIENT_META_HTTP_CLIENT: ClassVar[tuple[str, str]] = ("ai", aiohttp.__version__)

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        self._session: aiohttp.ClientSession | None = None
        # At most connections_per_node requests in flight, the rest wait here: queueing on a
        # semaphore costs far less per request than queueing inside aiohttp's connector.
        self._slots: asyncio.Semaphore | None = None
        # target -> its URL: parsing a URL costs more than the rest of this method, and
        # programs send the same few targets again and again.
        self._urls: dict[str, URL] = {}
        self._connector_ssl: ssl.SSLContext | aiohttp.Fingerprint | bool = True
        # Keyword arguments added to every request; empty for the common cases.
        self._request_kwargs: dict[str, Any] = {}
        if config.scheme == "https":
            ssl_context = ssl_context_from_node_config(config)
            fingerprint = config.ssl_assert_fingerprint
            if fingerprint:
                if len(fingerprint) != 64:
                    raise ValueError(
                        "AiohttpHttpNode can only pin a SHA-256 certificate fingerprint "
                        f"(64 hex characters), got {len(fingerprint)} hex characters"
                    )
                # aiohttp checks the fingerprint it finds on the connector, and uses the
                # context given per request: this keeps client certificates with pinning.
                self._connector_ssl = aiohttp.Fingerprint(bytes.fromhex(fingerprint))
                self._request_kwargs["ssl"] = ssl_context
            else:
                self._connector_ssl = ssl_context
            if config.ssl_assert_hostname:
                self._request_kwargs["server_hostname"] = config.ssl_assert_hostname
        if self._proxy is not None:
            self._request_kwargs["proxy"] = URL(self._proxy.url)
            if config.scheme == "https":  # sent with the CONNECT that opens each tunnel
                self._request_kwargs["proxy_headers"] = self._proxy.headers
            else:
                # aiohttp sends no proxy_headers with a plain-http request through a proxy:
                # they go with every request instead, as urllib3 and httpx send them.
                self._base_headers.update({k.lower(): v for k, v in self._proxy.headers.items()})

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The node's aiohttp session (None until the first request creates it)."""
        return self._session

    def _create_session(self) -> aiohttp.ClientSession:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._config.connections_per_node, ssl=self._connector_ssl),
            # Ask for compressed responses only when http_compress is on, and send no Accept
            # the caller did not set, like the sync nodes.
            skip_auto_headers=("accept", "accept-encoding"),
            # Compressed bodies are inflated by the node, within max_decompressed_size.
            auto_decompress=False,
        )
        self._slots = asyncio.Semaphore(self._config.connections_per_node)
        _warm_up_allocator()
        return self._session

    _create_aiohttp_session = _create_session  # the official node's name for it

    def _url_for(self, target: str) -> URL:
        """The URL of a target, percent-encoded where it is not (a space, non-ASCII text)."""
        from urllib.parse import quote

        origin = self.base_url[: len(self.base_url) - len(self._path_prefix)]
        url = URL(origin + quote(self._path_prefix + target, safe=_TARGET_SAFE), encoded=True)
        if len(self._urls) >= _URL_CACHE_SIZE:
            self._urls.clear()
        self._urls[target] = url
        return url

    async def _send(
        self,
        method: str,
        url: URL,
        body: bytes | None,
        headers: Mapping[str, str],
    ) -> tuple[aiohttp.ClientResponse, bytes]:
        """One request in a free slot (Python 3.10, where wait_for bounds it with the timeout)."""
        session = self._session
        if session is None:
            session = self._create_session()
        slots: asyncio.Semaphore = self._slots  # type: ignore[assignment]
        await slots.acquire()
        try:
            # Awaited rather than used with `async with`: the same request and release
            # without four extra coroutines per request.
            response = await session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=_NO_TIMEOUT,
                allow_redirects=False,
                **self._request_kwargs,
            )
            try:
                return response, await response.read()
            finally:
                response.release()
        finally:
            slots.release()

    async def perform_request(  # type: ignore[override]
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | None | DefaultType = DEFAULT,
    ) -> NodeApiResponse:
        request_headers = self._request_headers(headers)
        payload = body  # what goes on the wire; the trace shows ``body`` as given
        if self._http_compress:
            payload = self._compress(body, request_headers)
        total: float | None = self._config.request_timeout if request_timeout is DEFAULT else request_timeout  # type: ignore[assignment]
        url = self._urls.get(target)
        if url is None:
            url = self._url_for(target)
        start = time.perf_counter()
        try:
            if _timeout_context is None:  # Python 3.10: no asyncio.timeout
                response, data = await asyncio.wait_for(
                    self._send(method, url, payload, request_headers), total
                )
            else:
                # One timer for the whole request, the wait for a slot included (aiohttp too
                # counts the wait for a connection); aiohttp itself then sets none. Inline
                # rather than a call to _send: a coroutine less on the await chain.
                async with _timeout_context(total):
                    session = self._session
                    if session is None:
                        session = self._create_session()
                    slots: asyncio.Semaphore = self._slots  # type: ignore[assignment]
                    await slots.acquire()
                    try:
                        response = await session.request(
                            method,
                            url,
                            data=payload,
                            headers=request_headers,
                            timeout=_NO_TIMEOUT,
                            allow_redirects=False,
                            **self._request_kwargs,
                        )
                        try:
                            data = await response.read()
                        finally:
                            response.release()
                    finally:
                        slots.release()
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as e:
            error = connection_error_for(e, _error_kind(e), self)
            self._log_request(method, target, request_headers, body, exception=error)
            raise error from None
        meta = response_meta(self, response.status, "1.1", response.headers, time.perf_counter() - start)
        encoding = meta.headers._internal.get("content-encoding")
        if encoding is not None and data:
            data = self._decompress(data, encoding[1], target)
        self._log_request(method, target, request_headers, body, meta=meta, response=data)
        return NodeApiResponse(meta, data)

    async def close(self) -> None:  # type: ignore[override]
        session, self._session = self._session, None
        if session is not None:
            await session.close()


def _error_kind(error: BaseException) -> str:
    if isinstance(error, (aiohttp.ClientSSLError, aiohttp.ServerFingerprintMismatch)) or caused_by_tls(error):
        return "tls"
    if isinstance(error, (asyncio.TimeoutError, TimeoutError)):
        return "timeout"
    return "connection"
