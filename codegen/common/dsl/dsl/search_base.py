"""What the async and the sync searches share: building the request body.

Every public method leaves its request untouched and returns a changed copy (``_clone``), so
one base search can be refined in several directions. Only ``aggs`` is changed in place, as
aggregation builders chain on the object they return.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from typing_extensions import Self

from .aggs import A, AggBase
from .exceptions import IllegalOperation
from .query import Bool, Q, Query
from .response import Hit, Response
from .utils import _R, AnyUsingType, AttrDict, DslBase, recursive_to_dict

if TYPE_CHECKING:
    from .document_base import InstrumentedField
    from .field import Field, Object

__all__ = [
    "AggsProxy",
    "MultiSearchBase",
    "ProxyDescriptor",
    "Q",
    "QueryProxy",
    "Request",
    "SearchBase",
]


class SupportsClone(Protocol):
    def _clone(self) -> Self: ...


_S = TypeVar("_S", bound=SupportsClone)


class QueryProxy(Generic[_S]):
    """The ``query`` (or ``post_filter``) of one request.

    Calling it adds a query to a copy of the request, so ``s.query("match", title="x")``
    chains like every other method. Reading any other attribute reaches the query itself,
    and setting one changes a private copy of it: the query object may be shared with the
    searches this one was cloned from.
    """

    _OWN = frozenset(("_search", "_proxied", "_attr_name"))
    _search: _S
    _proxied: Query | None
    _attr_name: str

    def __init__(self, search: _S, attr_name: str) -> None:
        # ``object.__setattr__``: a proxy is made for every cloned request, and these are
        # the names ``__setattr__`` would hand to it anyway.
        object.__setattr__(self, "_search", search)
        object.__setattr__(self, "_proxied", None)
        object.__setattr__(self, "_attr_name", attr_name)

    def __bool__(self) -> bool:
        return self._proxied is not None

    def __call__(self, *args: Any, **kwargs: Any) -> _S:
        s = self._search._clone()
        proxy: QueryProxy[_S] = getattr(s, self._attr_name)  # the copy's own proxy
        added = Q(*args, **kwargs)
        current = proxy._proxied
        object.__setattr__(proxy, "_proxied", added if current is None else current & added)
        return s

    def __getattr__(self, name: str) -> Any:
        # Dunder look-ups (copy, pickle) and the proxy's own slots must not recurse.
        if name.startswith("__") or name in self._OWN:
            raise AttributeError(name)
        if self._proxied is None:
            raise AttributeError(f"{name!r}: the request has no {self._attr_name} yet")
        return getattr(self._proxied, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            super().__setattr__(name, value)
            return
        if self._proxied is None:
            raise AttributeError(f"cannot set {name!r}: the request has no {self._attr_name} yet")
        self._proxied = self._proxied._clone()
        setattr(self._proxied, name, value)

    def __getstate__(self) -> tuple[_S, Query | None, str]:
        return self._search, self._proxied, self._attr_name

    def __setstate__(self, state: tuple[_S, Query | None, str]) -> None:
        self._search, self._proxied, self._attr_name = state


class ProxyDescriptor(Generic[_S]):
    """Class attribute giving each request its own ``QueryProxy`` under the attribute's name.

    Assigning to it replaces the query outright: ``s.query = Q("match", title="x")``
    (``None`` removes it).
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._slot = f"_{name}_proxy"

    def __get__(self, instance: Any, owner: type | None = None) -> QueryProxy[_S]:
        if instance is None:
            raise AttributeError(f"{self._name} belongs to the request objects, not to their class")
        proxy: QueryProxy[_S] | None = instance.__dict__.get(self._slot)
        if proxy is None:
            proxy = QueryProxy(instance, self._name)
            instance.__dict__[self._slot] = proxy
        return proxy

    def __set__(self, instance: Any, value: Any) -> None:
        self.__get__(instance)._proxied = None if value is None else Q(value)


