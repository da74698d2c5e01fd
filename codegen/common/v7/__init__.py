"""Python client for Elasticsearch 7.x: a drop-in for the official ``elasticsearch`` 7.17,
built on the shared ``elastic_transport``.

The asyncio names (``AsyncElasticsearch``, ``AsyncTransport``, ``AIOHttpConnection``,
``AsyncConnection``) load on first use, so a synchronous program never imports asyncio
machinery or aiohttp.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from . import _profile
from ._version import __versionstr__
from .client import Elasticsearch
from .connection import Connection, RequestsHttpConnection, Urllib3HttpConnection
from .connection_pool import ConnectionPool, ConnectionSelector, RoundRobinSelector
from .exceptions import (
    AuthenticationException,
    AuthorizationException,
    ConflictError,
    ConnectionError,
    ConnectionTimeout,
    ElasticsearchDeprecationWarning,
    ElasticsearchException,
    ElasticsearchWarning,
    ImproperlyConfigured,
    NotFoundError,
    RequestError,
    SerializationError,
    SSLError,
    TransportError,
    UnsupportedProductError,
)
from .serializer import JSONSerializer
from .transport import Transport

VERSION: tuple[int, ...] = tuple(int(x) for x in _profile.CLIENT_VERSION.split("."))
__version__ = VERSION

logging.getLogger("elasticsearch").addHandler(logging.NullHandler())

if TYPE_CHECKING:  # the lazy names below, for type checkers
    from ._async.client import AsyncElasticsearch
    from ._async.http_aiohttp import AIOHttpConnection, AsyncConnection
    from ._async.transport import AsyncTransport

_LAZY = {
    "AsyncElasticsearch": "._async.client",
    "AsyncTransport": "._async.transport",
    "AIOHttpConnection": "._async.http_aiohttp",
    "AsyncConnection": "._async.http_aiohttp",
}

__all__ = [
    "AIOHttpConnection",
    "AsyncConnection",
    "AsyncElasticsearch",
    "AsyncTransport",
    "AuthenticationException",
    "AuthorizationException",
    "ConflictError",
    "Connection",
    "ConnectionError",
    "ConnectionPool",
    "ConnectionSelector",
    "ConnectionTimeout",
    "Elasticsearch",
    "ElasticsearchDeprecationWarning",
    "ElasticsearchException",
    "ElasticsearchWarning",
    "ImproperlyConfigured",
    "JSONSerializer",
    "NotFoundError",
    "RequestError",
    "RequestsHttpConnection",
    "RoundRobinSelector",
    "SSLError",
    "SerializationError",
    "Transport",
    "TransportError",
    "UnsupportedProductError",
    "Urllib3HttpConnection",
    "__version__",
    "__versionstr__",
]


if not TYPE_CHECKING:  # hidden from type checkers: a misspelled name stays an error there

    def __getattr__(name: str) -> Any:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value
