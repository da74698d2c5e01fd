"""What the sync and async mappings share: the fields, the meta settings, and the walks over
them (field lookup by dotted path, the analysis the fields name).

The flavours (``_async/mapping.py`` and its sync twin) only add the calls that read a mapping
from a cluster or save one to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping as AbcMapping
from typing import Any, ClassVar

from typing_extensions import Self

from .field import Field, Nested, Text, construct_field
from .utils import AttrDict, DslBase

# Top-level mapping settings, sent under their own name; any other meta name is a metadata
# field and is stored with its leading underscore (``meta("all", ...)`` sets ``_all``).
META_FIELDS = frozenset(
    {
        "dynamic",
        "transform",
        "dynamic_date_formats",
        "date_detection",
        "numeric_detection",
        "dynamic_templates",
        "enabled",
    }
)

# The field parameters whose value may be an analysis object with definitions of its own.
_ANALYSIS_PARAMETERS = ("analyzer", "normalizer", "search_analyzer", "search_quote_analyzer")


class Properties(DslBase):
    """The ``properties`` of a mapping or of an object field: field name -> ``Field``."""

    name = "properties"
    _param_defs: ClassVar[dict[str, dict[str, Any]]] = {"properties": {"type": "field", "hash": True}}

    def __init__(self) -> None:
        super().__init__()
        self._params["properties"] = {}

    def __repr__(self) -> str:
        return "Properties()"

    @property
    def _fields(self) -> dict[str, Field]:
        fields: dict[str, Field] = self._params["properties"]
        return fields

    @property
    def properties(self) -> AttrDict[Field]:
        """The fields by name, as the official exposes them (an AttrDict over the same dict)."""
        return AttrDict(self._fields)

    def __getitem__(self, name: str) -> Field:
        return self._fields[name]

    def __contains__(self, name: str) -> bool:
        return name in self._fields

    def field(self, name: str, *args: Any, **kwargs: Any) -> Self:
        self._fields[name] = construct_field(*args, **kwargs)
        return self

    def to_dict(self) -> dict[str, Any]:
        # A field can be sent under another name than its attribute's (``_es_name``).
        fields = {
            getattr(field, "_es_name", None) or name: field.to_dict() for name, field in self._fields.items()
        }
        return {"properties": fields} if fields else {}

    def _clone(self) -> Self:
        copy = self.__class__()
        copy._fields.update(self._fields)
        return copy

    def _collect_fields(self) -> Iterator[Field]:
        """Every field below: the properties, their multi-fields, and what object fields hold."""
        for field in self._fields.values():
            yield from _with_subfields(field)


def _with_subfields(field: Field) -> Iterator[Field]:
    yield field
    for subfield in field._params.get("fields", {}).values():
        yield from _with_subfields(subfield)
    collect = getattr(field, "_collect_fields", None)
    if collect is not None:
        yield from collect()


class MappingBase:
    """A mapping: its fields (``properties``) and its meta settings (``_meta``)."""

    def __init__(self) -> None:
        self.properties = Properties()
        self._meta: dict[str, Any] = {}

    def __repr__(self) -> str:
        return "Mapping()"

    def __contains__(self, name: str) -> bool:
        return name in self.properties

    def __getitem__(self, name: str) -> Field:
        return self.properties[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.properties._fields)

    def _clone(self) -> Self:
        """A copy whose field list can change without touching this one (the fields are shared)."""
        copy = self.__class__()
        copy.properties = self.properties._clone()
        copy._meta = dict(self._meta)
        return copy

    def field(self, *args: Any, **kwargs: Any) -> Self:
        """Add (or replace) a field: ``field(name, "text", analyzer=...)``, ``field(name, Text())``
        or ``field(name, {"type": "text"})``."""
        self.properties.field(*args, **kwargs)
        return self

    def meta(self, name: str, params: Any = None, **kwargs: Any) -> Self:
        """Set a top-level setting: a value (``meta("dynamic", False)``) or keyword parameters
        (``meta("_source", enabled=False)``), not both."""
        if params is not None and kwargs:
            raise ValueError(f"meta({name!r}) takes either a value or keyword parameters, not both")
        if not name.startswith("_") and name not in META_FIELDS:
            name = f"_{name}"
        self._meta[name] = kwargs if params is None else params
        return self

    def resolve_nested(self, field_path: str) -> tuple[list[str], Field | None]:
        """The paths of the nested fields on the way to ``field_path`` and the field itself;
        ``([], None)`` when the path names no field."""
        nested: list[str] = []
        parts = field_path.split(".")
        found: Any = self
        for depth, step in enumerate(parts, start=1):
            try:
                found = found[step]
            except KeyError:
                return [], None
            if isinstance(found, Nested):
                nested.append(".".join(parts[:depth]))
        return nested, found

    def resolve_field(self, field_path: str) -> Field | None:
        """The field at a dotted path (through object fields and multi-fields), or None."""
        return self.resolve_nested(field_path)[1]

    def _collect_analysis(self) -> dict[str, Any]:
        """The analyzers, normalizers, tokenizers, filters... defined by the fields' analysis
        objects, merged by kind (``{"analyzer": {...}, "filter": {...}}``), for the index settings."""
        fields: list[Field] = []
        if "_all" in self._meta:
            fields.append(Text(**self._meta["_all"]))
        fields.extend(self.properties._collect_fields())

        analysis: dict[str, Any] = {}
        for field in fields:
            for parameter in _ANALYSIS_PARAMETERS:
                definition = getattr(field._params.get(parameter), "get_analysis_definition", None)
                if definition is None:
                    continue
                for kind, named in definition().items():
                    analysis.setdefault(kind, {}).update(named)
        return analysis

    def _update_from_dict(self, raw: dict[str, Any]) -> None:
        """Take the fields and settings of a mapping as Elasticsearch returns it."""
        for name, definition in raw.get("properties", {}).items():
            self.field(name, definition)
        for name, value in raw.items():
            if name == "properties":
                continue
            if isinstance(value, AbcMapping):
                self.meta(name, **value)
            else:
                self.meta(name, value)

    def update(self, mapping: MappingBase, update_only: bool = False) -> None:
        """Take another mapping's fields and settings. With ``update_only`` the ones already
        here stay, though object fields present in both take the other's new subfields."""
        for name in mapping:
            if update_only and name in self:
                merge = getattr(self[name], "update", None)
                if merge is not None:
                    merge(mapping[name], update_only)
                continue
            self.field(name, mapping[name])

        if update_only:
            for name, value in mapping._meta.items():
                self._meta.setdefault(name, value)
        else:
            self._meta.update(mapping._meta)

    def to_dict(self) -> dict[str, Any]:
        body = dict(self._meta)
        if "_all" in body:
            # Analysis objects given to ``_all`` are sent by their name.
            body["_all"] = {
                key: value.to_dict() if key in _ANALYSIS_PARAMETERS and hasattr(value, "to_dict") else value
                for key, value in body["_all"].items()
            }
        body.update(self.properties.to_dict())
        return body
