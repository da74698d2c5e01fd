"""The search classes, both flavours: ``Search`` runs on ``Elasticsearch``, ``AsyncSearch``
on ``AsyncElasticsearch``."""

from ._async.search import AsyncEmptySearch, AsyncMultiSearch, AsyncSearch
from ._sync.search import EmptySearch, MultiSearch, Search
from .search_base import Q

__all__ = ["AsyncEmptySearch", "AsyncMultiSearch", "AsyncSearch", "EmptySearch", "MultiSearch", "Q", "Search"]
