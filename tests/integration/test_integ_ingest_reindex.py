"""Ingest pipelines and the reindex module's APIs (_reindex, _update_by_query, _delete_by_query).

The integration-test distribution has no ingest-common (no processors besides
set_security_user) and no reindex module. What it lacks is detected twice: from the
modules the node reports, and from the server's answer to the call itself; such
tests are skipped with the reason, never counted as passes.
"""

from __future__ import annotations

from typing import Any

import pytest

NOT_AVAILABLE = "not available on this distribution"

SHARDS = {"number_of_shards": 1, "number_of_replicas": 0}


async def test_pipeline_without_processors(es: Any, api: Any, names: Any, index: str) -> None:
    """A pipeline with no processors needs no ingest module: put, get, simulate, use, delete."""
    pipeline = names.pipeline()
    put = await es.ingest.put_pipeline(id=pipeline, **api.body(description="no processors", processors=[]))
    assert api.data(put)["acknowledged"] is True
    got = api.data(await es.ingest.get_pipeline(id=pipeline))
    assert got[pipeline]["processors"] == [] and got[pipeline]["description"] == "no processors"

    simulated = api.data(await es.ingest.simulate(id=pipeline, **api.body(docs=[{"_source": {"a": 1}}])))
    assert simulated["docs"][0]["doc"]["_source"] == {"a": 1}

    await es.indices.create(index=index, **api.body(settings=SHARDS))
    await es.index(index=index, id="1", pipeline=pipeline, refresh=True, **api.document({"a": 1}))
    assert api.data(await es.get(index=index, id="1"))["_source"] == {"a": 1}

    assert api.data(await es.ingest.delete_pipeline(id=pipeline))["acknowledged"] is True
    with pytest.raises(api.errors.NotFound):
        await es.ingest.get_pipeline(id=pipeline)


async def test_pipeline_with_processors(es: Any, api: Any, es_cluster: Any, names: Any, index: str) -> None:
    pipeline = names.pipeline()
    processors = [{"set": {"field": "added", "value": "yes"}}, {"lowercase": {"field": "name"}}]
    if not es_cluster.has("ingest-common"):
        # The server must refuse it too, or the skip would hide a working feature.
        with pytest.raises(api.errors.BadRequest) as refused:
            await es.ingest.put_pipeline(id=pipeline, **api.body(processors=processors))
        assert "No processor type exists with name [set]" in str(api.error_body(refused.value))
        pytest.skip(
            "not available on this distribution: no ingest-common module "
            "(no ingest processors: 'No processor type exists with name [set]')"
        )
    await es.ingest.put_pipeline(id=pipeline, **api.body(processors=processors))
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    await es.index(index=index, id="1", pipeline=pipeline, refresh=True, **api.document({"name": "MiXeD"}))
    assert api.data(await es.get(index=index, id="1"))["_source"] == {"name": "mixed", "added": "yes"}


async def reindex_module_or_skip(call: Any, api: Any, es_cluster: Any, what: str) -> Any:
    """Run ``call``; without the reindex module, check how the server refuses it, then skip."""
    if es_cluster.has("reindex"):
        return await call()
    reason = f"{NOT_AVAILABLE}: no reindex module"
    try:
        answer = api.data(await call())
    except api.errors.Api as refused:
        status = api.status(refused)
        assert status in (400, 405), f"unexpected answer without the reindex module: {refused}"
        pytest.skip(f"{reason} ({what} answers {status})")
    # With compatible-with=7, 8.x keeps the typed index route POST /{index}/{type}: with no
    # reindex module, /<index>/_delete_by_query lands there and indexes the request body.
    assert answer.get("result") == "created" and answer.get("_type") == "_doc", answer
    pytest.skip(
        f"{reason} ({what} with compatible-with=7 is routed to the typed index API "
        "POST /{index}/{type} and indexes the request body as a document)"
    )


async def test_reindex(es: Any, api: Any, es_cluster: Any, names: Any) -> None:
    source, dest = names.index("src"), names.index("dst")
    await es.indices.create(index=source, **api.body(settings=SHARDS))
    ops = [x for i in range(5) for x in ({"index": {"_index": source, "_id": str(i)}}, {"i": i})]
    await es.bulk(refresh=True, **api.operations(ops))

    async def call() -> Any:
        return await es.reindex(refresh=True, **api.body(source={"index": source}, dest={"index": dest}))

    result = api.data(await reindex_module_or_skip(call, api, es_cluster, "POST /_reindex"))
    assert result["created"] == 5 and result["failures"] == []
    assert api.data(await es.count(index=dest))["count"] == 5


async def test_update_by_query(es: Any, api: Any, es_cluster: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    await es.index(index=index, id="1", refresh=True, **api.document({"i": 1}))

    async def call() -> Any:
        return await es.update_by_query(index=index, refresh=True, conflicts="proceed")

    result = api.data(await reindex_module_or_skip(call, api, es_cluster, "POST /<index>/_update_by_query"))
    assert result["updated"] == 1


async def test_delete_by_query(es: Any, api: Any, es_cluster: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    await es.index(index=index, id="1", refresh=True, **api.document({"i": 1}))

    async def call() -> Any:
        return await es.delete_by_query(index=index, refresh=True, **api.body(query={"match_all": {}}))

    result = api.data(await reindex_module_or_skip(call, api, es_cluster, "POST /<index>/_delete_by_query"))
    assert result["deleted"] == 1
    assert api.data(await es.count(index=index))["count"] == 0
