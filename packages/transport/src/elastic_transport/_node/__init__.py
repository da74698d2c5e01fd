"""Node classes, one per HTTP library. Each library, urllib3 too, is imported only when used."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._base import BaseAsyncNode, BaseNode

if TYPE_CHECKING:
    from ._http_urllib3 import Urllib3HttpNode

# name -> (module, class); each loads on first use, so that importing the transport
# imports no HTTP library (urllib3 alone costs more than the rest of the transport).
_NODE_CLASSES = {
    "urllib3": ("._http_urllib3", "Urllib3HttpNode"),
    "requests": ("._http_requests", "RequestsHttpNode"),
    "httpx": ("._http_httpx", "HttpxHttpNode"),
    "aiohttp": ("._http_aiohttp", "AiohttpHttpNode"),
    "httpxasync": ("._http_httpx", "HttpxAsyncHttpNode"),
}
_CLASS_TO_NAME = {cls: name for name, (_, cls) in _NODE_CLASSES.items()}

__all__ = ["BaseAsyncNode", "BaseNode", "Urllib3HttpNode", "node_class_for"]


def load_node_class(class_name: str) -> type[BaseNode]:
    module, _ = _NODE_CLASSES[_CLASS_TO_NAME[class_name]]
    return getattr(importlib.import_module(module, __name__), class_name)  # type: ignore[no-any-return]


def node_class_for(value: str | type[BaseNode]) -> type[BaseNode]:
    """Resolves ``node_class`` given by name ("urllib3", "aiohttp", ...) or as a class."""
    if isinstance(value, str):
        try:
            _, class_name = _NODE_CLASSES[value]
        except KeyError:
            options = ", ".join(repr(n) for n in _NODE_CLASSES)
            raise ValueError(f"Unknown option for node_class: {value!r}. Available options are: {options}") from None
        return load_node_class(class_name)
    if isinstance(value, type) and issubclass(value, BaseNode):
        return value
    raise TypeError(f"'node_class' must be a node class name or a BaseNode subclass, got {value!r}")


def __getattr__(name: str) -> Any:
    if name in _CLASS_TO_NAME:
        return load_node_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
