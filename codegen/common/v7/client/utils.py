"""What the generated 7.x API methods are built from: path and value escaping, the
``query_params`` decorator, NDJSON bodies and ``NamespacedClient``.

``query_params`` turns the keyword arguments of a call into what
``transport.perform_request`` takes, the way 7.17 does:

- the endpoint's query parameters and the global ones (``pretty``, ``human``,
  ``error_trace``, ``format``, ``filter_path``) go into ``params``, escaped (lists joined
  with commas, booleans as ``true``/``false``, dates in ISO format); ``None`` means "not sent";
- ``ignore`` and ``request_timeout`` go into ``params`` as they are (the transport takes them
  out again); ``opaque_id``, ``http_auth`` and ``api_key`` become headers;
- ``Accept`` and ``Content-Type`` come from the endpoint's mimetypes (compatibility
  mimetypes when ``ELASTIC_CLIENT_APIVERSIONING`` is on), unless given in ``headers``;
- with ``body_params`` (the 7.15+ forward-compatible style), body fields may be given as
  keyword arguments: they form the body when no ``body`` is given; ``body`` together with a
  body-only field is a ``TypeError``; ``body=`` itself is deprecated then. With ``body_name``
  (e.g. ``document``) that keyword is an alias of ``body``;
- positional arguments still work but are deprecated, as in 7.17.
"""

from __future__ import annotations

import inspect
import warnings
import weakref
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, unquote, urlparse

from .._connection_base import auth_header_value, normalize_hosts
from .._mimetypes import compat_mimetype, mimetype_header
from ..compat import string_types, to_bytes, to_str

if TYPE_CHECKING:
    from ..serializer import Serializer

__all__ = [
    "GLOBAL_PARAMS",
    "SKIP_IN_PATH",
    "AddonClient",
    "NamespacedClient",
    "_base64_auth_header",
    "_bulk_body",
    "_escape",
    "_make_path",
    "_normalize_hosts",
    "query_params",
    "quote",
    "string_types",
    "to_bytes",
    "to_str",
    "unquote",
    "urlparse",
]

F = TypeVar("F", bound=Callable[..., Any])


# Values of a path part that mean "not given": the part is left out of the path.
SKIP_IN_PATH: tuple[Any, ...] = (None, "", b"", [], ())
GLOBAL_PARAMS = ("pretty", "human", "error_trace", "format", "filter_path")
# Per-request transport options, passed through ``params`` unescaped.
_TRANSPORT_PARAMS = ("ignore", "request_timeout")
_COMPATIBILITY_MIMETYPE = compat_mimetype("application/json")
_DEPRECATION_URL = "https://github.com/elastic/elasticsearch-py/issues/1698"


def _normalize_hosts(hosts: Any) -> list[Any]:
    """``hosts`` as the client accepts it -> a list of 7.x host dicts."""
    return normalize_hosts(hosts)


def _escape(value: Any) -> Any:
    """A query or path value as it goes on the wire: ``str``/``bytes`` (UTF-8) for text.

    Lists and tuples are joined with commas (their items escaped the same way), booleans
    are ``true``/``false``, dates and datetimes ISO 8601; other values use ``str()``.
    """
    if isinstance(value, (list, tuple)):
        value = ",".join(to_str(_escape(item), "utf-8") for item in value)
    elif isinstance(value, (date, datetime)):
        value = value.isoformat()
    elif isinstance(value, bool):
        value = str(value).lower()
    elif isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return str(value)


def _make_path(*parts: Any) -> str:
    """``/part/part/...`` from the parts given, skipping empty ones; each part escaped and
    percent-encoded, keeping ``,`` and ``*`` (index lists and patterns) as they are."""
    return "/" + "/".join(quote(_escape(p), b",*") for p in parts if p not in SKIP_IN_PATH)


def _base64_auth_header(auth_value: Any) -> str:
    """``("id", "secret")`` -> base64 of ``id:secret``; a str or bytes is taken as already encoded."""
    return auth_header_value(auth_value)


