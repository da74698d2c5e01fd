"""The building blocks of the DSL: attribute access over JSON, and the registry of DSL classes.

- ``AttrDict`` / ``AttrList`` wrap the dicts and lists of responses and documents so
  ``hit.author.name`` reads like an object while the data stays a plain dict underneath.
- ``DslMeta`` / ``DslBase`` are what queries, aggregations, fields, analysis objects and score
  functions are made of: each family registers its classes by name (``Q("match", ...)`` finds
  ``Match``), and a parameter declared in ``_param_defs`` as ``{"type": "query"}`` is turned
  into an object of that family on assignment, and back into JSON by ``to_dict()``.
- ``ObjectBase`` is the base of ``Document`` and ``InnerDoc``: a dict of field values read and
  written through the document's mapping (deserialized from and serialized to JSON, cleaned).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from copy import copy
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeAlias, Union

from elastic_transport.client_utils import DEFAULT
from typing_extensions import Self, TypeVar

from .exceptions import UnknownDslObject, ValidationException

if TYPE_CHECKING:
    from elastic_transport import ObjectApiResponse

    from .. import AsyncElasticsearch, Elasticsearch
    from .document_base import DocumentOptions
    from .field import Field
    from .index_base import IndexBase
    from .response import Hit  # the default of _R

__all__ = [
    "DOC_META_FIELDS",
    "EXPAND__TO_DOT",
    "META_FIELDS",
    "SKIP_VALUES",
    "AnyUsingType",
    "AsyncUsingType",
    "AttrDict",
    "AttrList",
    "DslBase",
    "DslMeta",
    "HitMeta",
    "ObjectBase",
    "UsingType",
    "merge",
    "recursive_to_dict",
]

# A connection: an alias registered in ``connections`` (or ``async_connections``), or a client.
UsingType: TypeAlias = Union[str, "Elasticsearch"]
AsyncUsingType: TypeAlias = Union[str, "AsyncElasticsearch"]
AnyUsingType: TypeAlias = Union[str, "Elasticsearch", "AsyncElasticsearch"]

_ValT = TypeVar("_ValT")
# What a search returns per hit: ``Hit`` unless a document class is given.
_R = TypeVar("_R", default="Hit")

# Values a field's ``empty()`` may give that are not worth storing in the document.
SKIP_VALUES = ("", None)
# Whether ``Q("match", author__name="x")`` means the field ``author.name``; a program that
# has field names with a double underscore turns it off.
EXPAND__TO_DOT = True

# Metadata a document carries in ``meta`` and takes as ``_id=``, ``_routing=``... arguments.
DOC_META_FIELDS = frozenset(("id", "routing"))
META_FIELDS = DOC_META_FIELDS | frozenset(("index", "using", "score", "version", "seq_no", "primary_term"))

_EMPTY_VALUES: tuple[Any, ...] = ([], {}, None)


def _wrap(value: Any, obj_wrapper: Callable[[Any], Any] | None = None) -> Any:
    """A dict or list as read through an AttrDict/AttrList: wrapped, so dotted access goes on."""
    if isinstance(value, dict):
        return AttrDict(value) if obj_wrapper is None else obj_wrapper(value)
    if isinstance(value, list):
        return AttrList(value)
    return value


class AttrList(Generic[_ValT]):
    """A list whose items come back wrapped (dicts as ``obj_wrapper`` or AttrDict, lists as AttrList).

    Anything else (``append``, ``index``...) is the underlying list's; ``to_list()`` gives it.
    """

    _l_: list[_ValT]

    def __init__(self, l: Iterable[_ValT], obj_wrapper: Callable[[Any], Any] | None = None):  # noqa: E741
        self._l_ = l if isinstance(l, list) else list(l)
        self._obj_wrapper = obj_wrapper

    def __repr__(self) -> str:
        return repr(self._l_)

    def __eq__(self, other: object) -> bool:
        return self._l_ == (other._l_ if isinstance(other, AttrList) else other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __getitem__(self, k: int | slice) -> Any:
        if isinstance(k, slice):
            return AttrList(self._l_[k], obj_wrapper=self._obj_wrapper)
        return _wrap(self._l_[k], self._obj_wrapper)

    def __setitem__(self, k: int, value: _ValT) -> None:
        self._l_[k] = value

    def __iter__(self) -> Iterator[Any]:
        # Iterating hits and their lists is the hot path of reading answers: one look at the
        # items' types (in C) picks an iterator that calls no Python code per item if it can.
        items = self._l_
        kinds = set(map(type, items))
        if kinds <= _PLAIN_TYPES:
            return iter(items)
        if kinds == _JUST_DICTS:
            wrapper: Callable[[Any], Any] = AttrDict if self._obj_wrapper is None else self._obj_wrapper
            return map(wrapper, items)
        if not any(issubclass(kind, (dict, list)) for kind in kinds):  # hits, documents...
            return iter(items)
        return self._wrapped()

    def _wrapped(self) -> Iterator[Any]:
        """The items, dicts and lists wrapped (``_wrap`` inlined)."""
        wrapper = self._obj_wrapper
        for item in self._l_:
            if type(item) in _PLAIN_TYPES:
                yield item
            elif isinstance(item, dict):
                yield AttrDict(item) if wrapper is None else wrapper(item)
            elif isinstance(item, list):
                yield AttrList(item)
            else:
                yield item

    def __len__(self) -> int:
        return len(self._l_)

    def __bool__(self) -> bool:
        return bool(self._l_)

    def __getattr__(self, name: str) -> Any:
        if name in ("_l_", "_obj_wrapper"):  # not set yet (unpickling): no recursion
            raise AttributeError(name)
        return getattr(self._l_, name)

    def __getstate__(self) -> tuple[list[_ValT], Callable[[Any], Any] | None]:
        return self._l_, self._obj_wrapper

    def __setstate__(self, state: tuple[list[_ValT], Callable[[Any], Any] | None]) -> None:
        self._l_, self._obj_wrapper = state

    def to_list(self) -> list[_ValT]:
        return self._l_


class AttrDict(Generic[_ValT]):
    """A dict read and written as attributes (``d.title``) as well as items (``d["title"]``).

    Nested dicts and lists come back wrapped. Python keywords are spelled with a trailing
    underscore (``d.from_`` is the key ``from``). Assigning an attribute stores a key, unless
    the class defines a property of that name.

    Search answers are read field by field, and reading an attribute Python does not find
    costs a failed lookup and an AttributeError before ``__getattr__`` runs. So the objects
    made from an answer (``Hit``, ``HitMeta`` and the wrappers of their nested dicts) also
    keep their keys, wrapped, in their own ``__dict__``, where Python finds them directly
    ("mirrored"). Keys starting with ``_`` and keys named like an attribute of the class are
    not mirrored: ``__getattr__`` reads them, so methods and properties still win over keys.
    Writes through the object (items or attributes) keep the mirror in step; the answer's
    dict changed behind the object's back is not seen by it, but ``to_dict()``, which hands
    that dict out, ends the mirroring of the object (and of its nested wrappers). An
    ``AttrDict`` made by anyone else mirrors nothing.
    """

    _d_: dict[str, _ValT]
    RESERVED: ClassVar[dict[str, str]] = {"from_": "from"}
    # Whether the objects of this class mirror their keys (the classes of answers).
    _mirrors: ClassVar[bool] = False
    # Names this class sets on its objects itself (``Hit.meta``): never mirrored keys.
    _own_attrs: ClassVar[frozenset[str]] = frozenset()
    # Names whose keys are not mirrored (public attributes of the class, ``_own_attrs``), or
    # None: no mirror (a class that does not mirror, or reads its keys its own way). An
    # object may have its own (``_answer_dict``, ``_unmirror``).
    _unmirrored: ClassVar[frozenset[str] | None] = None

    def __init__(self, d: dict[str, _ValT]):
        skip = self._unmirrored
        if skip is None or type(d) is not dict:  # only a plain dict is mirrored
            object.__setattr__(self, "_d_", d)
            return
        attrs = self.__dict__
        if attrs:  # attributes set before (by a subclass): they stay
            object.__setattr__(self, "_d_", d)
            self._remirror()
            return
        attrs["_d_"] = d
        _mirror(attrs, d, skip)

    def _key(self, name: str) -> str:
        return self.RESERVED.get(name, name)

    def __contains__(self, key: object) -> bool:
        return key in self._d_

    def __bool__(self) -> bool:
        return bool(self._d_)

    def __dir__(self) -> list[str]:  # completion in IPython and the like offers the keys
        return list(self._d_)

    def __eq__(self, other: object) -> bool:
        return self._d_ == (other._d_ if isinstance(other, AttrDict) else other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __repr__(self) -> str:
        text = repr(self._d_)
        return text if len(text) <= 60 else text[:60] + "...}"

    def __getstate__(self) -> tuple[Any, ...]:
        return (self._d_,)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        object.__setattr__(self, "_d_", state[0])
        self._remirror()

    def _remirror(self) -> None:
        """Mirror the keys of ``_d_`` set after the object was made (unpickled, copied, or
        given attributes by a subclass first: those attributes stay)."""
        skip = self._unmirrored
        if skip is not None and type(self._d_) is dict:
            inst = self.__dict__
            mirror: dict[str, Any] = {}
            _mirror(mirror, self._d_, skip)
            for name, value in mirror.items():
                inst.setdefault(name, value)

    def _sync(self, key: Any) -> None:
        """Mirror the key ``key`` as it now is in ``_d_`` (or drop it, when gone)."""
        skip = self._unmirrored
        if skip is not None and type(self._d_) is dict and _mirrorable(key, skip):
            if key in self._d_:
                self.__dict__[key] = _answer_value(self._d_[key])
            else:
                self.__dict__.pop(key, None)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The fast ``__getattr__`` below inlines ``_key`` and ``__getitem__``; a subclass that
        # changes either reads attributes through its own ``__getitem__`` instead.
        if cls.__getattr__ is AttrDict.__getattr__ and (
            cls.__getitem__ is not AttrDict.__getitem__
            or cls._key is not AttrDict._key
            or cls.RESERVED is not AttrDict.RESERVED
        ):
            cls.__getattr__ = AttrDict._getattr_by_item  # type: ignore[method-assign]
        cls._unmirrored = _unmirrored_names(cls) if cls._mirrors else None

    def __getattr__(self, name: str) -> Any:
        # ``self[name]`` with ``_key`` and ``_wrap`` inlined: a key that is not mirrored (or
        # an object whose class mirrors nothing) is read here.
        if name == "_d_":  # not set yet (unpickling, copying): no recursion
            raise AttributeError(name)
        try:
            value = self._d_[_RESERVED.get(name, name)]
        except KeyError:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None
        if type(value) in _PLAIN_TYPES:
            return value
        if isinstance(value, dict):
            return AttrDict(value)
        if isinstance(value, list):
            return AttrList(value)
        return value

    def _getattr_by_item(self, name: str) -> Any:
        """``__getattr__`` of a subclass with its own ``__getitem__``: attributes are items."""
        if name == "_d_":
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None

    def __delattr__(self, name: str) -> None:
        key = self._key(name)
        try:
            del self._d_[key]
        except KeyError:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None
        self._sync(key)

    def __getitem__(self, key: str) -> Any:
        key = self._key(key)
        value = self._d_[key]
        if type(value) in _PLAIN_TYPES:
            return value
        # the mirror's wrapper when it wraps this very value: one object per key, so a
        # change made through ``d[key]`` shows through ``d.<key>`` and the other way round
        mirrored = self.__dict__.get(key) if type(key) is str else None
        if type(mirrored) is AttrDict and mirrored._d_ is value:
            return mirrored
        if type(mirrored) is AttrList and mirrored._l_ is value:
            return mirrored
        return _wrap(value)

    def __setitem__(self, key: str, value: _ValT) -> None:
        key = self._key(key)
        self._d_[key] = value
        self._sync(key)

    def __delitem__(self, key: str) -> None:
        key = self._key(key)
        del self._d_[key]
        self._sync(key)

    def __setattr__(self, name: str, value: Any) -> None:
        # A key, unless the class has a property of that name the key does not shadow yet;
        # ``__orig_class__`` is set by ``AttrDict[str](...)`` and belongs to the object.
        if name == "__orig_class__" or (
            name not in self._d_ and isinstance(getattr(type(self), name, None), property)
        ):
            object.__setattr__(self, name, value)
        else:
            key = self._key(name)
            self._d_[key] = value
            self._sync(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._d_)

    def to_dict(self, recursive: bool = False) -> dict[str, _ValT]:
        """The underlying dict; with ``recursive``, a copy with every DSL object turned to JSON."""
        if recursive:
            return {key: recursive_to_dict(value) for key, value in self._d_.items()}
        self._unmirror()
        return self._d_

    def _unmirror(self) -> None:
        """Stop mirroring: the caller gets the underlying dict and may change it, so from now
        on this object (and the wrappers it handed out) read their keys from it."""
        skip = self._unmirrored
        if skip is None:
            return
        object.__setattr__(self, "_unmirrored", None)  # this object's own: no more mirroring
        inst, data = self.__dict__, self._d_
        for name in [name for name in inst if name in data and _mirrorable(name, skip)]:
            wrapper = inst.pop(name)
            if type(wrapper) is AttrDict:
                wrapper._unmirror()

    def keys(self) -> Iterable[str]:
        return self._d_.keys()

    def items(self) -> Iterable[tuple[str, _ValT]]:
        return self._d_.items()


def _mirrorable(key: Any, skip: frozenset[str]) -> bool:
    """Whether the key ``key`` is mirrored as an attribute by a class not mirroring ``skip``."""
    return type(key) is str and not key.startswith("_") and key not in skip


def _mirror(attrs: dict[str, Any], d: Mapping[str, Any], skip: frozenset[str]) -> None:
    """Mirror the keys of ``d`` into ``attrs`` (an object's ``__dict__``), wrapped as
    attribute reads give them. Only a plain dict is mirrored: the keys of anything else
    are read by ``__getattr__``."""
    if type(d) is not dict:
        return
    # The hits of an answer mostly share their keys: once a set of keys is known to be all
    # mirrored, the values are copied at once and only the dicts and lists wrapped after.
    shape = (skip, tuple(d))
    whole = _SHAPES.get(shape)
    if whole is None:
        whole = all(_mirrorable(key, skip) for key in shape[1])
        if len(_SHAPES) < _SHAPES_KEPT:
            _SHAPES[shape] = whole
    if whole:
        attrs.update(d)
        for key, value in d.items():
            if type(value) not in _PLAIN_TYPES:
                attrs[key] = _answer_value(value)
        return
    for key, value in d.items():
        if _mirrorable(key, skip):
            attrs[key] = _answer_value(value)


def _answer_value(value: Any) -> Any:
    """A value of an answer as mirrored: a dict as a mirroring AttrDict, a list as an
    AttrList whose dicts are those too."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return value
    if kind is dict:
        return _answer_dict(value)
    if kind is list:
        return AttrList(value, _answer_dict)
    return _wrap(value)


def _answer_dict(d: dict[str, Any]) -> AttrDict[Any]:
    """An ``AttrDict`` over a dict of an answer, mirroring its keys (its nested dicts too)."""
    made: AttrDict[Any] = object.__new__(AttrDict)
    attrs = made.__dict__
    attrs["_d_"] = d
    attrs["_unmirrored"] = _ANSWER_SKIP  # the object's own: plain AttrDicts mirror nothing
    # ``_mirror`` inlined (one per nested object of every hit); a plain loop into the
    # object's dict is cheaper than a comprehension and an update.
    try:
        value: Any
        for key, value in d.items():
            if key[:1] != "_" and key not in _ANSWER_SKIP:
                kind = type(value)
                attrs[key] = (
                    value
                    if kind in _PLAIN_TYPES
                    else _answer_dict(value)
                    if kind is dict
                    else AttrList(value, _answer_dict)
                    if kind is list
                    else _wrap(value)
                )
    except TypeError:  # a key that is not a string (``key[:1]`` of an int...)
        _mirror(attrs, d, _ANSWER_SKIP)
    return made


# Whether every key of a dict is mirrored, by (class's ``_unmirrored``, the dict's keys); a
# bounded memo: documents with ever new keys (keyed by ids...) must not grow it for ever.
_SHAPES: dict[tuple[frozenset[str], tuple[Any, ...]], bool] = {}
_SHAPES_KEPT = 512


def _unmirrored_names(cls: type[AttrDict[Any]]) -> frozenset[str] | None:
    """What ``cls._unmirrored`` is: None when the class reads or writes keys its own way."""
    own_ways = (
        *("__getattr__", "__getitem__", "_key", "RESERVED"),  # how keys are read
        *("__setattr__", "__setitem__", "__delattr__", "__delitem__"),  # how they are written
    )
    if any(getattr(cls, name) is not getattr(AttrDict, name) for name in own_ways):
        return None
    return frozenset(name for name in dir(cls) if not name.startswith("_")) | cls._own_attrs


# What the AttrDicts of an answer's nested dicts do not mirror.
_ANSWER_SKIP: frozenset[str] = _unmirrored_names(AttrDict) or frozenset()


# Python keyword spellings of keys, as ``AttrDict.__getattr__`` maps them (a subclass with
# its own ``RESERVED`` reads attributes through ``_key``).
_RESERVED = AttrDict.RESERVED
# Values read back as they are: no dict or list to wrap.
_PLAIN_TYPES = frozenset((str, int, float, bool, type(None)))
_JUST_DICTS = {dict}
# Values that are JSON as they are (their items aside).
_JSON_TYPES = _PLAIN_TYPES | {dict, list}


class DslMeta(type):
    """Registers the DSL classes of each family (queries, aggregations, fields...).

    A family's root has a ``_type_name`` (``"query"``), a ``_type_shortcut`` building its objects
    from a name, dict or object (``Q``) and no ``name``; it gets a ``_classes`` registry its
    named subclasses fill (``"match"`` -> ``Match``; the first class of a name wins, so an alias
    subclass does not take the name over). ``get_dsl_type("query")`` gives the shortcut, which
    is how a parameter typed ``"query"`` is converted.
    """

    _types: ClassVar[dict[str, Callable[..., Any]]] = {}
    _classes: dict[str, type[Any]]
    _type_name: str

    def __init__(cls, name: str, bases: tuple[type, ...], attrs: dict[str, Any]):
        super().__init__(name, bases, attrs)
        shortcut = getattr(cls, "_type_shortcut", None)
        family = getattr(cls, "_type_name", None)
        if shortcut is None or family is None:  # DslBase, and bases shared by several families
            return
        own_name = getattr(cls, "name", None)
        if own_name:
            cls._classes.setdefault(own_name, cls)
            return
        # a nameless class: the family's root, or an abstract base inside the family that
        # shares the root's registry
        DslMeta._types[family] = shortcut
        if not hasattr(cls, "_classes"):
            cls._classes = {}

    @classmethod
    def get_dsl_type(cls, name: str) -> Callable[..., Any]:
        """The shortcut (``Q``, ``A``, ``construct_field``...) of the family named ``name``."""
        try:
            return cls._types[name]
        except KeyError:
            raise UnknownDslObject(f"DSL type {name} does not exist.") from None


def _param_objects(definition: Mapping[str, Any], value: Any) -> Any:
    """A typed parameter's value as DSL objects of its family, in the shape it is declared."""
    build = DslMeta.get_dsl_type(str(definition["type"]))
    multi, keyed = bool(definition.get("multi")), bool(definition.get("hash"))
    if multi:
        items = value if isinstance(value, (list, tuple)) else (value,)
        if keyed:
            return [{key: build(item) for key, item in entry.items()} for entry in items]
        return [build(item) for item in items]
    if keyed:
        return {key: build(item) for key, item in value.items()}
    return build(value)


def _param_json(definition: Mapping[str, Any], value: Any) -> Any:
    """A typed parameter's DSL objects as JSON, in the shape it is declared."""
    multi, keyed = bool(definition.get("multi")), bool(definition.get("hash"))
    if multi and keyed:
        return [{key: item.to_dict() for key, item in entry.items()} for entry in value]
    if multi:
        return [item.to_dict() for item in value]
    if keyed:
        return {key: item.to_dict() for key, item in value.items()}
    return value.to_dict()


class DslBase(metaclass=DslMeta):
    """A DSL object: its parameters in ``_params``, serialized as ``{name: {params}}``.

    ``_param_defs`` declares the parameters holding other DSL objects: ``{"type": family}``
    for one object, with ``"multi": True`` for a list of them, ``"hash": True`` for a dict of
    them by name (both: a list of such dicts). Those are converted on assignment, serialized
    by ``to_dict()``, and read as an empty list/dict when never set, so they can be appended to.
    Parameters are attributes too (``q.query``); a double underscore in a keyword stands for a
    dot (``Q("match", author__name="x")`` is about the field ``author.name``).
    """

    _type_name: ClassVar[str]
    _classes: ClassVar[dict[str, type[Any]]]
    _param_defs: ClassVar[dict[str, dict[str, Any]]] = {}
    name: ClassVar[str | None]
    _params: dict[str, Any]

    @classmethod
    def get_dsl_class(cls, name: str, default: str | None = None) -> type[Self]:
        """The class of this family registered as ``name`` (else as ``default``, when given)."""
        registry: dict[str, type[Self]] = cls._classes
        if name in registry:
            return registry[name]
        if default is not None:
            return registry[default]
        raise UnknownDslObject(f"DSL class `{name}` does not exist in {cls._type_name}.")

    def __init__(self, _expand__to_dot: bool | None = None, **params: Any) -> None:
        expand = EXPAND__TO_DOT if _expand__to_dot is None else _expand__to_dot
        # ``object.__setattr__``: what ``__setattr__`` does with a private name, minus its call.
        stored: dict[str, Any] = {}
        object.__setattr__(self, "_params", stored)
        # ``_setattr`` inlined unless the class has its own: a query is built per clause of
        # every search, and calls are most of what building one costs.
        own_setattr = type(self)._setattr is not DslBase._setattr
        definitions = self._param_defs
        for name, value in params.items():
            if value is DEFAULT:  # an argument the caller did not give
                continue
            if expand and "__" in name:
                name = name.replace("__", ".")
            # ``Document.title`` as a value stands for the field's path. The class lives in
            # document_base, which imports this module: it is recognised by name.
            if type(value).__name__ == "InstrumentedField":
                value = str(value)
            if own_setattr:
                self._setattr(name, value)
                continue
            name = _RESERVED.get(name, name)
            definition = definitions.get(name)
            if definition is not None and "type" in definition:
                value = _param_objects(definition, value)
            stored[name] = value

    def _repr_params(self) -> str:
        """``name=value`` of the parameters, sorted; empty object lists/dicts are left out."""
        shown = (
            (name, value)
            for name, value in sorted(self._params.items())
            if value or "type" not in self._param_defs.get(name, {})
        )
        return ", ".join(f"{name.replace('.', '__')}={value!r}" for name, value in shown)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._repr_params()})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self)) and other.to_dict() == self.to_dict()

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self._setattr(name, value)

    def _setattr(self, name: str, value: Any) -> None:
        """Store a parameter, building the DSL objects its definition asks for."""
        name = AttrDict.RESERVED.get(name, name)
        definition = self._param_defs.get(name)
        if definition is not None and "type" in definition:
            value = _param_objects(definition, value)
        self._params[name] = value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = self._params.get(name)
        if value is None:
            # never-set object lists and dicts read as empty ones, stored so they can be filled
            definition = self._param_defs.get(name, {})
            if definition.get("multi"):
                value = self._params.setdefault(name, [])
            elif definition.get("hash"):
                value = self._params.setdefault(name, {})
            else:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return AttrDict(value) if isinstance(value, dict) else value

    def to_dict(self) -> dict[str, Any]:
        """The JSON of this object: ``{name: {parameter: value}}``."""
        body: dict[str, Any] = {}
        definitions = self._param_defs
        for name, value in self._params.items():
            definition = definitions.get(name)
            if definition is not None and "type" in definition:
                if isinstance(value, (list, dict)) and not value:
                    continue
                body[name] = _param_json(definition, value)
            elif type(value) in _JSON_TYPES:  # no ``to_dict`` to look for (and miss)
                body[name] = value
            elif hasattr(value, "to_dict"):
                body[name] = value.to_dict()
            else:
                body[name] = value
        return {str(self.name): body}

    def _clone(self) -> Self:
        """A copy whose parameters can be changed without touching this object's."""
        clone = type(self)()
        object.__setattr__(clone, "_params", _copy_params(self._params))
        return clone


