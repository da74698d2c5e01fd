"""``dsl/types.py`` and the mapping from the specification's types to Python annotations.

The classes of ``dsl/types.py`` are the spec's object types (interfaces) that the DSL's generated
classes take or that the search responses hold, found by one rule: every interface reachable
from the queries (``QueryContainer``), the aggregations (``AggregationContainer``), the mapping
properties (``Property``, but their ``fields``/``properties``, which the DSL types as fields) and
the search and update-by-query responses, through property types, aliases, arrays, dictionaries
and unions. A few spec types stand for DSL classes instead (queries, score functions, ranges, ...:
see ``TypeMap._special``); the traversal stops there. Types first met on the request side take
keyword arguments (``DEFAULT`` when not given); those met only in responses are typed attributes.

Helper API for the other generators of this folder:

``TypeMap(schema, *, local=False, range_wrapper=False)``
    ``.annotate(ref, response=False) -> PyType``: for one spec type reference (a property's
    ``type``), the annotation text and the ``DslBase._param_defs`` entry (``{"type": "query"}``,
    with ``multi``/``hash``) the DSL needs to build nested objects, or ``None``. Request-side
    annotations accept plain dicts where they name a class. Every interface met is recorded in
    ``.found`` (the classes ``dsl/types.py`` defines). ``local`` drops the ``types.`` prefix
    (for ``types.py`` itself); ``range_wrapper`` types aggregation ranges as
    ``wrappers.AggregationRange`` (the profile's ``dsl_aggregation_range_wrapper``).
``python_type(schema, ref, *, response=False) -> str``
    the annotation alone (without ``| DefaultType``).

Annotations are unquoted: the rendered modules start with ``from __future__ import annotations``.
The names they use are ``types``, ``wrappers``, ``function`` (modules), ``Query``,
``ScoreFunction``, ``InstrumentedField``, ``Agg``/``_R``, ``DefaultType`` and the ``typing`` /
``collections.abc`` names (modules and DSL classes are imported for type checking only, so
importing a rendered module costs nothing more than its class statements).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..generate import environment, header
from ..profiles import Profile
from .schema import Schema

Ref = Mapping[str, Any]
Name = tuple[str, str]  # (namespace, name)

# Python keywords the spec uses as property names: the argument takes a trailing underscore
# (``DslBase`` and ``AttrDict`` map it back).
RESERVED = {"from": "from_", "global": "global_"}

_NUMBERS = {"integer": "int", "uint": "int", "long": "int", "ulong": "int"}
_NUMBERS |= {"number": "float", "float": "float", "double": "float"}
_BUILTINS = {**_NUMBERS, "string": "str", "boolean": "bool", "binary": "bytes", "null": "None"}
_BUILTIN_NAMESPACES = ("_types", "internal", "_builtins")

# The search response's hit: the DSL drops the underscore of its metadata keys.
HIT = ("_global.search._types", "Hit")
BUCKETS_BASE = ("_types.aggregations", "MultiBucketAggregateBase")


@dataclass(frozen=True)
class PyType:
    """An annotation and the ``_param_defs`` entry of an argument of that type (or None)."""

    text: str
    param: Mapping[str, Any] | None = None


def union(*parts: str) -> str:
    """``a | b``, without repeats (first occurrence wins)."""
    return " | ".join(dict.fromkeys(p for part in parts for p in split_union(part)))


def split_union(text: str) -> list[str]:
    """The top-level members of ``a | b[c | d]``."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def class_name(spec_name: str) -> str:
    """``ip_range`` -> ``IPRange``: the DSL's name for a query or aggregation."""
    return "".join("IP" if word == "ip" else word.title() for word in spec_name.split("_"))


def python_name(key: str) -> str:
    return RESERVED.get(key, key)


