"""Retrieval strategies: how a vector store maps its index and what search body it sends.

A strategy is pure data work (``es_query``, ``es_mappings_settings``) plus an optional
step against the cluster before the index exists (``before_index_creation``: checking a
model, creating an inference pipeline).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from .... import AsyncElasticsearch
from ...._profile import VECTORSTORE_SPARSE_VECTOR_QUERY
from .._utils import DistanceMetric
from ._utils import model_must_be_deployed

__all__ = [
    "AsyncBM25Strategy",
    "AsyncDenseVectorScriptScoreStrategy",
    "AsyncDenseVectorStrategy",
    "AsyncRetrievalStrategy",
    "AsyncSparseVectorStrategy",
]

Body = dict[str, Any]


def _by_metric(table: dict[DistanceMetric, str], distance: Any) -> str:
    """The entry of ``table`` for ``distance``, or a ValueError naming the metrics there are."""
    try:
        found = table.get(distance)
    except TypeError:  # unhashable: no metric
        found = None
    if found is None:
        known = ", ".join(metric.name for metric in table)
        raise ValueError(f"Similarity {distance!r} not supported; use a DistanceMetric: {known}")
    return found


def _bool_query(must: list[Body], filter: list[Body]) -> Body:
    return {"bool": {"must": must, "filter": filter}}


def _match(field: str, query: str | None) -> Body:
    return {"match": {field: {"query": query}}}


class AsyncRetrievalStrategy(ABC):
    """The base of every strategy; subclass it for a retrieval of your own."""

    @abstractmethod
    def es_query(
        self,
        *,
        query: str | None,
        query_vector: list[float] | None,
        text_field: str,
        vector_field: str,
        k: int,
        num_candidates: int,
        filter: list[dict[str, Any]] = [],  # noqa: B006 (the official default; never changed)
    ) -> dict[str, Any]:
        """The search body for a text ``query`` or a ``query_vector`` (one may be None),
        returning ``k`` hits among ``num_candidates`` (kNN), restricted by ``filter``."""

    @abstractmethod
    def es_mappings_settings(
        self,
        *,
        text_field: str,
        vector_field: str,
        num_dimensions: int | None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The index's ``(mappings, settings)`` for the store's two fields."""

    async def before_index_creation(
        self, *, client: AsyncElasticsearch, text_field: str, vector_field: str
    ) -> None:
        """Work against the cluster before the store creates its index; nothing by default."""
        return None

    def needs_inference(self) -> bool:
        """Whether the store must embed texts itself (with its embedding service) before
        indexing and searching: False when vectors are computed in Elasticsearch or unused."""
        return False


