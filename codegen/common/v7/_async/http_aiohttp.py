"""``AIOHttpConnection``: nodes on aiohttp (imported only when such a node is made)."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from .._connection_base import constructor_options, lower_headers
from ..compat import reraise_exceptions
from ..connection.base import Connection  # noqa: F401  (importable from here, as before)
from ..exceptions import from_transport_error  # noqa: F401  (importable from here, as before)
from ._connection import AsyncConnection

__all__ = ["AIOHttpConnection", "AsyncConnection"]

# aiohttp before 3.7 dropped the connection after a HEAD answer that announced a body, so 7.x
# sent such requests as GET (and threw the body away) when this was False. Every aiohttp this
# package supports has the fix; the switch is kept, read at each request.
_AIOHTTP_FIXED_HEAD_BUG = True


def _error_kind(error: Exception) -> str:
    """ "tls", "timeout" or "connection": what failed, for the 7.x error raised."""
    import aiohttp

    if isinstance(error, (aiohttp.ClientSSLError, aiohttp.ServerFingerprintMismatch)):
        return "tls"
    if isinstance(error, (asyncio.TimeoutError, TimeoutError, aiohttp.ServerTimeoutError)):
        return "timeout"
    return "connection"


class AIOHttpConnection(AsyncConnection):
    """Selects aiohttp nodes; accepts the 7.x constructor arguments (``loop`` is ignored).

    Standalone, it sends with its node's ``aiohttp.ClientSession`` (``session``, made by
    ``_create_aiohttp_session()`` or the first request).
    """

    node_class: ClassVar[str] = "aiohttp"
    _KEEP_ALIVE_HEADER: ClassVar[bool] = True
    _BUILTIN_IO: ClassVar[bool] = True

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
        super().__init__(**constructor_options(locals(), ignored=("loop",)))

    @property
    def session(self) -> Any:
        """The ``aiohttp.ClientSession`` this connection sends with (its node's); ``None``
        until ``_create_aiohttp_session()`` or the first request makes it."""
        node: Any = self._get_node()
        return node.session

    async def _create_aiohttp_session(self) -> None:
        """Makes the session, bound to the running event loop (hence not in ``__init__``)."""
        node: Any = self._get_node()
        if node.session is None:
            node._create_session()

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
        """Sends one request with the session: this connection's headers, then the request's;
        the body gzipped when ``http_compress`` is on. Logged as 7.x logged it."""
        import aiohttp

        target, body, request_headers = self._prepare(url, params, body, headers)
        node: Any = self._get_node()
        if node.session is None:
            await self._create_aiohttp_session()
        full_url = self.host + self.url_prefix + target
        sent_headers = {**self.headers, **request_headers}
        payload = self._payload(body, sent_headers)
        head_as_get = method == "HEAD" and not _AIOHTTP_FIXED_HEAD_BUG
        request_url = node._urls.get(target) or node._url_for(target)
        started = time.monotonic()
        try:
            async with node.session.request(
                "GET" if head_as_get else method,
                request_url,
                data=payload,
                headers=sent_headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout if timeout is None else timeout),
                allow_redirects=False,
                **node._request_kwargs,
            ) as response:
                response_headers = lower_headers(response.headers.items())
                raw = b"" if head_as_get else await response.read()
            raw = self._inflated(node, raw, response_headers.get("content-encoding"), target)
        except reraise_exceptions:
            raise
        except Exception as e:
            raise self._failure(
                method, full_url, target, body, time.monotonic() - started, e, _error_kind(e)
            ) from e
        duration = time.monotonic() - started
        return self._respond(
            method, full_url, target, body, response.status, response_headers, raw, duration, ignore
        )
