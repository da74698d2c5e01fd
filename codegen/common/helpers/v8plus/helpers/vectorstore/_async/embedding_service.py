"""Where a vector store gets its embeddings when Elasticsearch does not compute them at
index time: any ``AsyncEmbeddingService``, e.g. a model deployed in the cluster."""

from __future__ import annotations

from abc import ABC, abstractmethod

from .... import AsyncElasticsearch
from ...._version import __versionstr__

__all__ = ["AsyncElasticsearchEmbeddings", "AsyncEmbeddingService"]


class AsyncEmbeddingService(ABC):
    """Turns texts into dense vectors, for indexing and for queries."""

    @abstractmethod
    async def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order."""

    @abstractmethod
    async def embed_query(self, query: str) -> list[float]:
        """The vector of one search text."""


class AsyncElasticsearchEmbeddings(AsyncEmbeddingService):
    """Embeddings from a text embedding model deployed in the cluster (``ml.infer_trained_model``).

    Requests carry ``user_agent`` as their ``User-Agent``, so that Elastic Cloud can tell
    this integration's traffic apart; the client's other options are kept.
    """

    def __init__(
        self,
        *,
        client: AsyncElasticsearch,
        model_id: str,
        input_field: str = "text_field",
        user_agent: str = f"elasticsearch-py-es/{__versionstr__}",
    ) -> None:
        self.client = client.options(headers={"User-Agent": user_agent})
        self.model_id = model_id
        self.input_field = input_field

    async def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return await self._infer(texts)

    async def embed_query(self, text: str) -> list[float]:
        return (await self._infer([text]))[0]

    async def _infer(self, texts: list[str]) -> list[list[float]]:
        response = await self.client.ml.infer_trained_model(
            model_id=self.model_id, docs=[{self.input_field: text} for text in texts]
        )
        return [result["predicted_value"] for result in response["inference_results"]]