class TypeMap:
    """Maps spec type references to annotations, recording the interfaces it meets."""

    def __init__(self, schema: Schema, *, local: bool = False, range_wrapper: bool = False) -> None:
        self.schema = schema
        self.local = local
        self.range_wrapper = range_wrapper
        # class name -> spec name, in discovery order; and the ones first met in a response
        self.found: dict[str, Name] = {}
        self.response_only: set[str] = set()

    def lookup(self, name: Name) -> dict[str, Any] | None:
        return self.schema.types.get(name)

    def annotate(self, ref: Ref, response: bool = False) -> PyType:
        kind = ref["kind"]
        if kind == "instance_of":
            name = (ref["type"]["namespace"], ref["type"]["name"])
            return self._instance(name, response)
        if kind == "array_of":
            item = self.annotate(ref["value"], response)
            return PyType(f"Sequence[{item.text}]", _with(item.param, multi=True))
        if kind == "dictionary_of":
            key = self.annotate(ref["key"], response)
            value = self.annotate(ref["value"], response)
            return PyType(f"Mapping[{key.text}, {value.text}]", _with(value.param, hash=True))
        if kind == "union_of":
            return self._union(ref["items"], response)
        if kind == "literal_value":
            return PyType(f"Literal[{json.dumps(ref['value'])}]")
        if kind == "user_defined_value":
            return PyType("Any")
        raise ValueError(f"no Python type for a {kind!r} type reference: {ref}")

    def _instance(self, name: Name, response: bool) -> PyType:
        special = self._special(name, response)
        if special is not None:
            return special
        spec = self.lookup(name)
        if spec is None:  # a generic parameter (``TDocument``): anything
            return PyType("Any")
        return self.definition(spec, response)

    def _special(self, name: Name, response: bool) -> PyType | None:
        """Spec types the DSL represents with its own classes or plain Python values."""
        namespace, short = name
        if namespace in _BUILTIN_NAMESPACES and short in _BUILTINS:
            return PyType(_BUILTINS[short])
        if name == ("_types", "Field"):
            return PyType("str" if response else "str | InstrumentedField")
        if name == ("_types.query_dsl", "QueryContainer"):
            return PyType("Query", {"type": "query"})
        if name == ("_types.query_dsl", "FunctionScoreContainer"):
            return PyType("ScoreFunction", {"type": "score_function"})
        if name == ("_global.search._types", "SearchRequestBody"):
            return PyType("dict[str, Any]")
        if name == ("_types.aggregations", "Buckets"):
            if response:
                return PyType("Sequence[Any] | dict[str, Any]")
            return PyType("dict[str, Query]", {"type": "query", "hash": True})
        if name == ("_types.aggregations", "CompositeAggregationSource"):
            return PyType("Agg[Any]" if self.local else "Agg[_R]")
        return None

    def _union(self, items: list[Ref], response: bool) -> PyType:
        first = items[0]
        if len(items) == 2 and items[1]["kind"] == "array_of" and items[1]["value"] == first:
            # one or many of a kind
            one = self.annotate(first, response)
            param = _with(one.param, multi=True)
            if response and first["type"]["name"].endswith("SuggestOption"):
                return PyType(f"Sequence[{one.text}]", param)
            return PyType(union(one.text, f"Sequence[{one.text}]"), param)
        if first.get("type", {}).get("namespace") == "_spec_utils.PipeSeparatedFlags":
            return PyType("str")  # flags joined with ``|``
        members = [self.annotate(item, response) for item in items]
        params = {json.dumps(m.param, sort_keys=True) for m in members if m.param is not None}
        if params:
            raise ValueError(f"a union holding DSL objects is not supported: {items}")
        return PyType(union(*(m.text for m in members)))

    def definition(self, spec: dict[str, Any], response: bool) -> PyType:
        """The annotation of a spec type definition (interface, alias, enum)."""
        kind = spec["kind"]
        name: Name = (spec["name"]["namespace"], spec["name"]["name"])
        if kind == "type_alias":
            return self.annotate(spec["type"], response)
        if kind == "enum":
            members = [m["name"] for m in spec["members"]]
            literal = f"Literal[{', '.join(json.dumps(m) for m in members)}]"
            # a flag that grew more values still takes booleans
            return PyType(union(literal, "bool") if {"true", "false"} <= set(members) else literal)
        if kind != "interface":
            raise ValueError(f"no Python type for the {kind} {name[0]}:{name[1]}")
        dsl = self._dsl_interface(name, response)
        if dsl is not None:
            return dsl
        return PyType(self._record(name, response), None)

    def _dsl_interface(self, name: Name, response: bool) -> PyType | None:
        """Interfaces that the DSL's hand-written classes stand for."""
        namespace, short = name
        if namespace == "_types.query_dsl":
            if short.endswith("RangeQuery"):
                return PyType("wrappers.Range[Any]")
            if short.endswith("DecayFunction"):
                return PyType("function.DecayFunction")
            if short.endswith("ScoreFunction"):
                return PyType(f"function.{short.removesuffix('Function')}")
            if short.endswith("Function"):
                return PyType(f"function.{short}")
        if namespace == "_types.analysis" and short.endswith("Analyzer"):
            return PyType("str | dict[str, Any]")
        if (
            self.range_wrapper
            and namespace == "_types.aggregations"
            and (short.endswith("AggregationRange") or short == "DateRangeExpression")
            and short != "IpRangeAggregationRange"
        ):
            return PyType(self._dictable("wrappers.AggregationRange", response))
        return None

    def _record(self, name: Name, response: bool) -> str:
        short = name[1]
        known = self.found.get(short)
        if known is None:
            self.found[short] = name
            if response:
                self.response_only.add(short)
        elif known != name:
            raise ValueError(f"two spec types would be types.{short}: {known} and {name}")
        return self._dictable(short if self.local else f"types.{short}", response)

    @staticmethod
    def _dictable(text: str, response: bool) -> str:
        """Request arguments typed by a class also take the plain dict it wraps."""
        return text if response else f"{text} | dict[str, Any]"

    def argument(self, ref: Ref) -> PyType:
        """A keyword argument's annotation: the type, or ``DEFAULT`` when not given."""
        try:
            typed = self.annotate(ref)
        except ValueError:
            return PyType("Any")
        if typed.text == "Any":
            return typed
        return PyType(union(typed.text, "DefaultType"), typed.param)

    # -- interfaces ---------------------------------------------------------------------------

    def chain(self, spec: dict[str, Any]) -> Iterable[tuple[dict[str, Any], list[Ref]]]:
        """The interface and its ancestors, each with the generics its child bound it with."""
        generics: list[Ref] = []
        while True:
            yield spec, generics
            parent = spec.get("inherits")
            if not parent:
                return
            generics = parent.get("generics", [])
            spec = self.schema.type(parent["type"]["namespace"], parent["type"]["name"])

    def properties(self, spec: dict[str, Any]) -> list[tuple[dict[str, Any], list[Ref]]]:
        """Own then inherited properties (a response's: its body's), each with the generics
        bound to the level that declares it."""
        if spec["kind"] == "response":
            spec = spec["body"]
        return [(prop, generics) for level, generics in self.chain(spec) for prop in level["properties"]]

    def field_keyed(self, spec: dict[str, Any]) -> tuple[str, str] | None:
        """``(_field, _value)`` annotations when the interface is keyed by a field name."""
        for behavior in spec.get("behaviors", ()):
            if behavior["type"] != {"namespace": "_spec_utils", "name": "AdditionalProperty"}:
                continue
            key, value = behavior["generics"]
            if key.get("type") != {"namespace": "_types", "name": "Field"}:
                raise ValueError(f"{spec['name']} has extra properties keyed by other than fields")
            return self.field_value(value)
        return None

    def field_value(self, value: Ref) -> tuple[str, str]:
        """The positional ``_field`` / ``_value`` annotations of a field-keyed object."""
        field_name = self.annotate({"kind": "instance_of", "type": {"namespace": "_types", "name": "Field"}})
        return (
            union(field_name.text, "DefaultType"),
            union(self.annotate(value).text, "dict[str, Any]", "DefaultType"),
        )


