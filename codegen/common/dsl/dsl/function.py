"""Score functions of the ``function_score`` query, built by ``SF`` like queries by ``Q``.

``SF("random_score", seed=10)``, ``SF({"gauss": {...}, "weight": 2})`` or a ScoreFunction object.
The ``filter``, ``query`` and ``weight`` of a function sit next to it in the JSON, not inside:
``{"filter": {...}, "weight": 2, "gauss": {...}}``.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from copy import deepcopy
from typing import Any, ClassVar, Literal, overload

from elastic_transport.client_utils import DEFAULT, DefaultType

from .utils import AttrDict, DslBase

__all__ = [
    "SF",
    "BoostFactor",
    "DecayFunction",
    "Exp",
    "FieldValueFactor",
    "FieldValueFactorScore",
    "Gauss",
    "Linear",
    "RandomScore",
    "ScoreFunction",
    "ScriptScore",
]


@overload
def SF(name_or_sf: MutableMapping[str, Any]) -> ScoreFunction: ...
@overload
def SF(name_or_sf: ScoreFunction) -> ScoreFunction: ...
@overload
def SF(name_or_sf: str, **params: Any) -> ScoreFunction: ...
def SF(name_or_sf: str | ScoreFunction | MutableMapping[str, Any], **params: Any) -> ScoreFunction:
    """A score function from its name and parameters, its JSON, or itself."""
    if isinstance(name_or_sf, ScoreFunction):
        if params:
            raise ValueError("SF() cannot accept parameters when passing in a ScoreFunction object.")
        return name_or_sf
    if isinstance(name_or_sf, MutableMapping):
        if params:
            raise ValueError("SF() cannot accept parameters when passing in a dict.")
        return _from_json(name_or_sf)
    if isinstance(name_or_sf, str):
        return ScoreFunction.get_dsl_class(name_or_sf)(**params)
    raise TypeError(f"SF() takes a name, a dict or a ScoreFunction, not {type(name_or_sf).__name__}")


def _from_json(data: Mapping[str, Any]) -> ScoreFunction:
    rest = deepcopy(dict(data))
    kwargs = {name: rest.pop(name) for name in ScoreFunction._param_defs if name in rest}
    if not rest:  # only filter/weight: a constant boost
        return BoostFactor(**kwargs)
    if len(rest) > 1:
        raise ValueError(f"SF() got an unexpected fields in the dictionary: {rest!r}")
    name, body = rest.popitem()
    # ``{"boost_factor": 2}``: the function's body is its value
    kwargs.update(body if isinstance(body, Mapping) else {"value": body})
    return ScoreFunction.get_dsl_class(name)(**kwargs)


class ScoreFunction(DslBase):
    """The family of score functions, registered by name."""

    _type_name = "score_function"
    _type_shortcut = staticmethod(SF)
    _param_defs = {"query": {"type": "query"}, "filter": {"type": "query"}, "weight": {}}
    name: ClassVar[str | None] = None

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        body = out[str(self.name)]
        if isinstance(body, dict):
            for name in self._param_defs:  # the function's siblings, not its parameters
                if name in body:
                    out[name] = body.pop(name)
        return out


class ScriptScore(ScoreFunction):
    name = "script_score"


class BoostFactor(ScoreFunction):
    """A constant factor: ``{"boost_factor": value}``, or only a weight when there is no value."""

    name = "boost_factor"

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        body = out.pop("boost_factor")
        if isinstance(body, dict) and "value" in body:
            out["boost_factor"] = body["value"]
        return out


class RandomScore(ScoreFunction):
    name = "random_score"


class FieldValueFactorScore(ScoreFunction):
    name = "field_value_factor"


class FieldValueFactor(FieldValueFactorScore):
    """Another spelling of ``FieldValueFactorScore``; the name stays registered to that one."""


class Linear(ScoreFunction):
    name = "linear"


class Gauss(ScoreFunction):
    name = "gauss"


class Exp(ScoreFunction):
    name = "exp"


class DecayFunction(AttrDict[Any]):
    """The settings of a decay function (``gauss``, ``exp``, ``linear``) for one field."""

    def __init__(
        self,
        *,
        decay: float | DefaultType = DEFAULT,
        offset: Any = DEFAULT,
        scale: Any = DEFAULT,
        origin: Any = DEFAULT,
        multi_value_mode: Literal["min", "max", "avg", "sum"] | DefaultType = DEFAULT,
        **kwargs: Any,
    ):
        given = {"decay": decay, "offset": offset, "scale": scale, "origin": origin}
        given["multi_value_mode"] = multi_value_mode
        kwargs.update({name: value for name, value in given.items() if value is not DEFAULT})
        super().__init__(kwargs)
