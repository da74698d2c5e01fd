"""``helpers.vectorstore`` (8.x/9.x clients) on a real cluster: texts in, searches out, deletes.

Each test runs with ``VectorStore`` on the package's ``Elasticsearch`` and with
``AsyncVectorStore`` on its ``AsyncElasticsearch``. Dense vector kNN (with metadata filters,
hybrid search without RRF, maximal marginal relevance) and BM25 need nothing beyond the
core of Elasticsearch; exact script scoring needs painless, RRF the rank-rrf module, and
sparse vectors and in-cluster embeddings machine learning: those skip where the
distribution lacks the module.

The last test is a third-party program in the style of langchain-elasticsearch's
``ElasticsearchStore``, written against the official API only.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import math
import os
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.majors(8, 9)

# (id, text, metadata, vector): two fruits, a landscape, a vehicle.
DOCS = [
    ("1", "red apple", {"kind": "fruit", "n": 1}, [1.0, 0.0, 0.0]),
    ("2", "green apple", {"kind": "fruit", "n": 2}, [0.9, 0.1, 0.0]),
    ("3", "blue sky", {"kind": "nature", "n": 3}, [0.0, 0.0, 1.0]),
    ("4", "red car", {"kind": "vehicle", "n": 4}, [0.95, 0.0, 0.05]),
]
KIND = {"kind": {"type": "keyword"}, "n": {"type": "integer"}}
ONE_SHARD = {"number_of_shards": 1, "number_of_replicas": 0}


def vectorstore(api: Any) -> ModuleType:
    return importlib.import_module(f"{api.module.__name__}.helpers.vectorstore")


def cls(api: Any, mode: str, name: str) -> Any:
    """The sync class for ``mode == "sync"``, its ``Async`` twin otherwise."""
    return getattr(vectorstore(api), name if mode == "sync" else f"Async{name}")


def client(es: Any, mode: str) -> Any:
    """The real client behind the fixture (the sync one is wrapped to look async)."""
    return es.unwrapped if mode == "sync" else es


async def done(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def ids_of(hits: list[dict[str, Any]]) -> list[str]:
    return [hit["_id"] for hit in hits]


async def add_docs(store: Any, with_vectors: bool = True) -> None:
    ids = await done(
        store.add_texts(
            [text for _, text, _, _ in DOCS],
            metadatas=[meta for _, _, meta, _ in DOCS],
            vectors=[vector for *_, vector in DOCS] if with_vectors else None,
            ids=[id_ for id_, *_ in DOCS],
        )
    )
    assert ids == ["1", "2", "3", "4"]


class WordEmbeddings:
    """A deterministic embedding made here in Python: each of 16 dimensions counts the words
    of the text that hash to it. Texts sharing words get close vectors."""

    DIMS = 16

    def _embed(self, text: str) -> list[float]:
        vector = [0.0] * self.DIMS
        for word in text.lower().split():
            vector[hashlib.sha1(word.encode()).digest()[0] % self.DIMS] += 1.0
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        return [x / norm for x in vector]


def embedding_service(api: Any, mode: str) -> Any:
    base = cls(api, mode, "EmbeddingService")
    if mode == "sync":

        class Sync(WordEmbeddings, base):  # type: ignore[misc,valid-type]
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return [self._embed(text) for text in texts]

            def embed_query(self, query: str) -> list[float]:
                return self._embed(query)

        return Sync()

    class Async(WordEmbeddings, base):  # type: ignore[misc,valid-type]
        async def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [self._embed(text) for text in texts]

        async def embed_query(self, query: str) -> list[float]:
            return self._embed(query)

    return Async()


# --------------------------------------------------------------------------- dense vector kNN


async def test_knn_add_search_filter_delete(es: Any, api: Any, mode: str, index: str) -> None:
    store = cls(api, mode, "VectorStore")(
        client(es, mode),
        index=index,
        retrieval_strategy=cls(api, mode, "DenseVectorStrategy")(),
        num_dimensions=3,
        metadata_mappings=KIND,
        custom_index_settings=ONE_SHARD,
    )
    await add_docs(store)
    mapping = api.data(await es.indices.get_mapping(index=index))[index]["mappings"]["properties"]
    assert mapping["vector_field"] == {
        "type": "dense_vector",
        "dims": 3,
        "index": True,
        "similarity": "cosine",
        **{k: v for k, v in mapping["vector_field"].items() if k == "index_options"},
    }
    assert mapping["metadata"]["properties"]["kind"] == {"type": "keyword"}
    assert mapping["text_field"]["type"] == "text"

    hits = await done(store.search(query_vector=[1.0, 0.0, 0.0], k=2))
    assert ids_of(hits) == ["1", "4"]
    assert hits[0]["_source"] == {"text_field": "red apple", "metadata": {"kind": "fruit", "n": 1}}
    fruit = await done(
        store.search(query_vector=[1.0, 0.0, 0.0], k=4, filter=[{"term": {"metadata.kind": "fruit"}}])
    )
    assert ids_of(fruit) == ["1", "2"]
    extra = await done(store.search(query_vector=[0.0, 0.0, 1.0], k=1, fields=["vector_field"]))
    assert extra[0]["_source"]["vector_field"] == [0.0, 0.0, 1.0]

    # Unknown ids are no error; a second add to the existing index keeps its mappings.
    assert await done(store.delete(ids=["1", "does-not-exist"])) is True
    assert ids_of(await done(store.search(query_vector=[1.0, 0.0, 0.0], k=4))) == ["4", "2", "3"]
    await done(store.add_texts(["red apple again"], vectors=[[1.0, 0.0, 0.0]], ids=["5"]))
    assert ids_of(await done(store.search(query_vector=[1.0, 0.0, 0.0], k=1))) == ["5"]


async def test_delete_by_query(es: Any, api: Any, mode: str, index: str, es_cluster: Any) -> None:
    es_cluster.require("reindex", "the _delete_by_query API")
    store = cls(api, mode, "VectorStore")(
        client(es, mode),
        index=index,
        retrieval_strategy=cls(api, mode, "DenseVectorStrategy")(),
        num_dimensions=3,
        metadata_mappings=KIND,
    )
    await add_docs(store)
    assert await done(store.delete(query={"term": {"metadata.kind": "fruit"}})) is True
    assert ids_of(await done(store.search(query_vector=[1.0, 0.0, 0.0], k=4))) == ["4", "3"]


async def test_knn_bad_vector_is_reported(es: Any, api: Any, mode: str, index: str) -> None:
    """A vector of the wrong length comes back as the bulk helper's BulkIndexError."""
    store = cls(api, mode, "VectorStore")(
        client(es, mode),
        index=index,
        retrieval_strategy=cls(api, mode, "DenseVectorStrategy")(),
        num_dimensions=3,
    )
    helpers = importlib.import_module(f"{api.module.__name__}.helpers")
    with pytest.raises(helpers.BulkIndexError) as caught:
        await done(store.add_texts(["short"], vectors=[[1.0, 0.0]], ids=["x"]))
    assert caught.value.errors[0]["index"]["status"] == 400


