"""The asyncio helpers of every package against the fake Elasticsearch: the same machinery
as the sync ones, so these check what is awaited: sending, backoff, async iterables, scan."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any

import pytest

from .helpers_fake_es import VERSIONS, Server, docs, make_client


@pytest.fixture
async def aclient(package: ModuleType, server: Server) -> AsyncIterator[Any]:
    client = make_client(package, server.url, is_async=True)
    yield client
    await client.close()


async def agen(items: list[Any]) -> AsyncIterator[Any]:
    for item in items:
        await asyncio.sleep(0)
        yield item


def test_async_helpers_live_where_the_official_client_has_them(
    package: ModuleType, helpers: ModuleType
) -> None:
    module = importlib.import_module(package.__name__ + "._async.helpers")
    for name in ("async_bulk", "async_streaming_bulk", "async_scan", "async_reindex"):
        assert getattr(helpers, name) is getattr(module, name)


async def test_async_bulk_counts_and_chunks(helpers: ModuleType, aclient: Any, server: Server) -> None:
    assert await helpers.async_bulk(aclient, docs(1234), chunk_size=100) == (1234, [])
    assert server.es.count() == 1234
    assert [len(b.actions) for b in server.es.bulks] == [100] * 12 + [34]
    assert await helpers.async_bulk(aclient, agen(docs(600, index="b")), stats_only=True) == (600, 0)
    assert [len(b.actions) for b in server.es.bulks[-2:]] == [500, 100]


async def test_async_streaming_bulk_results(helpers: ModuleType, aclient: Any) -> None:
    actions = [*docs(5), {"_index": "test", "_id": "x", "n": "text"}, {"n": 1}]
    results = [r async for r in helpers.async_streaming_bulk(aclient, agen(actions), raise_on_error=False)]
    assert len(results) == 7
    assert [ok for ok, _ in results].count(False) == 2
    with pytest.raises(helpers.BulkIndexError) as caught:
        [r async for r in helpers.async_streaming_bulk(aclient, actions)]
    assert len(caught.value.errors) == 2
    assert await helpers.async_bulk(aclient, actions, raise_on_error=False, stats_only=True) == (5, 2)


async def test_async_retries_only_rejected_items(
    helpers: ModuleType, aclient: Any, server: Server, sleeps: list[float]
) -> None:
    server.es.item_statuses = {"4": [429, 429]}
    server.es.bulk_statuses = [429]
    ok, errors = await helpers.async_bulk(aclient, docs(8), max_retries=3, initial_backoff=0.125)
    assert (ok, errors) == (8, [])
    assert sleeps == [0.125, 0.25, 0.5]  # one attempt counter per chunk, as in the official helpers
    assert [b.body.count(b"\n") // 2 for b in server.es.bulks] == [8, 8, 1, 1]


async def test_async_progress_and_bad_input(helpers: ModuleType, aclient: Any) -> None:
    seen: list[tuple[int, int, int]] = []

    async def report(ok: int, failed: int, total: int) -> None:
        seen.append((ok, failed, total))

    actions = [*docs(7), {"n": "no index"}]
    await helpers.async_bulk(aclient, actions, chunk_size=4, raise_on_error=False, progress=report)
    assert seen[-1] == (7, 1, 8)
    sync_seen: list[tuple[int, int, int]] = []
    await helpers.async_bulk(aclient, docs(3), progress=lambda *c: sync_seen.append(c))
    assert sync_seen == [(3, 0, 3)]


async def test_async_flush_after_seconds(
    helpers: ModuleType, package: ModuleType, aclient: Any, server: Server
) -> None:
    if package.__name__ == "elasticsearch7":
        pytest.skip("flush_after_seconds is 8.x and later")

    async def slow() -> AsyncIterator[Any]:
        for doc in docs(2):
            yield doc
        for _ in range(500):
            if server.es.bulks:
                break
            await asyncio.sleep(0.01)
        yield from_last[0]

    from_last = docs(1, start=2)
    assert await helpers.async_bulk(aclient, slow(), flush_after_seconds=0.05) == (3, [])
    assert [len(b.actions) for b in server.es.bulks] == [2, 1]
    actions = [*docs(2), helpers.BULK_FLUSH, *docs(1, start=2)]
    assert await helpers.async_bulk(aclient, actions) == (3, [])
    assert [len(b.actions) for b in server.es.bulks[-2:]] == [2, 1]


async def test_async_scan(helpers: ModuleType, aclient: Any, server: Server) -> None:
    assert await helpers.async_bulk(aclient, docs(1100)) == (1100, [])
    hits = [h async for h in helpers.async_scan(aclient, index="test", size=500)]
    assert [h["_id"] for h in hits] == [str(i) for i in range(1100)]
    assert server.es.cleared == [server.es.scroll_pages[0]]
    ordered = [
        h["_source"]["n"]
        async for h in helpers.async_scan(
            aclient, query={"sort": [{"n": "desc"}]}, index="test", size=400, preserve_order=True
        )
    ]
    assert ordered == list(range(1099, -1, -1))
    server.es.short_shards_on_page = len(server.es.scroll_pages) + 1
    with pytest.raises(helpers.ScanError):
        [h async for h in helpers.async_scan(aclient, index="test", size=500)]


async def test_async_reindex_between_two_clients(
    helpers: ModuleType, package: ModuleType, aclient: Any, server: Server
) -> None:
    assert await helpers.async_bulk(aclient, docs(650)) == (650, [])
    assert await helpers.async_reindex(aclient, "test", "copy") == (650, 0)
    assert server.es.indices["copy"] == server.es.indices["test"]
    other = Server(VERSIONS[package.__name__])
    target = make_client(package, other.url, is_async=True)
    try:
        assert await helpers.async_reindex(
            aclient, "test", "moved", target_client=target, chunk_size=200
        ) == (650, 0)
        assert other.es.indices["moved"] == server.es.indices["test"]
        assert [len(b.actions) for b in other.es.bulks] == [200, 200, 200, 50]
    finally:
        await target.close()
        other.close()


async def test_async_reindex_when_the_data_stream_probe_fails(
    helpers: ModuleType, aclient: Any, server: Server
) -> None:
    # a server without the data streams API answers the probe 400: the target is an index
    assert await helpers.async_bulk(aclient, docs(5)) == (5, [])
    server.es.data_stream_status = 400
    assert await helpers.async_reindex(aclient, "test", "copy") == (5, 0)
    assert server.es.indices["copy"] == server.es.indices["test"]