def _bulk_body(serializer: Serializer, body: Any) -> Any:
    """An NDJSON body: a list of actions/documents (dicts or pre-serialized lines) joined
    with newlines, or a str/bytes kept as it is; always ends with a newline."""
    if not isinstance(body, string_types):
        lines = []
        for line in body:
            line = serializer.dumps(line)
            lines.append(line.decode("utf-8") if isinstance(line, bytes) else line)
        body = "\n".join(lines)
    if isinstance(body, bytes):
        if not body.endswith(b"\n"):
            body += b"\n"
    elif isinstance(body, str) and not body.endswith("\n"):
        body += "\n"
    return body


def _body_key(name: str) -> str:
    """Keyword name -> JSON key: ``from_`` -> ``from`` (a trailing ``_`` avoids Python keywords)."""
    return name[:-1] if name.endswith("_") else name


def _body_clash(names: list[str]) -> str:
    """The error for fields only the body has, given together with ``body`` or positional arguments."""
    many = len(names) > 1
    quoted = "', '".join(names)
    return (
        f"The '{quoted}' parameter{'s' if many else ''} {'are' if many else 'is'} only serialized in "
        "the request body and can't be combined with the 'body' parameter. Either stop using the "
        "'body' parameter and use keyword-arguments only or move the specified parameters into "
        f"the 'body'. See {_DEPRECATION_URL} for more information"
    )


def _doc_type_as_type(kwargs: dict[str, Any], params: dict[str, Any]) -> None:
    warnings.warn(
        "The 'doc_type' parameter is deprecated, use 'type' for this API instead. "
        f"See {_DEPRECATION_URL} for more information",
        category=DeprecationWarning,
        stacklevel=3,
    )
    if "doc_type" in params:
        params["type"] = params.pop("doc_type")
    if "doc_type" in kwargs:
        kwargs["type"] = kwargs.pop("doc_type")


