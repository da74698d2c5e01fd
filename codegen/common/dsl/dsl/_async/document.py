"""``AsyncDocument``: a model class bound to an index, whose instances are read from and
written to Elasticsearch."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from typing_extensions import Self, dataclass_transform

from ..._profile import DSL_SEARCH_EXCLUDE_VECTORS
from ...exceptions import NotFoundError, RequestError
from ...helpers import async_bulk
from ..async_connections import get_connection
from ..document_base import DocumentBase, DocumentMeta, mapped_field
from ..exceptions import IllegalOperation
from ..utils import DOC_META_FIELDS, META_FIELDS, AsyncUsingType, merge
from .index import AsyncIndex
from .search import AsyncSearch

if TYPE_CHECKING:
    from ... import AsyncElasticsearch
    from ...esql.esql import ESQLBase


class AsyncIndexMeta(DocumentMeta):
    """Metaclass of ``AsyncDocument``: gives each document class its index, from its
    ``class Index`` (name, using, settings, aliases, analyzers, data_stream), else its
    parent's, else the default index (no name: searches go everywhere)."""

    _index: AsyncIndex

    def __new__(cls, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> AsyncIndexMeta:
        index_options = attrs.pop("Index", None)
        new_cls = cast(AsyncIndexMeta, super().__new__(cls, name, bases, attrs))
        # ``AsyncDocument`` itself gets no index: only the classes derived from it do.
        if any(isinstance(base, AsyncIndexMeta) for base in bases):
            index = cls.construct_index(index_options, bases)
            new_cls._index = index
            index.document(new_cls)
        return new_cls

    @classmethod
    def construct_index(cls, opts: Any, bases: tuple[type, ...]) -> AsyncIndex:
        if opts is None:
            for base in bases:
                if hasattr(base, "_index"):
                    return cast(AsyncIndex, base._index)
            return AsyncIndex(name=None)  # type: ignore[arg-type]  # the default index has no name
        index = AsyncIndex(getattr(opts, "name", "*"), using=getattr(opts, "using", "default"))
        index.settings(**getattr(opts, "settings", {}))
        index.aliases(**getattr(opts, "aliases", {}))
        for analyzer in getattr(opts, "analyzers", ()):
            index.analyzer(analyzer)
        if getattr(opts, "data_stream", None) is not None:
            index.data_stream(True)
        return index


@dataclass_transform(field_specifiers=(mapped_field,))
class AsyncDocument(DocumentBase, metaclass=AsyncIndexMeta):
    """A document class: fields declared as class attributes or type hints, the index in
    ``class Index``, the mapping's meta fields in ``class Meta``."""

    if TYPE_CHECKING:
        _index: AsyncIndex

    @classmethod
    def _get_using(cls, using: AsyncUsingType | None = None) -> AsyncUsingType:
        return using or cls._index._using

    @classmethod
    def _get_connection(cls, using: AsyncUsingType | None = None) -> AsyncElasticsearch:
        return get_connection(cls._get_using(using))

    @classmethod
    async def init(cls, index: str | None = None, using: AsyncUsingType | None = None) -> None:
        """Create the class's index with its mappings, or update them (``AsyncIndex.save``)."""
        target = cls._index if not index else cls._index.clone(name=index)
        await target.save(using=using)

    @classmethod
    def search(cls, using: AsyncUsingType | None = None, index: str | None = None) -> AsyncSearch[Self]:
        """A search over the class's index, its hits as instances of the class."""
        s = AsyncSearch[Self](using=cls._get_using(using), index=cls._default_index(index), doc_type=[cls])
        if DSL_SEARCH_EXCLUDE_VECTORS:
            # Documents come back whole, their dense vectors too.
            s = s.source(exclude_vectors=False)
        return s

    @classmethod
    async def get(
        cls, id: str, using: AsyncUsingType | None = None, index: str | None = None, **kwargs: Any
    ) -> Self | None:
        """The document with this id, or None; ``kwargs`` go to the client's ``get``."""
        es = cls._get_connection(using)
        doc = await es.get(index=cls._default_index(index), id=id, **kwargs)
        if not doc.get("found", False):
            return None
        return cls.from_es(doc)

    @classmethod
    async def exists(
        cls, id: str, using: AsyncUsingType | None = None, index: str | None = None, **kwargs: Any
    ) -> bool:
        """Whether a document with this id exists; ``kwargs`` go to the client's ``exists``."""
        es = cls._get_connection(using)
        return bool(await es.exists(index=cls._default_index(index), id=id, **kwargs))

    @classmethod
    async def mget(
        cls,
        docs: list[Any],
        using: AsyncUsingType | None = None,
        index: str | None = None,
        raise_on_error: bool = True,
        missing: str = "none",
        **kwargs: Any,
    ) -> list[Self | None]:
        """The documents with these ids (or mget specifications), in order. A document not
        found is None (``missing="none"``), left out (``"skip"``) or raises ``NotFoundError``
        (``"raise"``); one that failed raises ``RequestError`` unless ``raise_on_error`` is off."""
        if missing not in ("raise", "skip", "none"):
            raise ValueError("'missing' must be 'raise', 'skip', or 'none'.")
        es = cls._get_connection(using)
        body = {"docs": [doc if isinstance(doc, Mapping) else {"_id": doc} for doc in docs]}
        results = await es.mget(index=cls._default_index(index), body=body, **kwargs)

        found: list[Self | None] = []
        failed: list[dict[str, Any]] = []
        absent: list[dict[str, Any]] = []
        for doc in results["docs"]:
            if doc.get("found"):
                if not (failed or absent):  # past an error, no need to build documents
                    found.append(cls.from_es(doc))
                continue
            if doc.get("error"):
                if raise_on_error:
                    failed.append(doc)
            elif missing == "raise":
                absent.append(doc)
                continue
            if missing == "none":
                found.append(None)

        if failed:
            ids = ", ".join(doc["_id"] for doc in failed)
            raise RequestError(
                f"Required routing not provided for documents {ids}.",
                dataclasses.replace(results.meta, status=400),
                failed,
            )
        if absent:
            ids = ", ".join(doc["_id"] for doc in absent)
            raise NotFoundError(
                f"Documents {ids} not found.", dataclasses.replace(results.meta, status=404), {"docs": absent}
            )
        return found

    def _write_meta(self, concurrency_control: bool = True) -> dict[str, Any]:
        """The instance's routing and other write metadata, with its sequence number and
        primary term for optimistic concurrency control when known."""
        meta = {key: self.meta[key] for key in DOC_META_FIELDS if key in self.meta}
        if concurrency_control and "seq_no" in self.meta and "primary_term" in self.meta:
            meta["if_seq_no"] = self.meta["seq_no"]
            meta["if_primary_term"] = self.meta["primary_term"]
        return meta

    def _read_meta(self, response: Any) -> None:
        """Keep the ``_id``, ``_version``, ``_seq_no`` ... a write answered with."""
        for key in META_FIELDS:
            if f"_{key}" in response:
                setattr(self.meta, key, response[f"_{key}"])

    async def delete(
        self, using: AsyncUsingType | None = None, index: str | None = None, **kwargs: Any
    ) -> None:
        """Delete the document; ``kwargs`` go to the client's ``delete``."""
        es = self._get_connection(using)
        target = self._get_index(index)
        await es.delete(index=target, **{**self._write_meta(), **kwargs})

    async def update(
        self,
        using: AsyncUsingType | None = None,
        index: str | None = None,
        detect_noop: bool = True,
        doc_as_upsert: bool = False,
        refresh: bool = False,
        retry_on_conflict: int | None = None,
        script: str | dict[str, Any] | None = None,
        script_id: str | None = None,
        scripted_upsert: bool = False,
        upsert: dict[str, Any] | None = None,
        return_doc_meta: bool = False,
        **fields: Any,
    ) -> Any:
        """Update the document in place and in the index: the given ``fields`` (a partial
        document), or a script (source or ``script_id``) with them as its params.

        Returns the operation's result (``"updated"``, ``"noop"`` ...), or the whole response
        with ``return_doc_meta``."""
        body: dict[str, Any] = {"doc_as_upsert": doc_as_upsert, "detect_noop": detect_noop}
        if script or script_id:
            if upsert is not None:
                body["upsert"] = upsert
            if isinstance(script, str):
                script = {"source": script}
            elif not script:
                script = {"id": script_id}
            script.setdefault("params", {}).update(fields)
            body["script"] = script
            body["scripted_upsert"] = scripted_upsert
        else:
            if not fields:
                raise IllegalOperation(
                    "You cannot call update() without updating individual fields or a script. "
                    "If you wish to update the entire object use save()."
                )
            merge(self, fields)
            # Serialized after the merge, so the fields' own serialization applies.
            values = self.to_dict(skip_empty=False)
            body["doc"] = {key: values.get(key) for key in fields}

        # Retrying on conflict and concurrency control exclude each other.
        doc_meta = self._write_meta(concurrency_control=not retry_on_conflict)
        if retry_on_conflict is not None:
            doc_meta["retry_on_conflict"] = retry_on_conflict

        response = await self._get_connection(using).update(
            index=self._get_index(index), body=body, refresh=refresh, **doc_meta
        )
        self._read_meta(response)
        return response if return_doc_meta else response["result"]

    async def save(
        self,
        using: AsyncUsingType | None = None,
        index: str | None = None,
        validate: bool = True,
        skip_empty: bool = True,
        return_doc_meta: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Index the document (create or overwrite), after ``full_clean()`` unless
        ``validate`` is off; ``kwargs`` go to the client's ``index``.

        Returns the operation's result (``"created"`` or ``"updated"``), or the whole
        response with ``return_doc_meta``."""
        if validate:
            self.full_clean()
        es = self._get_connection(using)
        target = self._get_index(index)
        response = await es.index(
            index=target, body=self.to_dict(skip_empty=skip_empty), **{**self._write_meta(), **kwargs}
        )
        self._read_meta(response)
        return response if return_doc_meta else response["result"]

    @classmethod
    async def bulk(
        cls,
        actions: AsyncIterable[Self | dict[str, Any]],
        using: AsyncUsingType | None = None,
        index: str | None = None,
        validate: bool = True,
        skip_empty: bool = True,
        **kwargs: Any,
    ) -> tuple[int, int | list[Any]]:
        """Index many documents in bulk requests: documents, or bulk actions (dicts) whose
        ``_source`` may be a document; ``kwargs`` go to the ``bulk`` helper."""
        es = cls._get_connection(using)
        target = cls._default_index(index)
        if target is None:
            raise IllegalOperation(f"{cls.__name__} has no index: pass index= to bulk()")

        async def serialized() -> AsyncIterator[dict[str, Any]]:
            async for action in actions:
                yield cls._bulk_action(action, validate=validate, skip_empty=skip_empty)

        return await async_bulk(es, serialized(), index=target, **kwargs)

    @classmethod
    async def esql_execute(
        cls,
        query: ESQLBase,
        return_additional: bool = False,
        ignore_missing_fields: bool = False,
        using: AsyncUsingType | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[Self | tuple[Self, dict[str, Any]]]:
        """Run an ES|QL query (anything whose ``str()`` is one, keeping ``_id`` and the
        class's fields) and yield the rows as documents; with ``return_additional``, as
        (document, the other columns) pairs.

        Every field of the class must be among the columns, unless ``ignore_missing_fields``
        (then nested fields, which ES|QL does not return, are left out); ``kwargs`` go to
        the client's ``esql.query``."""
        es = cls._get_connection(using)
        response = await es.esql.query(query=str(query), **kwargs)
        columns = [column["name"] for column in response.body.get("columns", [])]
        fields = set(cls._get_field_names(for_esql=ignore_missing_fields))
        if not ignore_missing_fields and not fields.issubset(columns):
            raise ValueError(
                f"Not all fields of {cls.__name__} were returned by the query: "
                f"{', '.join(sorted(fields.difference(columns)))} missing. Nested fields are not "
                "returned by ES|QL; pass ignore_missing_fields=True to accept partial documents."
            )
        if "_id" not in columns:
            raise ValueError("The ES|QL query must return the _id column (METADATA _id)")
        others = [column for column in columns if column not in fields and column != "_id"]
        for row in response.body.get("values", []):
            doc = cast(Self, cls._from_esql_row(columns, row, fields))
            if return_additional:
                yield (
                    doc,
                    {column: value for column, value in zip(columns, row, strict=True) if column in others},
                )
            else:
                yield doc
