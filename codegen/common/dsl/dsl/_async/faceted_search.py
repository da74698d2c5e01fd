"""Faceted search on an asyncio client."""

from __future__ import annotations

from ..faceted_search_base import FacetedResponse, FacetedSearchBase
from ..response import Response
from ..utils import _R
from .search import AsyncSearch

__all__ = ["AsyncFacetedSearch"]


class AsyncFacetedSearch(FacetedSearchBase[_R]):
    """Faceted navigation run with ``AsyncSearch``; see ``FacetedSearchBase``."""

    _s: AsyncSearch[_R]

    def search(self) -> AsyncSearch[_R]:
        """The search the facets are added to: override it to add conditions of your own."""
        s = AsyncSearch[_R](doc_type=self.doc_types, index=self.index, using=self.using)
        return s.response_class(FacetedResponse)

    async def count(self) -> int:
        """How many documents match the query and the picked values."""
        return await self._s.count()

    async def execute(self) -> Response[_R]:
        """Run the search: a ``FacetedResponse``, whose ``facets`` list each facet's values."""
        r = await self._s.execute()
        object.__setattr__(r, "_faceted_search", self)
        return r