def query_params(
    *es_query_params: str,
    body_params: Iterable[str] | None = None,
    body_name: str | None = None,
    body_required: bool = False,
    response_mimetypes: Iterable[str] | None = None,
    request_mimetypes: Iterable[str] | None = None,
) -> Callable[[F], F]:
    """Decorates a generated API method: keyword arguments -> ``params``/``headers``/``body``.

    ``es_query_params`` are the endpoint's query parameters; ``body_params`` the fields of
    its JSON body that may be passed as keywords; ``body_name`` the keyword that stands for
    the whole body (``document``, ...); ``body_required`` makes a missing body ``{}``;
    the mimetypes give ``Accept`` and ``Content-Type``. Works for sync and async methods.
    """
    body_fields = tuple(body_params or ())
    body_fields_set = frozenset(body_fields)
    body_only = body_fields_set - frozenset(es_query_params)
    body_keywords = (
        bool(body_fields) or body_name is not None or body_required
    )  # else only positional args matter
    query_names = tuple(dict.fromkeys(es_query_params + GLOBAL_PARAMS))
    accept = tuple(response_mimetypes or ())
    content_type = tuple(request_mimetypes or ())

    def decorator(func: F) -> F:
        api_name = func.__name__
        # ``doc_type=`` stands for the ``type`` query parameter where ``doc_type`` is not a
        # path part of the method (it is deprecated there, as in 7.17).
        doc_type_is_type = "type" in es_query_params and "doc_type" not in inspect.signature(func).parameters

        @wraps(func)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            params = dict(kwargs.pop("params", None) or {})
            headers = {str(k).lower(): v for k, v in (kwargs.pop("headers", None) or {}).items()}
            if "opaque_id" in kwargs:
                headers["x-opaque-id"] = kwargs.pop("opaque_id")
            http_auth = kwargs.pop("http_auth", None)
            api_key = kwargs.pop("api_key", None)
            if accept and "accept" not in headers:
                headers["accept"] = mimetype_header(accept)
            if content_type and "content-type" not in headers:
                headers["content-type"] = mimetype_header(content_type)
            if doc_type_is_type and ("doc_type" in kwargs or "doc_type" in params):
                _doc_type_as_type(kwargs, params)
            if body_keywords or len(args) > 1:
                _take_body(args, kwargs)
            if http_auth is not None and api_key is not None:
                raise ValueError("Only one of 'http_auth' and 'api_key' may be passed at a time")
            if http_auth is not None:
                headers["authorization"] = "Basic " + _base64_auth_header(http_auth)
            elif api_key is not None:
                headers["authorization"] = "ApiKey " + _base64_auth_header(api_key)

            for name in query_names:
                if name in kwargs:
                    value = kwargs.pop(name)
                    if value is not None:
                        params[name] = _escape(value)
            for name in _TRANSPORT_PARAMS:
                if name in kwargs:
                    params[name] = kwargs.pop(name)
            if "from_" in params:
                params["from"] = params.pop("from_")
            return func(*args, params=params, headers=headers, **kwargs)

        def _take_body(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            """Body fields given as keywords -> ``body``, unless ``body`` or positional
            arguments are given (then they stay keywords: query parameters, or an error for
            a field only the body has); ``body_name`` -> ``body``; the deprecation warnings."""
            body_given = kwargs.get("body") is not None
            positional = len(args) > 1  # args[0] is the client
            if body_given or positional:
                clash = sorted(body_only.intersection(kwargs))
                if clash:
                    raise TypeError(_body_clash(clash))
                if body_given and body_fields:
                    warnings.warn(
                        f"The 'body' parameter is deprecated for the '{api_name}' API and will be "
                        "removed in a future version. Instead use API parameters directly. "
                        f"See {_DEPRECATION_URL} for more information",
                        category=DeprecationWarning,
                        stacklevel=3,
                    )
                if positional:
                    warnings.warn(
                        "Using positional arguments for APIs is deprecated and will be disabled "
                        "in 8.0.0. Instead use only keyword arguments for all APIs. "
                        f"See {_DEPRECATION_URL} for more information",
                        category=DeprecationWarning,
                        stacklevel=3,
                    )
            elif body_fields and not body_fields_set.isdisjoint(kwargs):
                body: dict[str, Any] = {}
                for name in body_fields:
                    value = kwargs.pop(name, None)
                    if value is not None:
                        body[_body_key(name)] = value
                kwargs["body"] = body
            elif body_required and body_name is None:
                kwargs["body"] = {}
            if body_name is None:
                return
            if body_name in kwargs:
                if body_given:
                    raise TypeError(
                        f"Can't use '{body_name}' and 'body' parameters together because "
                        f"'{body_name}' is an alias for 'body'. Instead you should only use the "
                        f"'{body_name}' parameter. See {_DEPRECATION_URL} for more information"
                    )
                kwargs["body"] = kwargs.pop(body_name)
            elif body_given:
                warnings.warn(
                    f"The 'body' parameter is deprecated for the '{api_name}' API and will be "
                    f"removed in a future version. Instead use the '{body_name}' parameter. "
                    f"See {_DEPRECATION_URL} for more information",
                    category=DeprecationWarning,
                    stacklevel=3,
                )
            if body_required and kwargs.get("body") is None:
                kwargs["body"] = {}

        return wrapped  # type: ignore[return-value]

    return decorator


class NamespacedClient:
    """Base class of the API namespaces (``es.indices``, ``es.cat``, ...): shares the client's transport."""

    def __init__(self, client: Any) -> None:
        self.client = client

    @property
    def transport(self) -> Any:
        return self.client.transport


class AddonClient(NamespacedClient):
    """7.x base class for third-party API namespaces attached to a client with ``infect_client``."""

    namespace: str = ""

    @classmethod
    def infect_client(cls, client: Any) -> Any:
        addon = cls(weakref.proxy(client))
        setattr(client, cls.namespace, addon)
        return client