def _with(param: Mapping[str, Any] | None, **flag: bool) -> Mapping[str, Any] | None:
    return None if param is None else {**param, **flag}


def python_type(schema: Schema, ref: Ref, *, response: bool = False) -> str:
    """The annotation of one spec type reference (see the module docstring)."""
    return TypeMap(schema).annotate(ref, response).text


# -- the module -------------------------------------------------------------------------------


@dataclass
class Arg:
    """One keyword argument of a generated ``__init__``."""

    key: str  # the JSON key
    annotation: str
    required: bool
    param: Mapping[str, Any] | None = None

    @property
    def name(self) -> str:
        return python_name(self.key)


def ordered(args: list[Arg]) -> list[Arg]:
    """Required arguments first, each group in the spec's order."""
    return [a for a in args if a.required] + [a for a in args if not a.required]


def signature(params: list[str], returns: str = "None", indent: str = "    ") -> str:
    """``def __init__(self, ...)``, on one line when it fits, else one parameter a line."""
    line = f"{indent}def __init__({', '.join(['self', *params])}) -> {returns}:"
    if len(line) <= 110:
        return line
    inner = "".join(f"{indent}    {p},\n" for p in ["self", *params])
    return f"{indent}def __init__(\n{inner}{indent}) -> {returns}:"


