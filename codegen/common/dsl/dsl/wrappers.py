"""Value wrappers: ``Range`` (a range field's value, also usable as a bound check) and
``AggregationRange`` (one range of a range aggregation)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

from typing_extensions import TypeVar

from .utils import AttrDict

if TYPE_CHECKING:
    from _operator import _SupportsComparison

__all__ = ["AggregationRange", "Range"]

ComparisonOperators: TypeAlias = Literal["lt", "lte", "gt", "gte"]
RangeValT = TypeVar("RangeValT", bound="_SupportsComparison")


class Range(AttrDict[RangeValT]):
    """A range as Elasticsearch writes it: ``Range(gte=1, lt=10)`` or ``Range({"gte": 1, "lt": 10})``.

    ``x in r`` checks ``x`` against every bound; ``lower`` and ``upper`` give a bound and
    whether it is inclusive (``(None, False)`` when the range is open on that side).
    """

    OPS: ClassVar[Mapping[str, Callable[[Any, Any], bool]]] = {
        "lt": operator.lt,
        "lte": operator.le,
        "gt": operator.gt,
        "gte": operator.ge,
    }

    def __init__(self, d: dict[str, RangeValT] | None = None, /, **kwargs: RangeValT):
        if d is not None and (kwargs or not isinstance(d, dict)):
            raise ValueError("Range accepts a single dictionary or a set of keyword arguments.")
        bounds = kwargs if d is None else d
        unknown = [op for op in bounds if op not in self.OPS]
        if unknown:
            raise ValueError(f"Range received an unknown operator {unknown[0]!r}")
        for exclusive, inclusive in (("gt", "gte"), ("lt", "lte")):
            if exclusive in bounds and inclusive in bounds:
                raise ValueError(f"You cannot specify both {exclusive} and {inclusive} for Range.")
        super().__init__(bounds)

    def __repr__(self) -> str:
        return "Range({})".format(", ".join(f"{op}={value!r}" for op, value in self._d_.items()))

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):  # a key, as for any AttrDict
            return super().__contains__(item)
        if not any(hasattr(item, f"__{op}__") for op in ("lt", "le", "gt", "ge")):
            return False
        return all(self.OPS[op](item, bound) for op, bound in self._d_.items())

    def _bound(self, exclusive: str, inclusive: str) -> tuple[RangeValT, bool] | tuple[None, Literal[False]]:
        if exclusive in self._d_:
            return self._d_[exclusive], False
        if inclusive in self._d_:
            return self._d_[inclusive], True
        return None, False

    @property
    def upper(self) -> tuple[RangeValT, bool] | tuple[None, Literal[False]]:
        return self._bound("lt", "lte")

    @property
    def lower(self) -> tuple[RangeValT, bool] | tuple[None, Literal[False]]:
        return self._bound("gt", "gte")


class AggregationRange(AttrDict[Any]):
    """One range of a ``range``/``date_range`` aggregation: ``from_`` (inclusive), ``to``
    (exclusive) and the ``key`` its bucket is returned under."""

    def __init__(self, *, from_: Any = None, key: str | None = None, to: Any = None, **kwargs: Any):
        given = {"from": from_, "key": key, "to": to}
        super().__init__({**{name: value for name, value in given.items() if value is not None}, **kwargs})
