"""``helpers.vectorstore`` of the 8.x and 9.x packages on the wire: what each retrieval strategy
maps and asks, what the store indexes, searches and deletes, and the maximal marginal
relevance selection.

Each store test runs per package and per flavour (``VectorStore`` on ``Elasticsearch``,
``AsyncVectorStore`` on ``AsyncElasticsearch``) against the recording server, which plays a
cluster without the index. Expected bodies are the ones the official clients (9.5.1 /
8.19.3) send for the same calls.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import math
import random
import subprocess
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from .v8plus_servers import Recorded, RecordingServer, Reply, resolve

INDEX = "vs-index"
HAS_MMR = all(importlib.util.find_spec(name) is not None for name in ("numpy", "simsimd"))
needs_mmr = pytest.mark.skipif(
    not HAS_MMR, reason="numpy and simsimd (the vectorstore_mmr extra) not installed"
)


def vs(es_module: ModuleType) -> ModuleType:
    return importlib.import_module(f"{es_module.__name__}.helpers.vectorstore")


def flavour(es: Any, name: str) -> Any:
    """The sync class ``name`` for a sync client, its ``Async`` twin for an async one."""
    module = vs(importlib.import_module(type(es).__module__.split(".")[0]))
    return getattr(module, name if type(es).__name__ == "Elasticsearch" else f"Async{name}")


class Cluster:
    """Answers of a cluster holding no index yet: HEAD of an index 404, index creation and
    pipelines acknowledged, bulk items all successful (or failed, with ``bulk_status``),
    searches ``hits``, inference ``vectors``."""

    def __init__(self, server: RecordingServer) -> None:
        self.server = server
        self.hits: list[dict[str, Any]] = []
        self.vectors: list[list[float]] = [[0.5, 0.5, 0.5]]
        self.bulk_status = 201
        server.handler = self.answer

    def answer(self, request: Recorded) -> Reply:
        path = request.path
        if request.method == "HEAD":
            return Reply(status=404, body=b"")
        if path.endswith("/_bulk"):
            items = []
            for line in request.ndjson():
                if len(line) == 1 and next(iter(line)) in ("index", "delete", "create", "update"):
                    op = next(iter(line))
                    item: dict[str, Any] = {
                        "_index": INDEX,
                        "_id": line[op].get("_id"),
                        "status": self.bulk_status,
                    }
                    if self.bulk_status >= 300:
                        item["error"] = {"type": "document_parsing_exception", "reason": "bad vector"}
                    items.append({op: item})
            return Reply(body={"took": 1, "errors": self.bulk_status >= 300, "items": items})
        if path.endswith("/_search"):
            return Reply(
                body={"hits": {"total": {"value": len(self.hits), "relation": "eq"}, "hits": self.hits}}
            )
        if path.endswith("/_infer"):
            results = [{"predicted_value": vector} for vector in self.vectors]
            return Reply(body={"inference_results": results})
        if path.endswith("/_delete_by_query"):
            return Reply(body={"deleted": 1, "failures": []})
        return Reply()

    def requests(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        return [
            r
            for r in self.server.requests
            if (method is None or r.method == method) and (path is None or r.path == path)
        ]


@pytest.fixture
def cluster(server: RecordingServer) -> Cluster:
    return Cluster(server)


def user_agent(es_module: ModuleType, kind: str = "vs") -> str:
    return f"elasticsearch-py-{kind}/{es_module.__versionstr__}"


def creation(cluster: Cluster) -> dict[str, Any]:
    """The body of the one index creation."""
    (created,) = cluster.requests("PUT", f"/{INDEX}")
    body: dict[str, Any] = created.json()
    return body


# --------------------------------------------------------------------------- dense vector kNN


async def test_knn_add_search_delete(es: Any, es_module: ModuleType, cluster: Cluster) -> None:
    store = flavour(es, "VectorStore")(
        es, index=INDEX, retrieval_strategy=flavour(es, "DenseVectorStrategy")(), num_dimensions=3
    )
    ids = await resolve(
        store.add_texts(
            ["first", "second"],
            metadatas=[{"tag": "a"}, {"tag": "b"}],
            vectors=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
            ids=["1", "2"],
        )
    )
    assert ids == ["1", "2"]
    assert [(r.method, r.path) for r in cluster.server.requests] == [
        ("HEAD", f"/{INDEX}"),
        ("PUT", f"/{INDEX}"),
        ("PUT", "/_bulk"),
    ]
    assert creation(cluster) == {
        "mappings": {
            "properties": {
                "vector_field": {"type": "dense_vector", "dims": 3, "index": True, "similarity": "cosine"}
            }
        },
        "settings": {},
    }
    bulk = cluster.server.last
    assert bulk.query == {"refresh": "true"}
    assert bulk.ndjson() == [
        {"index": {"_index": INDEX, "_id": "1"}},
        {"text_field": "first", "metadata": {"tag": "a"}, "vector_field": [1.0, 0.0, 0.0]},
        {"index": {"_index": INDEX, "_id": "2"}},
        {"text_field": "second", "metadata": {"tag": "b"}, "vector_field": [0.0, 1.0, 0.0]},
    ]
    # Every request of the store says who sent it.
    assert {r.headers["user-agent"] for r in cluster.server.requests} == {user_agent(es_module)}

    hit = {"_index": INDEX, "_id": "1", "_score": 1.0, "_source": {"text_field": "first", "metadata": {}}}
    cluster.hits = [hit]
    found = await resolve(
        store.search(query_vector=[1.0, 0.0, 0.0], k=1, filter=[{"term": {"metadata.tag": "a"}}])
    )
    assert found == [hit]
    request = cluster.server.last
    assert (request.method, request.path, request.query) == (
        "POST",
        f"/{INDEX}/_search",
        {"_source_includes": "metadata,text_field"},
    )
    assert request.json() == {
        "knn": {
            "filter": [{"term": {"metadata.tag": "a"}}],
            "field": "vector_field",
            "k": 1,
            "num_candidates": 50,
            "query_vector": [1.0, 0.0, 0.0],
        },
        "size": 1,
        "_source": True,
    }

    assert await resolve(store.delete(ids=["1", "2"])) is True
    request = cluster.server.last
    assert (request.path, request.query) == ("/_bulk", {"refresh": "true"})
    assert request.ndjson() == [
        {"delete": {"_index": INDEX, "_id": "1"}},
        {"delete": {"_index": INDEX, "_id": "2"}},
    ]
    assert await resolve(store.delete(query={"term": {"metadata.tag": "b"}}, refresh_indices=False)) is True
    request = cluster.server.last
    assert (request.method, request.path, request.query) == (
        "POST",
        f"/{INDEX}/_delete_by_query",
        {"refresh": "false"},
    )
    assert request.json() == {"query": {"term": {"metadata.tag": "b"}}}


async def test_generated_ids_and_existing_index(es: Any, cluster: Cluster) -> None:
    """Without ids each text gets a UUID; an existing index is left as it is."""
    cluster.server.handler = lambda r: Reply() if r.method == "HEAD" else cluster.answer(r)
    store = flavour(es, "VectorStore")(
        es, index=INDEX, retrieval_strategy=flavour(es, "BM25Strategy")(), text_field="body"
    )
    ids = await resolve(store.add_texts(["one", "two"], bulk_kwargs={"chunk_size": 1}))
    assert len(ids) == 2 and len(set(ids)) == 2 and all(len(i) == 36 for i in ids)
    assert [(r.method, r.path) for r in cluster.server.requests] == [
        ("HEAD", f"/{INDEX}"),
        ("PUT", "/_bulk"),
        ("PUT", "/_bulk"),
    ]
    docs = [r.ndjson() for r in cluster.requests("PUT", "/_bulk")]
    assert docs == [
        [{"index": {"_index": INDEX, "_id": ids[0]}}, {"body": "one", "metadata": {}}],
        [{"index": {"_index": INDEX, "_id": ids[1]}}, {"body": "two", "metadata": {}}],
    ]
    assert await resolve(store.add_texts([], create_index_if_not_exists=False)) == []
    assert len(cluster.server.requests) == 3


async def test_user_agent_and_other_headers(es: Any, es_module: ModuleType, cluster: Cluster) -> None:
    """``user_agent`` replaces the client's; the client's other headers stay."""
    client = es.options(headers={"X-Team": "search"})
    store = flavour(es, "VectorStore")(
        client, index=INDEX, retrieval_strategy=flavour(es, "BM25Strategy")(), user_agent="my-app/1.0"
    )
    await resolve(store.search(query="x"))
    assert cluster.server.last.headers["user-agent"] == "my-app/1.0"
    assert cluster.server.last.headers["x-team"] == "search"


async def test_metadata_mappings_and_custom_settings(es: Any, cluster: Cluster) -> None:
    store = flavour(es, "VectorStore")(
        es,
        index=INDEX,
        retrieval_strategy=flavour(es, "BM25Strategy")(k1=1.5, b=0.5),
        metadata_mappings={"tag": {"type": "keyword"}, "year": {"type": "integer"}},
        custom_index_settings={"number_of_shards": 1},
    )
    await resolve(store.add_texts(["t"], ids=["1"]))
    assert creation(cluster) == {
        "mappings": {
            "properties": {
                "text_field": {"type": "text", "similarity": "custom_bm25"},
                "metadata": {"properties": {"tag": {"type": "keyword"}, "year": {"type": "integer"}}},
            }
        },
        "settings": {
            "similarity": {"custom_bm25": {"type": "BM25", "k1": 1.5, "b": 0.5}},
            "number_of_shards": 1,
        },
    }


# --------------------------------------------------------------------------- strategies' bodies


async def test_hybrid_rrf(es: Any, cluster: Cluster) -> None:
    """Hybrid search matches the store's text field (not the strategy's default), fused by RRF."""
    strategy = flavour(es, "DenseVectorStrategy")(hybrid=True, rrf={"rank_constant": 10, "window_size": 30})
    store = flavour(es, "VectorStore")(es, index=INDEX, retrieval_strategy=strategy, text_field="body")
    assert strategy.text_field == "body"
    await resolve(store.search(query="hello", query_vector=[0.1, 0.2], k=3, num_candidates=9))
    knn = {"filter": [], "field": "vector_field", "k": 3, "num_candidates": 9, "query_vector": [0.1, 0.2]}
    standard = {"query": {"bool": {"must": [{"match": {"body": {"query": "hello"}}}], "filter": []}}}
    assert cluster.server.last.json() == {
        "retriever": {
            "rrf": {
                "retrievers": [{"standard": standard}, {"knn": knn}],
                "rank_constant": 10,
                "rank_window_size": 30,
            }
        },
        "size": 3,
        "_source": True,
    }
    assert cluster.server.last.query == {"_source_includes": "metadata,body"}


def test_hybrid_variants(es_module: ModuleType) -> None:
    module = vs(es_module)
    args = {
        "query": "q",
        "query_vector": [1.0],
        "text_field": "t",
        "vector_field": "v",
        "k": 2,
        "num_candidates": 5,
        "filter": [{"term": {"a": 1}}],
    }
    knn = {"filter": [{"term": {"a": 1}}], "field": "v", "k": 2, "num_candidates": 5, "query_vector": [1.0]}
    text = {
        "query": {
            "bool": {"must": [{"match": {"text_field": {"query": "q"}}}], "filter": [{"term": {"a": 1}}]}
        }
    }
    for strategy_class in (module.DenseVectorStrategy, module.AsyncDenseVectorStrategy):
        assert strategy_class(hybrid=True, rrf=False).es_query(**args) == {"knn": knn, **text}
        plain = strategy_class(hybrid=True).es_query(**args)
        assert plain == {"retriever": {"rrf": {"retrievers": [{"standard": text}, {"knn": knn}]}}}
        both = strategy_class(hybrid=True, rrf={"window_size": 1, "rank_window_size": 2}).es_query(**args)
        assert both["retriever"]["rrf"]["rank_window_size"] == 2
        assert strategy_class().es_query(**args) == {"knn": knn}


def test_knn_in_cluster_inference_and_metrics(es_module: ModuleType) -> None:
    module = vs(es_module)
    strategy = module.DenseVectorStrategy(model_id="my-model")
    assert strategy.needs_inference() is False
    body = strategy.es_query(
        query="find me", query_vector=None, text_field="t", vector_field="v", k=1, num_candidates=2
    )
    assert body == {
        "knn": {
            "filter": [],
            "field": "v",
            "k": 1,
            "num_candidates": 2,
            "query_vector_builder": {"text_embedding": {"model_id": "my-model", "model_text": "find me"}},
        }
    }
    assert module.DenseVectorStrategy().needs_inference() is True
    expected = {
        module.DistanceMetric.COSINE: "cosine",
        module.DistanceMetric.EUCLIDEAN_DISTANCE: "l2_norm",
        module.DistanceMetric.DOT_PRODUCT: "dot_product",
        module.DistanceMetric.MAX_INNER_PRODUCT: "max_inner_product",
    }
    for metric, similarity in expected.items():
        mappings, settings = module.DenseVectorStrategy(distance=metric).es_mappings_settings(
            text_field="t", vector_field="v", num_dimensions=8
        )
        assert mappings == {
            "properties": {"v": {"type": "dense_vector", "dims": 8, "index": True, "similarity": similarity}}
        }
        assert settings == {}
    assert [m.value for m in module.DistanceMetric] == [
        "COSINE",
        "DOT_PRODUCT",
        "EUCLIDEAN_DISTANCE",
        "MAX_INNER_PRODUCT",
    ]


def test_script_score(es_module: ModuleType) -> None:
    module = vs(es_module)
    strategy = module.DenseVectorScriptScoreStrategy()
    assert strategy.needs_inference() is True
    mappings, settings = strategy.es_mappings_settings(text_field="t", vector_field="v", num_dimensions=4)
    assert (mappings, settings) == (
        {"properties": {"v": {"type": "dense_vector", "dims": 4, "index": False}}},
        {},
    )
    args = {
        "query": None,
        "query_vector": [1.0, 2.0],
        "text_field": "t",
        "vector_field": "v",
        "k": 1,
        "num_candidates": 1,
    }
    body = strategy.es_query(**args)
    assert body == {
        "query": {
            "script_score": {
                "query": {"match_all": {}},
                "script": {
                    "source": "cosineSimilarity(params.query_vector, 'v') + 1.0",
                    "params": {"query_vector": [1.0, 2.0]},
                },
            }
        }
    }
    filtered = strategy.es_query(**{**args, "filter": [{"term": {"a": 1}}]})
    assert filtered["query"]["script_score"]["query"] == {"bool": {"filter": [{"term": {"a": 1}}]}}
    sources = {
        metric: module.DenseVectorScriptScoreStrategy(distance=metric).es_query(**args)["query"][
            "script_score"
        ]["script"]["source"]
        for metric in module.DistanceMetric
    }
    assert sources[module.DistanceMetric.EUCLIDEAN_DISTANCE] == "1 / (1 + l2norm(params.query_vector, 'v'))"
    assert "dotProduct(params.query_vector, 'v')" in sources[module.DistanceMetric.DOT_PRODUCT]
    assert "sigmoid(1, Math.E, -value)" in sources[module.DistanceMetric.DOT_PRODUCT]
    assert "dotProduct(params.query_vector, 'v')" in sources[module.DistanceMetric.MAX_INNER_PRODUCT]


def test_bm25(es_module: ModuleType) -> None:
    module = vs(es_module)
    body = module.BM25Strategy().es_query(
        query="q",
        query_vector=None,
        text_field="t",
        vector_field="v",
        k=1,
        num_candidates=1,
        filter=[{"x": 1}],
    )
    assert body == {"query": {"bool": {"must": [{"match": {"t": {"query": "q"}}}], "filter": [{"x": 1}]}}}
    assert module.BM25Strategy(k1=2.0).es_mappings_settings(
        text_field="t", vector_field="v", num_dimensions=None
    ) == (
        {"properties": {"t": {"type": "text", "similarity": "custom_bm25"}}},
        {"similarity": {"custom_bm25": {"type": "BM25", "k1": 2.0}}},
    )
    assert module.BM25Strategy().needs_inference() is False


async def test_sparse_vector(es: Any, es_module: ModuleType, cluster: Cluster) -> None:
    """ELSER-style retrieval: the model is checked, a pipeline made, the index uses it; the
    query, mapping and processor differ between 8.x and 9.x."""
    strategy = flavour(es, "SparseVectorStrategy")(model_id="my-elser")
    store = flavour(es, "VectorStore")(es, index=INDEX, retrieval_strategy=strategy)
    await resolve(store.add_texts(["t"], ids=["1"]))
    assert [(r.method, r.path) for r in cluster.server.requests] == [
        ("HEAD", f"/{INDEX}"),
        ("POST", "/_ml/trained_models/my-elser/_infer"),
        ("PUT", "/_ingest/pipeline/my-elser_sparse_embedding"),
        ("PUT", f"/{INDEX}"),
        ("PUT", "/_bulk"),
    ]
    infer = cluster.requests("POST", "/_ml/trained_models/my-elser/_infer")[0].json()
    assert infer == {"docs": [{"text_field": "test if the model 'my-elser' is deployed"}]}
    nine = es_module.__name__ == "elasticsearch"
    processor: dict[str, Any] = (
        {
            "model_id": "my-elser",
            "input_output": [{"input_field": "text_field", "output_field": "vector_field.tokens"}],
        }
        if nine
        else {
            "model_id": "my-elser",
            "target_field": "vector_field",
            "field_map": {"text_field": "text_field"},
            "inference_config": {"text_expansion": {"results_field": "tokens"}},
        }
    )
    assert cluster.requests("PUT", "/_ingest/pipeline/my-elser_sparse_embedding")[0].json() == {
        "description": "Embedding pipeline for Python VectorStore",
        "processors": [{"inference": processor}],
    }
    assert creation(cluster) == {
        "mappings": {
            "properties": {
                "vector_field": {
                    "properties": {"tokens": {"type": "sparse_vector" if nine else "rank_features"}}
                }
            }
        },
        "settings": {"default_pipeline": "my-elser_sparse_embedding"},
    }
    await resolve(store.search(query="what", filter=[{"term": {"a": 1}}]))
    clause = (
        {"sparse_vector": {"field": "vector_field.tokens", "inference_id": "my-elser", "query": "what"}}
        if nine
        else {"text_expansion": {"vector_field.tokens": {"model_id": "my-elser", "model_text": "what"}}}
    )
    assert cluster.server.last.json() == {
        "query": {"bool": {"must": [clause], "filter": [{"term": {"a": 1}}]}},
        "size": 4,
        "_source": True,
    }
    assert flavour(es, "SparseVectorStrategy")().model_id == ".elser_model_2"


async def test_missing_model(es: Any, es_module: ModuleType, cluster: Cluster) -> None:
    """A model that is not there stops the index creation with the server's 404."""
    cluster.server.route(
        "POST", "/_ml/trained_models/nope/_infer", Reply(status=404, body={"error": "missing"})
    )
    cluster.server.handler = None
    cluster.server.default = Reply(status=404, body=b"")
    store = flavour(es, "VectorStore")(
        es, index=INDEX, retrieval_strategy=flavour(es, "DenseVectorStrategy")(model_id="nope")
    )
    with pytest.raises(es_module.NotFoundError):
        await resolve(store.add_texts(["t"]))
    assert [r.path for r in cluster.server.requests] == [f"/{INDEX}", "/_ml/trained_models/nope/_infer"]