def call(prefix: str, items: list[str], indent: str = "        ") -> str:
    """``prefix(a, b)``, wrapped one item a line when too long."""
    line = f"{indent}{prefix}({', '.join(items)})"
    if len(line) <= 110:
        return line
    inner = "".join(f"{indent}    {item},\n" for item in items)
    return f"{indent}{prefix}(\n{inner}{indent})"


# The methods of ``utils.AttrDict``: a response key of one of these names is read by subscription.
_DICT_METHODS = frozenset({"items", "keys", "to_dict"})


@dataclass
class TypeClass:
    name: str
    response: bool
    field_keyed: tuple[str, str] | None = None
    args: list[Arg] = field(default_factory=list)
    bucket: str | None = None  # response classes with buckets: their bucket class

    def render(self) -> str:
        head = f"class {self.name}(AttrDict[Any]):\n"
        if self.response:
            lines = [
                f"    # {a.name} ({a.annotation}): hidden by the method, read self[{a.name!r}]"
                if a.name in _DICT_METHODS
                else f"    {a.name}: {a.annotation}"
                for a in self.args
            ]
            text = head + "\n".join(lines or ["    pass"]) + "\n"
            if self.bucket:
                text += (
                    "\n    @property\n"
                    f"    def buckets_as_dict(self) -> Mapping[str, {self.bucket}]:\n"
                    '        """The buckets of a ``keyed`` request, by key."""\n'
                    f'        return cast("Mapping[str, {self.bucket}]", self.buckets)\n'
                )
            return text
        params, body = [], []
        if self.field_keyed:
            params += [
                f"_field: {self.field_keyed[0]} = DEFAULT",
                f"_value: {self.field_keyed[1]} = DEFAULT",
                "/",
            ]
            body.append("        if _field is not DEFAULT:\n            kwargs[str(_field)] = _value\n")
        if self.args:
            params.append("*")
            params += [f"{a.name}: {a.annotation} = DEFAULT" for a in self.args]
        params.append("**kwargs: Any")
        given = [f'"{a.key}": {a.name}' for a in self.args]
        if given:
            body.append(call("_given", ["kwargs", "{" + ", ".join(given) + "}"]) + "\n")
        body.append("        super().__init__(kwargs)\n")
        return head + signature(params) + "\n" + "".join(body)


