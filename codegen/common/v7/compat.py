"""Names that code written for the Python 2/3 era of the 7.x client imports from ``compat``."""

from __future__ import annotations

from collections.abc import Mapping
from queue import Queue
from threading import Lock
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus, unquote, urlencode, urlparse

__all__ = [
    "PY2",
    "Lock",
    "Mapping",
    "Queue",
    "map",
    "quote",
    "quote_plus",
    "string_types",
    "to_bytes",
    "to_str",
    "unquote",
    "urlencode",
    "urlparse",
]

PY2 = False
string_types = (str, bytes)
map = map  # re-exported builtin, as 7.x did


def to_str(x: Any, encoding: str = "ascii") -> Any:
    """Bytes -> str; anything else unchanged."""
    if not isinstance(x, str):
        return x.decode(encoding)
    return x


def to_bytes(x: Any, encoding: str = "ascii") -> Any:
    """str -> bytes; anything else unchanged."""
    if not isinstance(x, bytes):
        return x.encode(encoding)
    return x


if TYPE_CHECKING:  # built on first use (see __getattr__)
    reraise_exceptions: tuple[type[BaseException], ...]
else:  # hidden from type checkers: a misspelled name stays an error there

    def __getattr__(name: str) -> Any:
        # Exceptions that "catch everything" code must re-raise; built on first use so that
        # importing the client doesn't import asyncio.
        if name == "reraise_exceptions":
            import asyncio

            value: tuple[type[BaseException], ...] = (RecursionError, asyncio.CancelledError)
            globals()[name] = value
            return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
