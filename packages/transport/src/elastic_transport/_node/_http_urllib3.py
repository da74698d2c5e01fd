"""The default node: urllib3's connection pool, one per node, with keep-alive connections."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError

from .._models import NodeApiResponse, NodeConfig
from ..client_utils import DEFAULT, DefaultType
from ._base import BaseNode, connection_error_for, response_meta, ssl_context_from_node_config

if TYPE_CHECKING:
    from urllib3._base_connection import BaseHTTPConnection


class QuietHTTPSConnectionPool(urllib3.HTTPSConnectionPool):
    """An HTTPS pool without urllib3's per-request InsecureRequestWarning.

    Used when ``ssl_show_warn=False``: silencing it per pool avoids ``urllib3.disable_warnings()``,
    which would hide the warning for every other user of urllib3 in the process.
    """

    def _validate_conn(self, conn: BaseHTTPConnection) -> None:
        urllib3.HTTPConnectionPool._validate_conn(self, conn)
        if conn.is_closed:  # connect now, as urllib3 does, so TLS errors surface here
            conn.connect()


class Urllib3HttpNode(BaseNode):
    """Sends requests through ``urllib3.HTTPConnectionPool`` (or the HTTPS variant)."""

    _CLIENT_META_HTTP_CLIENT: ClassVar[tuple[str, str]] = ("ur", urllib3.__version__)  # type: ignore[attr-defined]

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        self._default_timeout = self._urllib3_timeout(config.request_timeout)
        pool_kwargs = {
            "maxsize": config.connections_per_node,
            "block": False,
            "timeout": self._default_timeout,
            "retries": False,
        }
        if config.scheme == "https":
            pool_class = urllib3.HTTPSConnectionPool if config.ssl_show_warn else QuietHTTPSConnectionPool
            self.pool: urllib3.HTTPConnectionPool = pool_class(
                config.host,
                config.port,
                ssl_context=ssl_context_from_node_config(config),
                assert_fingerprint=config.ssl_assert_fingerprint,
                assert_hostname=config.ssl_assert_hostname,
                **pool_kwargs,  # type: ignore[arg-type]
            )
        else:
            self.pool = urllib3.HTTPConnectionPool(config.host, config.port, **pool_kwargs)  # type: ignore[arg-type]

    @staticmethod
    def _urllib3_timeout(seconds: float | None) -> urllib3.Timeout:
        return urllib3.Timeout(connect=seconds, read=seconds)

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | None | DefaultType = DEFAULT,
    ) -> NodeApiResponse:
        request_headers = self._request_headers(headers)
        if self._http_compress:
            body = self._compress(body, request_headers)
        timeout = (
            self._default_timeout
            if request_timeout is DEFAULT
            else self._urllib3_timeout(request_timeout)  # type: ignore[arg-type]
        )
        start = time.perf_counter()
        try:
            response = self.pool.urlopen(
                method,
                self._path_prefix + target,
                body=body,
                headers=request_headers,
                retries=False,
                timeout=timeout,
                preload_content=True,
            )
            data = response.data
        except (urllib3.exceptions.HTTPError, OSError) as e:
            error = connection_error_for(e, _error_kind(e))
            self._log_request(method, target, request_headers, body, exception=error)
            raise error from None
        meta = response_meta(
            self,
            response.status,
            "1.1" if response.version == 11 else "1.0",
            response.headers,
            time.perf_counter() - start,
        )
        self._log_request(method, target, request_headers, body, meta=meta, response=data)
        return NodeApiResponse(meta, data)

    def close(self) -> None:
        self.pool.close()


def _error_kind(error: Exception) -> str:
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2.x: check it first.
    if isinstance(error, SSLError):
        return "tls"
    if isinstance(error, NewConnectionError):
        return "connection"
    if isinstance(error, (ReadTimeoutError, ConnectTimeoutError, Urllib3TimeoutError, TimeoutError)):
        return "timeout"
    return "connection"
