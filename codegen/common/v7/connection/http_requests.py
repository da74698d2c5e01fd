"""``RequestsHttpConnection``: nodes on requests (imported only when such a node is made).

``http_auth`` may be a requests auth object (AWS request signing and the like, a common
7.x setup); it then signs every request the node sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from .base import Connection

__all__ = ["RequestsHttpConnection"]


class RequestsHttpConnection(Connection):
    """Selects requests nodes; accepts the 7.x constructor arguments."""

    node_class: ClassVar[str] = "requests"

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
        super().__init__(
            host=host,
            port=port,
            use_ssl=use_ssl,
            headers=headers,
            http_compress=http_compress,
            cloud_id=cloud_id,
            api_key=api_key,
            opaque_id=opaque_id,
            http_auth=http_auth,
            verify_certs=verify_certs,
            ssl_show_warn=ssl_show_warn,
            ca_certs=ca_certs,
            client_cert=client_cert,
            client_key=client_key,
            **kwargs,
        )
