"""Indices and index templates with I/O: creating, syncing and deleting them, and the
``indices`` APIs of the client bound to the index's name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from typing_extensions import Self

from ..async_connections import get_connection
from ..exceptions import IllegalOperation
from ..index_base import IndexBase
from ..utils import AsyncUsingType
from .mapping import AsyncMapping
from .search import AsyncSearch
from .update_by_query import AsyncUpdateByQuery

if TYPE_CHECKING:
    from elastic_transport import ObjectApiResponse

    from ... import AsyncElasticsearch
    from ..._async.client.indices import IndicesClient


class _TemplateBase:
    """What both template kinds share: an index definition (its own, or a copy of one given)
    whose name is the template's pattern; the index's methods are reachable on the template."""

    def __init__(self, name: str, template: str, index: AsyncIndex | None, **kwargs: Any) -> None:
        if index is None:
            self._index = AsyncIndex(template, **kwargs)
        else:
            if kwargs:
                raise ValueError("You cannot specify options for Index when passing an Index instance.")
            self._index = index.clone()
            self._index._name = template
        self._template_name = name

    def __getattr__(self, attr_name: str) -> Any:
        if attr_name == "_index":  # not set yet (unpickling): no index to ask
            raise AttributeError(attr_name)
        return getattr(self._index, attr_name)


class AsyncIndexTemplate(_TemplateBase):
    """A legacy index template (``indices.put_template``)."""

    def __init__(
        self,
        name: str,
        template: str,
        index: AsyncIndex | None = None,
        order: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, template, index, **kwargs)
        self.order = order

    def to_dict(self) -> dict[str, Any]:
        body = self._index.to_dict()
        body["index_patterns"] = [self._index._name]
        if self.order is not None:
            body["order"] = self.order
        return body

    async def save(self, using: AsyncUsingType | None = None) -> ObjectApiResponse[Any]:
        es = get_connection(using or self._index._using)
        return await es.indices.put_template(name=self._template_name, body=self.to_dict())


class AsyncComposableIndexTemplate(_TemplateBase):
    """A composable index template (``indices.put_index_template``), also the way a data
    stream's index is declared."""

    def __init__(
        self,
        name: str,
        template: str,
        index: AsyncIndex | None = None,
        priority: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, template, index, **kwargs)
        self.priority = priority

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"template": self._index.to_dict(), "index_patterns": [self._index._name]}
        if self.priority is not None:
            body["priority"] = self.priority
        if self._index._data_stream:
            body["data_stream"] = {}
        return body

    async def save(self, using: AsyncUsingType | None = None) -> ObjectApiResponse[Any]:
        es = get_connection(using or self._index._using)
        return await es.indices.put_index_template(name=self._template_name, **self.to_dict())


