"""Node classes, one per HTTP library. Each library, urllib3 too, is imported only when used.

``NODE_CLASSES`` is the one registry of them: ``node_class="..."``, the lazy names of
``elastic_transport`` and the 7.x client's ``connection_class`` names all read it. Adding an
HTTP library means its node module here plus one entry.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, NamedTuple

from ._base import BaseAsyncNode, BaseNode

if TYPE_CHECKING:
    from ._http_urllib3 import Urllib3HttpNode


class NodeClassEntry(NamedTuple):
    """One HTTP library's node class."""

    name: str  # what ``node_class=`` takes
    module: str  # relative to this package
    class_name: str  # also a lazy name of ``elastic_transport``
    is_async: bool
    extra: str | None  # the pip extra of elastic-transport that installs the library (None: always installed)


# Each loads on first use, so that importing the transport imports no HTTP library
# (urllib3 alone costs more than the rest of the transport).
NODE_CLASSES: tuple[NodeClassEntry, ...] = (
    NodeClassEntry("urllib3", "._http_urllib3", "Urllib3HttpNode", is_async=False, extra=None),
    NodeClassEntry("requests", "._http_requests", "RequestsHttpNode", is_async=False, extra="requests"),
    NodeClassEntry("httpx", "._http_httpx", "HttpxHttpNode", is_async=False, extra="httpx"),
    NodeClassEntry("aiohttp", "._http_aiohttp", "AiohttpHttpNode", is_async=True, extra="aiohttp"),
    NodeClassEntry("httpxasync", "._http_httpx", "HttpxAsyncHttpNode", is_async=True, extra="httpx"),
)
_BY_NAME = {entry.name: entry for entry in NODE_CLASSES}
_BY_CLASS_NAME = {entry.class_name: entry for entry in NODE_CLASSES}

__all__ = ["NODE_CLASSES", "BaseAsyncNode", "BaseNode", "NodeClassEntry", "Urllib3HttpNode", "node_class_for"]


def is_node_class_name(class_name: str) -> bool:
    return class_name in _BY_CLASS_NAME


def load_node_class(class_name: str) -> type[BaseNode]:
    module = _BY_CLASS_NAME[class_name].module
    return getattr(importlib.import_module(module, __name__), class_name)  # type: ignore[no-any-return]


def node_class_for(value: str | type[BaseNode]) -> type[BaseNode]:
    """Resolves ``node_class`` given by name ("urllib3", "aiohttp", ...) or as a class."""
    if isinstance(value, str):
        try:
            entry = _BY_NAME[value]
        except KeyError:
            options = ", ".join(repr(n) for n in _BY_NAME)
            raise ValueError(
                f"Unknown option for node_class: {value!r}. Available options are: {options}"
            ) from None
        return load_node_class(entry.class_name)
    if isinstance(value, type) and issubclass(value, BaseNode):
        return value
    raise TypeError(f"'node_class' must be a node class name or a BaseNode subclass, got {value!r}")


def __getattr__(name: str) -> Any:
    if name in _BY_CLASS_NAME:
        return load_node_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