# --------------------------------------------------------------------------- embeddings


async def test_elasticsearch_embeddings(es: Any, es_module: ModuleType, cluster: Cluster) -> None:
    service = flavour(es, "ElasticsearchEmbeddings")(client=es, model_id="e5", input_field="content")
    cluster.vectors = [[0.1, 0.2], [0.3, 0.4]]
    assert await resolve(service.embed_documents(["a", "b"])) == [[0.1, 0.2], [0.3, 0.4]]
    request = cluster.server.last
    assert (request.method, request.path) == ("POST", "/_ml/trained_models/e5/_infer")
    assert request.json() == {"docs": [{"content": "a"}, {"content": "b"}]}
    assert request.headers["user-agent"] == user_agent(es_module, "es")
    cluster.vectors = [[0.5, 0.6]]
    assert await resolve(service.embed_query("c")) == [0.5, 0.6]


async def test_store_with_embedding_service(es: Any, cluster: Cluster) -> None:
    """The service gives the index's dimensions, the documents' vectors and the query's."""
    service = flavour(es, "ElasticsearchEmbeddings")(client=es, model_id="e5")
    store = flavour(es, "VectorStore")(
        es,
        index=INDEX,
        retrieval_strategy=flavour(es, "DenseVectorScriptScoreStrategy")(),
        embedding_service=service,
    )
    cluster.vectors = [[0.5, 0.5, 0.5, 0.5]]
    await resolve(store.add_texts(["x"], ids=["1"]))
    infers = [r.json() for r in cluster.requests("POST", "/_ml/trained_models/e5/_infer")]
    assert infers == [{"docs": [{"text_field": "get num dimensions"}]}, {"docs": [{"text_field": "x"}]}]
    assert creation(cluster)["mappings"]["properties"]["vector_field"]["dims"] == 4
    assert cluster.server.last.ndjson()[1]["vector_field"] == [0.5, 0.5, 0.5, 0.5]
    await resolve(store.search(query="y"))
    script = cluster.server.last.json()["query"]["script_score"]["script"]
    assert script["params"] == {"query_vector": [0.5, 0.5, 0.5, 0.5]}


