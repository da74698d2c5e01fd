"""Typed use of the 9.x client, run through ``mypy --strict`` by codegen/tests/test_typing.py.

Each line marked ``expect-error`` is a deliberate mistake a type checker must report; every
other line is a correct call (the drop-in surface) that must type-check as it is.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import AsyncElasticsearch, Elasticsearch, NotFoundError
from elasticsearch.helpers import async_bulk, bulk, scan, streaming_bulk

__all__ = ["correct", "correct_async", "misspelled_import", "mistakes", "mistakes_async"]


def correct(es: Elasticsearch) -> int:
    resp = es.search(index="logs-*", query={"match": {"msg": "boom"}}, size=10, from_=20, sort=["@timestamp"])
    total: int = resp["hits"]["total"]["value"]
    for hit in resp["hits"]["hits"]:
        print(hit["_source"])
    es.search(
        index=["a", "b"], body={"query": {"match_all": {}}}, default_operator="AND", expand_wildcards="all"
    )
    es.search(index="a", q="x", expand_wildcards=["open", "hidden"], track_total_hits=True)
    es.index(index="a", id="1", document={"x": 1}, refresh="wait_for")
    es.index(index="a", document={"x": 1}, refresh=True, op_type="create", version_type="internal")
    es.indices.create(index="a", mappings={"properties": {"x": {"type": "keyword"}}}, settings={})
    es.options(request_timeout=3, ignore_status=404, headers={"x-a": "b"}).indices.delete(index="a")
    es.options(ignore_status=(400, 404)).get(index="a", id="1")
    es.cluster.health(wait_for_status="yellow", timeout="30s", level="shards")
    if es.indices.exists(index="a"):
        print(es.count(index="a").body["count"], es.info().meta.status)
    try:
        es.get(index="a", id="missing")
    except NotFoundError as error:
        print(error.meta.status, error.body)
    ok, _ = bulk(es, [{"_index": "a", "x": 1}], stats_only=True)
    for done, item in streaming_bulk(es, ({"_index": "a", "x": i} for i in range(3)), chunk_size=10):
        print(done, item)
    for doc in scan(es, index="a", query={"query": {"match_all": {}}}, scroll="1m"):
        print(doc["_id"])
    Elasticsearch("http://localhost:9200", request_timeout=10, max_retries=3, retry_on_timeout=True)
    return total + ok


async def correct_async(es: AsyncElasticsearch) -> None:
    resp = await es.search(index="a", size=1)
    print(resp["hits"], (await es.options(request_timeout=1).ping()))
    await async_bulk(es, [{"_index": "a", "x": 1}])
    await es.close()


def mistakes(es: Elasticsearch) -> None:
    es.search(index="a", size="ten")  # expect-error
    es.get(index="a")  # expect-error
    es.search(index="a", sise=10)  # expect-error
    es.serach(index="a")  # expect-error
    es.search(index="a", default_operator=1)  # expect-error
    es.indices.create(index="a", mappings="keyword")  # expect-error
    es.info().meta.status + "!"  # expect-error
    count: int = es.count(index="a")  # expect-error
    es.options(ignore_status="404")  # expect-error
    Elasticsearch("http://localhost:9200", request_timeout="10")  # expect-error
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
    from elasticsearch import Elasticsearhc  # expect-error

    print(Elasticsearhc)
