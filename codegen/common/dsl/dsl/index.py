"""The index classes, both flavours: ``Index`` and its templates work with ``Elasticsearch``,
the ``Async`` ones with ``AsyncElasticsearch``."""

from ._async.index import AsyncComposableIndexTemplate, AsyncIndex, AsyncIndexTemplate
from ._sync.index import ComposableIndexTemplate, Index, IndexTemplate

__all__ = [
    "AsyncComposableIndexTemplate",
    "AsyncIndex",
    "AsyncIndexTemplate",
    "ComposableIndexTemplate",
    "Index",
    "IndexTemplate",
]
