"""``Urllib3HttpConnection``: nodes on urllib3, the default HTTP library."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any, ClassVar

from .._connection_base import constructor_options
from .base import Connection

__all__ = ["Urllib3HttpConnection", "create_ssl_context"]


def create_ssl_context(**kwargs: Any) -> ssl.SSLContext:
    """An ``SSLContext`` with the standard library's secure defaults, for ``ssl_context=``."""
    return ssl.create_default_context(**kwargs)


class Urllib3HttpConnection(Connection):
    """Selects urllib3 nodes; accepts the 7.x constructor arguments."""

    node_class: ClassVar[str] = "urllib3"

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
