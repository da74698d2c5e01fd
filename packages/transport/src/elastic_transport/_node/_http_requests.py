"""A node on ``requests``, for applications that already depend on it rather than on urllib3 directly."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, ClassVar

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies, prepend_scheme_if_needed, select_proxy
from urllib3.exceptions import ReadTimeoutError

from .._exceptions import TlsError, TransportError
from .._models import NodeApiResponse, NodeConfig
from ..client_utils import DEFAULT, DefaultType
from ._base import (
    BaseNode,
    ConnectionSlots,
    ProxySettings,
    caused_by_tls,
    connection_error_for,
    refuse_ca_certs_without_verification,
    response_meta,
    ssl_context_from_node_config,
)
from ._http_urllib3 import QuietHTTPSConnectionPool, read_body_until


class _TlsAdapter(HTTPAdapter):
    """An adapter whose TLS settings all come from the node's SSLContext.

    requests would otherwise rewrite each pool's ``cert_reqs`` and ``ca_certs`` from its own
    ``verify``/``cert`` arguments (loading its CA bundle into our context and forcing
    verification on), which breaks ``verify_certs=False``, ``ca_certs`` and fingerprint pinning.
    """

    def __init__(
        self,
        tls_pool_kwargs: dict[str, Any],
        quiet: bool,
        proxy: ProxySettings | None = None,
        **kwargs: Any,
    ) -> None:
        self._tls_pool_kwargs = tls_pool_kwargs
        self._quiet = quiet
        self._node_proxy = proxy
        super().__init__(**kwargs)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **self._tls_pool_kwargs, **pool_kwargs)
        if self._quiet:
            self.poolmanager.pool_classes_by_scheme = _QUIET_POOL_CLASSES

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """requests' ProxyManager for ``proxy``, with the node's TLS settings for the tunnelled
        connections (the node's SSLContext, fingerprint and hostname checks)."""
        fresh = proxy not in self.proxy_manager
        manager = super().proxy_manager_for(proxy, **self._tls_pool_kwargs, **proxy_kwargs)
        if fresh and self._quiet:
            manager.pool_classes_by_scheme = _QUIET_POOL_CLASSES
        return manager

    def proxy_headers(self, proxy: str) -> dict[str, str]:
        """For the node's own proxy, its headers (Proxy-Authorization made from the URL's
        credentials, which the URL handed to requests no longer holds, and proxy_headers)."""
        if self._node_proxy is not None and proxy == self._node_proxy.url:
            return dict(self._node_proxy.headers)
        return super().proxy_headers(proxy)

    def get_connection_with_tls_context(
        self,
        request: requests.PreparedRequest,
        verify: Any,
        proxies: Mapping[str, str] | None = None,
        cert: Any = None,
    ) -> urllib3.HTTPConnectionPool:
        """Picks the pool by URL (and proxy) alone: requests' per-request TLS pool keys would
        override the context."""
        assert request.url is not None
        if proxies:
            proxy = select_proxy(request.url, proxies)  # type: ignore[arg-type]
            if proxy:
                manager = self.proxy_manager_for(prepend_scheme_if_needed(proxy, "http"))
                return manager.connection_from_url(request.url)  # type: ignore[no-any-return]
        return self.poolmanager.connection_from_url(request.url)  # type: ignore[no-any-return]

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        """Leaves the pool's TLS settings alone: the SSLContext already holds them."""


_QUIET_POOL_CLASSES = {"http": urllib3.HTTPConnectionPool, "https": QuietHTTPSConnectionPool}


class RequestsHttpNode(BaseNode):
    """Sends requests through a ``requests.Session`` with one keep-alive pool for the node.

    Proxies: ``NodeConfig.proxy`` when set; otherwise, as with requests itself, the
    ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` environment variables, read once
    when the node is built (``session.proxies``, which a subclass may also set). Nothing
    else comes from the environment (``trust_env=False``): no ``.netrc`` credentials or CA
    bundle behind the user's back.
    """

    _CLIENT_META_HTTP_CLIENT: ClassVar[tuple[str, str]] = ("rq", requests.__version__)  # type: ignore[attr-defined]

    def __init__(self, config: NodeConfig) -> None:
        refuse_ca_certs_without_verification(config)
        super().__init__(config)
        tls_pool_kwargs: dict[str, Any] = {}
        # A TLS option that can't be loaded (a missing CA or client certificate file) fails
        # each request, as with requests itself, rather than the construction of the node.
        self._tls_error: OSError | None = None
        if config.scheme == "https":
            try:
                tls_pool_kwargs["ssl_context"] = ssl_context_from_node_config(config)
            except OSError as e:
                self._tls_error = e
            if config.ssl_assert_fingerprint:
                tls_pool_kwargs["assert_fingerprint"] = config.ssl_assert_fingerprint
            if config.ssl_assert_hostname:
                tls_pool_kwargs["assert_hostname"] = config.ssl_assert_hostname
        self.session = requests.Session()
        self.session.trust_env = False
        if self._proxy is not None:
            self.session.proxies = {"http": self._proxy.url, "https": self._proxy.url}
        else:  # the environment's proxy for this node, if any: once here, not per request
            self.session.proxies = get_environ_proxies(self.base_url)
        # For reference: TLS is set up by the SSLContext above, not by these.
        if config.ca_certs:
            self.session.verify = config.ca_certs
        if config.client_cert:
            self.session.cert = (
                (config.client_cert, config.client_key) if config.client_key else config.client_cert
            )
        adapter = _TlsAdapter(
            tls_pool_kwargs,
            quiet=not config.ssl_show_warn,
            proxy=self._proxy,
            pool_connections=1,
            pool_maxsize=config.connections_per_node,
            max_retries=0,
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        # A requests auth object (e.g. request signing) handed over by a client, as the
        # official transport takes it: it signs every prepared request.
        self._auth = self.session.auth = (config._extras or {}).get("requests.session.auth")
        # requests' pools don't block: without these slots a burst of threads would open
        # (and then throw away) connections beyond connections_per_node.
        self._slots = ConnectionSlots(config.connections_per_node)

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | None | DefaultType = DEFAULT,
        deadline: float | None = None,
    ) -> NodeApiResponse:
        """``deadline`` (a ``time.monotonic()`` value, from the transport's ``request_deadline``)
        bounds the reading of the body too, as in ``Urllib3HttpNode``."""
        request_headers = self._request_headers(headers)
        payload = self._compress(body, request_headers)  # the trace shows ``body`` as given
        # Prepared directly rather than through the session, so that no session headers
        # or cookies stored from earlier responses are added to the request.
        prepared = requests.PreparedRequest()
        prepared.prepare(
            method=method, url=self.base_url + target, headers=request_headers, data=payload, auth=self._auth
        )
        if self._tls_error is not None:
            raise TlsError(self._tls_error_message())
        timeout = self._timeout(request_timeout)
        start = time.perf_counter()
        try:
            self._slots.acquire(timeout, self)
            try:
                # Streamed, so that the body is read here: as sent (inflated below, within
                # max_decompressed_size) and, under a deadline, a bounded read at a time.
                response = self.session.send(prepared, timeout=timeout, allow_redirects=False, stream=True)
                raw = response.raw
                streamed = isinstance(raw, urllib3.BaseHTTPResponse)
                if not streamed:
                    data = response.content  # another adapter's response: requests reads it
                elif deadline is None:
                    data = raw.read(decode_content=False)
                    raw.release_conn()
                else:
                    data = read_body_until(raw, deadline, timeout, self, target)
            finally:
                self._slots.release()
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as e:
            error = connection_error_for(e, _error_kind(e), self)
            self._log_request(method, target, request_headers, body, exception=error)
            raise error from None
        except TransportError as error:  # no free connection in time
            self._log_request(method, target, request_headers, body, exception=error)
            raise
        # urllib3's headers rather than requests' joined copy: repeated headers are read as
        # the other nodes read them (a repeated Content-Type: the first one).
        raw_headers = raw.headers
        meta = response_meta(
            self,
            response.status_code,
            "1.0" if raw.version == 10 else "1.1",
            raw_headers if isinstance(raw_headers, urllib3.HTTPHeaderDict) else response.headers,
            time.perf_counter() - start,
        )
        encoding = meta.headers._internal.get("content-encoding")
        if encoding is not None and data and streamed:
            data = self._decompress(data, encoding[1], target)
        self._log_request(method, target, request_headers, body, meta=meta, response=data)
        return NodeApiResponse(meta, data)

    def _tls_error_message(self) -> str:
        files = {k: getattr(self._config, k) for k in ("ca_certs", "client_cert", "client_key")}
        given = ", ".join(f"{k}={v!r}" for k, v in files.items() if v)
        return f"Could not load the node's TLS files ({given}): {self._tls_error}"

    def close(self) -> None:
        self.session.close()


def _error_kind(error: BaseException) -> str:
    if isinstance(error, requests.exceptions.SSLError) or caused_by_tls(error):
        return "tls"
    if isinstance(error, (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError)):
        return "timeout"
    # A read timeout while the body streams in arrives as a plain requests ConnectionError.
    if error.args and isinstance(error.args[0], ReadTimeoutError):
        return "timeout"
    return "connection"