class AggsProxy(AggBase[_R], DslBase):
    """The top level of a search's aggregations: ``s.aggs.bucket(...)`` and the like."""

    name = "aggs"

    def __init__(self, search: SearchBase[_R]) -> None:
        # ``object.__setattr__``: what DslBase's ``__setattr__`` does with these private
        # names, minus its call (a proxy is made for every cloned search)
        object.__setattr__(self, "_base", self)
        object.__setattr__(self, "_search", search)
        object.__setattr__(self, "_params", {"aggs": {}})

    def to_dict(self) -> dict[str, Any]:
        """``{"aggs": {name: aggregation}}`` as JSON, or ``{}`` when there is none (what the
        search body takes); DslBase puts the proxy's own name around it."""
        return cast(dict[str, Any], super().to_dict()[self.name])


def _names(fields: Any) -> Any:
    """Field names as plain strings (document class attributes become their paths)."""
    if isinstance(fields, bool):
        return fields
    if isinstance(fields, Mapping):
        return {key: _names(value) for key, value in fields.items()}
    if isinstance(fields, (list, tuple, set, frozenset)):
        return [str(f) for f in fields]
    return str(fields)


class Request(Generic[_R]):
    """Where a request goes (client, indices), how hits become objects (document types)
    and the extra parameters and body keys: what searches and update-by-query share."""

    def __init__(
        self,
        using: AnyUsingType = "default",
        index: str | list[str] | tuple[str, ...] | None = None,
        doc_type: type | str | list[type | str] | tuple[type | str, ...] | Mapping[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self._using = using
        self._index: list[str] | None = None
        if isinstance(index, (list, tuple)):
            self._index = list(index)
        elif index:
            self._index = [index]

        self._doc_type: list[type | str] = []
        self._doc_type_map: dict[str, Any] = {}
        if isinstance(doc_type, Mapping):
            self._doc_type.extend(doc_type)
            self._doc_type_map.update(doc_type)
        elif isinstance(doc_type, (list, tuple)):
            self._doc_type.extend(doc_type)
        elif doc_type:
            self._doc_type.append(doc_type)

        self._params: dict[str, Any] = {}
        self._extra: dict[str, Any] = dict(extra) if extra else {}

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Request)
            and other._params == self._params
            and other._index == self._index
            and other._doc_type == self._doc_type
            and other.to_dict() == self.to_dict()
        )

    def __copy__(self) -> Self:
        return self._clone()

    def _clone(self) -> Self:
        """A copy that can be changed without touching this request."""
        s = self.__class__(using=self._using, index=self._index, doc_type=self._doc_type)
        s._doc_type_map = self._doc_type_map.copy()
        s._extra = self._extra.copy()
        s._params = self._params.copy()
        return s

    def params(self, **kwargs: Any) -> Self:
        """Keyword arguments for the client call (``routing``, ``preference``...), merged in."""
        s = self._clone()
        s._params.update(kwargs)
        return s

    def index(self, *index: str | list[str] | tuple[str, ...]) -> Self:
        """Add indices to search (names, or lists of names); no argument: forget them all."""
        s = self._clone()
        if not index:
            s._index = None
            return s
        added: list[str] = []
        for item in index:
            if isinstance(item, str):
                added.append(item)
            elif isinstance(item, (list, tuple)):
                added.extend(item)
            else:
                raise TypeError(f"index names are strings or lists of them, not {type(item).__name__}")
        s._index = (self._index or []) + added
        return s

    def doc_type(self, *doc_type: type | str, **kwargs: Callable[[AttrDict[Any]], Any]) -> Self:
        """Add document types: ``Document`` classes, names, or ``name=callback`` for the
        hits of that ``_type``; no argument: forget them all."""
        s = self._clone()
        if not doc_type and not kwargs:
            s._doc_type = []
            s._doc_type_map = {}
        else:
            s._doc_type.extend(doc_type)
            s._doc_type.extend(kwargs)
            s._doc_type_map.update(kwargs)
        return s

    def using(self, client: AnyUsingType) -> Self:
        """Send the request with this client (or the connection of this alias)."""
        s = self._clone()
        s._using = client
        return s

    def extra(self, **kwargs: Any) -> Self:
        """Set body keys that have no method of their own (``from_`` stands for ``from``)."""
        s = self._clone()
        if "from_" in kwargs:
            kwargs["from"] = kwargs.pop("from_")
        s._extra.update(kwargs)
        return s

    def _resolve_field(self, path: str) -> Field | None:
        """The mapped field at ``path`` in the first document type that has one."""
        for dt in self._doc_type:
            index = getattr(dt, "_index", None)
            if index is not None:
                field = index.resolve_field(path)
                if field is not None:
                    return cast("Field", field)
        return None

    def _resolve_nested(self, hit: AttrDict[Any], parent_class: type | None = None) -> type[_R]:
        """The inner document class of a nested hit, from the path of its ``_nested`` chain."""
        parts = []
        nesting = hit["_nested"]
        while nesting and "field" in nesting:
            parts.append(nesting["field"])
            nesting = nesting.get("_nested")
        path = ".".join(parts)

        parent_index = getattr(parent_class, "_index", None)
        if parent_index is not None:
            field = cast("Object | None", parent_index.resolve_field(path))
        else:
            field = cast("Object | None", self._resolve_field(path))
        return cast("type[_R]", Hit if field is None else field._doc_class)

    def _get_result(self, hit: AttrDict[Any], parent_class: type | None = None) -> _R:
        """Turn one raw hit into the object the caller asked for (a document or a ``Hit``)."""
        # Called once per hit: a search without document classes skips the lookups for them.
        doc_class: Any = Hit
        if "_nested" in hit:
            doc_class = self._resolve_nested(hit, parent_class)
        elif self._doc_type_map and hit.get("_type") in self._doc_type_map:
            doc_class = self._doc_type_map[hit["_type"]]
        elif self._doc_type:
            doc_class = next(
                (dt for dt in self._doc_type if hasattr(dt, "_matches") and dt._matches(hit)),
                Hit,
            )

        if "inner_hits" in hit:
            for name in hit["inner_hits"]:
                hit["inner_hits"][name] = Response[_R](self, hit["inner_hits"][name], doc_class=doc_class)

        if doc_class is Hit:
            return Hit(hit)  # type: ignore[arg-type,return-value]  # (``cast``: a call per hit)
        build = getattr(doc_class, "from_es", doc_class)
        return build(hit)  # type: ignore[no-any-return]

    if TYPE_CHECKING:

        def to_dict(self) -> dict[str, Any]: ...