def test_embedding_service_is_abstract(es_module: ModuleType) -> None:
    module = vs(es_module)
    for base in (module.EmbeddingService, module.AsyncEmbeddingService):
        with pytest.raises(TypeError):
            base()

    class Fixed(module.EmbeddingService):  # type: ignore[name-defined,misc]
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [[float(len(t))] for t in texts]

        def embed_query(self, query: str) -> list[float]:
            return [float(len(query))]

    assert Fixed().embed_documents(["ab"]) == [[2.0]]


# --------------------------------------------------------------------------- bad input


async def test_store_errors(es: Any, cluster: Cluster) -> None:
    store = flavour(es, "VectorStore")(
        es, index=INDEX, retrieval_strategy=flavour(es, "DenseVectorStrategy")()
    )
    with pytest.raises(ValueError, match="not both"):
        await resolve(store.delete(ids=["1"], query={"match_all": {}}))
    with pytest.raises(ValueError, match="ids or query"):
        await resolve(store.delete())
    with pytest.raises(ValueError, match="metadatas has 1 entries for 2 texts"):
        await resolve(store.add_texts(["a", "b"], metadatas=[{}]))
    with pytest.raises(ValueError, match="ids has 3 entries"):
        await resolve(store.add_texts(["a", "b"], ids=["1", "2", "3"]))
    assert cluster.server.requests == []  # nothing was sent for bad input
    with pytest.raises(ValueError, match="num_dimensions or an embedding_service"):
        await resolve(store.add_texts(["a"]))
    with pytest.raises(ValueError, match="query or a query_embedding"):
        await resolve(store.max_marginal_relevance_search(vector_field="vector_field"))
    with pytest.raises(ValueError, match="needs an embedding_service"):
        await resolve(store.max_marginal_relevance_search(query="q", vector_field="vector_field"))
    clash = flavour(es, "VectorStore")(
        es,
        index=INDEX,
        retrieval_strategy=flavour(es, "BM25Strategy")(),
        custom_index_settings={"similarity": {}},
    )
    with pytest.raises(ValueError, match="Conflicting settings"):
        await resolve(clash.add_texts(["a"]))
    assert [r.method for r in cluster.server.requests] == ["HEAD", "HEAD"]  # no index was created


