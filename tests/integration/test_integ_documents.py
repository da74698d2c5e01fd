"""Documents: index, get, update, delete, mget, bulk, HEAD APIs, optimistic concurrency."""

from __future__ import annotations

from typing import Any

import pytest

SHARDS = {"number_of_shards": 1, "number_of_replicas": 0}


async def test_index_get_update_delete(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    created = api.data(
        await es.index(index=index, id="1", refresh=True, **api.document({"title": "one", "n": 1}))
    )
    assert created["result"] == "created" and created["_version"] == 1 and created["_id"] == "1"

    got = api.data(await es.get(index=index, id="1"))
    assert got["found"] is True and got["_source"] == {"title": "one", "n": 1}

    if api.v7:
        updated = await es.update(index=index, id="1", body={"doc": {"n": 2}}, refresh=True)
    else:
        updated = await es.update(index=index, id="1", doc={"n": 2}, refresh=True)
    assert api.data(updated)["result"] == "updated" and api.data(updated)["_version"] == 2
    source = api.data(await es.get_source(index=index, id="1"))
    assert source == {"title": "one", "n": 2}

    # Re-indexing the same id replaces the document.
    replaced = api.data(await es.index(index=index, id="1", **api.document({"title": "uno"})))
    assert replaced["result"] == "updated" and replaced["_version"] == 3
    got = api.data(await es.get(index=index, id="1", _source_includes="title"))
    assert got["_source"] == {"title": "uno"}

    deleted = api.data(await es.delete(index=index, id="1", refresh=True))
    assert deleted["result"] == "deleted"
    api.assert_head(await es.exists(index=index, id="1"), False)


async def test_index_generated_id_and_create(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    auto = api.data(await es.index(index=index, **api.document({"a": 1})))
    assert auto["result"] == "created" and len(auto["_id"]) >= 20
    made = api.data(await es.create(index=index, id="fixed", refresh=True, **api.document({"a": 2})))
    assert made["result"] == "created" and made["_id"] == "fixed"
    count = api.data(await es.count(index=index))
    assert count["count"] == 2


async def test_update_upsert(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    if api.v7:
        first = await es.update(index=index, id="u", body={"doc": {"n": 1}, "doc_as_upsert": True})
        second = await es.update(index=index, id="u", body={"doc": {"m": 2}, "doc_as_upsert": True})
        noop = await es.update(index=index, id="u", body={"doc": {"m": 2}})
    else:
        first = await es.update(index=index, id="u", doc={"n": 1}, doc_as_upsert=True)
        second = await es.update(index=index, id="u", doc={"m": 2}, doc_as_upsert=True)
        noop = await es.update(index=index, id="u", doc={"m": 2})
    assert api.data(first)["result"] == "created"
    assert api.data(second)["result"] == "updated"
    assert api.data(noop)["result"] == "noop"
    assert api.data(await es.get(index=index, id="u"))["_source"] == {"n": 1, "m": 2}


async def test_update_with_script(es: Any, api: Any, es_cluster: Any, index: str) -> None:
    es_cluster.require("lang-painless", "no scripting: update with a script needs painless")
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    await es.index(index=index, id="1", **api.document({"n": 1}))
    script = {"source": "ctx._source.n += params.by", "params": {"by": 4}}
    if api.v7:
        await es.update(index=index, id="1", body={"script": script})
    else:
        await es.update(index=index, id="1", script=script)
    assert api.data(await es.get(index=index, id="1"))["_source"]["n"] == 5


async def test_mget(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    for i in range(3):
        await es.index(index=index, id=str(i), **api.document({"i": i}))
    docs = api.data(await es.mget(index=index, **api.body(ids=["0", "2", "9"])))["docs"]
    assert [d["found"] for d in docs] == [True, True, False]
    assert [d["_source"]["i"] for d in docs if d["found"]] == [0, 2]


async def test_head_apis_return_booleans(es: Any, api: Any, names: Any) -> None:
    index = names.index()
    missing = names.index("missing")
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    await es.index(index=index, id="1", refresh=True, **api.document({"a": 1}))
    api.assert_head(await es.indices.exists(index=index), True)
    api.assert_head(await es.indices.exists(index=missing), False)
    api.assert_head(await es.exists(index=index, id="1"), True)
    api.assert_head(await es.exists(index=index, id="2"), False)
    api.assert_head(await es.exists(index=missing, id="1"), False)
    api.assert_head(await es.exists_source(index=index, id="1"), True)
    api.assert_head(await es.exists_source(index=index, id="2"), False)


async def test_bulk(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    ops = [
        {"index": {"_index": index, "_id": "1"}},
        {"n": 1},
        {"create": {"_index": index, "_id": "2"}},
        {"n": 2},
        {"index": {"_index": index, "_id": "3"}},
        {"n": 3},
        {"update": {"_index": index, "_id": "1"}},
        {"doc": {"n": 10}},
        {"delete": {"_index": index, "_id": "3"}},
    ]
    result = api.data(await es.bulk(refresh=True, **api.operations(ops)))
    assert result["errors"] is False
    assert [next(iter(item)) for item in result["items"]] == ["index", "create", "index", "update", "delete"]
    assert [next(iter(item.values()))["status"] for item in result["items"]] == [201, 201, 201, 200, 200]
    assert api.data(await es.count(index=index))["count"] == 2

    # One failing item does not fail the request: errors=true and the item says why.
    again = [
        {"create": {"_index": index, "_id": "2"}},
        {"n": 2},
        {"index": {"_index": index, "_id": "4"}},
        {"n": 4},
    ]
    result = api.data(await es.bulk(index=index, refresh=True, **api.operations(again)))
    assert result["errors"] is True
    conflict, ok = (next(iter(item.values())) for item in result["items"])
    assert conflict["status"] == 409 and conflict["error"]["type"] == "version_conflict_engine_exception"
    assert ok["status"] == 201


async def test_bulk_ndjson_string(es: Any, api: Any, index: str) -> None:
    """A pre-serialized NDJSON body is sent as is."""
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    payload = '{"index":{"_id":"a"}}\n{"v":1}\n{"index":{"_id":"b"}}\n{"v":2}\n'
    result = api.data(await es.bulk(index=index, refresh=True, **api.operations(payload)))  # type: ignore[arg-type]
    assert result["errors"] is False and len(result["items"]) == 2
    assert api.data(await es.count(index=index))["count"] == 2


async def test_optimistic_concurrency(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    first = api.data(await es.index(index=index, id="1", **api.document({"v": 1})))
    seq_no, term = first["_seq_no"], first["_primary_term"]
    ok = api.data(
        await es.index(index=index, id="1", if_seq_no=seq_no, if_primary_term=term, **api.document({"v": 2}))
    )
    assert ok["result"] == "updated"
    with pytest.raises(api.errors.Conflict) as caught:
        await es.index(index=index, id="1", if_seq_no=seq_no, if_primary_term=term, **api.document({"v": 3}))
    assert api.status(caught.value) == 409
    assert api.error_type(caught.value) == "version_conflict_engine_exception"


@pytest.mark.majors(7)
async def test_typed_document_apis_7x(es: Any, api: Any, es_cluster: Any, index: str) -> None:
    """7.x style with ``doc_type="_doc"``: native on 7.17, REST-compat on 8.x (``_type`` comes back)."""
    await es.indices.create(index=index, body={"settings": SHARDS})
    created = await es.index(index=index, doc_type="_doc", id="1", body={"a": 1}, refresh=True)
    assert created["result"] == "created" and created["_type"] == "_doc"
    got = await es.get(index=index, doc_type="_doc", id="1")
    assert got["_type"] == "_doc" and got["_source"] == {"a": 1}


@pytest.mark.majors(7)
async def test_include_type_name_7x(es: Any, api: Any, es_cluster: Any, index: str) -> None:
    """Typed mappings: 7.17 accepts them with include_type_name; 8.x only for compatible-with=7
    requests (without the header it answers 400), so this proves the header is sent."""
    body = {"settings": SHARDS, "mappings": {"_doc": {"properties": {"n": {"type": "integer"}}}}}
    created = await es.indices.create(index=index, body=body, include_type_name=True)
    assert created["acknowledged"] is True
    mapping = await es.indices.get_mapping(index=index, include_type_name=True)
    assert mapping[index]["mappings"]["_doc"]["properties"] == {"n": {"type": "integer"}}