# The request's query proxies, and where ``ProxyDescriptor`` keeps each.
_PROXY_SLOTS = (("query", "_query_proxy"), ("post_filter", "_post_filter_proxy"))


def _filter_bool(query: Query) -> Bool:
    """``Bool(filter=[query])``, made without the keyword arguments ``Bool()`` checks one by
    one (``filter()`` and ``exclude()`` make one per call)."""
    if not isinstance(query, Query):  # what ``Bool()`` would make of it (or the error it gives)
        return Bool(filter=[query])
    made = object.__new__(Bool)
    object.__setattr__(made, "_params", {"filter": [query]})
    return made


class SearchBase(Request[_R]):
    """A search request, built up one method call at a time."""

    query = ProxyDescriptor[Self]("query")
    post_filter = ProxyDescriptor[Self]("post_filter")
    _response: Response[_R]

    def __init__(
        self,
        using: AnyUsingType = "default",
        index: str | list[str] | tuple[str, ...] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(using=using, index=index, **kwargs)
        self.aggs = AggsProxy[_R](self)
        self._sort: list[str | dict[str, Any]] = []
        self._knn: list[dict[str, Any]] = []
        self._rank: dict[str, Any] = {}
        self._collapse: dict[str, Any] = {}
        self._source: Any = None
        self._highlight: dict[str, Any] = {}
        self._highlight_opts: dict[str, Any] = {}
        self._suggest: dict[str, Any] = {}
        self._script_fields: dict[str, Any] = {}
        self._response_class: type[Response[_R]] = Response[_R]

    def _clone(self) -> Self:
        if type(self).__init__ is not SearchBase.__init__:  # a subclass's own: it runs
            s = super()._clone()
        else:
            # What ``Request._clone`` does, without the arguments ``__init__`` would check
            # and the attributes it would set only to be replaced: a search is cloned for
            # every method called on it.
            s = object.__new__(type(self))
            s._using = self._using
            s._index = None if self._index is None else list(self._index)
            s._doc_type = list(self._doc_type)
            s._doc_type_map = self._doc_type_map.copy()
            s._params = self._params.copy()
            s._extra = self._extra.copy()
            s.aggs = AggsProxy(s)
        s._response_class = self._response_class
        s._sort = self._sort.copy()
        s._knn = [knn.copy() for knn in self._knn] if self._knn else []
        s._rank = self._rank.copy()
        s._collapse = self._collapse.copy()
        source = self._source
        s._source = (
            None if source is None else source.copy() if type(source) in (list, dict) else copy.copy(source)
        )
        s._highlight = self._highlight.copy()
        s._highlight_opts = self._highlight_opts.copy()
        s._suggest = self._suggest.copy()
        s._script_fields = self._script_fields.copy()
        # A proxy never made (or holding nothing) leaves the copy's to be made when read.
        mine, theirs = self.__dict__, s.__dict__
        for name, slot in _PROXY_SLOTS:
            proxy = mine.get(slot)
            if proxy is not None and proxy._proxied is not None:
                copied: QueryProxy[Self] = QueryProxy(s, name)
                object.__setattr__(copied, "_proxied", proxy._proxied)
                theirs[slot] = copied
        # The top-level dict is the copy's own; a bucket is copied when it is reached
        # through ``aggs[name]`` (AggBase), so the two searches never share a change.
        top = self.aggs._params.get("aggs")
        if top:
            s.aggs._params = {"aggs": top.copy()}
        return s

    def filter(self, *args: Any, **kwargs: Any) -> Self:
        """Add a query in filter context: it must match, and does not score."""
        return self.query(_filter_bool(Q(*args, **kwargs)))

    def exclude(self, *args: Any, **kwargs: Any) -> Self:
        """Add a query in filter context that must not match."""
        return self.query(_filter_bool(~Q(*args, **kwargs)))

    def __getitem__(self, n: int | slice) -> Self:
        """Pagination as slicing: ``s[10:20]`` sets ``from`` and ``size``; slicing again
        narrows the window already set."""
        if isinstance(n, slice):
            if n.step not in (None, 1):
                raise ValueError("a search slice cannot have a step")
            start, stop = n.start, n.stop
        elif isinstance(n, int):
            start, stop = n, n + 1
        else:
            raise TypeError(f"a search is sliced by int or slice, not {type(n).__name__}")
        if (start is not None and start < 0) or (stop is not None and stop < 0):
            raise ValueError("a search cannot be sliced or indexed with negative numbers")

        s = self._clone()
        offset = s._extra.get("from")
        base = offset or 0
        end = base + s._extra["size"] if "size" in s._extra else None  # the window so far

        if start is not None:
            offset = base + start
        if stop is not None:
            end = base + stop if end is None else min(end, base + stop)

        if offset is not None:
            s._extra["from"] = offset
        if end is not None:
            s._extra["size"] = max(0, end - (offset or 0))
        return s

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        """A search from a raw request body (which is left unchanged)."""
        s = cls()
        s.update_from_dict(d)
        return s

    def update_from_dict(self, d: dict[str, Any]) -> Self:
        """Take the options of a raw request body, in place; keys without a method of their
        own go to ``extra``."""
        d = dict(d)
        if "query" in d:
            self.query._proxied = Q(d.pop("query"))
        if "post_filter" in d:
            self.post_filter._proxied = Q(d.pop("post_filter"))
        aggs = d.pop("aggs", d.pop("aggregations", None))
        if aggs:
            self.aggs._params = {"aggs": {name: A(value) for name, value in aggs.items()}}
        if "knn" in d:
            knn = d.pop("knn")
            self._knn = [dict(k) for k in (knn if isinstance(knn, list) else [knn])]
        if "rank" in d:
            self._rank = dict(d.pop("rank"))
        if "collapse" in d:
            self._collapse = dict(d.pop("collapse"))
        if "sort" in d:
            self._sort = list(d.pop("sort"))
        if "_source" in d:
            self._source = copy.copy(d.pop("_source"))
        if "highlight" in d:
            options = dict(d.pop("highlight"))
            self._highlight = dict(options.pop("fields", {}))
            self._highlight_opts = options
        if "suggest" in d:
            suggest = dict(d.pop("suggest"))
            text = suggest.pop("text", None)  # global text: a default for every suggester
            self._suggest = {
                name: body if text is None else {"text": text, **body} for name, body in suggest.items()
            }
        if "script_fields" in d:
            self._script_fields = dict(d.pop("script_fields"))
        self._extra.update(d)
        return self

    def response_class(self, cls: type[Response[_R]]) -> Self:
        """Wrap the responses in this class instead of ``Response``."""
        s = self._clone()
        s._response_class = cls
        return s

    def script_fields(self, **kwargs: Any) -> Self:
        """Add fields computed by scripts; a string value is the script's source."""
        s = self._clone()
        for name, script in kwargs.items():
            s._script_fields[name] = {"script": script} if isinstance(script, str) else script
        return s

    def knn(
        self,
        field: str | InstrumentedField,
        k: int,
        num_candidates: int,
        query_vector: list[float] | None = None,
        query_vector_builder: dict[str, Any] | None = None,
        boost: float | None = None,
        filter: Query | dict[str, Any] | None = None,
        similarity: float | None = None,
        inner_hits: dict[str, Any] | None = None,
    ) -> Self:
        """Add a k-nearest-neighbour search; with several, the body sends a list of them.
        Exactly one of ``query_vector`` and ``query_vector_builder`` is needed."""
        if (query_vector is None) == (query_vector_builder is None):
            raise ValueError("knn() needs exactly one of query_vector and query_vector_builder")
        search: dict[str, Any] = {"field": str(field), "k": k, "num_candidates": num_candidates}
        optional = {
            "query_vector": query_vector,
            "query_vector_builder": query_vector_builder,
            "boost": boost,
            "filter": filter.to_dict() if isinstance(filter, Query) else filter,
            "similarity": similarity,
            "inner_hits": inner_hits,
        }
        search.update((key, value) for key, value in optional.items() if value is not None)
        s = self._clone()
        s._knn.append(search)
        return s

    def rank(self, rrf: bool | dict[str, Any] | None = None) -> Self:
        """Combine the result sets (queries, knn) with reciprocal rank fusion: ``rrf=True``
        or its options; no argument (or ``False``) removes the ranking."""
        s = self._clone()
        s._rank = {} if rrf is None or rrf is False else {"rrf": {} if rrf is True else rrf}
        return s

    def source(
        self,
        fields: bool | str | InstrumentedField | list[Any] | tuple[Any, ...] | dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Self:
        """Choose what ``_source`` the hits carry.

        ``fields`` replaces the choice: a bool, a field name or pattern, a list of them,
        or a dict of ``includes``/``excludes``. Keyword arguments (``includes=[...]``,
        ``excludes=[...]``) change one key of the dict each, ``None`` removing it.
        """
        if fields is not None and kwargs:
            raise ValueError("source() takes either fields or keyword arguments, not both")
        s = self._clone()
        if fields is not None:
            s._source = _names(fields)
            return s
        if kwargs:
            current = s._source if isinstance(s._source, dict) else {}
            s._source = current
            for key, value in kwargs.items():
                if value is None:
                    current.pop(key, None)
                else:
                    current[key] = _names(value)
        return s

    def sort(self, *keys: str | InstrumentedField | dict[str, Any]) -> Self:
        """Replace the sort order: ``"field"``, ``"-field"`` (descending) or a full
        ``{"field": {...}}``; no argument removes it."""
        s = self._clone()
        s._sort = []
        for key in keys:
            if isinstance(key, dict):
                s._sort.append(key)
                continue
            name = str(key)
            if name == "-_score":
                raise IllegalOperation("sorting by -_score is not allowed: _score sorts descending already")
            s._sort.append({name[1:]: {"order": "desc"}} if name.startswith("-") else name)
        return s

    def collapse(
        self,
        field: str | InstrumentedField | None = None,
        inner_hits: dict[str, Any] | None = None,
        max_concurrent_group_searches: int | None = None,
    ) -> Self:
        """Collapse the hits on a field's values; no field removes the collapsing."""
        s = self._clone()
        s._collapse = {}
        if field is not None:
            s._collapse["field"] = str(field)
            if inner_hits:
                s._collapse["inner_hits"] = inner_hits
            if max_concurrent_group_searches:
                s._collapse["max_concurrent_group_searches"] = max_concurrent_group_searches
        return s

    def highlight_options(self, **kwargs: Any) -> Self:
        """Set highlighting options that apply to every highlighted field."""
        s = self._clone()
        s._highlight_opts.update(kwargs)
        return s

    def highlight(self, *fields: str | InstrumentedField, **kwargs: Any) -> Self:
        """Highlight these fields, each with the options given (call again for other options)."""
        s = self._clone()
        for field in fields:
            s._highlight[str(field)] = dict(kwargs)
        return s

    def suggest(self, name: str, text: str | None = None, regex: str | None = None, **kwargs: Any) -> Self:
        """Add a suggester: ``text`` to suggest on, or a ``regex`` (completion suggesters
        only); the keyword arguments are its body (``term={...}``, ``completion={...}``)."""
        if (text is None) == (regex is None):
            raise ValueError("suggest() needs exactly one of text and regex")
        if regex is not None and "completion" not in kwargs:
            raise ValueError("a regex suggestion needs the completion keyword argument")
        if regex is not None:
            body: dict[str, Any] = {"regex": regex}
        else:
            body = {"prefix" if "completion" in kwargs else "text": text}
        body.update(kwargs)
        s = self._clone()
        s._suggest[name] = body
        return s

    def search_after(self) -> Self:
        """The search for the page that follows the executed one (``search_after`` on its
        last hit's sort values; the search needs an explicit sort)."""
        if not hasattr(self, "_response"):
            raise ValueError("A search must be executed before using search_after")
        return cast(Self, self._response.search_after())

    def to_dict(self, count: bool = False, **kwargs: Any) -> dict[str, Any]:
        """The request body; ``count=True`` keeps only what a count request takes.
        Keyword arguments are added to the body as they are."""
        d: dict[str, Any] = {}
        if self.query:
            d["query"] = recursive_to_dict(self.query._proxied)
        if self._knn:
            d["knn"] = self._knn[0] if len(self._knn) == 1 else self._knn
        if self._rank:
            d["rank"] = self._rank
        if not count:
            if self.post_filter:
                d["post_filter"] = recursive_to_dict(self.post_filter._proxied)
            if self.aggs.aggs:
                d.update(self.aggs.to_dict())
            if self._sort:
                d["sort"] = self._sort
            if self._collapse:
                d["collapse"] = self._collapse
            d.update(recursive_to_dict(self._extra))
            if self._source is not None and self._source != {}:
                d["_source"] = self._source
            if self._highlight:
                d["highlight"] = {"fields": self._highlight, **self._highlight_opts}
            if self._suggest:
                d["suggest"] = self._suggest
            if self._script_fields:
                d["script_fields"] = self._script_fields
        d.update(recursive_to_dict(kwargs))
        return d


class MultiSearchBase(Request[_R]):
    """Several searches sent in one ``msearch`` request."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._searches: list[SearchBase[_R]] = []

    def __getitem__(self, key: int | slice) -> Any:
        return self._searches[key]

    def __iter__(self) -> Iterator[SearchBase[_R]]:
        return iter(self._searches)

    def _clone(self) -> Self:
        ms = super()._clone()
        ms._searches = self._searches.copy()
        return ms

    def add(self, search: SearchBase[_R]) -> Self:
        """Add one search (its indices and ``params`` go to its header line)."""
        ms = self._clone()
        ms._searches.append(search)
        return ms

    def to_dict(self) -> list[dict[str, Any]]:  # type: ignore[override]
        """The ``msearch`` body: a header and a body per search."""
        lines: list[dict[str, Any]] = []
        for s in self._searches:
            header: dict[str, Any] = {"index": s._index} if s._index else {}
            header.update(s._params)
            lines += [header, s.to_dict()]
        return lines
