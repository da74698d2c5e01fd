"""``Urllib3HttpConnection``: nodes on urllib3, the default HTTP library."""

from __future__ import annotations

import ssl
import time
from collections.abc import Mapping
from typing import Any, ClassVar

import urllib3

from .._connection_base import constructor_options, lower_headers
from ..compat import reraise_exceptions
from .base import Connection

__all__ = ["Urllib3HttpConnection", "create_ssl_context"]


def _error_kind(error: Exception) -> str:
    """ "tls", "timeout" or "connection": what failed, for the 7.x error raised."""
    if isinstance(error, urllib3.exceptions.SSLError):
        return "tls"
    if isinstance(error, urllib3.exceptions.NewConnectionError):  # a ConnectTimeoutError in urllib3 2
        return "connection"
    if isinstance(error, (urllib3.exceptions.TimeoutError, urllib3.exceptions.EmptyPoolError, TimeoutError)):
        return "timeout"
    return "connection"


def create_ssl_context(**kwargs: Any) -> ssl.SSLContext:
    """An ``SSLContext`` with the standard library's secure defaults, for ``ssl_context=``."""
    return ssl.create_default_context(**kwargs)


class Urllib3HttpConnection(Connection):
    """Selects urllib3 nodes; accepts the 7.x constructor arguments."""

    node_class: ClassVar[str] = "urllib3"
    _KEEP_ALIVE_HEADER: ClassVar[bool] = True
    _BUILTIN_IO: ClassVar[bool] = True

    def __init__(
        self,
        host: str = "localhost",
        port: int | None = None,
        http_auth: Any = None,
        use_ssl: bool = False,
        verify_certs: bool | None = None,
        ssl_show_warn: bool | None = None,
        ca_certs: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        ssl_version: int | None = None,
        ssl_assert_hostname: str | None = None,
        ssl_assert_fingerprint: str | None = None,
        maxsize: int = 10,
        headers: Mapping[str, str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        http_compress: bool | None = None,
        cloud_id: str | None = None,
        api_key: Any = None,
        opaque_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**constructor_options(locals()))

    @property
    def pool(self) -> Any:
        """The urllib3 connection pool this connection sends with (its node's)."""
        node: Any = self._get_node()
        return node.pool

    def perform_request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        timeout: float | None = None,
        ignore: Any = (),
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        """Sends one request with the pool's ``urlopen``: this connection's headers, then the
        request's; the body gzipped when ``http_compress`` is on. Logged as 7.x logged it."""
        target, body, request_headers = self._prepare(url, params, body, headers)
        path = self.url_prefix + target
        full_url = self.host + path
        sent_headers = {**self.headers, **request_headers}
        payload = self._payload(body, sent_headers)
        node: Any = self._get_node()
        options: dict[str, Any] = {"timeout": timeout} if timeout else {}
        started = time.monotonic()
        try:
            response = node.pool.urlopen(
                method, path, payload, retries=False, headers=sent_headers, decode_content=False, **options
            )
            raw = response.data or b""
            response_headers = lower_headers(response.headers.items())
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
