"""Bulk indexing, scrolling and reindexing helpers, with the official helpers' names.

The async helpers (``async_bulk``, ``async_streaming_bulk``, ``async_scan``,
``async_reindex``) load on first use, so a synchronous program never imports asyncio
machinery for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .. import _profile
from .actions import (  # the two private names: official, and imported by some programs
    _chunk_actions,
    _process_bulk_chunk,
    bulk,
    expand_action,
    parallel_bulk,
    reindex,
    scan,
    streaming_bulk,
)
from .errors import BulkIndexError, ScanError

__all__ = [
    "BulkIndexError",
    "ScanError",
    "async_bulk",
    "async_reindex",
    "async_scan",
    "async_streaming_bulk",
    "bulk",
    "expand_action",
    "parallel_bulk",
    "reindex",
    "scan",
    "streaming_bulk",
]

if _profile.MAJOR < 8:  # the 7.x module listed its two private names as well
    __all__ += ["_chunk_actions", "_process_bulk_chunk"]

if _profile.HELPERS_BULK_FLUSH:
    from .actions import BULK_FLUSH

    __all__ += ["BULK_FLUSH"]

if _profile.HELPERS_PACK_DENSE_VECTOR:
    from .actions import pack_dense_vector

    __all__ += ["pack_dense_vector"]

if TYPE_CHECKING:  # loaded on first use at run time (see __getattr__); checkers see them here
    from .._async.helpers import async_bulk, async_reindex, async_scan, async_streaming_bulk

_ASYNC = frozenset(("async_bulk", "async_reindex", "async_scan", "async_streaming_bulk"))


if not TYPE_CHECKING:  # hidden from type checkers: a misspelled name stays an error there

    def __getattr__(name: str) -> Any:
        if name not in _ASYNC:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(".._async.helpers", __name__), name)
        globals()[name] = value
        return value
