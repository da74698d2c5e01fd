"""``AIOHttpConnection``: nodes on aiohttp (imported only when such a node is made)."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any, ClassVar

from .._connection_base import constructor_options
from ..connection.base import Connection  # noqa: F401  (importable from here, as before)
from ..exceptions import from_transport_error  # noqa: F401  (importable from here, as before)
from ._connection import AsyncConnection

__all__ = ["AIOHttpConnection", "AsyncConnection"]


class AIOHttpConnection(AsyncConnection):
    """Selects aiohttp nodes; accepts the 7.x constructor arguments (``loop`` is ignored)."""

    node_class: ClassVar[str] = "aiohttp"

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
