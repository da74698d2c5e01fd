"""Search, aggregation and update-by-query answers, read as objects.

``Response`` wraps a search answer: iterating it (or ``response.hits``) gives each hit as the
search's document class (``Hit`` by default), ``response.aggs`` gives the aggregations'
results through the aggregation objects of the search, which know how to read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Generic

from elastic_transport import ApiResponse

from ..utils import _R, AttrDict, AttrList, _wrap
from .hit import Hit, HitMeta

if TYPE_CHECKING:
    from ..aggs import Agg, AggBase
    from ..search_base import Request, SearchBase

__all__ = ["AggResponse", "Hit", "HitMeta", "Response", "UpdateByQueryResponse"]


def _body(response: Any) -> Any:
    """The JSON of an answer: a client's answer object is unwrapped to its (writable) dict,
    anything else (a dict, a test's stand-in) is taken as it is."""
    return response.body if isinstance(response, ApiResponse) else response


class Response(AttrDict[Any], Generic[_R]):
    """A search answer: its keys as attributes, its hits as a list, its aggregations."""

    _search: SearchBase[_R]
    _doc_class: Any
    _hits: AttrList[_R]
    _aggs: AggResponse[_R]

    took: int
    timed_out: bool
    max_score: float
    pit_id: str
    terminated_early: bool

    def __init__(self, search: Request[_R], response: Any, doc_class: Any = None):
        object.__setattr__(self, "_search", search)
        object.__setattr__(self, "_doc_class", doc_class)
        super().__init__(_body(response))

    def __iter__(self) -> Iterator[_R]:  # type: ignore[override]
        return iter(self.hits)

    def __getitem__(self, key: int | slice | str) -> Any:
        if isinstance(key, (int, slice)):  # positions are the hits'
            return self.hits[key]
        return super().__getitem__(key)

    def __bool__(self) -> bool:
        return bool(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __repr__(self) -> str:
        return f"<Response: {self.hits or self.aggregations!r}>"

    def __getstate__(self) -> tuple[Any, ...]:
        return self._d_, self._search, self._doc_class

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(("_d_", "_search", "_doc_class"), state, strict=True):
            object.__setattr__(self, name, value)

    def success(self) -> bool:
        """Every shard answered, in time."""
        shards = self._shards
        return bool(shards.total == shards.successful and not self.timed_out)

    @property
    def hits(self) -> AttrList[_R]:
        """The hits, each made by the search (a ``Hit`` or a document); the other keys of the
        answer's ``hits`` (``total``, ``max_score``) are attributes of this list."""
        if "_hits" not in self.__dict__:
            section = self._d_["hits"]
            try:
                hits = AttrList([self._search._get_result(hit) for hit in section["hits"]])
            except AttributeError as error:
                # an AttributeError escaping a property would read as "no attribute hits"
                raise TypeError("Could not parse hits.", error) from error
            for key, value in section.items():
                setattr(hits, key, _wrap(value))
            object.__setattr__(self, "_hits", hits)
        return self._hits

    @property
    def aggregations(self) -> AggResponse[_R]:
        return self.aggs

    @property
    def aggs(self) -> AggResponse[_R]:
        """The aggregations' results, read through the search's aggregation objects."""
        if "_aggs" not in self.__dict__:
            aggs = AggResponse[_R](self._search.aggs, self._search, self._d_.get("aggregations", {}))
            object.__setattr__(self, "_aggs", aggs)
        return self._aggs

    def search_after(self) -> SearchBase[_R]:
        """The search of the next page: this search with ``search_after`` set to the sort
        values of the last hit. The search must be sorted."""
        if not self.hits:
            raise ValueError("Cannot use search_after when there are no search results")
        last_meta = self.hits[-1].meta  # type: ignore[attr-defined]
        if "sort" not in last_meta:
            raise ValueError("Cannot use search_after when results are not sorted")
        return self._search.extra(search_after=last_meta.sort)  # type: ignore[return-value]


class AggResponse(AttrDict[Any], Generic[_R]):
    """The results of a set of aggregations, each read by its aggregation object (``result``)."""

    _meta: dict[str, Any]

    def __init__(self, aggs: Agg[_R] | AggBase[_R], search: Request[_R], data: dict[str, Any]):
        object.__setattr__(self, "_meta", {"search": search, "aggs": aggs})
        super().__init__(data)

    def __getitem__(self, attr_name: str) -> Any:
        aggs = self._meta["aggs"]
        if attr_name in aggs:
            # through ``aggs.aggs``: indexing the Agg itself would copy the sub-aggregation
            return aggs.aggs[attr_name].result(self._meta["search"], self._d_[attr_name])
        return super().__getitem__(attr_name)

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        return (self[name] for name in self._meta["aggs"])


class UpdateByQueryResponse(AttrDict[Any], Generic[_R]):
    """An update-by-query answer: ``updated``, ``failures``, ``took``... as attributes."""

    _search: Any
    _doc_class: Any

    batches: int
    noops: int
    deleted: int
    total: int
    updated: int
    version_conflicts: int
    timed_out: bool

    def __init__(self, search: Any, response: Any, doc_class: Any = None):
        object.__setattr__(self, "_search", search)
        object.__setattr__(self, "_doc_class", doc_class)
        super().__init__(_body(response))

    def success(self) -> bool:
        """In time, and without failures."""
        return not self.timed_out and not self.failures
