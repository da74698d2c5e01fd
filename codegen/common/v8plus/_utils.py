"""Run-time helpers of the generated API methods (keyword style).

Generated methods build the request inline; what they share lives here: path
quoting, the lazily imported namespaces, and the older calling conventions
(``body=`` merged with keywords, ``params=``, per-call transport options)
that still work but warn.
"""

from __future__ import annotations

import functools
import importlib
import typing as t
import warnings
from collections.abc import Awaitable, Callable, Mapping

from ._stacklevel import warn_stacklevel
from .exceptions import GeneralAvailabilityWarning

T = t.TypeVar("T")
R = t.TypeVar("R")
# The decorated method's own type: type checkers see its real signature through the wrapper.
F = t.TypeVar("F", bound=Callable[..., t.Any])

# Values that leave a path part out, as if it had not been given.
SKIP_IN_PATH: tuple[t.Any, ...] = (None, "", b"", [], ())

# Per-call transport options older code passes to API methods, and the
# ``options()`` argument each becomes.
_TRANSPORT_OPTIONS = {
    "api_key": "api_key",
    "http_auth": "http_auth",
    "request_timeout": "request_timeout",
    "opaque_id": "opaque_id",
    "headers": "headers",
    "ignore": "ignore_status",
}
_LEGACY_KWARGS = frozenset(_TRANSPORT_OPTIONS) | {"params"}
# Keywords whose wire name starts with an underscore; that spelling is accepted too.
_UNDERSCORED = ("source", "source_excludes", "source_includes", "meta", "routing", "field_names")

_STABILITY_WARNINGS = {
    "experimental": "This API is experimental (technical preview): it may change or go away in any release.",
    "beta": "This API is in beta: its design may still change before it is generally available.",
    "private": "This API is internal to Elasticsearch and may change or go away without notice.",
}


# What ``quote(..., safe=",*")`` leaves as it is: a part made only of these needs no quoting.
_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~,*"


def _quote(value: t.Any) -> str:
    """One path part, percent-encoded; sequences become comma-separated lists."""
    if type(value) is str and not value.strip(_UNRESERVED):
        return value  # the common case (index names, ids): nothing to encode
    if isinstance(value, (list, tuple)):
        return ",".join(_quote(item) for item in value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "surrogatepass")
    from urllib.parse import quote  # here: most parts never get this far

    # ',' separates list items and '*' is a wildcard: both keep their meaning.
    return quote(str(value), safe=",*")


class _Namespace(t.Generic[T]):
    """A client attribute (``client.indices``) whose module loads on first access.

    The instance is then cached in the client's ``__dict__``, which takes
    precedence over this non-data descriptor on later accesses.
    """

    def __init__(self, module: str, class_name: str) -> None:
        self._module = module
        self._class_name = class_name
        self._package = ""
        self._attribute = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._package = owner.__module__
        self._attribute = name

    @t.overload
    def __get__(self, instance: None, owner: type) -> _Namespace[T]: ...

    @t.overload
    def __get__(self, instance: object, owner: type) -> T: ...

    def __get__(self, instance: object | None, owner: type) -> _Namespace[T] | T:
        if instance is None:
            return self
        module = importlib.import_module(f".{self._module}", self._package)
        namespace: T = getattr(module, self._class_name)(instance)
        instance.__dict__[self._attribute] = namespace
        return namespace


def _merge_body(body: t.Any, fields: dict[str, t.Any]) -> t.Any:
    """``body=`` from older code, plus body fields given as keywords (which warns).

    A key given both ways is ambiguous and refused.
    """
    if not fields or not isinstance(body, Mapping):
        return body
    merged = dict(body)
    for key, value in fields.items():
        if key in merged:
            raise ValueError(f"'{key}' was given both in 'body' and as a keyword argument; use one of them")
        warnings.warn(
            f"Passing '{key}' as a keyword argument together with 'body' is deprecated: "
            "put everything in keyword arguments",
            category=DeprecationWarning,
            stacklevel=warn_stacklevel(),
        )
        merged[key] = value
    return merged


def _sort_in_query(sort: t.Any) -> bool:
    """Whether a ``sort`` argument is in the URL form (``"n:desc"``, ``["a:asc", "b"]``).

    JSON bodies have no such syntax, so, as the official client does, it goes to the
    query string instead of the body.
    """
    if isinstance(sort, str):
        return ":" in sort
    if isinstance(sort, (list, tuple)) and sort and all(isinstance(item, str) for item in sort):
        return any(":" in item for item in sort)
    return False


