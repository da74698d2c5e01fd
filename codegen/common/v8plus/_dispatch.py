"""One API call's way through the client: target and headers in, response or exception out.

Sync and async clients share everything here; they differ only in how they await the
transport.
"""

from __future__ import annotations

import enum
import os
import re
import sys
import warnings
from collections.abc import Mapping
from typing import Any

from elastic_transport import (
    ApiResponse,
    ApiResponseMeta,
    BinaryApiResponse,
    HeadApiResponse,
    ListApiResponse,
    ObjectApiResponse,
    TextApiResponse,
)
from elastic_transport._models import LowercaseHeaders
from elastic_transport.client_utils import DEFAULT

from . import _profile
from ._stacklevel import warn_stacklevel
from .exceptions import HTTP_EXCEPTIONS, ApiError, ElasticsearchWarning, UnsupportedProductError

SERVERLESS_API_VERSION = "2023-10-31"
_COMPATIBLE_MIMETYPE = r"application/(json|x-ndjson|vnd\.mapbox-vector-tile)"
_WARNING = r'\d{3} [^ ]+ "((?:[^"\\]|\\.)*)"'  # compiled (and cached) by re on first use


class CompatMimetypes(dict[str, str]):
    """Accept/Content-Type value -> its ``compatible-with=N`` form for one N, each value rewritten
    once on first use (the set of values is small)."""

    def __init__(self, version: int) -> None:
        super().__init__()
        self.version = version

    def __missing__(self, value: str) -> str:
        rewritten = re.sub(
            _COMPATIBLE_MIMETYPE,
            lambda m: f"application/vnd.elasticsearch+{m.group(1)}; compatible-with={self.version}",
            value,
        )
        self[value] = rewritten
        return rewritten


# What the official client always sends: compatible-with=<client major>.
COMPAT_MIMETYPES = CompatMimetypes(_profile.COMPAT_HEADER_VERSION)
# The one other version negotiation may choose: a server one major older.
_OLDER_COMPAT_MIMETYPES = CompatMimetypes(_profile.COMPAT_HEADER_VERSION - 1)


def compat_mimetype(value: str) -> str:
    """``application/json`` -> ``application/vnd.elasticsearch+json; compatible-with=N``."""
    return COMPAT_MIMETYPES[value]


def escape_query_value(value: Any) -> str:
    """A query-string value as Elasticsearch expects it: lists comma-joined, booleans lower-case."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(escape_query_value(v) for v in value)
    datetime = sys.modules.get("datetime")  # no date exists unless datetime was imported
    if datetime is not None and isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return str(value.isoformat())
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogatepass")
    if isinstance(value, enum.Enum):
        return escape_query_value(value.value)
    return str(value)


def quote_query(params: Mapping[str, Any]) -> str:
    import urllib.parse

    return "&".join(
        f"{k}={urllib.parse.quote(escape_query_value(v), safe=',*')}"
        for k, v in params.items()
        if v is not None
    )


def request_target(path: str, params: Mapping[str, Any] | None) -> str:
    if not params:
        return path
    query = quote_query(params)
    return f"{path}?{query}" if query else path


def request_headers(
    client_headers: Mapping[str, str],
    headers: Mapping[str, str] | None,
    serverless: bool,
    mimetypes: CompatMimetypes,
) -> LowercaseHeaders:
    """Client-level headers, then the call's; accept/content-type made compatibility mimetypes.

    Names are lower-cased here, once per request: the transport and the node take them as they are.
    """
    merged = LowercaseHeaders({k.lower(): v for k, v in client_headers.items()} if client_headers else ())
    if headers:
        for key, value in headers.items():
            merged[key.lower()] = value
    if serverless:
        merged["elastic-api-version"] = SERVERLESS_API_VERSION
        return merged
    # dict.get: every name is lower-case here, LowercaseHeaders' other-spelling fallback is not needed
    accept = dict.get(merged, "accept")
    if accept is not None:
        merged["accept"] = mimetypes[accept]
    content_type = dict.get(merged, "content-type")
    if content_type is not None:
        merged["content-type"] = mimetypes[content_type]
    return merged


# Beyond the official client: ``ELASTIC_CLIENT_APIVERSIONING=negotiate`` makes the compatibility
# version follow the server's major, so this client also talks to a server one major older
# (which rejects ``compatible-with=<client major>``). The 7.x client reads the same variable.
APIVERSIONING_VARIABLE = "ELASTIC_CLIENT_APIVERSIONING"
# Every node's version. Not ``GET /``: a node without the rest-root module (the integration-test
# distribution) answers 405 there, and a cluster in a rolling upgrade is as old as its oldest node.
SERVER_VERSION_TARGET = "/_nodes/_all/http?filter_path=nodes.*.version"


def negotiation_requested() -> bool:
    """Whether the environment asks for negotiation (read by each client constructor)."""
    return os.environ.get(APIVERSIONING_VARIABLE, "").strip().lower() == "negotiate"


class CompatNegotiation:
    """The compatibility mimetypes a client and its ``options()`` copies share in negotiate mode:
    None until a request has learned the server's major."""

    __slots__ = ("lock", "mimetypes")

    def __init__(self, lock: Any) -> None:
        self.lock = lock  # a threading.Lock or an asyncio.Lock: one discovery at a time
        self.mimetypes: CompatMimetypes | None = None


