"""The 7.x connection classes; pass one as ``connection_class=`` to pick the HTTP library."""

from __future__ import annotations

from .base import Connection
from .http_requests import RequestsHttpConnection
from .http_urllib3 import Urllib3HttpConnection, create_ssl_context

__all__ = ["Connection", "RequestsHttpConnection", "Urllib3HttpConnection", "create_ssl_context"]
