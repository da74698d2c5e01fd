"""The update-by-query classes, both flavours."""

from ._async.update_by_query import AsyncUpdateByQuery
from ._sync.update_by_query import UpdateByQuery

__all__ = ["AsyncUpdateByQuery", "UpdateByQuery"]
