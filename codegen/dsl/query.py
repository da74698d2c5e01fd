"""``dsl/query.py``: one class per query of the spec's ``QueryContainer``.

Each property of the container is a query: its class is named after the key (``match_phrase`` ->
``MatchPhrase``), takes the properties of the query's type (own and inherited) as keyword
arguments, and lists in ``_param_defs`` the ones holding DSL objects (nested queries, score
functions) so ``DslBase`` builds them. Queries keyed by a field (``{"term": {"user": ...}}``)
take ``(field, value)`` positionally. A query typed by a union of variants takes the
properties of the variants' common base. ``Q``, ``Query`` and the combination logic of
``Bool``, ``MatchAll`` and ``MatchNone`` are hand-written in the template.

The class builder here is shared with ``aggs.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..profiles import Profile
from .schema import Schema
from .types import Arg, TypeMap, call, class_name, ordered, render_module, signature

QUERY = ("_types.query_dsl", "QueryContainer")
# DSL objects a query takes besides its spec arguments: ``function_score``'s single function
# given as keywords (``FunctionScore(filter=..., weight=2)``) brings its ``filter`` query.
EXTRA_PARAMS: Mapping[str, Mapping[str, Mapping[str, Any]]] = {
    "function_score": {"filter": {"type": "query"}}
}


def param_defs(params: Mapping[str, Mapping[str, Any]]) -> str:
    """``_param_defs`` as a Python literal, one entry a line when long."""
    entries = [f'"{key}": {{{_flags(value)}}}' for key, value in params.items()]
    line = f"    _param_defs = {{{', '.join(entries)}}}"
    if len(line) <= 110:
        return line
    return "    _param_defs = {\n" + "".join(f"        {e},\n" for e in entries) + "    }"


def _flags(param: Mapping[str, Any]) -> str:
    return ", ".join(f'"{k}": {v!r}' if isinstance(v, bool) else f'"{k}": "{v}"' for k, v in param.items())


@dataclass
class DslClass:
    """A query or aggregation class: its name, arguments and the DSL objects among them."""

    name: str
    parent: str
    spec_name: str | None  # the JSON key (``None`` for the variants of a union)
    args: list[Arg] = field(default_factory=list)
    field_keyed: tuple[str, str] | None = None
    params: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    # aggregations with one argument also take it positionally
    positional: bool = False

    def add(self, args: list[Arg]) -> None:
        for arg in args:
            self.args.append(arg)
            if arg.param is not None:
                self.params[arg.key] = arg.param
        self.args = ordered(self.args)

    @property
    def signature(self) -> str:
        params = []
        if self.field_keyed:
            params += [
                f"_field: {self.field_keyed[0]} = DEFAULT",
                f"_value: {self.field_keyed[1]} = DEFAULT",
                "/",
            ]
        if self.args and not self.positional:
            params.append("*")
        params += [f"{a.name}: {a.annotation} = DEFAULT" for a in self.args]
        return signature([*params, "**kwargs: Any"])

    @property
    def super_call(self) -> str:
        return call("super().__init__", [*(f"{a.name}={a.name}" for a in self.args), "**kwargs"])

    @property
    def param_defs(self) -> str:
        return param_defs(self.params) if self.params else ""


class Builder:
    """Builds the DSL classes of a container's properties."""

    def __init__(self, schema: Schema, types: TypeMap) -> None:
        self.schema = schema
        self.map = types

    def arguments(self, spec: dict[str, Any]) -> list[Arg]:
        args = []
        for prop, _ in self.map.properties(spec):
            typed = self.map.argument(prop["type"])
            args.append(Arg(prop["name"], typed.text, prop["required"], typed.param))
        return args

    def build(self, prop: dict[str, Any], parent: str) -> DslClass:
        """The class of one container property (typed by a union: its variants' common base)."""
        cls = DslClass(class_name(prop["name"]), parent, prop["name"])
        ref = prop["type"]
        if ref["kind"] == "dictionary_of":
            if not ref.get("singleKey") or ref["key"].get("type") != {"namespace": "_types", "name": "Field"}:
                raise ValueError(
                    f"{prop['name']}: only single-key dictionaries keyed by a field are supported"
                )
            cls.field_keyed = self.map.field_value(ref["value"])
            return cls
        if ref["kind"] != "instance_of":
            raise ValueError(f"{prop['name']}: cannot build a DSL class from a {ref['kind']} type")
        name = (ref["type"]["namespace"], ref["type"]["name"])
        if name == QUERY:  # a query in its own right (the ``filter`` aggregation)
            typed = self.map.argument(ref)
            cls.add([Arg(prop["name"], typed.text, False, typed.param)])
            return cls
        spec = self.schema.type(*name)
        if spec["kind"] == "interface":
            self.fill(cls, spec)
            return cls
        if spec["kind"] == "type_alias" and spec["type"]["kind"] == "union_of":
            return self.union(cls, [self.schema.type(**item["type"]) for item in spec["type"]["items"]])
        raise ValueError(f"{prop['name']}: cannot build a DSL class from the {spec['kind']} {name}")

    def fill(self, cls: DslClass, spec: dict[str, Any]) -> None:
        cls.field_keyed = self.map.field_keyed(spec)
        cls.add(self.arguments(spec))

    def union(self, cls: DslClass, variants: list[dict[str, Any]]) -> DslClass:
        """A query of several variants: the arguments of their closest common base."""
        chains = [[level for level, _ in self.map.chain(v)] for v in variants]
        for base in chains[0]:
            if all(any(level["name"] == base["name"] for level in chain) for chain in chains[1:]):
                self.fill(cls, base)
                return cls
        raise ValueError(f"{cls.spec_name}: its variants share no base type")

    def container(self, name: tuple[str, str]) -> list[dict[str, Any]]:
        return [p for p in self.schema.type(*name)["properties"] if not p.get("containerProperty")]


def render(schema: Schema, prof: Profile) -> dict[str, str]:
    builder = Builder(schema, TypeMap(schema, range_wrapper=prof.dsl_aggregation_range_wrapper))
    classes = [builder.build(prop, "Query") for prop in builder.container(QUERY)]
    for cls in classes:
        cls.params.update(EXTRA_PARAMS.get(cls.spec_name or "", {}))
    own = ("Query", "ScoreFunction")  # defined, or imported at run time
    return {"dsl/query.py": render_module("dsl/query.py.j2", "codegen/dsl/query.py", own, classes=classes)}
