"""The mapping in both flavours: ``Mapping`` (sync) and ``AsyncMapping``."""

from ._async.mapping import AsyncMapping
from ._sync.mapping import Mapping

__all__ = ["AsyncMapping", "Mapping"]