async def test_bulk_failure(es: Any, es_module: ModuleType, cluster: Cluster) -> None:
    cluster.bulk_status = 400
    store = flavour(es, "VectorStore")(es, index=INDEX, retrieval_strategy=flavour(es, "BM25Strategy")())
    with pytest.raises(es_module.helpers.BulkIndexError) as caught:
        await resolve(store.add_texts(["a"], ids=["1"]))
    assert caught.value.errors[0]["index"]["error"]["reason"] == "bad vector"


def test_strategy_errors(es_module: ModuleType) -> None:
    module = vs(es_module)
    args = {"text_field": "t", "vector_field": "v", "k": 1, "num_candidates": 1}
    with pytest.raises(ValueError, match="text_field"):
        module.DenseVectorStrategy(hybrid=True, text_field=None)
    with pytest.raises(ValueError, match="not supported"):
        module.DenseVectorStrategy(distance="HAMMING").es_mappings_settings(
            text_field="t", vector_field="v", num_dimensions=2
        )
    with pytest.raises(ValueError, match="not supported"):
        module.DenseVectorScriptScoreStrategy(distance=["x"]).es_query(query=None, query_vector=[1.0], **args)
    with pytest.raises(ValueError, match="query_vector"):
        module.DenseVectorScriptScoreStrategy().es_query(query="q", query_vector=None, **args)
    with pytest.raises(ValueError, match="query string"):
        module.DenseVectorStrategy(hybrid=True).es_query(query=None, query_vector=[1.0], **args)
    with pytest.raises(ValueError, match="query_vector"):
        module.SparseVectorStrategy().es_query(query="q", query_vector=[1.0], **args)
    with pytest.raises(ValueError, match="query string"):
        module.SparseVectorStrategy().es_query(query=None, query_vector=None, **args)
    with pytest.raises(TypeError):
        module.RetrievalStrategy()


