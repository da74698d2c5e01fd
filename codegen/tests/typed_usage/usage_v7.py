"""Typed use of the 7.x client, run through ``mypy --strict`` by codegen/tests/test_typing.py.

Each line marked ``expect-error`` is a deliberate mistake a type checker must report; every
other line is a correct call (the drop-in surface) that must type-check as it is.
"""

from __future__ import annotations

from typing import Any

from elasticsearch7 import AsyncElasticsearch, Elasticsearch, NotFoundError, Transport
from elasticsearch7.helpers import async_bulk, bulk, scan, streaming_bulk

__all__ = ["correct", "correct_async", "misspelled_import", "mistakes", "mistakes_async"]


def correct(es: Elasticsearch) -> int:
    resp = es.search(index="x", size=10, ignore=404, request_timeout=3)
    total: int = resp["hits"]["total"]["value"]
    for hit in resp["hits"]["hits"]:
        print(hit["_source"])
    es.search(index=["a", "b"], body={"query": {"match_all": {}}}, default_operator="AND", from_=10)
    es.search(index="a", query={"match": {"x": 1}}, sort="x:asc", expand_wildcards=["open", "hidden"])
    es.search(body={"query": {"match_all": {}}}, index="a", doc_type="_doc", ignore=(400, 404))
    es.index(index="a", body={"x": 1}, id="1", refresh="wait_for", opaque_id="req-1")
    es.index(index="a", document={"x": 1}, refresh=True, op_type="create", params={"pipeline": "p"})
    es.create("a", "1", {"x": 1})
    es.get("a", "1", _source_includes=["x"], headers={"x-a": "b"}, api_key=("id", "secret"))
    es.indices.create(index="a", body={"mappings": {"properties": {"x": {"type": "keyword"}}}})
    es.indices.delete(index="a", ignore=[400, 404], http_auth=("user", "secret"))
    es.cluster.health(wait_for_status="yellow", timeout="30s", level="shards", pretty=True)
    es.cat.indices(format="json", h=["index", "health"], filter_path="*.index")
    es.bulk(body=[{"index": {"_index": "a"}}, {"x": 1}], refresh="true")
    if es.indices.exists(index="a") and es.ping():
        print(es.count(index="a")["count"], es.info()["version"])
    try:
        es.get(index="a", id="missing")
    except NotFoundError as error:
        print(error.status_code, error.info)
    ok, _ = bulk(es, [{"_index": "a", "x": 1}], stats_only=True)
    for done, item in streaming_bulk(es, ({"_index": "a", "x": i} for i in range(3)), chunk_size=10):
        print(done, item)
    for doc in scan(es, index="a", query={"query": {"match_all": {}}}, scroll="1m"):
        print(doc["_id"])
    Elasticsearch(["http://localhost:9200"], transport_class=Transport, timeout=10, max_retries=3)
    return total + ok


async def correct_async(es: AsyncElasticsearch) -> None:
    resp = await es.search(index="a", size=1, request_timeout=2.5)
    print(resp["hits"], await es.ping(), await es.indices.exists(index="a"))
    await async_bulk(es, [{"_index": "a", "x": 1}])
    await es.close()


def mistakes(es: Elasticsearch) -> None:
    es.search(index="a", size="ten")  # expect-error
    es.get(index="a")  # expect-error
    es.search(index="a", sise=10)  # expect-error
    es.serach(index="a")  # expect-error
    es.search(index="a", allow_no_indices="yes")  # expect-error
    es.search(index="a", ignore="404")  # expect-error
    es.search(index="a", request_timeout="3")  # expect-error
    es.ping() + "!"  # expect-error
    count: int = es.count(index="a")  # expect-error
    es.indices.refresh(index="a", opaque_id=7)  # expect-error
    Elasticsearch(transport_class=dict)  # expect-error
    bulk(es, 42)  # expect-error
    streaming_bulk(es, [{"_index": "a"}], chunk_size="10")  # expect-error
    bulk("http://localhost:9200", [{"_index": "a"}])  # expect-error
    print(count)


async def mistakes_async(es: AsyncElasticsearch, sync_es: Elasticsearch) -> None:
    es.search(index="a")["hits"]  # expect-error
    await async_bulk(sync_es, [{"_index": "a"}])  # expect-error
    hits: Any = (await es.search(index="a"))["hits"]
    print(hits)


def misspelled_import() -> None:
    from elasticsearch7 import Elasticsearhc  # expect-error

    print(Elasticsearhc)
