"""What documents and inner documents share, sync or async: the class machinery that turns
class attributes and type hints into a mapping, the field proxies that class attribute access
gives (``Doc.title`` in a sort or a query), and the parts of a document that do no I/O."""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Mapping as MappingABC
from datetime import date, datetime
from fnmatch import fnmatch
from json.encoder import encode_basestring_ascii
from math import isfinite
from types import UnionType
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Generic,
    Literal,
    NamedTuple,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    overload,
)

from typing_extensions import Self, dataclass_transform

from .exceptions import ValidationException
from .field import Binary, Boolean, Date, Field, Float, Integer, Nested, Object, Text
from .mapping import Mapping
from .utils import DOC_META_FIELDS, ObjectBase

if TYPE_CHECKING:
    from elastic_transport import ObjectApiResponse

    from ..esql.esql import ESQLBase
    from .index_base import IndexBase


class MetaField:
    """A mapping meta field (``_all``, ``_routing``, ``dynamic`` ...) declared in ``class Meta``:
    the arguments are kept for ``Mapping.meta``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs


def _json_literal(value: Any) -> str:
    """``json.dumps(value)``: the common scalars spelled directly, without the encoder's set-up
    (ES|QL expressions and queries are built in hot loops)."""
    kind = type(value)
    if kind is str:
        return encode_basestring_ascii(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is float and isfinite(value):
        return float.__repr__(value)
    return json.dumps(value)


class InstrumentedExpression:
    """An ES|QL expression under construction: Python operators and the methods below
    build the expression's text, which ``str()`` gives."""

    def __init__(self, expr: str) -> None:
        self._expr = expr

    @staticmethod
    def _render_value(value: Any) -> str:
        # Another expression goes in as written; a Python value as its JSON literal.
        if isinstance(value, InstrumentedExpression):
            return str(value)
        return _json_literal(value)

    def _infix(self, op: str, value: Any, *, reflected: bool = False) -> InstrumentedExpression:
        # (a plain expression's text read directly: the common case, without a call)
        right = value._expr if type(value) is InstrumentedExpression else self._render_value(value)
        left = self._expr
        if reflected:
            left, right = right, left
        return InstrumentedExpression(f"{left} {op} {right}")

    def _suffix(self, text: str) -> InstrumentedExpression:
        return InstrumentedExpression(f"{self._expr} {text}")

    def __str__(self) -> str:
        return self._expr

    def __repr__(self) -> str:
        return f"InstrumentedExpression[{self._expr}]"

    def __pos__(self) -> InstrumentedExpression:
        return self

    def __neg__(self) -> InstrumentedExpression:
        return InstrumentedExpression(f"-({self._expr})")

    def __eq__(self, value: Any) -> InstrumentedExpression:  # type: ignore[override]
        return self._infix("==", value)

    def __ne__(self, value: Any) -> InstrumentedExpression:  # type: ignore[override]
        return self._infix("!=", value)

    def __lt__(self, value: Any) -> InstrumentedExpression:
        return self._infix("<", value)

    def __gt__(self, value: Any) -> InstrumentedExpression:
        return self._infix(">", value)

    def __le__(self, value: Any) -> InstrumentedExpression:
        return self._infix("<=", value)

    def __ge__(self, value: Any) -> InstrumentedExpression:
        return self._infix(">=", value)

    def __add__(self, value: Any) -> InstrumentedExpression:
        return self._infix("+", value)

    def __radd__(self, value: Any) -> InstrumentedExpression:
        return self._infix("+", value, reflected=True)

    def __sub__(self, value: Any) -> InstrumentedExpression:
        return self._infix("-", value)

    def __rsub__(self, value: Any) -> InstrumentedExpression:
        return self._infix("-", value, reflected=True)

    def __mul__(self, value: Any) -> InstrumentedExpression:
        return self._infix("*", value)

    def __rmul__(self, value: Any) -> InstrumentedExpression:
        return self._infix("*", value, reflected=True)

    def __truediv__(self, value: Any) -> InstrumentedExpression:
        return self._infix("/", value)

    def __rtruediv__(self, value: Any) -> InstrumentedExpression:
        return self._infix("/", value, reflected=True)

    def __mod__(self, value: Any) -> InstrumentedExpression:
        return self._infix("%", value)

    def __rmod__(self, value: Any) -> InstrumentedExpression:
        return self._infix("%", value, reflected=True)

    def is_null(self) -> InstrumentedExpression:
        return self._suffix("IS NULL")

    def is_not_null(self) -> InstrumentedExpression:
        return self._suffix("IS NOT NULL")

    def in_(self, *values: Any) -> InstrumentedExpression:
        """Membership; the values are written as given (expressions or literals already
        quoted for ES|QL)."""
        return self._suffix(f"IN ({', '.join(str(value) for value in values)})")

    def _patterns(self, keyword: str, patterns: tuple[str, ...]) -> InstrumentedExpression:
        rendered = [self._render_value(pattern) for pattern in patterns]
        if len(rendered) == 1:
            return self._suffix(f"{keyword} {rendered[0]}")
        return self._suffix(f"{keyword} ({', '.join(rendered)})")

    def like(self, *patterns: str) -> InstrumentedExpression:
        return self._patterns("LIKE", patterns)

    def rlike(self, *patterns: str) -> InstrumentedExpression:
        return self._patterns("RLIKE", patterns)

    def match(self, query: str) -> InstrumentedExpression:
        return InstrumentedExpression(f"{self._expr}:{self._render_value(query)}")

    def asc(self) -> InstrumentedExpression:
        return self._suffix("ASC")

    def desc(self) -> InstrumentedExpression:
        return self._suffix("DESC")

    def nulls_first(self) -> InstrumentedExpression:
        return self._suffix("NULLS FIRST")

    def nulls_last(self) -> InstrumentedExpression:
        return self._suffix("NULLS LAST")

    def where(self, *expressions: str | InstrumentedExpression) -> InstrumentedExpression:
        """The condition of an aggregation in ``STATS``; several are joined with AND."""
        if len(expressions) == 1:
            return self._suffix(f"WHERE {expressions[0]}")
        return self._suffix(f"WHERE {' AND '.join(f'({expr})' for expr in expressions)}")