class AsyncIndex(IndexBase):
    """An index: its definition (see ``IndexBase``) and the calls that act on it."""

    _using: AsyncUsingType

    if TYPE_CHECKING:

        def get_or_create_mapping(self) -> AsyncMapping: ...

    def __init__(self, name: str, using: AsyncUsingType = "default") -> None:
        super().__init__(name, AsyncMapping, using=using)

    def _get_connection(self, using: AsyncUsingType | None = None) -> AsyncElasticsearch:
        if self._name is None:
            raise ValueError("You cannot perform API calls on the default index.")
        return get_connection(using or self._using)

    connection = property(_get_connection)

    def _indices(self, using: AsyncUsingType | None) -> IndicesClient:
        return self._get_connection(using).indices

    def as_template(
        self, template_name: str, pattern: str | None = None, order: int | None = None
    ) -> AsyncIndexTemplate:
        """A legacy template carrying this index's definition, for ``pattern`` (default: the
        index name)."""
        return AsyncIndexTemplate(template_name, pattern or self._name, index=self, order=order)

    def as_composable_template(
        self, template_name: str, pattern: str | None = None, priority: int | None = None
    ) -> AsyncComposableIndexTemplate:
        """A composable template carrying this index's definition."""
        return AsyncComposableIndexTemplate(
            template_name, pattern or self._name, index=self, priority=priority
        )

    async def load_mappings(self, using: AsyncUsingType | None = None) -> None:
        """Read the index's mappings from the cluster into its own mapping."""
        await self.get_or_create_mapping().update_from_es(self._name, using=using or self._using)

    def clone(self, name: str | None = None, using: AsyncUsingType | None = None) -> Self:
        """A copy of the definition under another name or connection."""
        copy = self.__class__(name or self._name, using=using or self._using)
        copy._settings = self._settings.copy()
        copy._aliases = self._aliases.copy()
        copy._analysis = self._analysis.copy()
        copy._doc_types = self._doc_types[:]
        if self._mapping is not None:
            copy._mapping = self._mapping._clone()
        copy._data_stream = self._data_stream
        return copy

    def search(self, using: AsyncUsingType | None = None) -> AsyncSearch:
        """A search over this index (or the template's indices), its hits as the
        registered documents."""
        return AsyncSearch(using=using or self._using, index=self._name, doc_type=self._doc_types)

    def updateByQuery(self, using: AsyncUsingType | None = None) -> AsyncUpdateByQuery:
        """An update by query over this index."""
        return AsyncUpdateByQuery(using=using or self._using, index=self._name)

    async def create(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        """Create the index (or the data stream) as defined."""
        if self._data_stream:
            return await self._indices(using).create_data_stream(name=self._name, **kwargs)
        return await self._indices(using).create(index=self._name, body=self.to_dict(), **kwargs)

    async def is_closed(self, using: AsyncUsingType | None = None) -> bool:
        state = await self._get_connection(using).cluster.state(index=self._name, metric="metadata")
        return bool(state["metadata"]["indices"][self._name]["state"] == "close")

    async def save(self, using: AsyncUsingType | None = None) -> ObjectApiResponse[Any] | None:
        """Make the cluster's index match the definition: create it when missing, else
        update the settings that differ and put the mappings. A data stream gets its
        composable template ``<name>-template`` saved first.

        Analysis can only change on a closed index: on an open one that defines it
        differently, this raises ``IllegalOperation``."""
        if self._data_stream:
            await self.as_composable_template(f"{self._name}-template", self._name).save(using=using)
        if not await self.exists(using=using):
            return await self.create(using=using)
        if self._data_stream:
            return None  # its template, saved above, is the whole definition

        body = self.to_dict()
        settings = body.get("settings", {})
        analysis = settings.pop("analysis", None)
        current = (await self.get_settings(using=using))[self._name]["settings"]["index"]
        if analysis:
            if await self.is_closed(using=using):
                settings["analysis"] = analysis
            elif self._analysis_differs(analysis, current.get("analysis", {})):
                raise IllegalOperation(
                    "You cannot update analysis configuration on an open index, "
                    f"you need to close index {self._name} first."
                )
        # The cluster reports settings as strings; only those that differ are sent.
        changed = {key: value for key, value in settings.items() if current.get(key, None) != str(value)}
        if changed:
            await self.put_settings(using=using, body=changed)
        mappings = body.get("mappings")
        if mappings:
            return await self.put_mapping(using=using, body=mappings)
        return None

    @staticmethod
    def _analysis_differs(wanted: dict[str, Any], existing: dict[str, Any]) -> bool:
        return any(
            existing.get(section, {}).get(name) != definition
            for section, entries in wanted.items()
            for name, definition in entries.items()
        )

    # The index's ``indices`` APIs; keyword arguments go to the client method unchanged.

    async def analyze(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).analyze(index=self._name, **kwargs)

    async def refresh(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).refresh(index=self._name, **kwargs)

    async def flush(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).flush(index=self._name, **kwargs)

    async def get(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).get(index=self._name, **kwargs)

    async def open(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).open(index=self._name, **kwargs)

    async def close(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).close(index=self._name, **kwargs)

    async def delete(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        """Delete the index (or the data stream)."""
        if self._data_stream:
            return await self._indices(using).delete_data_stream(name=self._name, **kwargs)
        return await self._indices(using).delete(index=self._name, **kwargs)

    async def exists(self, using: AsyncUsingType | None = None, **kwargs: Any) -> bool:
        return bool(await self._indices(using).exists(index=self._name, **kwargs))

    async def put_mapping(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).put_mapping(index=self._name, **kwargs)

    async def get_mapping(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).get_mapping(index=self._name, **kwargs)

    async def get_field_mapping(
        self, using: AsyncUsingType | None = None, **kwargs: Any
    ) -> ObjectApiResponse[Any]:
        return await self._indices(using).get_field_mapping(index=self._name, **kwargs)

    async def put_alias(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).put_alias(index=self._name, **kwargs)

    async def exists_alias(self, using: AsyncUsingType | None = None, **kwargs: Any) -> bool:
        return bool(await self._indices(using).exists_alias(index=self._name, **kwargs))

    async def get_alias(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).get_alias(index=self._name, **kwargs)

    async def delete_alias(
        self, using: AsyncUsingType | None = None, **kwargs: Any
    ) -> ObjectApiResponse[Any]:
        return await self._indices(using).delete_alias(index=self._name, **kwargs)

    async def get_settings(
        self, using: AsyncUsingType | None = None, **kwargs: Any
    ) -> ObjectApiResponse[Any]:
        return await self._indices(using).get_settings(index=self._name, **kwargs)

    async def put_settings(
        self, using: AsyncUsingType | None = None, **kwargs: Any
    ) -> ObjectApiResponse[Any]:
        return await self._indices(using).put_settings(index=self._name, **kwargs)

    async def stats(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).stats(index=self._name, **kwargs)

    async def segments(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).segments(index=self._name, **kwargs)

    async def validate_query(
        self, using: AsyncUsingType | None = None, **kwargs: Any
    ) -> ObjectApiResponse[Any]:
        return await self._indices(using).validate_query(index=self._name, **kwargs)

    async def clear_cache(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).clear_cache(index=self._name, **kwargs)

    async def recovery(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).recovery(index=self._name, **kwargs)

    async def shard_stores(
        self, using: AsyncUsingType | None = None, **kwargs: Any
    ) -> ObjectApiResponse[Any]:
        return await self._indices(using).shard_stores(index=self._name, **kwargs)

    async def forcemerge(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).forcemerge(index=self._name, **kwargs)

    async def shrink(self, using: AsyncUsingType | None = None, **kwargs: Any) -> ObjectApiResponse[Any]:
        return await self._indices(using).shrink(index=self._name, **kwargs)
