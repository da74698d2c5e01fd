"""A mapping that can be read from an index on the cluster and saved to one (this async
flavour is the source its sync twin is rendered from)."""

from __future__ import annotations

from typing import Any

from typing_extensions import Self

from ..async_connections import get_connection
from ..mapping_base import MappingBase
from ..utils import AsyncUsingType


class AsyncMapping(MappingBase):
    @classmethod
    async def from_es(cls, index: str | list[str] | None, using: AsyncUsingType = "default") -> Self:
        """The mapping an index has on the cluster."""
        mapping = cls()
        await mapping.update_from_es(index, using)
        return mapping

    async def update_from_es(self, index: str | list[str] | None, using: AsyncUsingType = "default") -> None:
        """Add the fields and settings of an index's mapping on the cluster (of the last index
        the response lists, when the name matches several)."""
        es = get_connection(using)
        response = await es.indices.get_mapping(index=index)
        indices: list[Any] = list(response.values())
        if not indices:
            raise ValueError(f"no index matches {index!r}: there is no mapping to read")
        self._update_from_dict(indices[-1]["mappings"])

    async def save(self, index: str, using: AsyncUsingType = "default") -> None:
        """Put this mapping on an index, creating the index when it does not exist."""
        from .index import AsyncIndex

        target = AsyncIndex(index, using=using)
        target.mapping(self)
        await target.save()
