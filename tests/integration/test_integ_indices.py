"""Indices: create and delete, mappings, settings, open/close, refresh and stats."""

from __future__ import annotations

from typing import Any

SHARDS = {"number_of_shards": 1, "number_of_replicas": 0}


async def test_create_exists_get_delete(es: Any, api: Any, index: str) -> None:
    api.assert_head(await es.indices.exists(index=index), False)
    mappings = {"properties": {"title": {"type": "text"}, "tag": {"type": "keyword"}}}
    created = api.data(await es.indices.create(index=index, **api.body(settings=SHARDS, mappings=mappings)))
    assert created["acknowledged"] is True and created["index"] == index
    api.assert_head(await es.indices.exists(index=index), True)

    got = api.data(await es.indices.get(index=index))
    assert got[index]["settings"]["index"]["number_of_shards"] == "1"
    assert got[index]["mappings"]["properties"]["tag"] == {"type": "keyword"}

    deleted = api.data(await es.indices.delete(index=index))
    assert deleted["acknowledged"] is True
    api.assert_head(await es.indices.exists(index=index), False)


async def test_mappings(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    put = api.data(
        await es.indices.put_mapping(
            index=index,
            **api.body(properties={"n": {"type": "integer"}, "name": {"type": "keyword"}}),
        )
    )
    assert put["acknowledged"] is True
    mapping = api.data(await es.indices.get_mapping(index=index))
    assert mapping[index]["mappings"]["properties"] == {
        "n": {"type": "integer"},
        "name": {"type": "keyword"},
    }
    field = api.data(await es.indices.get_field_mapping(index=index, fields="n"))
    assert field[index]["mappings"]["n"]["mapping"] == {"n": {"type": "integer"}}
    # Adding a field keeps the others.
    await es.indices.put_mapping(index=index, **api.body(properties={"when": {"type": "date"}}))
    properties = api.data(await es.indices.get_mapping(index=index))[index]["mappings"]["properties"]
    assert set(properties) == {"n", "name", "when"}


async def test_settings(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    if api.v7:
        await es.indices.put_settings(index=index, body={"index": {"refresh_interval": "5s"}})
    else:
        await es.indices.put_settings(index=index, settings={"index": {"refresh_interval": "5s"}})
    flat = api.data(await es.indices.get_settings(index=index, flat_settings=True))
    assert flat[index]["settings"]["index.refresh_interval"] == "5s"
    assert flat[index]["settings"]["index.number_of_replicas"] == "0"


async def test_close_open_refresh_stats(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    await es.cluster.health(index=index, wait_for_status="green", timeout="30s")
    await es.index(index=index, id="1", **api.document({"a": 1}))
    refreshed = api.data(await es.indices.refresh(index=index))
    assert refreshed["_shards"]["failed"] == 0
    stats = api.data(await es.indices.stats(index=index, metric="docs"))
    assert stats["indices"][index]["primaries"]["docs"]["count"] == 1

    closed = api.data(await es.indices.close(index=index))
    assert closed["acknowledged"] is True
    rows = api.data(await es.cat.indices(index=index, format="json", h="index,status"))
    assert rows == [{"index": index, "status": "close"}]
    opened = api.data(await es.indices.open(index=index, wait_for_active_shards=1))
    assert opened["acknowledged"] is True
    await es.cluster.health(index=index, wait_for_status="green", timeout="30s")
    count = api.data(await es.count(index=index))
    assert count["count"] == 1
