"""Results of bucket and top-hits aggregations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from ..utils import _R, AttrDict, AttrList
from . import AggResponse, Response

if TYPE_CHECKING:
    from ..aggs import Agg, AggBase
    from ..field import Field
    from ..search_base import SearchBase

__all__ = ["Bucket", "BucketData", "FieldBucket", "FieldBucketData", "TopHitsData"]


class Bucket(AggResponse[_R]):
    """One bucket: its ``key``, ``doc_count`` and the results of the sub-aggregations."""

    def __init__(
        self,
        aggs: Agg[_R] | AggBase[_R],
        search: SearchBase[_R],
        data: dict[str, Any],
        field: Field | None = None,
    ):
        super().__init__(aggs, search, data)


class FieldBucket(Bucket[_R]):
    """A bucket of an aggregation on a mapped field: its key read as the field reads values
    (a date field's key is a datetime)."""

    def __init__(
        self,
        aggs: Agg[_R] | AggBase[_R],
        search: SearchBase[_R],
        data: dict[str, Any],
        field: Field | None = None,
    ):
        if field is not None:
            data["key"] = field.deserialize(data["key"])
        super().__init__(aggs, search, data, field)


class BucketData(AggResponse[_R]):
    """The result of a bucket aggregation: iterating it, indexing it with a position and
    ``len()`` go to its buckets (a list, or a dict for keyed ones)."""

    _bucket_class: ClassVar[type[Bucket[Any]]] = Bucket
    _buckets: AttrDict[Any] | AttrList[Any]

    def _wrap_bucket(self, data: dict[str, Any]) -> Bucket[_R]:
        return self._bucket_class(
            self._meta["aggs"], self._meta["search"], data, field=self._meta.get("field")
        )

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        return iter(self.buckets)

    def __len__(self) -> int:
        return len(self.buckets)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, (int, slice)):
            return self.buckets[key]  # type: ignore[index]
        return super().__getitem__(key)

    @property
    def buckets(self) -> AttrDict[Any] | AttrList[Any]:
        if "_buckets" not in self.__dict__:
            field_name = getattr(self._meta["aggs"], "field", None)
            if field_name:
                self._meta["field"] = self._meta["search"]._resolve_field(field_name)
            raw = self._d_["buckets"]
            buckets: AttrDict[Any] | AttrList[Any]
            if isinstance(raw, list):
                buckets = AttrList(raw, obj_wrapper=self._wrap_bucket)
            else:
                buckets = AttrDict({key: self._wrap_bucket(value) for key, value in raw.items()})
            object.__setattr__(self, "_buckets", buckets)
        return self._buckets


class FieldBucketData(BucketData[_R]):
    _bucket_class = FieldBucket


class TopHitsData(Response[_R]):
    """The hits of a ``top_hits`` aggregation, read like a search's."""

    def __init__(self, agg: Agg[_R], search: SearchBase[_R], data: Any):
        object.__setattr__(self, "meta", AttrDict({"agg": agg, "search": search}))
        super().__init__(search, data)