class AsyncSparseVectorStrategy(AsyncRetrievalStrategy):
    """Sparse (ELSER-style) retrieval: an ingest pipeline runs ``model_id`` on every text and
    stores its tokens; searches expand the query text with the same model."""

    def __init__(self, model_id: str = ".elser_model_2"):
        self.model_id = model_id
        self._tokens_field = "tokens"
        self._pipeline_name = f"{model_id}_sparse_embedding"

    def es_query(
        self,
        *,
        query: str | None,
        query_vector: list[float] | None,
        text_field: str,
        vector_field: str,
        k: int,
        num_candidates: int,
        filter: list[dict[str, Any]] = [],  # noqa: B006 (the official default; never changed)
    ) -> dict[str, Any]:
        if query_vector:
            raise ValueError(
                "SparseVectorStrategy cannot search by query_vector: the query text is expanded "
                "by the model inside Elasticsearch"
            )
        if query is None:
            raise ValueError("SparseVectorStrategy needs a query string")
        tokens = f"{vector_field}.{self._tokens_field}"
        clause: Body
        if VECTORSTORE_SPARSE_VECTOR_QUERY:
            clause = {"sparse_vector": {"field": tokens, "inference_id": self.model_id, "query": query}}
        else:
            clause = {"text_expansion": {tokens: {"model_id": self.model_id, "model_text": query}}}
        return {"query": _bool_query([clause], filter)}

    def es_mappings_settings(
        self,
        *,
        text_field: str,
        vector_field: str,
        num_dimensions: int | None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        kind = "sparse_vector" if VECTORSTORE_SPARSE_VECTOR_QUERY else "rank_features"
        mappings: Body = {"properties": {vector_field: {"properties": {self._tokens_field: {"type": kind}}}}}
        return mappings, {"default_pipeline": self._pipeline_name}

    def _processor(self, text_field: str, vector_field: str) -> Body:
        """The pipeline's inference step, from ``text_field`` into the tokens field."""
        if VECTORSTORE_SPARSE_VECTOR_QUERY:
            output = f"{vector_field}.{self._tokens_field}"
            return {
                "model_id": self.model_id,
                "input_output": [{"input_field": text_field, "output_field": output}],
            }
        return {
            "model_id": self.model_id,
            "target_field": vector_field,
            "field_map": {text_field: "text_field"},
            "inference_config": {"text_expansion": {"results_field": self._tokens_field}},
        }

    async def before_index_creation(
        self, *, client: AsyncElasticsearch, text_field: str, vector_field: str
    ) -> None:
        if not self.model_id:
            return
        await model_must_be_deployed(client, self.model_id)
        await client.ingest.put_pipeline(
            id=self._pipeline_name,
            description="Embedding pipeline for Python VectorStore",
            processors=[{"inference": self._processor(text_field, vector_field)}],
        )


_KNN_SIMILARITY = {
    DistanceMetric.COSINE: "cosine",
    DistanceMetric.EUCLIDEAN_DISTANCE: "l2_norm",
    DistanceMetric.DOT_PRODUCT: "dot_product",
    DistanceMetric.MAX_INNER_PRODUCT: "max_inner_product",
}


class AsyncDenseVectorStrategy(AsyncRetrievalStrategy):
    """Approximate kNN over an indexed ``dense_vector`` field.

    Query vectors come from the caller, from the store's embedding service, or (with
    ``model_id``) from a model deployed in the cluster. ``hybrid=True`` adds a BM25 match on
    ``text_field``, merged by reciprocal rank fusion (``rrf``: True, or a dict with
    ``rank_constant`` / ``rank_window_size``) or, with ``rrf=False``, by summed scores.
    """

    def __init__(
        self,
        *,
        distance: DistanceMetric = DistanceMetric.COSINE,
        model_id: str | None = None,
        hybrid: bool = False,
        rrf: bool | dict[str, Any] = True,
        text_field: str | None = "text_field",
    ):
        if hybrid and not text_field:
            raise ValueError("hybrid=True needs a text_field for the BM25 part of the search")
        self.distance = distance
        self.model_id = model_id
        self.hybrid = hybrid
        self.rrf = rrf
        self.text_field = text_field

    def es_query(
        self,
        *,
        query: str | None,
        query_vector: list[float] | None,
        text_field: str,
        vector_field: str,
        k: int,
        num_candidates: int,
        filter: list[dict[str, Any]] = [],  # noqa: B006 (the official default; never changed)
    ) -> dict[str, Any]:
        knn: Body = {"filter": filter, "field": vector_field, "k": k, "num_candidates": num_candidates}
        if query_vector is not None:
            knn["query_vector"] = query_vector
        else:  # embedded in Elasticsearch (the store has no embedding service)
            knn["query_vector_builder"] = {"text_embedding": {"model_id": self.model_id, "model_text": query}}
        if not self.hybrid:
            return {"knn": knn}
        if query is None:
            raise ValueError("a hybrid search needs a query string for its BM25 part")
        return self._hybrid(query=query, knn=knn, filter=filter)

    def _hybrid(self, query: str, knn: Body, filter: list[Body]) -> Body:
        text_search = {"query": _bool_query([_match(str(self.text_field), query)], filter)}
        if self.rrf is False:
            return {"knn": knn, **text_search}
        rrf: Body = {"retrievers": [{"standard": text_search}, {"knn": knn}]}
        if isinstance(self.rrf, dict):
            if "rank_constant" in self.rrf:
                rrf["rank_constant"] = self.rrf["rank_constant"]
            # ``window_size`` is the older name of ``rank_window_size``; the new one wins.
            for name in ("window_size", "rank_window_size"):
                if name in self.rrf:
                    rrf["rank_window_size"] = self.rrf[name]
        return {"retriever": {"rrf": rrf}}

    def es_mappings_settings(
        self,
        *,
        text_field: str,
        vector_field: str,
        num_dimensions: int | None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        vector = {
            "type": "dense_vector",
            "dims": num_dimensions,
            "index": True,
            "similarity": _by_metric(_KNN_SIMILARITY, self.distance),
        }
        return {"properties": {vector_field: vector}}, {}

    async def before_index_creation(
        self, *, client: AsyncElasticsearch, text_field: str, vector_field: str
    ) -> None:
        if self.model_id:
            await model_must_be_deployed(client, self.model_id)

    def needs_inference(self) -> bool:
        return not self.model_id


# Painless scores of the exact search, all >= 0 as script_score requires; ``{field}`` is
# the vector field.
_SCRIPTS = {
    DistanceMetric.COSINE: "cosineSimilarity(params.query_vector, '{field}') + 1.0",
    DistanceMetric.EUCLIDEAN_DISTANCE: "1 / (1 + l2norm(params.query_vector, '{field}'))",
    DistanceMetric.DOT_PRODUCT: (
        "double value = dotProduct(params.query_vector, '{field}'); return sigmoid(1, Math.E, -value);"
    ),
    DistanceMetric.MAX_INNER_PRODUCT: (
        "double value = dotProduct(params.query_vector, '{field}'); "
        "if (value < 0) {{ return 1 / (1 + -1 * value); }} return value + 1;"
    ),
}


class AsyncDenseVectorScriptScoreStrategy(AsyncRetrievalStrategy):
    """Exact nearest neighbours: every matching document is scored by a script
    (``script_score``); the vectors are stored without a kNN index."""

    def __init__(self, distance: DistanceMetric = DistanceMetric.COSINE) -> None:
        self.distance = distance

    def es_query(
        self,
        *,
        query: str | None,
        query_vector: list[float] | None,
        text_field: str,
        vector_field: str,
        k: int,
        num_candidates: int,
        filter: list[dict[str, Any]] = [],  # noqa: B006 (the official default; never changed)
    ) -> dict[str, Any]:
        if not query_vector:
            raise ValueError("DenseVectorScriptScoreStrategy needs a query_vector")
        source = _by_metric(_SCRIPTS, self.distance).format(field=vector_field)
        matched: Body = {"bool": {"filter": filter}} if filter else {"match_all": {}}
        script = {"source": source, "params": {"query_vector": query_vector}}
        return {"query": {"script_score": {"query": matched, "script": script}}}

    def es_mappings_settings(
        self,
        *,
        text_field: str,
        vector_field: str,
        num_dimensions: int | None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        vector = {"type": "dense_vector", "dims": num_dimensions, "index": False}
        return {"properties": {vector_field: vector}}, {}

    def needs_inference(self) -> bool:
        return True


class AsyncBM25Strategy(AsyncRetrievalStrategy):
    """Full-text search only: the text field gets a BM25 similarity of its own, tuned by
    ``k1`` and ``b`` when given (Elasticsearch's defaults otherwise)."""

    _SIMILARITY = "custom_bm25"

    def __init__(self, k1: float | None = None, b: float | None = None):
        self.k1 = k1
        self.b = b

    def es_query(
        self,
        *,
        query: str | None,
        query_vector: list[float] | None,
        text_field: str,
        vector_field: str,
        k: int,
        num_candidates: int,
        filter: list[dict[str, Any]] = [],  # noqa: B006 (the official default; never changed)
    ) -> dict[str, Any]:
        return {"query": _bool_query([_match(text_field, query)], filter)}

    def es_mappings_settings(
        self,
        *,
        text_field: str,
        vector_field: str,
        num_dimensions: int | None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        similarity: Body = {"type": "BM25"}
        for name, value in (("k1", self.k1), ("b", self.b)):
            if value is not None:
                similarity[name] = value
        mappings = {"properties": {text_field: {"type": "text", "similarity": self._SIMILARITY}}}
        return mappings, {"similarity": {self._SIMILARITY: similarity}}