async def test_hybrid_without_rrf(es: Any, api: Any, mode: str, index: str) -> None:
    """kNN plus a BM25 match on the store's text field, scores summed: the one document
    that has the word comes first, though its vector is the farthest from the query's."""
    strategy = cls(api, mode, "DenseVectorStrategy")(hybrid=True, rrf=False)
    store = cls(api, mode, "VectorStore")(
        client(es, mode),
        index=index,
        retrieval_strategy=strategy,
        num_dimensions=3,
        text_field="content",
        custom_index_settings=ONE_SHARD,
    )
    await add_docs(store)
    assert strategy.text_field == "content"
    hits = await done(store.search(query="sky", query_vector=[1.0, 0.0, 0.0], k=4, num_candidates=4))
    assert ids_of(hits)[0] == "3"
    assert sorted(ids_of(hits)) == ["1", "2", "3", "4"]
    assert hits[0]["_source"]["content"] == "blue sky"


async def test_hybrid_rrf(es: Any, api: Any, mode: str, index: str, es_cluster: Any) -> None:
    es_cluster.require("rank-rrf", "the rrf retriever of hybrid search")
    strategy = cls(api, mode, "DenseVectorStrategy")(hybrid=True, rrf={"rank_constant": 20})
    store = cls(api, mode, "VectorStore")(
        client(es, mode), index=index, retrieval_strategy=strategy, num_dimensions=3
    )
    await add_docs(store)
    hits = await done(store.search(query="sky", query_vector=[1.0, 0.0, 0.0], k=4))
    assert set(ids_of(hits)) >= {"1", "3"}


# --------------------------------------------------------------------------- BM25


async def test_bm25(es: Any, api: Any, mode: str, index: str) -> None:
    store = cls(api, mode, "VectorStore")(
        client(es, mode),
        index=index,
        retrieval_strategy=cls(api, mode, "BM25Strategy")(k1=1.1, b=0.6),
        metadata_mappings=KIND,
    )
    await add_docs(store, with_vectors=False)
    settings = api.data(await es.indices.get_settings(index=index))[index]["settings"]["index"]
    assert settings["similarity"]["custom_bm25"] == {"type": "BM25", "k1": "1.1", "b": "0.6"}
    hits = await done(store.search(query="apple", k=4))
    assert sorted(ids_of(hits)) == ["1", "2"]
    red = await done(store.search(query="red", filter=[{"range": {"metadata.n": {"gte": 2}}}]))
    assert ids_of(red) == ["4"]
    assert await done(store.delete(ids=["2"])) is True
    assert ids_of(await done(store.search(query="apple"))) == ["1"]