# Parameter values ``_copy_params`` copies with their own ``copy()`` rather than ``copy.copy``.
_SHALLOW = frozenset((list, dict))


def _copy_params(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters of a clone: each value a shallow copy, so lists can be changed apart."""
    return {name: value.copy() if type(value) in _SHALLOW else copy(value) for name, value in params.items()}


class HitMeta(AttrDict[Any]):
    """The metadata of a hit or document: its ``_id``, ``_index``, ``_score``... without the
    underscore (``meta.id``); ``_type`` is ``doc_type``, as ``type`` is a builtin."""

    inner_hits: Mapping[str, Any]
    _mirrors = True

    def __init__(self, document: Mapping[str, Any], exclude: tuple[str, ...] = ("_source", "_fields")):
        meta: dict[str, Any] = {}
        attrs = self.__dict__  # ``AttrDict.__init__`` inlined, mirror and all: one per hit
        attrs["_d_"] = meta
        skip = self._unmirrored
        for key, value in document.items():
            if key in exclude:
                continue
            if key[:1] == "_":
                key = key[1:]
            meta[key] = value
            if skip is not None and key[:1] != "_" and key not in skip:  # (None: not mirrored)
                attrs[key] = value if type(value) in _PLAIN_TYPES else _answer_value(value)
        if "type" in meta:
            meta["doc_type"] = meta.pop("type")
            self._sync("type")
            self._sync("doc_type")


class ObjectBase(AttrDict[Any]):
    """The values of a document or inner document, read and written through its mapping.

    ``_doc_type`` (set up by ``DocumentMeta``) holds the mapping of the class's fields; a
    document class also has an ``_index`` whose mapping may know more fields. A mapped field
    never set reads as its empty value (``[]`` for a multi field, an empty inner document).
    """

    _doc_type: DocumentOptions
    _index: IndexBase
    _defaults: dict[str, Any]
    meta: HitMeta

    def __init__(self, meta: dict[str, Any] | None = None, **kwargs: Any):
        meta = {} if meta is None else meta
        for key in [k for k in kwargs if k.startswith("_") and k[1:] in META_FIELDS]:
            meta[key] = kwargs.pop(key)
        object.__setattr__(self, "meta", HitMeta(meta))
        # dataclass-style defaults of the class's fields; a callable one is called per object
        for name, default in getattr(type(self), "_defaults", {}).items():
            if name not in kwargs:
                kwargs[name] = default() if callable(default) else default
        super().__init__(kwargs)

    @classmethod
    def _get_field(cls, name: str) -> Field | None:
        """The field ``name`` of the class's mapping, else of its index's mapping."""
        try:
            return cls._doc_type.mapping[name]
        except KeyError:
            pass
        index: IndexBase | None = getattr(cls, "_index", None)
        if index is not None and index._mapping:
            try:
                field: Field = index._mapping[name]
            except KeyError:
                return None
            return field
        return None

    @classmethod
    def _get_renamed_field(cls, es_name: str) -> tuple[str, Field] | None:
        """The (attribute, field) of the field stored in Elasticsearch as ``es_name``."""
        mapping = cls._doc_type.mapping
        for name in mapping:
            field = mapping[name]
            if getattr(field, "_es_name", None) == es_name:
                return name, field
        return None

    @classmethod
    def from_es(cls, hit: Mapping[str, Any] | ObjectApiResponse[Any]) -> Self:
        """The document of a hit (or a get answer): ``_source`` as values, the rest as meta."""
        meta = dict(hit.items())
        source = meta.pop("_source", {})
        doc = cls(meta=meta)
        doc._from_dict(source)
        return doc

    def _from_dict(self, data: Mapping[str, Any]) -> None:
        for key, value in data.items():
            field = self._get_field(key)
            if field is None:
                renamed = self._get_renamed_field(key)
                if renamed is not None:
                    key, field = renamed
            if field is not None and field._coerce:
                value = field.deserialize(value)
            setattr(self, key, value)

    def __getstate__(self) -> tuple[Any, ...]:
        return self.to_dict(), self.meta._d_

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        data, meta = state
        object.__setattr__(self, "_d_", {})
        object.__setattr__(self, "meta", HitMeta(meta))
        self._from_dict(data)

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            field = None if name.startswith("__") else self._get_field(name)
            if field is None or not hasattr(field, "empty"):
                raise
        value = field.empty()
        if value in SKIP_VALUES:
            return value
        # stored, so that appending to an empty list or setting on an empty inner doc sticks
        setattr(self, name, value)
        return getattr(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in type(self)._doc_type.mapping:  # a field, even one a property shadows
            self._d_[name] = value
        else:
            super().__setattr__(name, value)

    def to_dict(self, skip_empty: bool = True) -> dict[str, Any]:
        """The JSON of the values, under their Elasticsearch names; with ``skip_empty``
        (the default) without the empty ones (``None``, ``[]``, ``{}``; zeros are kept)."""
        out: dict[str, Any] = {}
        for name, value in self._d_.items():
            field = self._get_field(name)
            if field is not None:
                name = getattr(field, "_es_name", None) or name
                if field._coerce:
                    value = field.serialize(value, skip_empty=skip_empty)
            if isinstance(value, AttrList):
                value = value._l_
            if skip_empty and _is_empty(value):
                continue
            out[name] = value
        return out

    def clean_fields(self, validate: bool = True) -> None:
        """Clean every mapped field's value (storing the cleaned one); with ``validate``, raise
        a ValidationException holding the errors of every field that failed."""
        errors: dict[str, list[ValidationException]] = {}
        mapping = type(self)._doc_type.mapping
        for name in mapping:
            data = self._d_.get(name)
            try:
                data = mapping[name].clean(data)
            except ValidationException as error:
                errors.setdefault(name, []).append(error)
            if name in self._d_ or not _is_empty(data):
                self._d_[name] = data
        if validate and errors:
            raise ValidationException(errors)

    def clean(self) -> None:
        """Whole-document validation, for subclasses: raise ValidationException on bad data."""

    def full_clean(self) -> None:
        """Clean the fields, run ``clean()``, then validate the fields again."""
        self.clean_fields(validate=False)
        self.clean()
        self.clean_fields(validate=True)


def _is_empty(value: Any) -> bool:
    """``None``, an empty list or dict; arrays (numpy) compare element-wise, so their length says."""
    try:
        return bool(value in _EMPTY_VALUES)
    except ValueError:
        try:
            return len(value) == 0
        except TypeError:
            return False


def _is_mapping(value: Any) -> bool:
    return isinstance(value, (AttrDict, Mapping))


def merge(data: Any, new_data: Any, raise_on_conflict: bool = False) -> None:
    """Merge ``new_data`` into ``data`` in place, nested dicts key by key.

    With ``raise_on_conflict``, a key both hold with different values is a ValueError
    rather than overwritten.
    """
    if not (_is_mapping(data) and _is_mapping(new_data)):
        raise ValueError(f"You can only merge two dicts! Got {data!r} and {new_data!r} instead.")
    for key, value in new_data.items():
        if key in data:
            current = data[key]
            if _is_mapping(current) and _is_mapping(value):
                merge(current, value, raise_on_conflict)
                continue
            if raise_on_conflict and current != value:
                raise ValueError(f"Incompatible data for key {key!r}, cannot be merged.")
        data[key] = value


def recursive_to_dict(data: Any) -> Any:
    """``data`` as plain JSON: DSL objects by their ``to_dict()``, through lists, tuples and dicts."""
    kind = type(data)
    # plain JSON first (most of what a request body holds), without the calls and the
    # ``hasattr`` a value that is no DSL object would cost
    if kind in _PLAIN_TYPES:
        return data
    if kind is dict:
        return {
            key: value if type(value) in _PLAIN_TYPES else recursive_to_dict(value)
            for key, value in data.items()
        }
    if kind is list:
        return [item if type(item) in _PLAIN_TYPES else recursive_to_dict(item) for item in data]
    if isinstance(data, AttrList):
        data = list(data._l_)
    elif hasattr(data, "to_dict"):
        data = data.to_dict()
    if isinstance(data, (list, tuple)):
        return type(data)(recursive_to_dict(item) for item in data)
    if isinstance(data, dict):
        return {key: recursive_to_dict(value) for key, value in data.items()}
    return data
