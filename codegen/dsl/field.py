"""``dsl/field.py``: the mapping field classes, one for each member of the spec's ``Property``.

Each member of the ``_types.mapping.Property`` union whose ``type`` tag is a plain name (the
``{dynamic_type}`` template is no field of its own) becomes a class named after the tag
(``search_as_you_type`` -> ``SearchAsYouType``), registered under it, with one keyword argument
for each property of the interface and of its ancestors (own ones first). The annotations come
from ``types.TypeMap``, except the sub-fields (``fields``/``properties``: fields or their dicts)
and the analysis parameters (a name or an analysis object).

What the spec cannot say lives here and in the templates: the class a field derives from where
it shares behaviour (the ``long`` field is an ``Integer``), the fields whose values are
converted on assignment (``_coerce``), the leading positional arguments, and the methods of
``codegen/templates/dsl/field_behaviour.py.j2``. The range fields (the ``RangePropertyBase``
family) derive from ``RangeField`` and convert their bounds with the field of their element
type (``date_range`` -> ``Date``), but for ``ip_range``, whose values stay plain dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..generate import environment, header
from ..profiles import Profile
from .schema import Schema
from .types import TypeMap, call, python_name, signature, split_union, union

PROPERTY = ("_types.mapping", "Property")
RANGE_BASE = ("_types.mapping", "RangePropertyBase")

# Fields that share the conversions of another one: mapping type -> base class.
BASES: Mapping[str, str] = {
    "byte": "Integer",
    "short": "Integer",
    "long": "Integer",
    "double": "Float",
    "half_float": "Float",
    "scaled_float": "Float",
    "rank_feature": "Float",
    "nested": "Object",
}
# Range fields whose values stay as given (plain dicts), as the DSL has always read ip ranges.
PLAIN_RANGES = frozenset({"ip_range"})
# Fields whose values are converted (``deserialize``) when assigned to a document.
COERCED = frozenset(
    {"float", "integer", "object", "binary", "boolean", "date", "dense_vector", "ip", "percolator"}
)


@dataclass(frozen=True)
class Leading:
    """A positional argument before ``*args``: the DSL's own, with its annotation (optional,
    consumed by the class's ``__init__``), or the spec's argument of that name made required
    (``ScaledFloat(100)``)."""

    name: str
    own: str | None = None


LEADING: Mapping[str, Leading] = {
    "date": Leading("default_timezone", own="str | tzinfo | DefaultType"),
    "object": Leading("doc_class", own="type[InnerDoc] | DefaultType"),
    "scaled_float": Leading("scaling_factor"),
}

# The spec's whole-number types it aliases to ``number``: a field's values of these are ints.
INTEGERS = frozenset({("_types", "byte"), ("_types", "short")})
# Sub-fields, given as fields, mapping type names or dicts.
SUBFIELDS = "Mapping[str, Field | str | dict[str, Any]] | DefaultType"
SUBFIELD_PARAM: Mapping[str, Any] = {"type": "field", "hash": True}
# Parameters naming an analyzer or a normalizer: a name or an object of ``analysis``.
ANALYSIS = {"analyzer": "analyzer", "search_analyzer": "analyzer", "search_quote_analyzer": "analyzer"}
ANALYSIS |= {"normalizer": "normalizer"}


@dataclass
class Param:
    name: str  # the Python name (the JSON key unless reserved)
    annotation: str
    default: str | None = "DEFAULT"  # None: required
    consumed: bool = False  # the DSL's own: not handed to the base class


@dataclass
class FieldClass:
    name: str
    tag: str
    base: str
    coerce: bool
    core_field: str | None  # range fields: the class converting the bounds
    leading: list[Param] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    param_defs: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def param_defs_text(self) -> str:
        entries = "".join(
            f'        "{key}": {{{", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in spec.items())}}},\n'
            for key, spec in self.param_defs.items()
        )
        return f"    _param_defs: ClassVar[dict[str, dict[str, Any]]] = {{\n{entries}    }}"

    @property
    def signature_text(self) -> str:
        def declared(p: Param) -> str:
            return f"{p.name}: {p.annotation}" + ("" if p.default is None else f" = {p.default}")

        params = [*map(declared, self.leading), "*args: Any", *map(declared, self.params)]
        return signature([*params, "**kwargs: Any"])

    @property
    def super_call(self) -> str:
        """The base class gets every argument but the DSL's own leading ones (consumed here)."""
        passed = [p.name for p in [*self.leading, *self.params] if not p.consumed]
        return call("super().__init__", ["*args", *(f"{name}={name}" for name in passed), "**kwargs"])