def _warn_stability(level: str) -> None:
    """Experimental, beta and internal APIs say so on every call, as the official client does."""
    warnings.warn(
        _STABILITY_WARNINGS[level], category=GeneralAvailabilityWarning, stacklevel=warn_stacklevel()
    )


def _translate_legacy(
    api: Callable[..., t.Any],
    own: frozenset[str],
    client: t.Any,
    args: tuple[t.Any, ...],
    kwargs: dict[str, t.Any],
) -> tuple[t.Any, dict[str, t.Any]]:
    """Turn an older-style call into a keyword call on a client with the transport options."""
    if args:
        raise TypeError(f"{api.__qualname__}() takes keyword arguments only, not positional arguments")
    params = kwargs.pop("params", None) if "params" not in own else None
    if params:
        if not isinstance(params, Mapping):
            raise ValueError("'params' must be a mapping of query parameters; better, pass them as keywords")
        warnings.warn(
            "The 'params' argument is deprecated: pass query parameters as keyword arguments",
            category=DeprecationWarning,
            stacklevel=warn_stacklevel(),
        )
        for key, value in params.items():
            name = _own_name(key, own)
            if name in kwargs:
                raise ValueError(f"'{key}' was given both in 'params' and as a keyword argument")
            kwargs[name] = value
    options = {
        _TRANSPORT_OPTIONS[key]: kwargs.pop(key)
        for key in _TRANSPORT_OPTIONS
        if key in kwargs and key not in own
    }
    if options:
        warnings.warn(
            "Passing transport options to API methods is deprecated: use client.options(...) instead",
            category=DeprecationWarning,
            stacklevel=warn_stacklevel(),
        )
        if hasattr(client, "options"):
            client = client.options(**options)
        else:  # a namespace: rebuild it on the parent's configured copy
            client = type(client)(client._client.options(**options))
    return client, kwargs


def _own_name(key: str, own: frozenset[str]) -> str:
    """The keyword of a wire name (``_source`` -> ``source``, ``from`` -> ``from_``)."""
    for name in (key, key.lstrip("_"), f"{key}_"):
        if name in own:
            return name
    return key


def _keywords(api: Callable[..., t.Any]) -> frozenset[str]:
    code = api.__code__
    return frozenset(code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount])


def _rewrite_legacy(api: F) -> F:
    """Accept the older calling conventions around a keyword-only API method."""
    own = _keywords(api)
    aliases = _aliases(own)
    legacy = (_LEGACY_KWARGS - own) | frozenset(aliases)

    @functools.wraps(api)
    def wrapper(self: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if args or not legacy.isdisjoint(kwargs):
            self, kwargs = _translate_legacy(api, own, self, args, _renamed(kwargs, aliases))
        return api(self, **kwargs)

    return t.cast(F, wrapper)


def _rewrite_legacy_async(api: F) -> F:
    """``_rewrite_legacy`` for coroutine methods.

    The wrapper is a plain function that returns the method's coroutine, as the official
    client's is: one coroutine less on every request's await chain, which every resumption
    of the request runs through.
    """
    own = _keywords(api)
    aliases = _aliases(own)
    legacy = (_LEGACY_KWARGS - own) | frozenset(aliases)

    @functools.wraps(api)
    def wrapper(self: t.Any, *args: t.Any, **kwargs: t.Any) -> Awaitable[t.Any]:
        if args or not legacy.isdisjoint(kwargs):
            self, kwargs = _translate_legacy(api, own, self, args, _renamed(kwargs, aliases))
        return api(self, **kwargs)  # type: ignore[no-any-return]

    return t.cast(F, wrapper)


def _aliases(own: frozenset[str]) -> dict[str, str]:
    """Wire spellings accepted for a method's keywords, as by the official client:
    ``_source``, ``_source_includes``, ``_source_excludes`` (and ``_meta``, ``_routing``,
    ``_field_names`` of mapping APIs) for the keyword without the underscore, and
    ``from`` for ``from_``."""
    found = {f"_{name}": name for name in _UNDERSCORED if name in own and f"_{name}" not in own}
    if "from_" in own:
        found["from"] = "from_"
    return found


def _renamed(kwargs: dict[str, t.Any], aliases: Mapping[str, str]) -> dict[str, t.Any]:
    """``kwargs`` with the aliases of ``_aliases`` turned into the method's own keywords."""
    for alias, name in aliases.items():
        if alias in kwargs:
            if name in kwargs:
                raise TypeError(f"'{alias}' and '{name}' name the same parameter: pass only '{name}'")
            kwargs[name] = kwargs.pop(alias)
    return kwargs