class TypesModule:
    """Walks the roots, then every type found, into the classes of ``dsl/types.py``."""

    def __init__(self, schema: Schema, prof: Profile) -> None:
        self.schema = schema
        self.map = TypeMap(schema, local=True, range_wrapper=prof.dsl_aggregation_range_wrapper)

    def walk_roots(self) -> None:
        # the query and aggregation classes are built as their generators build them
        from .aggs import AGGREGATIONS, AggBuilder
        from .query import QUERY

        schema, walk = self.schema, self.map
        builder = AggBuilder(schema, walk)
        for prop in builder.container(QUERY):
            builder.build(prop, "Query")
        for prop in builder.container(AGGREGATIONS):
            builder.aggregation(prop)
        for member in schema.type("_types.mapping", "Property")["type"]["items"]:
            spec = schema.type(member["type"]["namespace"], member["type"]["name"])
            for prop, _ in walk.properties(spec):
                if prop["name"] not in ("fields", "properties"):
                    walk.argument(prop["type"])
        for root in (("_global.search", "ResponseBody"), ("_global.update_by_query", "Response")):
            for prop, _ in walk.properties(schema.type(*root)):
                self._response(prop["type"])

    def _response(self, ref: Ref) -> str:
        try:
            return self.map.annotate(ref, response=True).text
        except ValueError:
            return "Any"

    def classes(self) -> list[TypeClass]:
        self.walk_roots()
        done: dict[str, TypeClass] = {}
        # the map grows while classes are built: a class's properties find more types
        while len(done) < len(self.map.found):
            for short, name in list(self.map.found.items()):
                if short not in done:
                    done[short] = self.build(short, name)
        return sorted(done.values(), key=lambda c: (c.response, c.name))

    def build(self, short: str, name: Name) -> TypeClass:
        spec = self.schema.type(*name)
        response = short in self.map.response_only
        cls = TypeClass(short, response)
        if response:
            cls.bucket = self._bucket_class(spec)
        else:
            cls.field_keyed = self.map.field_keyed(spec)
        for prop, _ in self.map.properties(spec):
            key = prop["name"]
            if response:
                if name == HIT:
                    key = key.removeprefix("_")
                if key == "buckets" and cls.bucket:
                    # the list form: the DSL asks for it unless told ``keyed``
                    cls.args.append(Arg(key, f"Sequence[{cls.bucket}]", True))
                else:
                    cls.args.append(Arg(key, self._response(prop["type"]), prop["required"]))
            else:
                cls.args.append(Arg(key, self.map.argument(prop["type"]).text, prop["required"]))
        cls.args = ordered(cls.args)
        return cls

    def _bucket_class(self, spec: dict[str, Any]) -> str | None:
        """The bucket type a multi-bucket aggregate binds (``Any`` for ``Void``), else None."""
        bound: list[Ref] = []
        for level, generics in self.map.chain(spec):
            bound = bound or generics
            if (level["name"]["namespace"], level["name"]["name"]) == BUCKETS_BASE:
                if not bound or bound[0]["type"]["name"] == "Void":
                    return "Any"
                return self.map.annotate(bound[0], response=True).text
        return None


# What annotations name, and the import each needs (for type checking only).
_CHECKED_MODULES = ("function", "types", "wrappers")
_CHECKED_NAMES = {
    "Agg": ".aggs",
    "InstrumentedField": ".document_base",
    "ScoreFunction": ".function",
    "Query": ".query",
    "SearchBase": ".search_base",
}


def render_module(template: str, source: str, own: Iterable[str], **values: Any) -> str:
    """Render a DSL module template whose ``checking`` block imports, for type checking, just
    what its annotations use (``own``: the names the module defines or imports at run time)."""
    rendered = environment().get_template(template)
    text = rendered.render(header=header(source), checking="", **values)
    skip = set(own)
    modules = [m for m in _CHECKED_MODULES if m not in skip and re.search(rf"\b{m}\.[A-Z]", text)]
    lines = ["    from elastic_transport.client_utils import DefaultType", ""]
    if modules:
        lines.append(f"    from . import {', '.join(modules)}")
    for name, module in sorted(_CHECKED_NAMES.items(), key=lambda item: item[1]):
        if name not in skip and re.search(rf"\b{name}\b", text):
            lines.append(f"    from {module} import {name}")
    return rendered.render(header=header(source), checking="\n".join(lines).rstrip(), **values)


def render(schema: Schema, prof: Profile) -> dict[str, str]:
    classes = [c.render() for c in TypesModule(schema, prof).classes()]
    text = render_module("dsl/types.py.j2", "codegen/dsl/types.py", ("types", "AttrDict"), classes=classes)
    return {"dsl/types.py": text}