# --------------------------------------------------------------------------- maximal marginal relevance


def mmr_reference(query: list[float], vectors: list[list[float]], lambda_mult: float, k: int) -> list[int]:
    """The selection written out in plain Python, the slow way, for comparison."""

    def cos(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(
            sum(x * x for x in a) * sum(y * y for y in b)
        )

    picked: list[int] = []
    while len(picked) < min(k, len(vectors)):
        best, best_score = -1, -math.inf
        for i, vector in enumerate(vectors):
            if i in picked:
                continue
            redundancy = max((cos(vector, vectors[j]) for j in picked), default=0.0)
            score = (
                cos(query, vector)
                if not picked
                else lambda_mult * cos(query, vector) - (1 - lambda_mult) * redundancy
            )
            if score > best_score:
                best, best_score = i, score
        picked.append(best)
    return picked


VECTORS = [[1.0, 0.0], [1.0, 0.01], [0.0, 1.0], [0.8, 0.6]]  # a, a near duplicate, orthogonal, between


@needs_mmr
def test_mmr_known_vectors(es_module: ModuleType) -> None:
    mmr = importlib.import_module(
        f"{es_module.__name__}.helpers.vectorstore._utils"
    ).maximal_marginal_relevance
    # Relevance only: by closeness to the query.
    assert mmr([1.0, 0.0], VECTORS, lambda_mult=1.0, k=4) == [0, 1, 3, 2]
    # Mostly relevance: the near duplicate still beats the others.
    assert mmr([1.0, 0.0], VECTORS, lambda_mult=0.7, k=3) == [0, 1, 3]
    # Mostly diversity: after the best match, the orthogonal one, then the one between.
    assert mmr([1.0, 0.0], VECTORS, lambda_mult=0.3, k=3) == [0, 2, 3]
    assert mmr([1.0, 0.0], VECTORS, k=10) == mmr_reference([1.0, 0.0], VECTORS, 0.5, 10)
    assert len(mmr([1.0, 0.0], VECTORS, k=10)) == 4
    assert mmr([1.0, 0.0], VECTORS, k=0) == []
    assert mmr([1.0, 0.0], [], k=3) == []
    with pytest.raises(ValueError, match="different lengths"):
        mmr([1.0, 0.0, 0.0], VECTORS, k=2)


@needs_mmr
def test_mmr_matches_reference(es_module: ModuleType) -> None:
    mmr = importlib.import_module(
        f"{es_module.__name__}.helpers.vectorstore._utils"
    ).maximal_marginal_relevance
    rng = random.Random(7)
    for lambda_mult, k in itertools.product((0.0, 0.25, 0.5, 0.9), (1, 3, 6)):
        vectors = [[rng.uniform(-1, 1) for _ in range(5)] for _ in range(12)]
        query = [rng.uniform(-1, 1) for _ in range(5)]
        assert mmr(query, vectors, lambda_mult=lambda_mult, k=k) == mmr_reference(
            query, vectors, lambda_mult, k
        )


def test_mmr_missing_extra(es_module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the extra, the error names the missing module and the extra to install."""
    mmr = importlib.import_module(
        f"{es_module.__name__}.helpers.vectorstore._utils"
    ).maximal_marginal_relevance
    monkeypatch.setitem(sys.modules, "simsimd", None)
    with pytest.raises(
        ModuleNotFoundError, match=rf"'simsimd'.*{es_module.__name__}\[vectorstore_mmr\]"
    ) as caught:
        mmr([1.0], [[1.0]], k=1)
    assert caught.value.name == "simsimd"


@needs_mmr
async def test_mmr_search(es: Any, es_module: ModuleType, cluster: Cluster) -> None:
    store = flavour(es, "VectorStore")(
        es, index=INDEX, retrieval_strategy=flavour(es, "DenseVectorStrategy")(), num_dimensions=2
    )
    cluster.hits = [
        {"_id": str(i), "_score": 1.0, "_source": {"text_field": f"t{i}", "metadata": {}, "vf": vector}}
        for i, vector in enumerate(VECTORS)
    ]
    found = await resolve(
        store.max_marginal_relevance_search(
            query_embedding=[1.0, 0.0], vector_field="vf", k=3, num_candidates=10, lambda_mult=0.3
        )
    )
    assert [hit["_id"] for hit in found] == ["0", "2", "3"]
    assert all("vf" not in hit["_source"] for hit in found)  # the vectors were only fetched for MMR
    request = cluster.server.last
    assert request.query == {"_source_includes": "vf,metadata,text_field"}
    assert request.json()["size"] == 10
    assert request.json()["knn"]["query_vector"] == [1.0, 0.0]
    kept = await resolve(
        store.max_marginal_relevance_search(
            query_embedding=[1.0, 0.0], vector_field="vf", k=2, fields=["vf", "x"]
        )
    )
    assert kept[0]["_source"]["vf"] == [1.0, 0.0]
    assert cluster.server.last.query == {"_source_includes": "vf,x,metadata,text_field"}


async def test_mmr_filter_per_major(es: Any, es_module: ModuleType, cluster: Cluster) -> None:
    """``filter`` exists on the 9.x method only, as in the official clients."""
    import inspect

    method = flavour(es, "VectorStore").max_marginal_relevance_search
    has_filter = "filter" in inspect.signature(method).parameters
    assert has_filter is (es_module.__name__ == "elasticsearch")
    if has_filter and HAS_MMR:
        store = flavour(es, "VectorStore")(
            es, index=INDEX, retrieval_strategy=flavour(es, "DenseVectorStrategy")(), num_dimensions=2
        )
        await resolve(
            store.max_marginal_relevance_search(
                query_embedding=[1.0, 0.0], vector_field="vf", filter=[{"term": {"metadata.tag": "a"}}]
            )
        )
        assert cluster.server.last.json()["knn"]["filter"] == [{"term": {"metadata.tag": "a"}}]


# --------------------------------------------------------------------------- imports


@pytest.mark.parametrize("package", ["elasticsearch", "elasticsearch8"])
def test_lazy_imports(package: str) -> None:
    """Neither the package nor its helpers load the vector store; the vector store loads
    neither numpy nor simsimd until a selection is made."""
    code = (
        f"import sys, {package}, {package}.helpers; "
        "print(sorted(m for m in sys.modules if 'vectorstore' in m or m in ('numpy', 'simsimd'))); "
        f"from {package}.helpers.vectorstore import VectorStore, AsyncVectorStore, DistanceMetric; "
        "print(sorted(m for m in sys.modules if m in ('numpy', 'simsimd')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "[]"]


def test_public_names(es_module: ModuleType) -> None:
    module = vs(es_module)
    assert sorted(module.__all__) == [
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
    for name in module.__all__:
        assert getattr(module, name).__module__.startswith(f"{es_module.__name__}.helpers.vectorstore")
    strategies: list[Callable[..., Any]] = [
        module.DenseVectorStrategy,
        module.DenseVectorScriptScoreStrategy,
        module.BM25Strategy,
        module.SparseVectorStrategy,
    ]
    for cls in strategies:
        assert issubclass(cls, module.RetrievalStrategy)
        assert issubclass(getattr(module, f"Async{cls.__name__}"), module.AsyncRetrievalStrategy)
