"""Faceted navigation: a text query plus facets, each an aggregation the user can pick
values of to narrow the results.

A picked value filters the hits (``post_filter``) and every *other* facet's counts, never
its own facet's, so the user still sees the alternatives to what they picked.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, ClassVar, Generic, cast

from typing_extensions import Self

from .aggs import A, Agg
from .query import Q, Query
from .response import Response
from .utils import _R, AttrDict

if TYPE_CHECKING:
    from .document_base import DocumentBase
    from .response.aggs import BucketData
    from .search_base import SearchBase

__all__ = [
    "DateHistogramFacet",
    "Facet",
    "FacetedResponse",
    "FacetedSearchBase",
    "HistogramFacet",
    "NestedFacet",
    "RangeFacet",
    "TermsFacet",
]

FilterValueType = str | int | float | bool | datetime


def _all_of(queries: Sequence[Query]) -> Query:
    """The queries joined with AND; ``match_all`` when there are none."""
    return functools.reduce(operator.and_, queries) if queries else Q("match_all")


class Facet(Generic[_R]):
    """One facet: the aggregation that lists its values, and the filter for picked values.

    Keyword arguments are the aggregation's parameters (``field=...``). With a ``metric``
    aggregation, buckets are ordered and counted by its value instead of ``doc_count``.
    """

    agg_type: ClassVar[str] = ""

    def __init__(self, metric: Agg[_R] | None = None, metric_sort: str = "desc", **kwargs: Any) -> None:
        self.filter_values: Sequence[FilterValueType] = ()
        self._params = kwargs
        self._metric = metric
        if metric and metric_sort:
            self._params["order"] = {"metric": metric_sort}

    def get_aggregation(self) -> Agg[_R]:
        """The aggregation that lists this facet's values."""
        agg: Agg[_R] = A(self.agg_type, **self._params)
        if self._metric:
            agg.metric("metric", self._metric)
        return agg

    def add_filter(self, filter_values: Sequence[FilterValueType]) -> Query | None:
        """The filter for the picked values (any of them matches); ``None`` if none is picked."""
        if not filter_values:
            return None
        return functools.reduce(operator.or_, map(self.get_value_filter, filter_values))

    def get_value_filter(self, filter_value: FilterValueType) -> Query:
        """The filter for one picked value."""
        raise NotImplementedError(f"{type(self).__name__} does not say how to filter on one value")

    def is_filtered(self, key: Any, filter_values: Sequence[FilterValueType]) -> bool:
        """Whether the bucket of this key is among the picked values."""
        return key in filter_values

    def get_value(self, bucket: BucketData[_R]) -> Any:
        """The value a bucket stands for: its key."""
        return bucket["key"]

    def get_metric(self, bucket: BucketData[_R]) -> int:
        """The bucket's count: the metric's value if there is a metric, else ``doc_count``."""
        if self._metric:
            return cast(int, bucket["metric"]["value"])
        return cast(int, bucket["doc_count"])

    def get_values(
        self, data: BucketData[_R], filter_values: Sequence[FilterValueType]
    ) -> list[tuple[Any, int, bool]]:
        """``(value, count, picked)`` for each bucket of the aggregation's result."""
        out = []
        for bucket in data.buckets:
            b = cast("BucketData[_R]", bucket)
            key = self.get_value(b)
            out.append((key, self.get_metric(b), self.is_filtered(key, filter_values)))
        return out


class TermsFacet(Facet[_R]):
    """A facet on the distinct values of a field."""

    agg_type = "terms"

    def add_filter(self, filter_values: Sequence[FilterValueType]) -> Query | None:
        # One terms query rather than an OR of term queries.
        if not filter_values:
            return None
        return Q("terms", _expand__to_dot=False, **{self._params["field"]: list(filter_values)})


RangeBounds = tuple[float | None, float | None]