# --------------------------------------------------------------------------- embeddings made in Python


async def test_embedding_service_in_python(es: Any, api: Any, mode: str, index: str) -> None:
    """The store asks the service for the dimensions, the documents' vectors and the query's."""
    store = cls(api, mode, "VectorStore")(
        client(es, mode),
        index=index,
        retrieval_strategy=cls(api, mode, "DenseVectorStrategy")(),
        embedding_service=embedding_service(api, mode),
    )
    await add_docs(store, with_vectors=False)
    mapping = api.data(await es.indices.get_mapping(index=index))[index]["mappings"]["properties"]
    assert mapping["vector_field"]["dims"] == WordEmbeddings.DIMS
    hits = await done(store.search(query="blue sky", k=1))
    assert ids_of(hits) == ["3"]
    if importlib.util.find_spec("numpy") and importlib.util.find_spec("simsimd"):
        # The query text of an MMR search goes through the store's service too.
        picked = await done(
            store.max_marginal_relevance_search(query="red apple", vector_field="vector_field", k=2)
        )
        assert ids_of(picked)[0] == "1" and len(set(ids_of(picked))) == 2
        assert all("vector_field" not in hit["_source"] for hit in picked)


# --------------------------------------------------------------------------- maximal marginal relevance

MMR_DOCS = [
    ("a", [1.0, 0.0]),  # the best match
    ("b", [1.0, 0.01]),  # nearly the same as a
    ("c", [0.0, 1.0]),  # unlike a
    ("d", [0.8, 0.6]),  # between
]


async def test_max_marginal_relevance(es: Any, api: Any, mode: str, index: str) -> None:
    pytest.importorskip("numpy", reason="the vectorstore_mmr extra (numpy) is not installed")
    pytest.importorskip("simsimd", reason="the vectorstore_mmr extra (simsimd) is not installed")
    store = cls(api, mode, "VectorStore")(
        client(es, mode),
        index=index,
        retrieval_strategy=cls(api, mode, "DenseVectorStrategy")(),
        num_dimensions=2,
        metadata_mappings=KIND,
    )
    await done(
        store.add_texts(
            [f"doc {id_}" for id_, _ in MMR_DOCS],
            vectors=[vector for _, vector in MMR_DOCS],
            ids=[id_ for id_, _ in MMR_DOCS],
            metadatas=[{"kind": "even" if i % 2 else "odd"} for i in range(len(MMR_DOCS))],
        )
    )
    relevant = await done(
        store.max_marginal_relevance_search(
            query_embedding=[1.0, 0.0], vector_field="vector_field", k=3, num_candidates=4, lambda_mult=1.0
        )
    )
    assert ids_of(relevant) == ["a", "b", "d"]
    diverse = await done(
        store.max_marginal_relevance_search(
            query_embedding=[1.0, 0.0], vector_field="vector_field", k=3, num_candidates=4, lambda_mult=0.3
        )
    )
    assert ids_of(diverse) == ["a", "c", "d"]
    assert all("vector_field" not in hit["_source"] for hit in diverse)
    assert diverse[1]["_source"]["text_field"] == "doc c"
    if "filter" in inspect.signature(store.max_marginal_relevance_search).parameters:  # 9.x
        filtered = await done(
            store.max_marginal_relevance_search(
                query_embedding=[1.0, 0.0],
                vector_field="vector_field",
                k=2,
                num_candidates=4,
                lambda_mult=0.3,
                filter=[{"term": {"metadata.kind": "even"}}],
            )
        )
        assert ids_of(filtered) == ["b", "d"]


# --------------------------------------------------------------------------- modules these distributions lack


async def test_script_score(es: Any, api: Any, mode: str, names: Any, es_cluster: Any) -> None:
    es_cluster.require("lang-painless", "the script_score query of DenseVectorScriptScoreStrategy")
    distance = vectorstore(api).DistanceMetric
    for metric in distance:
        store = cls(api, mode, "VectorStore")(
            client(es, mode),
            index=names.index(metric.value.lower()),
            retrieval_strategy=cls(api, mode, "DenseVectorScriptScoreStrategy")(distance=metric),
            num_dimensions=3,
        )
        await add_docs(store)
        hits = await done(store.search(query_vector=[1.0, 0.0, 0.0], k=1))
        assert ids_of(hits) == ["1"], metric


