"""``RequestsHttpConnection``: nodes on requests (imported only when such a node is made).

``http_auth`` may be a requests auth object (AWS request signing and the like, a common
7.x setup); it then signs every request the node sends.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, ClassVar

from .._connection_base import BaseNode, constructor_options, is_requests_auth, lower_headers
from ..compat import reraise_exceptions
from .base import Connection

__all__ = ["RequestsHttpConnection"]


def _session_auth(http_auth: Any) -> Any:
    """``http_auth`` as ``requests.Session.auth`` takes it: a ``(user, password)`` tuple
    (from a tuple, a list or a ``"user:password"`` string), or a requests auth object."""
    if http_auth is None or is_requests_auth(http_auth):
        return http_auth
    if isinstance(http_auth, bytes):
        http_auth = http_auth.decode("utf-8")
    if isinstance(http_auth, str):
        return tuple(http_auth.split(":", 1))
    return tuple(http_auth)


def _error_kind(error: Exception) -> str:
    """ "tls", "timeout" or "connection": what failed, for the 7.x error raised."""
    import requests

    if isinstance(error, requests.exceptions.SSLError):
        return "tls"
    if isinstance(error, (requests.Timeout, TimeoutError)):
        return "timeout"
    return "connection"


class RequestsHttpConnection(Connection):
    """Selects requests nodes; accepts the 7.x constructor arguments.

    Standalone, it sends with its node's ``requests.Session``, which holds this connection's
    ``headers`` and, given ``http_auth``, its ``auth``.
    """

    node_class: ClassVar[str] = "requests"
    _BUILTIN_IO: ClassVar[bool] = True

    def __init__(
        self,
        host: str = "localhost",
        port: int | None = None,
        http_auth: Any = None,
        use_ssl: bool = False,
        verify_certs: bool = True,
        ssl_show_warn: bool = True,
        ca_certs: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        http_compress: bool | None = None,
        cloud_id: str | None = None,
        api_key: Any = None,
        opaque_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        self._session_node: BaseNode | None = None
        super().__init__(**constructor_options(locals()))
        self._auth = _session_auth(http_auth)
        if self._auth is not None:  # requests sets the Authorization header from the auth
            self._headers.pop("authorization", None)

    @property  # type: ignore[override]
    def headers(self) -> Any:
        """The headers every request gets: the session's (a case-insensitive mapping)."""
        return self.session.headers

    @headers.setter
    def headers(self, value: Mapping[str, Any]) -> None:
        self._headers = dict(value)
        if self._session_node is not None:
            self._session_node = None  # applied to the session when it is next asked for

    @property
    def session(self) -> Any:
        """The ``requests.Session`` this connection sends with (its node's)."""
        node: Any = self._get_node()
        session = node.session
        if self._session_node is not node:
            session.headers.clear()
            session.headers.update(self._headers)
            session.auth = self._auth
            self._session_node = node
        return session

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
        """Sends one request, prepared by the session (its headers and auth, then the
        request's headers); the body gzipped when ``http_compress`` is on. Logged as 7.x
        logged it."""
        import requests
        import urllib3

        target, body, request_headers = self._prepare(url, params, body, headers)
        full_url = self.host + self.url_prefix + target
        payload = self._payload(body, request_headers)
        session = self.session
        node: Any = self._session_node
        started = time.monotonic()
        try:
            request = requests.Request(method=method, url=full_url, headers=request_headers, data=payload)
            prepared = session.prepare_request(request)
            response = session.send(
                prepared, timeout=timeout or self.timeout, allow_redirects=False, stream=True
            )
            raw = response.raw
            if isinstance(raw, urllib3.BaseHTTPResponse):  # read as sent, inflated below
                data = raw.read(decode_content=False)
                raw.release_conn()
                data = self._inflated(node, data, raw.headers.get("content-encoding"), target)
            else:
                data = response.content
            response_headers = lower_headers(response.headers.items())
        except reraise_exceptions:
            raise
        except Exception as e:
            raise self._failure(
                method, full_url, target, body, time.monotonic() - started, e, _error_kind(e)
            ) from e
        duration = time.monotonic() - started
        return self._respond(
            method,
            full_url,
            target,
            body,
            response.status_code,
            response_headers,
            data or b"",
            duration,
            ignore,
        )
