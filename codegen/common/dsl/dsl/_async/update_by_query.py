"""Update-by-query on an asyncio client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..async_connections import get_connection
from ..update_by_query_base import UpdateByQueryBase
from ..utils import _R, AsyncUsingType

if TYPE_CHECKING:
    from ..response import UpdateByQueryResponse

__all__ = ["AsyncUpdateByQuery"]


class AsyncUpdateByQuery(UpdateByQueryBase[_R]):
    """An update-by-query request; ``execute()`` runs it."""

    _using: AsyncUsingType

    async def execute(self) -> UpdateByQueryResponse[_R]:
        """Run the update (the body's keys and ``params`` go to ``update_by_query``)."""
        if not self._index:
            raise ValueError("execute() needs the index to update: set it with index()")
        es = get_connection(self._using)
        resp = await es.update_by_query(index=self._index, **self.to_dict(), **self._params)
        self._response = self._response_class(self, resp.body)
        return self._response
