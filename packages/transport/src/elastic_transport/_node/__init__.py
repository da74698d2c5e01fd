"""Node classes, one per HTTP library. Each library, urllib3 too, is imported only when used.

``NODE_CLASSES`` is the one registry of them: ``node_class="..."``, the lazy names of
``elastic_transport`` and the 7.x client's ``connection_class`` names all read it. Adding an
HTTP library means its node module here plus one entry.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, NamedTuple

from .._models import NodeApiResponse
from ._base import BaseAsyncNode, BaseNode

if TYPE_CHECKING:  # the lazy names, for type checkers
    from ._http_aiohttp import AiohttpHttpNode
    from ._http_httpx import HttpxAsyncHttpNode, HttpxHttpNode
    from ._http_requests import RequestsHttpNode
    from ._http_urllib3 import Urllib3HttpNode


class NodeClassEntry(NamedTuple):
    """One HTTP library's node class."""

    name: str  # what ``node_class=`` takes
    module: str  # relative to this package
    class_name: str  # also a lazy name of ``elastic_transport``
    is_async: bool
    extra: str | None  # the pip extra of elastic-transport that installs the library (None: always installed)
    library: str  # the top-level module the node class needs


# Each loads on first use, so that importing the transport imports no HTTP library
# (urllib3 alone costs more than the rest of the transport).
NODE_CLASSES: tuple[NodeClassEntry, ...] = (
    NodeClassEntry("urllib3", "._http_urllib3", "Urllib3HttpNode", False, None, "urllib3"),
    NodeClassEntry("requests", "._http_requests", "RequestsHttpNode", False, "requests", "requests"),
    NodeClassEntry("httpx", "._http_httpx", "HttpxHttpNode", False, "httpx", "httpx"),
    NodeClassEntry("aiohttp", "._http_aiohttp", "AiohttpHttpNode", True, "aiohttp", "aiohttp"),
    NodeClassEntry("httpxasync", "._http_httpx", "HttpxAsyncHttpNode", True, "httpx", "httpx"),
)
_BY_NAME = {entry.name: entry for entry in NODE_CLASSES}
_BY_CLASS_NAME = {entry.class_name: entry for entry in NODE_CLASSES}

__all__ = [
    "NODE_CLASSES",
    "AiohttpHttpNode",
    "BaseAsyncNode",
    "BaseNode",
    "HttpxAsyncHttpNode",
    "HttpxHttpNode",
    "MissingLibraryError",
    "NodeApiResponse",
    "NodeClassEntry",
    "RequestsHttpNode",
    "Urllib3HttpNode",
    "node_class_for",
]


class MissingLibraryError(ValueError):
    """A node class was used whose HTTP library is not installed (``library``): the message
    names what to install. An API client may say it in its own terms (its own extra)."""

    def __init__(self, message: str, library: str, class_name: str) -> None:
        super().__init__(message)
        self.library = library
        self.class_name = class_name


def is_node_class_name(class_name: str) -> bool:
    return class_name in _BY_CLASS_NAME


# Stand-ins for the node classes whose library is missing, one per class name.
_UNAVAILABLE: dict[str, type[BaseNode]] = {}


def load_node_class(class_name: str) -> type[BaseNode]:
    """The node class; when its HTTP library is not installed, a stand-in that says so when used.

    Importing a node class never fails for a missing library (``from elastic_transport
    import AiohttpHttpNode`` works everywhere); building a node then raises a ``ValueError``
    that names the pip extra to install.
    """
    entry = _BY_CLASS_NAME[class_name]
    try:
        module = importlib.import_module(entry.module, __name__)
    except ImportError as e:
        missing = (e.name or "").partition(".")[0]
        if not missing or missing == "elastic_transport":
            raise
        stand_in = _UNAVAILABLE.get(class_name)
        if stand_in is None:
            stand_in = _UNAVAILABLE[class_name] = _unavailable_node_class(entry, missing)
        return stand_in
    return getattr(module, class_name)  # type: ignore[no-any-return]


def unavailable_message(entry: NodeClassEntry, missing: str) -> str:
    install = (
        f"pip install elastic-transport[{entry.extra}]" if entry.extra else f"pip install {entry.library}"
    )
    detail = "" if missing == entry.library else f" (its dependency {missing!r} is missing)"
    return f"You must have {entry.library!r} installed to use {entry.class_name}{detail}: {install}"


def _unavailable_node_class(entry: NodeClassEntry, missing: str) -> type[BaseNode]:
    message = unavailable_message(entry, missing)

    def __init__(self: BaseNode, config: Any = None, *args: Any, **kwargs: Any) -> None:
        raise MissingLibraryError(message, entry.library, entry.class_name)

    base: type[BaseNode] = BaseAsyncNode if entry.is_async else BaseNode
    return type(
        entry.class_name,
        (base,),
        {"__init__": __init__, "__doc__": message, "__module__": f"{__name__}{entry.module}"},
    )


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
    if isinstance(value, type) and callable(getattr(value, "perform_request", None)):
        # Not only BaseNode subclasses, as the official transport: a class with BaseNode's
        # interface that does not derive from it (duck typing) is a node class too.
        return value
    raise TypeError(
        f"'node_class' must be a node class name or a class with perform_request(), got {value!r}"
    )


if not TYPE_CHECKING:  # hidden from type checkers: a misspelled name stays an error there

    def __getattr__(name: str) -> Any:
        if name in _BY_CLASS_NAME:
            return load_node_class(name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