def _literal(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def class_name(tag: str) -> str:
    return "".join(word.capitalize() for word in tag.split("_"))


def _tag(spec: dict[str, Any]) -> str | None:
    for prop in spec["properties"]:
        if prop["name"] == "type" and prop["type"]["kind"] == "literal_value":
            value = str(prop["type"]["value"])
            return None if "{" in value else value
    return None


def field_classes(schema: Schema) -> list[FieldClass]:
    types = TypeMap(schema)
    tags: dict[str, dict[str, Any]] = {}
    for member in schema.type(*PROPERTY)["type"]["items"]:
        spec = schema.type(member["type"]["namespace"], member["type"]["name"])
        tag = _tag(spec)
        if tag is not None:
            tags[tag] = spec

    classes = []
    for tag, spec in sorted(tags.items(), key=lambda item: class_name(item[0])):
        ancestors = [(level["name"]["namespace"], level["name"]["name"]) for level, _ in types.chain(spec)]
        core = None
        if RANGE_BASE in ancestors and tag not in PLAIN_RANGES:
            base, core = "RangeField", class_name(tag.removesuffix("_range"))
        else:
            base = BASES.get(tag, "Field")
        cls = FieldClass(class_name(tag), tag, base, tag in COERCED, core)

        leading = LEADING.get(tag)
        seen = {"type"}
        for prop, _ in types.properties(spec):
            key = prop["name"]
            if key in seen:
                continue
            seen.add(key)
            name = python_name(key)
            if key in ("fields", "properties"):
                annotation = SUBFIELDS
                cls.param_defs[key] = SUBFIELD_PARAM
            elif key in ANALYSIS:
                annotation = "str | DslBase | DefaultType"
                cls.param_defs[key] = {"type": ANALYSIS[key]}
            elif _ref_name(prop["type"]) in INTEGERS:
                annotation = "int | DefaultType"
            else:
                typed = types.argument(prop["type"])
                annotation = typed.text
                if typed.param is not None:
                    cls.param_defs[key] = typed.param
            if leading is not None and leading.own is None and leading.name == name:
                cls.leading.append(Param(name, _required(annotation), default=None))
            else:
                cls.params.append(Param(name, annotation))
        if leading is not None and leading.own is not None:
            cls.leading.append(Param(leading.name, leading.own, consumed=True))
        if leading is not None and not cls.leading:
            raise ValueError(f"the spec's {tag} field has no {leading.name!r} argument any more")
        classes.append(cls)

    missing = {c.base for c in classes} - {c.name for c in classes} - {"Field", "RangeField"}
    missing |= {c.core_field for c in classes if c.core_field} - {c.name for c in classes}
    if missing:
        raise ValueError(f"the spec's Property lost the fields others derive from: {sorted(missing)}")
    # a base class comes before the classes deriving from it, the bound classes before the ranges
    return sorted(classes, key=lambda c: (c.base == "RangeField", c.base != "Field"))


def _ref_name(ref: Mapping[str, Any]) -> tuple[str, str] | None:
    if ref["kind"] != "instance_of":
        return None
    return ref["type"]["namespace"], ref["type"]["name"]


def _required(annotation: str) -> str:
    """A spec argument made positional and required: no ``DEFAULT`` in its type."""
    return union(*(part for part in split_union(annotation) if part != "DefaultType"))


def render(schema: Schema, prof: Profile) -> dict[str, str]:
    template = environment().get_template("dsl/field.py.j2")
    text = template.render(header=header("codegen/dsl/field.py"), classes=field_classes(schema), prof=prof)
    return {"dsl/field.py": text}