def discovery_headers(client_headers: Mapping[str, str]) -> LowercaseHeaders:
    """The client's headers (auth, opaque id, ...) with the plain JSON Accept every major takes."""
    merged = LowercaseHeaders({k.lower(): v for k, v in client_headers.items()} if client_headers else ())
    merged.pop("content-type", None)
    merged["accept"] = "application/json"
    return merged


def negotiated_mimetypes(response: ApiResponse[Any]) -> CompatMimetypes:
    """The mimetypes for the nodes a ``SERVER_VERSION_TARGET`` answer lists: ``compatible-with``
    the older of the client's major and the oldest node's. A server one major newer gets the
    client's own, which it accepts (as in the default mode); any other raises, naming both versions."""
    nodes = response.body.get("nodes") if isinstance(response.body, dict) else None
    versions = [
        (int(version.split(".")[0]), version)
        for node in (nodes.values() if isinstance(nodes, dict) else ())
        if isinstance(node, dict)
        and isinstance(version := node.get("version"), str)
        and version.split(".")[0].isdigit()
    ]
    client_major = _profile.COMPAT_HEADER_VERSION
    if versions:
        server_major, server_version = min(versions)
        if server_major in (client_major, client_major + 1):
            return COMPAT_MIMETYPES
        if server_major == client_major - 1:
            return _OLDER_COMPAT_MIMETYPES
        server = f"Elasticsearch {server_version}"
    else:
        server = "a server that did not tell its version"
    raise UnsupportedProductError(
        message=f"This {_profile.DIST} {_profile.CLIENT_VERSION} client cannot talk to {server}: "
        f"with {APIVERSIONING_VARIABLE}=negotiate it talks to Elasticsearch "
        f"{client_major - 1}.x to {client_major + 1}.x",
        meta=response.meta,
        body=response.body,
    )


def warn_from_headers(meta: ApiResponseMeta) -> None:
    """Re-issues the server's ``Warning`` headers as ElasticsearchWarning at the caller's line."""
    header = meta.headers.get("warning")
    if not header:
        return
    messages = re.findall(_WARNING, header) or [header]
    stacklevel = warn_stacklevel()
    for message in messages:
        warnings.warn(message.replace('\\"', '"'), category=ElasticsearchWarning, stacklevel=stacklevel)


def error_message(body: Any) -> str:
    """The error type from an Elasticsearch error body, else the body as text."""
    if isinstance(body, dict):
        error = body.get("error", str(body))
        if isinstance(error, dict) and "type" in error:
            return str(error["type"])
        return str(error)
    return str(body)


def build_response(method: str, meta: ApiResponseMeta, body: Any, ignore_status: Any) -> ApiResponse[Any]:
    """Checks the answer (product, status, warnings) and wraps the body in its response class."""
    status = meta.status
    if 200 <= status < 300:
        if meta.headers.get("x-elastic-product") != "Elasticsearch":
            raise UnsupportedProductError(
                message="The client noticed that the server is not Elasticsearch and we do not support "
                "this unknown product",
                meta=meta,
                body=body,
            )
    elif not (method == "HEAD" and status == 404) and (
        ignore_status is DEFAULT or ignore_status is None or status not in ignore_status
    ):
        raise HTTP_EXCEPTIONS.get(status, ApiError)(message=error_message(body), meta=meta, body=body)
    if "warning" in meta.headers:
        warn_from_headers(meta)
    if method == "HEAD":
        return HeadApiResponse(meta=meta)
    if isinstance(body, dict):
        return ObjectApiResponse(body=body, meta=meta)
    if isinstance(body, list):
        return ListApiResponse(body=body, meta=meta)
    if isinstance(body, str):
        return TextApiResponse(body=body, meta=meta)
    if isinstance(body, bytes):
        return BinaryApiResponse(body=body, meta=meta)
    return ApiResponse(body=body, meta=meta)
