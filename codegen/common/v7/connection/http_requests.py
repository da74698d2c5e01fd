"""``RequestsHttpConnection``: nodes on requests (imported only when such a node is made).

``http_auth`` may be a requests auth object (AWS request signing and the like, a common
7.x setup); it then signs every request the node sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from .._connection_base import constructor_options
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
        super().__init__(**constructor_options(locals()))

    @property
    def session(self) -> Any:
        """The ``requests.Session`` this connection sends with (its node's)."""
        node: Any = self._get_node()
        return node.session
