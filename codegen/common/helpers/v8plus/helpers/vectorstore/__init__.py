"""A vector store on Elasticsearch: index texts with metadata and vectors, then search them by
kNN, exact script scoring, BM25, sparse (ELSER) expansion or a hybrid of kNN and BM25, and
pick diverse results by maximal marginal relevance.

Imported only by ``from <package>.helpers.vectorstore import ...``: neither the package nor
``helpers`` loads it. Each class has a sync and an async (``Async``-prefixed) flavour.
"""

from __future__ import annotations

from ._async.embedding_service import AsyncElasticsearchEmbeddings, AsyncEmbeddingService
from ._async.strategies import (
    AsyncBM25Strategy,
    AsyncDenseVectorScriptScoreStrategy,
    AsyncDenseVectorStrategy,
    AsyncRetrievalStrategy,
    AsyncSparseVectorStrategy,
)
from ._async.vectorstore import AsyncVectorStore
from ._sync.embedding_service import ElasticsearchEmbeddings, EmbeddingService
from ._sync.strategies import (
    BM25Strategy,
    DenseVectorScriptScoreStrategy,
    DenseVectorStrategy,
    RetrievalStrategy,
    SparseVectorStrategy,
)
from ._sync.vectorstore import VectorStore
from ._utils import DistanceMetric

__all__ = [
    "AsyncBM25Strategy",
    "AsyncDenseVectorScriptScoreStrategy",
    "AsyncDenseVectorStrategy",
    "AsyncElasticsearchEmbeddings",
    "AsyncEmbeddingService",
    "AsyncRetrievalStrategy",
    "AsyncSparseVectorStrategy",
    "AsyncVectorStore",
    "BM25Strategy",
    "DenseVectorScriptScoreStrategy",
    "DenseVectorStrategy",
    "DistanceMetric",
    "ElasticsearchEmbeddings",
    "EmbeddingService",
    "RetrievalStrategy",
    "SparseVectorStrategy",
    "VectorStore",
]