E = InstrumentedExpression


class InstrumentedField(InstrumentedExpression):
    """What ``Doc.field`` gives on a document class: the field's path (its Elasticsearch
    name), usable wherever a field name goes (``sort(-Doc.date)``, ``Q("match", ...)``),
    with its sub-fields as attributes and the ``Field``'s own attributes behind them."""

    def __init__(self, name: str, field: Field | None) -> None:
        es_name = getattr(field, "_es_name", None)
        if es_name:
            parent, _, _ = name.rpartition(".")
            name = f"{parent}.{es_name}" if parent else es_name
        super().__init__(name)
        self._field = field

    def __getattr__(self, attr: str) -> InstrumentedField:
        # Only reached for names the proxy itself lacks: a sub-field first, then the field's.
        field = self.__dict__.get("_field")
        if field is None:
            raise AttributeError(attr)
        try:
            return InstrumentedField(f"{self._expr}.{attr}", field[attr])
        except KeyError:
            return getattr(field, attr)  # type: ignore[no-any-return]

    def __pos__(self) -> str:  # type: ignore[override]
        return self._expr

    def __neg__(self) -> str:  # type: ignore[override]
        return f"-{self._expr}"

    def __repr__(self) -> str:
        return f"InstrumentedField[{self._expr}]"


class DocumentMeta(type):
    """Metaclass of documents and inner documents: builds ``_doc_type`` from the class body
    and gives the mapped fields as ``InstrumentedField`` on class attribute access."""

    _doc_type: DocumentOptions
    _index: IndexBase

    def __new__(cls, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> DocumentMeta:
        # DocumentOptions takes the field declarations out of ``attrs``.
        attrs["_doc_type"] = DocumentOptions(name, bases, attrs)
        return super().__new__(cls, name, bases, attrs)

    def __getattr__(cls, attr: str) -> Any:
        mapping = cls._doc_type.mapping
        if attr in mapping:
            return InstrumentedField(attr, mapping[attr])
        raise AttributeError(f"type object {cls.__name__!r} has no attribute {attr!r}")


class _Hint(NamedTuple):
    """A field's type hint once its wrappers are read: the type under them, whether a value
    is required, whether it is a list, and the ``Annotated`` extras."""

    type_: Any
    required: bool
    multi: bool
    extras: tuple[Any, ...]


def _read_hint(hint: Any) -> _Hint | None:
    """Unwrap ``Annotated``, ``M``, ``Optional``/``X | None`` and ``list``; None for a
    ``ClassVar`` (a plain class attribute, not a field)."""
    extras: tuple[Any, ...] = ()
    if get_origin(hint) is Annotated:
        extras = hint.__metadata__
        hint = get_args(hint)[0]
    required, multi = True, False
    while True:
        origin = get_origin(hint)
        if hint is ClassVar or origin is ClassVar:
            return None
        if origin is Mapped:
            hint = get_args(hint)[0]
        elif origin is Union or origin is UnionType:
            args = [arg for arg in get_args(hint) if arg is not type(None)]
            if len(args) != 1:
                raise TypeError(f"Cannot map the union {hint!r}: only Optional[X] (X | None) maps to a field")
            required, hint = False, args[0]
        elif origin is list:
            required, multi, hint = False, True, get_args(hint)[0]
        else:
            return _Hint(hint, required, multi, extras)


class DocumentOptions:
    """A document class's ``_doc_type``: its mapping, built from the fields declared in the
    class body (``Field`` values, type hints, ``mapped_field()``), the ``Meta`` fields and
    the parents' mappings."""

    # Python type in a hint -> the field class mapping it, with its arguments.
    type_annotation_map: ClassVar[dict[type, tuple[type[Field], dict[str, Any]]]] = {
        int: (Integer, {}),
        float: (Float, {}),
        bool: (Boolean, {}),
        str: (Text, {}),
        bytes: (Binary, {}),
        datetime: (Date, {}),
        date: (Date, {"format": "yyyy-MM-dd"}),
    }

    def __init__(self, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> None:
        meta = attrs.pop("Meta", None)
        mapping = getattr(meta, "mapping", None)
        self.mapping: Mapping = Mapping() if mapping is None else mapping
        annotations = _class_annotations(attrs)
        names = [n for n in attrs if isinstance(attrs[n], Field)]
        names += [n for n in annotations if n not in names]
        defaults: dict[str, Any] = {}
        for field_name in names:
            hint = None
            if field_name in annotations:
                hint = _read_hint(annotations[field_name])
                if hint is None:
                    continue  # a ClassVar: left as a plain class attribute
            field = self._field_for(field_name, hint, attrs.pop(field_name, None), defaults)
            if field is not None:
                self.mapping.field(field_name, field)
        # ObjectBase.__init__ fills these in (calling the callables) for missing values.
        attrs["_defaults"] = defaults

        for meta_name in dir(meta):
            value = getattr(meta, meta_name, None)
            if isinstance(value, MetaField):
                self.mapping.meta(meta_name, *value.args, **value.kwargs)

        # Inheritance: the parents' fields, where this class does not redefine them.
        for base in bases:
            doc_type = getattr(base, "_doc_type", None)
            if isinstance(doc_type, DocumentOptions):
                self.mapping.update(doc_type.mapping, update_only=True)

    def _field_for(
        self, name: str, hint: _Hint | None, declared: Any, defaults: dict[str, Any]
    ) -> Field | None:
        """The field mapping ``name`` (None when ``mapped_field(exclude=True)`` keeps it out),
        from its hint and ``declared``, the class body's value if any."""
        if declared is not None and not isinstance(declared, (Field, _FieldMetadataDict)):
            # ``x: int = 5``: a plain value is the default, as in a dataclass.
            defaults[name] = declared
            declared = None
        if hint is not None:
            # ``Annotated[T, Keyword()]`` / ``Annotated[T, mapped_field(...)]``.
            for extra in hint.extras:
                if isinstance(extra, (Field, _FieldMetadataDict)):
                    declared = extra

        es_name = None
        if isinstance(declared, _FieldMetadataDict):
            if declared["exclude"]:
                return None
            es_name = declared["_es_name"]
            default = declared["default"]
            if default is None:
                default = declared["default_factory"]
            if default is not None:
                defaults[name] = default
            declared = declared["_field"]

        field: Field | None = declared
        if field is not None and not isinstance(field, Field):
            raise TypeError(f"{name}: mapped_field() takes a Field, not {field!r}")
        if field is not None and hint is not None:
            # The hint decides whether an explicit field is required and multi-valued.
            field._required = hint.required
            field._multi = hint.multi
        if field is None and hint is not None:
            field = self._field_from_hint(hint)
        if field is None:
            raise TypeError(f"Cannot map field {name}: give it a Field or a type hint with a known type")
        if es_name:
            field._es_name = es_name
        return field

    def _field_from_hint(self, hint: _Hint) -> Field | None:
        options: dict[str, Any] = {"required": hint.required, "multi": hint.multi}
        type_ = hint.type_
        if isinstance(type_, type) and issubclass(type_, InnerDoc):
            return (Nested if hint.multi else Object)(type_, **options)
        if type_ in self.type_annotation_map:
            field_class, arguments = self.type_annotation_map[type_]
            return field_class(**options, **arguments)
        return None

    @property
    def name(self) -> str:
        return self.mapping.properties.name  # type: ignore[no-any-return]


def _class_annotations(attrs: dict[str, Any]) -> dict[str, Any]:
    """The annotations of a class body: ``__annotations__`` until 3.13, the lazily evaluated
    ``__annotate__`` function from 3.14 on."""
    annotations = attrs.get("__annotations__")
    if annotations:
        return dict(annotations)
    try:
        import annotationlib  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return {}
    annotate = annotationlib.get_annotate_from_class_namespace(attrs)
    if annotate is None:
        return {}
    return dict(annotationlib.call_annotate_function(annotate, format=annotationlib.Format.VALUE) or {})


_FieldType = TypeVar("_FieldType")


class Mapped(Generic[_FieldType]):
    """``M[T]``: a field hint that type checkers read as ``T`` on instances and as an
    ``InstrumentedField`` on the class; at runtime it maps like a plain ``T``."""

    __slots__ = ()

    if TYPE_CHECKING:

        @overload
        def __get__(self, instance: None, owner: Any) -> InstrumentedField: ...

        @overload
        def __get__(self, instance: object, owner: Any) -> _FieldType: ...

        def __get__(self, instance: object | None, owner: Any) -> InstrumentedField | _FieldType: ...

        def __set__(self, instance: object | None, value: _FieldType) -> None: ...

        def __delete__(self, instance: Any) -> None: ...


M = Mapped


class _FieldMetadataDict(dict[str, Any]):
    """What ``mapped_field()`` returns, told apart from any other dict in a class body."""


def mapped_field(
    field: Field | None = None,
    *,
    es_name: str | None = None,
    init: bool = True,
    default: Any = None,
    default_factory: Callable[[], Any] | None = None,
    exclude: bool = False,
    **kwargs: Any,
) -> Any:
    """A field declaration with dataclass-style options: the ``Field`` (else the hint's),
    its Elasticsearch name, a default value or factory, or ``exclude`` to keep the
    attribute out of the mapping. Typed ``Any`` so that it fits any hint."""
    if default is not None and default_factory is not None:
        raise ValueError("mapped_field() takes default or default_factory, not both")
    return _FieldMetadataDict(
        _field=field,
        _es_name=es_name,
        init=init,
        default=default,
        default_factory=default_factory,
        exclude=exclude,
        **kwargs,
    )


@dataclass_transform(field_specifiers=(mapped_field,))
class InnerDoc(ObjectBase, metaclass=DocumentMeta):
    """A document nested in another (an ``Object`` or ``Nested`` field's class)."""

    @classmethod
    def from_es(cls, data: MappingABC[str, Any] | ObjectApiResponse[Any], data_only: bool = False) -> Self:
        """``data_only``: ``data`` is the object itself, not a hit around it."""
        if data_only:
            data = {"_source": data}
        return super().from_es(data)


class DocumentBase(ObjectBase):
    """The I/O-free part of ``Document`` and ``AsyncDocument``."""

    @classmethod
    def _matches(cls, hit: dict[str, Any]) -> bool:
        """Whether a search hit belongs to this class, judged by its index."""
        name = cls._index._name
        if name is None:
            return True
        # A data stream's hits come from its backing indices.
        pattern = f".ds-{name}-*" if cls._index._data_stream else name
        return fnmatch(hit.get("_index", ""), pattern)

    @classmethod
    def _default_index(cls, index: str | None = None) -> str:
        return index or cls._index._name

    @overload
    def _get_index(self, index: str | None = None, required: Literal[True] = True) -> str: ...

    @overload
    def _get_index(self, index: str | None = None, required: bool = True) -> str | None: ...

    def _get_index(self, index: str | None = None, required: bool = True) -> str | None:
        """The index to write to: the argument, else the document's, else the class's."""
        if index is None:
            index = getattr(self.meta, "index", None)
        if index is None:
            index = getattr(self._index, "_name", None)
        if index is None and required:
            raise ValidationException("No index")
        if index and "*" in index:
            raise ValidationException("You cannot write to a wildcard index.")
        return index

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={getattr(self.meta, key)!r}" for key in ("index", "id") if key in self.meta)
        return f"{self.__class__.__name__}({shown})"

    def to_dict(self, include_meta: bool = False, skip_empty: bool = True) -> dict[str, Any]:  # type: ignore[override]
        """The document's source; with ``include_meta``, a bulk action: ``_index``, ``_id``
        and the other metadata around ``_source``."""
        source = super().to_dict(skip_empty=skip_empty)
        if not include_meta:
            return source
        action = {f"_{key}": self.meta[key] for key in DOC_META_FIELDS if key in self.meta}
        index = self._get_index(required=False)
        if index is not None:
            action["_index"] = index
        action["_source"] = source
        return action

    @staticmethod
    def _bulk_action(action: Any, validate: bool, skip_empty: bool) -> dict[str, Any]:
        """One item of ``bulk()`` as the bulk helper takes it: a document becomes its action
        (metadata around ``_source``); a dict is an action already, a document as its
        ``_source`` serialized."""
        if isinstance(action, DocumentBase):
            if validate:
                action.full_clean()
            return action.to_dict(include_meta=True, skip_empty=skip_empty)
        if not isinstance(action, dict):
            raise TypeError(f"bulk() takes documents and action dicts, not {action!r}")
        source = action.get("_source")
        if isinstance(source, DocumentBase):
            if validate:
                source.full_clean()
            return {**action, "_source": source.to_dict(skip_empty=skip_empty)}
        return cast(dict[str, Any], action)

    @classmethod
    def _get_field_names(
        cls, for_esql: bool = False, nested_class: type[InnerDoc] | None = None
    ) -> list[str]:
        """The document's field paths, those of inner documents dotted; ``for_esql`` leaves
        out nested fields, which ES|QL does not return."""
        names: list[str] = []
        mapping = (nested_class or cls)._doc_type.mapping
        for name in mapping:
            field = mapping[name]
            if not isinstance(field, Object):
                names.append(name)
            elif not (for_esql and isinstance(field, Nested)):
                names += [
                    f"{name}.{sub}"
                    for sub in cls._get_field_names(for_esql=for_esql, nested_class=field._doc_class)
                ]
        return names

    @classmethod
    def esql_from(cls) -> ESQLBase:
        """An ES|QL query over this class's index that keeps the document id and the class's
        fields (nested ones aside: ES|QL does not return them), for ``esql_execute()``; more
        commands may follow."""
        from ..esql import ESQL  # the builder loads on first use, not with the DSL

        return ESQL.from_(cls).metadata("_id").keep("_id", *cls._get_field_names(for_esql=True))

    @classmethod
    def _from_esql_row(cls, columns: list[str], row: list[Any], fields: set[str]) -> DocumentBase:
        """A document from one ES|QL result row: the columns in ``fields`` (dotted paths,
        made into nested objects again), its id from the ``_id`` column."""
        source: dict[str, Any] = {}
        for column, value in zip(columns, row, strict=True):
            if column in fields:
                *parents, last = column.split(".")
                target = source
                for parent in parents:
                    target = target.setdefault(parent, {})
                target[last] = value
        doc = cls(meta={"_id": row[columns.index("_id")]})
        doc._from_dict(source)
        return doc
