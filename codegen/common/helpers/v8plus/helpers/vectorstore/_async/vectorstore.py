"""``AsyncVectorStore``: texts, their metadata and (maybe) their vectors in one index,
searched the way its retrieval strategy says."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from .... import AsyncElasticsearch
from ...._profile import VECTORSTORE_MMR_FILTER
from ...._version import __versionstr__
from ... import BulkIndexError, async_bulk
from .._utils import maximal_marginal_relevance
from .embedding_service import AsyncEmbeddingService
from .strategies import AsyncRetrievalStrategy

__all__ = ["AsyncVectorStore"]

logger = logging.getLogger(__name__)

CustomQuery = Callable[[dict[str, Any], str | None], dict[str, Any]]


def _same_length(name: str, values: Sequence[Any] | None, texts: Sequence[str]) -> None:
    if values is not None and len(values) != len(texts):
        raise ValueError(f"{name} has {len(values)} entries for {len(texts)} texts: give one per text")


def _log_bulk_error(what: str, error: BulkIndexError) -> None:
    logger.error("Error %s: %s", what, error)
    first: Any = next(iter(error.errors[0].values()), {}) if error.errors else {}
    reason = first.get("error", {}).get("reason") if isinstance(first, dict) else None
    logger.error("First error reason: %s", reason)


class AsyncVectorStore:
    """An index of documents ``{text_field: text, "metadata": {...}, vector_field: [...]}``.

    The ``retrieval_strategy`` decides the mappings and the searches; vectors are given by
    the caller, computed by ``embedding_service``, or computed in the cluster, depending on
    the strategy. Every request carries ``user_agent`` as its ``User-Agent`` (Elastic Cloud
    counts integrations by it); the client's other options are kept.
    """

    def __init__(
        self,
        client: AsyncElasticsearch,
        *,
        index: str,
        retrieval_strategy: AsyncRetrievalStrategy,
        embedding_service: AsyncEmbeddingService | None = None,
        num_dimensions: int | None = None,
        text_field: str = "text_field",
        vector_field: str = "vector_field",
        metadata_mappings: dict[str, Any] | None = None,
        user_agent: str = f"elasticsearch-py-vs/{__versionstr__}",
        custom_index_settings: dict[str, Any] | None = None,
    ) -> None:
        # A strategy that keeps field names of its own (hybrid search) searches the store's.
        for name, value in (("text_field", text_field), ("vector_field", vector_field)):
            if hasattr(retrieval_strategy, name):
                setattr(retrieval_strategy, name, value)
        self.client = client.options(headers={"User-Agent": user_agent})
        self.index = index
        self.retrieval_strategy = retrieval_strategy
        self.embedding_service = embedding_service
        self.num_dimensions = num_dimensions
        self.text_field = text_field
        self.vector_field = vector_field
        self.metadata_mappings = metadata_mappings
        self.custom_index_settings = custom_index_settings

    async def close(self) -> None:
        return await self.client.close()

    async def add_texts(
        self,
        texts: list[str],
        *,
        metadatas: list[dict[str, Any]] | None = None,
        vectors: list[list[float]] | None = None,
        ids: list[str] | None = None,
        refresh_indices: bool = True,
        create_index_if_not_exists: bool = True,
        bulk_kwargs: dict[str, Any] | None = None,
    ) -> list[str]:
        """Indexes ``texts`` (with one metadata dict, vector and id each, when given; random
        UUIDs otherwise) in one bulk run and returns their ids. The index is created first
        when missing, unless ``create_index_if_not_exists=False``; ``bulk_kwargs`` go to
        the bulk helper (``chunk_size``...)."""
        for name, values in (("metadatas", metadatas), ("vectors", vectors), ("ids", ids)):
            _same_length(name, values or None, texts)
        ids = ids or [str(uuid.uuid4()) for _ in texts]
        if create_index_if_not_exists:
            await self._create_index_if_not_exists()
        if self.embedding_service is not None and not vectors:
            vectors = await self.embedding_service.embed_documents(texts)
            _same_length("the embedding service's answer", vectors, texts)
        if not texts:
            logger.debug("No texts to add to index")
            return []
        actions = []
        for i, text in enumerate(texts):
            action: dict[str, Any] = {
                "_op_type": "index",
                "_index": self.index,
                "_id": ids[i],
                self.text_field: text,
                "metadata": metadatas[i] if metadatas else {},
            }
            if vectors:
                action[self.vector_field] = vectors[i]
            actions.append(action)
        try:
            await async_bulk(
                self.client, actions, stats_only=True, refresh=refresh_indices, **(bulk_kwargs or {})
            )
        except BulkIndexError as exc:
            _log_bulk_error("adding texts", exc)
            raise
        logger.debug("added texts %s to index", ids)
        return ids

    async def delete(
        self,
        *,
        ids: list[str] | None = None,
        query: dict[str, Any] | None = None,
        refresh_indices: bool = True,
        **delete_kwargs: Any,
    ) -> bool:
        """Deletes the documents with these ``ids`` (unknown ids are no error) or the ones
        matching ``query`` (delete by query), one of the two; returns True. ``delete_kwargs``
        go to the bulk helper or to ``delete_by_query``."""
        if ids is not None and query is not None:
            raise ValueError("give ids or query to delete, not both")
        if ids is None and query is None:
            raise ValueError("give ids or query to delete")
        if query is not None:
            await self.client.delete_by_query(
                index=self.index, query=query, refresh=refresh_indices, **delete_kwargs
            )
            return True
        if not ids:
            return True
        actions = [{"_op_type": "delete", "_index": self.index, "_id": id_} for id_ in ids]
        try:
            await async_bulk(
                self.client, actions, refresh=refresh_indices, ignore_status=404, **delete_kwargs
            )
        except BulkIndexError as exc:
            _log_bulk_error("deleting texts", exc)
            raise
        logger.debug("Deleted %d texts from index", len(actions))
        return True

    async def search(
        self,
        *,
        query: str | None = None,
        query_vector: list[float] | None = None,
        k: int = 4,
        num_candidates: int = 50,
        fields: list[str] | None = None,
        filter: list[dict[str, Any]] | None = None,
        custom_query: CustomQuery | None = None,
    ) -> list[dict[str, Any]]:
        """The ``k`` best hits (``_index``, ``_id``, ``_score``, ``_source``) for a text
        ``query`` or a ``query_vector``. ``_source`` holds ``fields`` plus the text and the
        metadata; ``filter`` is a list of query clauses; ``custom_query(body, query)`` may
        rewrite the body before it is sent."""
        fields = list(fields or [])
        for name in ("metadata", self.text_field):
            if name not in fields:
                fields.append(name)
        if self.embedding_service is not None and not query_vector:
            if not query:
                raise ValueError("give a query or a query_vector to search")
            query_vector = await self.embedding_service.embed_query(query)
        body = self.retrieval_strategy.es_query(
            query=query,
            query_vector=query_vector,
            text_field=self.text_field,
            vector_field=self.vector_field,
            k=k,
            num_candidates=num_candidates,
            filter=filter or [],
        )
        if custom_query is not None:
            body = custom_query(body, query)
            logger.debug("Calling custom_query, Query body now: %s", body)
        response = await self.client.search(
            index=self.index, **body, size=k, source=True, source_includes=fields
        )
        hits: list[dict[str, Any]] = response["hits"]["hits"]
        return hits

    async def _create_index_if_not_exists(self) -> None:
        """Creates the index with the strategy's mappings and settings, plus the metadata
        mappings and custom settings given; nothing when it exists."""
        exists = await self.client.indices.exists(index=self.index)
        if exists.meta.status == 200:
            logger.debug("Index %s already exists. Skipping creation.", self.index)
            return
        if self.retrieval_strategy.needs_inference() and not self.num_dimensions:
            if self.embedding_service is None:
                raise ValueError(
                    "this retrieval strategy indexes vectors: give num_dimensions or an embedding_service"
                )
            self.num_dimensions = len(await self.embedding_service.embed_query("get num dimensions"))
        mappings, settings = self.retrieval_strategy.es_mappings_settings(
            text_field=self.text_field, vector_field=self.vector_field, num_dimensions=self.num_dimensions
        )
        if self.custom_index_settings:
            clash = set(self.custom_index_settings) & set(settings)
            if clash:
                raise ValueError(f"Conflicting settings: {clash} are set by the retrieval strategy")
            settings.update(self.custom_index_settings)
        if self.metadata_mappings:
            properties = mappings.setdefault("properties", {})
            metadata = dict(properties.get("metadata", {}).get("properties", {}))
            for key in self.metadata_mappings:
                if key in metadata:
                    raise ValueError(f"metadata key {key} already exists in mappings")
            metadata.update(self.metadata_mappings)
            properties["metadata"] = {"properties": metadata}
        await self.retrieval_strategy.before_index_creation(
            client=self.client, text_field=self.text_field, vector_field=self.vector_field
        )
        await self.client.indices.create(index=self.index, mappings=mappings, settings=settings)

    async def _mmr_search(
        self,
        *,
        query: str | None,
        query_embedding: list[float] | None,
        embedding_service: AsyncEmbeddingService | None,
        vector_field: str,
        k: int,
        num_candidates: int,
        lambda_mult: float,
        fields: list[str] | None,
        custom_query: CustomQuery | None,
        filter: list[dict[str, Any]] | None,
    ) -> list[dict[str, Any]]:
        """Fetches ``num_candidates`` hits by vector with their vectors, then keeps ``k`` of
        them by maximal marginal relevance; the vectors leave ``_source`` again unless
        ``fields`` asked for them."""
        keep_vectors = fields is not None and vector_field in fields
        fields = [*(fields or []), *([] if keep_vectors else [vector_field])]
        if query_embedding:
            query_vector = query_embedding
        elif not query:
            raise ValueError("give a query or a query_embedding to search")
        else:
            service = embedding_service or self.embedding_service
            if service is None:
                raise ValueError("searching by query text needs an embedding_service")
            query_vector = await service.embed_query(query)
        hits = await self.search(
            query=None,
            query_vector=query_vector,
            k=num_candidates,
            fields=fields,
            custom_query=custom_query,
            filter=filter,
        )
        vectors = [hit["_source"][vector_field] for hit in hits]
        chosen = [
            hits[i] for i in maximal_marginal_relevance(query_vector, vectors, lambda_mult=lambda_mult, k=k)
        ]
        if not keep_vectors:
            for hit in chosen:
                del hit["_source"][vector_field]
        return chosen

    if VECTORSTORE_MMR_FILTER:

        async def max_marginal_relevance_search(
            self,
            *,
            query: str | None = None,
            query_embedding: list[float] | None = None,
            embedding_service: AsyncEmbeddingService | None = None,
            vector_field: str,
            k: int = 4,
            num_candidates: int = 20,
            lambda_mult: float = 0.5,
            fields: list[str] | None = None,
            custom_query: CustomQuery | None = None,
            filter: list[dict[str, Any]] | None = None,
        ) -> list[dict[str, Any]]:
            """``k`` hits close to ``query`` (embedded by ``embedding_service`` or the
            store's) or ``query_embedding`` and unlike each other, picked by maximal marginal
            relevance among ``num_candidates`` kNN hits restricted by ``filter``.
            ``lambda_mult`` runs from 0 (most diverse) to 1 (most relevant). Needs the
            ``vectorstore_mmr`` extra (numpy, simsimd)."""
            return await self._mmr_search(
                query=query,
                query_embedding=query_embedding,
                embedding_service=embedding_service,
                vector_field=vector_field,
                k=k,
                num_candidates=num_candidates,
                lambda_mult=lambda_mult,
                fields=fields,
                custom_query=custom_query,
                filter=filter,
            )

    else:

        async def max_marginal_relevance_search(  # type: ignore[misc]  # no filter on 8.x
            self,
            *,
            query: str | None = None,
            query_embedding: list[float] | None = None,
            embedding_service: AsyncEmbeddingService | None = None,
            vector_field: str,
            k: int = 4,
            num_candidates: int = 20,
            lambda_mult: float = 0.5,
            fields: list[str] | None = None,
            custom_query: CustomQuery | None = None,
        ) -> list[dict[str, Any]]:
            """``k`` hits close to ``query`` (embedded by ``embedding_service`` or the
            store's) or ``query_embedding`` and unlike each other, picked by maximal marginal
            relevance among ``num_candidates`` kNN hits. ``lambda_mult`` runs from 0 (most
            diverse) to 1 (most relevant). Needs the ``vectorstore_mmr`` extra (numpy,
            simsimd)."""
            return await self._mmr_search(
                query=query,
                query_embedding=query_embedding,
                embedding_service=embedding_service,
                vector_field=vector_field,
                k=k,
                num_candidates=num_candidates,
                lambda_mult=lambda_mult,
                fields=fields,
                custom_query=custom_query,
                filter=None,
            )
