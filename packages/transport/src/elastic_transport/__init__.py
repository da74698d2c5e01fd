"""The HTTP transport shared by the Elasticsearch clients of this monorepo.

Drop-in for the official ``elastic-transport`` 9.x: same import name and public names.
Node classes (urllib3's too: it loads with the first ``Transport``), the optional HTTP
libraries (requests, httpx, aiohttp) and the async transport are loaded on first use, so
``import elastic_transport`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import _node, client_utils
from ._exceptions import (
    ApiError,
    ConnectionError,
    ConnectionTimeout,
    SecurityWarning,
    SerializationError,
    SniffingError,
    TlsError,
    TransportError,
    TransportWarning,
)
from ._log import debug_logging
from ._models import ApiResponseMeta, HttpHeaders, NodeConfig, SniffOptions, TransportApiResponse
from ._node import BaseAsyncNode, BaseNode
from ._node_pool import NodePool, NodeSelector, RandomSelector, RoundRobinSelector
from ._otel import OpenTelemetrySpan
from ._response import (
    ApiResponse,
    BinaryApiResponse,
    HeadApiResponse,
    ListApiResponse,
    ObjectApiResponse,
    TextApiResponse,
)
from ._serializer import (
    JsonSerializer,
    NdjsonSerializer,
    OrjsonSerializer,
    Serializer,
    SerializerCollection,
    TextSerializer,
)
from ._transport import Transport
from ._version import __version__

if TYPE_CHECKING:  # what the lazy names below are, for type checkers (never run)
    from ._async_transport import AsyncTransport
    from ._node._http_aiohttp import AiohttpHttpNode
    from ._node._http_httpx import HttpxAsyncHttpNode, HttpxHttpNode
    from ._node._http_requests import RequestsHttpNode
    from ._node._http_urllib3 import Urllib3HttpNode

# Loaded on first use, besides the node classes (their registry is ``_node.NODE_CLASSES``).
_LAZY = {"AsyncTransport": "._async_transport"}

__all__ = [
    "AiohttpHttpNode",
    "ApiError",
    "ApiResponse",
    "ApiResponseMeta",
    "AsyncTransport",
    "BaseAsyncNode",
    "BaseNode",
    "BinaryApiResponse",
    "ConnectionError",
    "ConnectionTimeout",
    "HeadApiResponse",
    "HttpHeaders",
    "HttpxAsyncHttpNode",
    "HttpxHttpNode",
    "JsonSerializer",
    "ListApiResponse",
    "NdjsonSerializer",
    "NodeConfig",
    "NodePool",
    "NodeSelector",
    "ObjectApiResponse",
    "OpenTelemetrySpan",
    "OrjsonSerializer",
    "RandomSelector",
    "RequestsHttpNode",
    "RoundRobinSelector",
    "SecurityWarning",
    "SerializationError",
    "Serializer",
    "SerializerCollection",
    "SniffOptions",
    "SniffingError",
    "TextApiResponse",
    "TextSerializer",
    "TlsError",
    "Transport",
    "TransportApiResponse",
    "TransportError",
    "TransportWarning",
    "Urllib3HttpNode",
    "__version__",
    "client_utils",
    "debug_logging",
]


def _public_module(value: Any) -> Any:
    """Classes and functions say they come from ``elastic_transport`` (``repr(Transport)`` is
    ``<class 'elastic_transport.Transport'>``), where users import them from, as in the
    official transport; pickles name this module too, and it resolves them."""
    if isinstance(value, type) or callable(value):
        value.__module__ = __name__
    return value


for _name in __all__:
    if _name in globals() and _name not in ("__version__", "client_utils"):
        _public_module(globals()[_name])
del _name


if not TYPE_CHECKING:  # hidden from type checkers: a misspelled name stays an error there

    def __getattr__(name: str) -> Any:
        module = _LAZY.get(name)
        if module is not None:
            value = getattr(importlib.import_module(module, __name__), name)
        elif _node.is_node_class_name(name):
            value = _node.load_node_class(name)
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        globals()[name] = _public_module(value)
        return value
