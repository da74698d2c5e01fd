"""Searches that run on an asyncio client: the request methods come from ``SearchBase``,
the calls to Elasticsearch are here."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, cast

from typing_extensions import Self

from ... import helpers
from ...exceptions import ApiError
from ..async_connections import get_connection
from ..response import Response
from ..search_base import MultiSearchBase, SearchBase
from ..utils import _R, AsyncUsingType, AttrDict

__all__ = ["AsyncEmptySearch", "AsyncMultiSearch", "AsyncSearch"]


class AsyncSearch(SearchBase[_R]):
    """A search request; ``execute()`` runs it, iterating over it yields its hits."""

    _using: AsyncUsingType

    async def __aiter__(self) -> AsyncIterator[_R]:
        for hit in await self.execute():
            yield hit

    async def count(self) -> int:
        """How many documents match (the query only: no aggregations, no paging). An
        executed search whose total is exact answers without asking again."""
        if hasattr(self, "_response"):
            total = self._response.hits.total  # type: ignore[attr-defined]
            if total.relation == "eq":
                return cast(int, total.value)
        es = get_connection(self._using)
        resp = await es.count(index=self._index, query=self.to_dict(count=True).get("query"), **self._params)
        return cast(int, resp["count"])

    async def execute(self, ignore_cache: bool = False) -> Response[_R]:
        """Run the search; the response is kept, and returned again by later calls unless
        ``ignore_cache`` is set."""
        if ignore_cache or not hasattr(self, "_response"):
            es = get_connection(self._using)
            resp = await es.search(index=self._index, body=self.to_dict(), **self._params)
            self._response = self._response_class(self, resp.body)
        return self._response

    async def scan(self) -> AsyncIterator[_R]:
        """Every matching document, through the scroll API (the ``scan`` helper, which
        ``params`` are passed to). ``iterate()`` does the same on a point in time."""
        es = get_connection(self._using)
        async for hit in helpers.async_scan(es, query=self.to_dict(), index=self._index, **self._params):
            yield self._get_result(cast(AttrDict[Any], hit))

    async def delete(self) -> AttrDict[Any]:
        """Delete the matching documents (``delete_by_query``, with ``params``)."""
        if not self._index:
            raise ValueError("delete() needs the index to delete from: set it with index()")
        es = get_connection(self._using)
        resp = await es.delete_by_query(index=self._index, body=self.to_dict(), **self._params)
        return AttrDict(cast(dict[str, Any], resp))

    # unasync: async-only (the sync twin is a plain context manager)
    @contextlib.asynccontextmanager
    # unasync: end
    # unasync: sync-only
    # @contextlib.contextmanager
    # unasync: end
    async def point_in_time(self, keep_alive: str = "1m") -> AsyncIterator[Self]:
        """Open a point in time over the search's indices and give a copy of the search that
        runs in it (sorted on ``_shard_doc`` unless sorted already); closed on exit."""
        es = get_connection(self._using)
        pit = await es.open_point_in_time(index=self._index or "*", keep_alive=keep_alive)
        try:
            # A search in a point in time names no index: the point in time has them.
            search = self.index().extra(pit={"id": pit["id"], "keep_alive": keep_alive})
            yield search if search._sort else search.sort("_shard_doc")
        finally:
            await es.close_point_in_time(id=pit["id"])

    async def iterate(self, keep_alive: str = "1m") -> AsyncIterator[_R]:
        """Every matching document, page after page in one point in time (``search_after``),
        so that changes to the index while it runs do not show."""
        async with self.point_in_time(keep_alive=keep_alive) as s:
            while True:
                page = await s.execute()
                if not page.hits:
                    return
                for hit in page:
                    yield hit
                s = s.search_after()


class AsyncMultiSearch(MultiSearchBase[_R]):
    """Several searches run in one ``msearch`` call."""

    _using: AsyncUsingType
    _response: list[Response[_R] | None]

    if TYPE_CHECKING:

        def add(self, search: AsyncSearch[_R]) -> Self: ...  # type: ignore[override]

    async def execute(
        self, ignore_cache: bool = False, raise_on_error: bool = True
    ) -> list[Response[_R] | None]:
        """Run the searches: one response each, in order. A failed search raises ``ApiError``,
        or gives ``None`` when ``raise_on_error`` is off."""
        if ignore_cache or not hasattr(self, "_response"):
            es = get_connection(self._using)
            resp = await es.msearch(index=self._index, body=self.to_dict(), **self._params)
            out: list[Response[_R] | None] = []
            for search, result in zip(self._searches, resp["responses"], strict=True):
                if result.get("error"):
                    if raise_on_error:
                        raise ApiError("N/A", meta=resp.meta, body=result)
                    out.append(None)
                else:
                    out.append(search._response_class(search, result))
            self._response = out
        return self._response


class AsyncEmptySearch(AsyncSearch[_R]):
    """A search known to match nothing: answers without calling Elasticsearch."""

    async def count(self) -> int:
        return 0

    async def execute(self, ignore_cache: bool = False) -> Response[_R]:
        return self._response_class(self, {"hits": {"total": 0, "hits": []}})

    async def scan(self) -> AsyncIterator[_R]:
        nothing: tuple[_R, ...] = ()
        for hit in nothing:
            yield hit

    async def delete(self) -> AttrDict[Any]:
        return AttrDict[Any]({})