async def test_sparse_vector(es: Any, api: Any, mode: str, index: str, es_cluster: Any) -> None:
    es_cluster.require("x-pack-ml", "the ELSER model of SparseVectorStrategy")
    es_cluster.require("x-pack-inference", "the sparse_vector query")
    utils = importlib.import_module(f"{vectorstore(api).__name__}._{mode}._utils")
    if not await done(utils.model_is_deployed(client(es, mode), ".elser_model_2")):
        pytest.skip("the ELSER model .elser_model_2 is not deployed on this cluster")
    store = cls(api, mode, "VectorStore")(
        client(es, mode), index=index, retrieval_strategy=cls(api, mode, "SparseVectorStrategy")()
    )
    await add_docs(store, with_vectors=False)
    assert "1" in ids_of(await done(store.search(query="apple")))


EMBEDDING_MODEL = os.environ.get("ES_INTEGRATION_EMBEDDING_MODEL", ".multilingual-e5-small")


async def test_elasticsearch_embeddings(es: Any, api: Any, mode: str, index: str, es_cluster: Any) -> None:
    """A text embedding model deployed in the cluster (ES_INTEGRATION_EMBEDDING_MODEL) embeds
    the documents at indexing and the query at search."""
    es_cluster.require("x-pack-ml", "the trained model of ElasticsearchEmbeddings")
    utils = importlib.import_module(f"{vectorstore(api).__name__}._{mode}._utils")
    if not await done(utils.model_is_deployed(client(es, mode), EMBEDDING_MODEL)):
        pytest.skip(f"the text embedding model {EMBEDDING_MODEL} is not deployed on this cluster")
    service = cls(api, mode, "ElasticsearchEmbeddings")(client=client(es, mode), model_id=EMBEDDING_MODEL)
    vectors = await done(service.embed_documents(["a", "b"]))
    assert len(vectors) == 2 and len(vectors[0]) == len(vectors[1]) > 0
    store = cls(api, mode, "VectorStore")(
        client(es, mode),
        index=index,
        retrieval_strategy=cls(api, mode, "DenseVectorStrategy")(),
        embedding_service=service,
    )
    await add_docs(store, with_vectors=False)
    assert ids_of(await done(store.search(query="blue sky", k=1))) == ["3"]


# --------------------------------------------------------------------------- a third-party program


class Document:
    """What the program hands its users: the text and its metadata."""

    def __init__(self, page_content: str, metadata: dict[str, Any], id: str | None = None) -> None:
        self.page_content = page_content
        self.metadata = metadata
        self.id = id


class LangchainStyleStore:
    """A sync store in the manner of langchain-elasticsearch's ``ElasticsearchStore``: it picks
    a strategy, wraps ``helpers.vectorstore.VectorStore`` and maps hits to documents. Only
    the official client's public API is used."""

    def __init__(self, es_connection: Any, index_name: str, embedding: Any, package: str) -> None:
        vs = importlib.import_module(f"{package}.helpers.vectorstore")
        self._store = vs.VectorStore(
            client=es_connection,
            index=index_name,
            retrieval_strategy=vs.DenseVectorStrategy(distance=vs.DistanceMetric.COSINE),
            embedding_service=embedding,
            text_field="text",
            vector_field="vector",
            user_agent="langchain-py-vs/0.0.0",
        )

    def add_texts(self, texts: list[str], metadatas: list[dict[str, Any]] | None = None) -> list[str]:
        ids: list[str] = self._store.add_texts(texts=texts, metadatas=metadatas)
        return ids

    def similarity_search(
        self, query: str, k: int = 4, filter: list[dict[str, Any]] | None = None
    ) -> list[Document]:
        hits = self._store.search(query=query, k=k, filter=filter)
        return [
            Document(hit["_source"]["text"], hit["_source"].get("metadata", {}), hit["_id"]) for hit in hits
        ]

    def delete(self, ids: list[str]) -> bool:
        return bool(self._store.delete(ids=ids))


async def test_langchain_style_program(make_client: Any, api: Any, index: str) -> None:
    """The program is synchronous, as ``ElasticsearchStore`` is: one run, with a sync client."""
    es = make_client("sync")
    program = LangchainStyleStore(es, index, embedding_service(api, "sync"), api.module.__name__)
    ids = program.add_texts(
        ["the cat sat on the mat", "dogs chase cats", "stocks fell on monday"],
        metadatas=[{"topic": "pets"}, {"topic": "pets"}, {"topic": "markets"}],
    )
    assert len(ids) == 3
    found = program.similarity_search("cat mat", k=1)
    assert [(d.page_content, d.metadata, d.id) for d in found] == [
        ("the cat sat on the mat", {"topic": "pets"}, ids[0])
    ]
    markets = program.similarity_search(
        "cat mat", k=3, filter=[{"term": {"metadata.topic.keyword": "markets"}}]
    )
    assert [d.id for d in markets] == [ids[2]]
    assert program.delete([ids[0]]) is True
    assert ids[0] not in [d.id for d in program.similarity_search("cat mat", k=3)]