class RangeFacet(Facet[_R]):
    """A facet on named ranges of a field: ``ranges=[("cheap", (None, 10)), ("pricey",
    (10, None))]``, each ``(from, to)`` with ``to`` excluded and ``None`` for open."""

    agg_type = "range"

    def __init__(self, ranges: Sequence[tuple[Any, RangeBounds]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._ranges: dict[Any, RangeBounds] = {}
        buckets = []
        for key, (start, end) in ranges:
            self._ranges[key] = (start, end)
            bucket: dict[str, Any] = {"key": key}
            if start is not None:
                bucket["from"] = start
            if end is not None:
                bucket["to"] = end
            buckets.append(bucket)
        self._params["ranges"] = buckets
        self._params["keyed"] = False

    def get_value_filter(self, filter_value: FilterValueType) -> Query:
        if filter_value not in self._ranges:
            raise ValueError(f"{filter_value!r} is not one of the ranges of this facet: {list(self._ranges)}")
        start, end = self._ranges[filter_value]
        limits = {}
        if start is not None:
            limits["gte"] = start
        if end is not None:
            limits["lt"] = end
        return Q("range", _expand__to_dot=False, **{self._params["field"]: limits})


class HistogramFacet(Facet[_R]):
    """A facet on fixed-width numeric buckets (``interval=...``); a picked value is the
    start of its bucket."""

    agg_type = "histogram"

    def get_value_filter(self, filter_value: FilterValueType) -> Query:
        if not isinstance(filter_value, (int, float)):
            raise TypeError(f"a histogram facet filters on numbers, not {filter_value!r}")
        limits = {"gte": filter_value, "lt": filter_value + self._params["interval"]}
        return Q("range", _expand__to_dot=False, **{self._params["field"]: limits})


def _next_year(d: datetime) -> datetime:
    # 29 February has no twin next year: the bucket ends on the 28th.
    return d.replace(year=d.year + 1, day=28 if (d.month, d.day) == (2, 29) else d.day)


def _next_month(d: datetime) -> datetime:
    return (d + timedelta(days=32)).replace(day=1)


_STEPS: dict[str, Callable[[datetime], datetime]] = {
    "year": _next_year,
    "month": _next_month,
    "week": lambda d: d + timedelta(weeks=1),
    "day": lambda d: d + timedelta(days=1),
    "hour": lambda d: d + timedelta(hours=1),
}


class DateHistogramFacet(Facet[_R]):
    """A facet on date buckets (``calendar_interval``, ``fixed_interval`` or ``interval``:
    year, month, week, day or hour); a picked value is the start of its bucket.

    Empty buckets are listed too (``min_doc_count=0``) unless told otherwise.
    """

    agg_type = "date_histogram"

    # The interval names Elasticsearch takes -> the start of the next bucket.
    DATE_INTERVALS: ClassVar[dict[str, Callable[[datetime], datetime]]] = {
        **_STEPS,
        "1Y": _STEPS["year"],
        "1M": _STEPS["month"],
        "1w": _STEPS["week"],
        "1d": _STEPS["day"],
        "1h": _STEPS["hour"],
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_doc_count", 0)
        super().__init__(**kwargs)

    def get_value(self, bucket: BucketData[_R]) -> Any:
        key = bucket["key"]
        if isinstance(key, datetime):
            return key
        # Epoch milliseconds; the epoch itself comes back as None, not 0.
        millis = int(key or 0)
        return datetime.fromtimestamp(millis / 1000, tz=timezone.utc).replace(tzinfo=None)

    def get_value_filter(self, filter_value: Any) -> Query:
        kind = next((k for k in ("calendar_interval", "fixed_interval") if k in self._params), "interval")
        if kind not in self._params:
            raise KeyError(kind)  # no interval of any kind was given
        interval = self._params[kind]
        if interval not in self.DATE_INTERVALS:
            raise ValueError(
                f"a date histogram facet can filter on the intervals {list(self.DATE_INTERVALS)}, "
                f"not {interval!r}"
            )
        limits = {"gte": filter_value, "lt": self.DATE_INTERVALS[interval](filter_value)}
        return Q("range", _expand__to_dot=False, **{self._params["field"]: limits})


class NestedFacet(Facet[_R]):
    """A facet on a field of nested documents: ``NestedFacet("comments", TermsFacet(...))``."""

    agg_type = "nested"

    def __init__(self, path: str, nested_facet: Facet[_R]) -> None:
        self._path = path
        self._inner = nested_facet
        super().__init__(path=path, aggs={"inner": nested_facet.get_aggregation()})

    def get_values(
        self, data: BucketData[_R], filter_values: Sequence[FilterValueType]
    ) -> list[tuple[Any, int, bool]]:
        return self._inner.get_values(data.inner, filter_values)

    def add_filter(self, filter_values: Sequence[FilterValueType]) -> Query | None:
        inner = self._inner.add_filter(filter_values)
        return None if inner is None else Q("nested", path=self._path, query=inner)


class FacetedResponse(Response[_R]):
    """The response of a faceted search, with ``facets``: for each facet, its
    ``(value, count, picked)`` list."""

    if TYPE_CHECKING:
        _faceted_search: FacetedSearchBase[_R]
        _facets: dict[str, list[tuple[Any, int, bool]]]

    @property
    def query_string(self) -> str | Query | None:
        """The query the faceted search was made with."""
        return self._faceted_search._query

    @property
    def facets(self) -> dict[str, list[tuple[Any, int, bool]]]:
        if "_facets" not in self.__dict__:
            fs = self._faceted_search
            facets = AttrDict[Any]({})
            for name, facet in fs.facets.items():
                data = getattr(getattr(self.aggregations, "_filter_" + name), name)
                facets[name] = facet.get_values(data, fs.filter_values.get(name, []))
            object.__setattr__(self, "_facets", facets)
        return self._facets


class FacetedSearchBase(Generic[_R]):
    """Faceted navigation over some indices: subclass it and set the class attributes.

    ``index``, ``doc_types`` and ``using`` say what to search; ``fields`` are the fields
    the text query searches (``"title^5"`` boosts); ``facets`` maps names to facets. An
    instance is one search: ``MySearch("text", filters={"category": "python"})``.
    Override ``search()`` to add conditions of your own, ``query()`` to query differently.
    """

    index: str | list[str] | None = None
    doc_types: list[str | type[DocumentBase]] | None = None
    fields: Sequence[str] = ()
    facets: ClassVar[dict[str, Facet[Any]]] = {}
    using: Any = "default"

    if TYPE_CHECKING:

        def search(self) -> SearchBase[_R]: ...

    def __init__(
        self,
        query: str | Query | None = None,
        filters: dict[str, FilterValueType | Sequence[FilterValueType] | None] | None = None,
        sort: Sequence[str] = (),
    ) -> None:
        """``query``: the text to search for; ``filters``: picked values by facet name;
        ``sort``: what ``Search.sort`` takes."""
        self._query = query
        self._filters: dict[str, Query] = {}
        self._sort = sort
        self.filter_values: dict[str, Sequence[FilterValueType]] = {}
        for name, value in (filters or {}).items():
            self.add_filter(name, value)
        self._s = self.build_search()

    def __getitem__(self, k: int | slice) -> Self:
        """Paginate like a search: ``fs[10:20]``."""
        self._s = self._s[k]
        return self

    def add_filter(
        self, name: str, filter_values: FilterValueType | Sequence[FilterValueType] | None
    ) -> None:
        """Pick values of a facet (one or a list; ``None`` picks nothing)."""
        if name not in self.facets:
            raise ValueError(f"{type(self).__name__} has no facet {name!r}: it has {list(self.facets)}")
        if filter_values is None:
            return
        if isinstance(filter_values, (list, tuple)):
            values: Sequence[FilterValueType] = filter_values
        else:
            values = [cast(FilterValueType, filter_values)]
        self.filter_values[name] = values
        f = self.facets[name].add_filter(values)
        if f is not None:
            self._filters[name] = f

    def query(self, search: SearchBase[_R], query: str | Query) -> SearchBase[_R]:
        """Add the text query to ``search``: a ``multi_match`` over ``fields`` (over all
        fields when there are none)."""
        if not query:
            return search
        if self.fields:
            return search.query("multi_match", fields=self.fields, query=query)
        return search.query("multi_match", query=query)

    def aggregate(self, search: SearchBase[_R]) -> None:
        """Add each facet's aggregation, under a filter of the values picked in the others."""
        for name, facet in self.facets.items():
            others = [f for other, f in self._filters.items() if other != name]
            search.aggs.bucket("_filter_" + name, "filter", filter=_all_of(others)).bucket(
                name, facet.get_aggregation()
            )

    def filter(self, search: SearchBase[_R]) -> SearchBase[_R]:
        """Narrow the hits (not the aggregations) to the picked values."""
        if not self._filters:
            return search
        return search.post_filter(_all_of(list(self._filters.values())))

    def highlight(self, search: SearchBase[_R]) -> SearchBase[_R]:
        """Highlight the searched fields (without their boosts)."""
        return search.highlight(*(f.split("^", 1)[0] for f in self.fields))

    def sort(self, search: SearchBase[_R]) -> SearchBase[_R]:
        """Apply the sort order given at creation."""
        return search.sort(*self._sort) if self._sort else search

    def params(self, **kwargs: Any) -> None:
        """Keyword arguments for the client's ``search`` call (``routing``...)."""
        self._s = self._s.params(**kwargs)

    def build_search(self) -> SearchBase[_R]:
        """The whole search: ``search()``, then query, filters, highlighting, sort and facets."""
        s = self.search()
        if self._query is not None:
            s = self.query(s, self._query)
        s = self.filter(s)
        if self.fields:
            s = self.highlight(s)
        s = self.sort(s)
        self.aggregate(s)
        return s
