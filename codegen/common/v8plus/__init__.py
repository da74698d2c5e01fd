"""Python client for Elasticsearch: a drop-in for the official client of this major.

``AsyncElasticsearch`` (and with it asyncio and aiohttp) loads on first use, so a
synchronous program never pays for it.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from elastic_transport import ConnectionError, ConnectionTimeout, SerializationError, TransportError

from . import _profile
from ._sync.client import Elasticsearch
from .exceptions import (
    ApiError,
    AuthenticationException,
    AuthorizationException,
    BadRequestError,
    ConflictError,
    ElasticsearchDeprecationWarning,
    ElasticsearchWarning,
    NotFoundError,
    RequestError,
    SSLError,
    UnsupportedProductError,
)
from .serializer import JSONSerializer, JsonSerializer, OrjsonSerializer

if TYPE_CHECKING:  # loaded on first use at run time (see __getattr__); type checkers see it here
    from . import compat as compat
    from ._async.client import AsyncElasticsearch

__versionstr__: str = _profile.CLIENT_VERSION
__version__: tuple[int, ...] = tuple(int(x) for x in __versionstr__.split("."))
VERSION = __version__

logger = logging.getLogger("elasticsearch")
logger.addHandler(logging.NullHandler())  # no "no handler" notice when the program sets none

__all__ = [
    "ApiError",
    "AsyncElasticsearch",
    "AuthenticationException",
    "AuthorizationException",
    "BadRequestError",
    "ConflictError",
    "ConnectionError",
    "ConnectionTimeout",
    "Elasticsearch",
    "ElasticsearchDeprecationWarning",
    "ElasticsearchWarning",
    "JSONSerializer",
    "JsonSerializer",
    "NotFoundError",
    "OrjsonSerializer",
    "RequestError",
    "SSLError",
    "SerializationError",
    "TransportError",
    "UnsupportedProductError",
]


if not TYPE_CHECKING:  # hidden from type checkers: a misspelled name stays an error there

    def __getattr__(name: str) -> Any:
        if name == "AsyncElasticsearch":
            value = importlib.import_module("._async.client", __name__).AsyncElasticsearch
            globals()[name] = value
            return value
        if name == "compat":  # the official package imports it with the client; here on first use
            return importlib.import_module(".compat", __name__)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
