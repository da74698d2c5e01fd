"""What the async and the sync update-by-query share: the request body (a query and a
script), built the way a search is, one changed copy at a time."""

from __future__ import annotations

from typing import Any

from typing_extensions import Self

from .query import Bool, Q
from .response import UpdateByQueryResponse
from .search_base import ProxyDescriptor, Request
from .utils import _R, recursive_to_dict

__all__ = ["UpdateByQueryBase"]


class UpdateByQueryBase(Request[_R]):
    """An update-by-query request: which documents (``query``) and what to do to them
    (``script``)."""

    query = ProxyDescriptor[Self]("query")
    _response: UpdateByQueryResponse[_R]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_class: type[UpdateByQueryResponse[_R]] = UpdateByQueryResponse[_R]
        self._script: dict[str, Any] = {}

    def _clone(self) -> Self:
        ubq = super()._clone()
        ubq._response_class = self._response_class
        ubq._script = self._script.copy()
        ubq.query._proxied = self.query._proxied
        return ubq

    def filter(self, *args: Any, **kwargs: Any) -> Self:
        """Add a query in filter context."""
        return self.query(Bool(filter=[Q(*args, **kwargs)]))

    def exclude(self, *args: Any, **kwargs: Any) -> Self:
        """Add a query in filter context that must not match."""
        return self.query(Bool(filter=[~Q(*args, **kwargs)]))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        """An update-by-query from a raw request body (which is left unchanged)."""
        ubq = cls()
        ubq.update_from_dict(d)
        return ubq

    def update_from_dict(self, d: dict[str, Any]) -> Self:
        """Take the options of a raw request body, in place; other keys go to ``extra``."""
        d = dict(d)
        if "query" in d:
            self.query._proxied = Q(d.pop("query"))
        if "script" in d:
            self._script = dict(d.pop("script"))
        self._extra.update(d)
        return self

    def response_class(self, cls: type[UpdateByQueryResponse[_R]]) -> Self:
        """Wrap the response in this class instead of ``UpdateByQueryResponse``."""
        ubq = self._clone()
        ubq._response_class = cls
        return ubq

    def script(self, **kwargs: Any) -> Self:
        """Set the script run on each document (``source``, ``lang``, ``params``...); the
        request has one script, so this replaces any earlier one."""
        ubq = self._clone()
        ubq._script = dict(kwargs)
        return ubq

    def to_dict(self, **kwargs: Any) -> dict[str, Any]:
        """The request body; keyword arguments are added to it as they are."""
        d: dict[str, Any] = {}
        if self.query:
            d["query"] = recursive_to_dict(self.query._proxied)
        if self._script:
            d["script"] = self._script
        d.update(recursive_to_dict(self._extra))
        d.update(recursive_to_dict(kwargs))
        return d
