"""The bulk, scan and reindex helpers of each package on a real cluster (issue 5).

Every bulk helper indexes DOCS (100,000) small documents, then the cluster counts them;
scan reads a DOCS-document corpus back with and without ``preserve_order``; ``reindex``
copies it to another index, through the same client and through a second one; the
error cases (mapping and version conflicts, actions that cannot be sent) check that
every action comes back indexed or reported, never dropped.

Each test runs with the package's sync helpers (``bulk``, ``streaming_bulk``, ``scan``,
``reindex``) on its ``Elasticsearch`` and with the async ones (``async_bulk``...) on its
``AsyncElasticsearch``; ``parallel_bulk`` has no async twin. ``ES_INTEGRATION_HELPER_DOCS``
lowers DOCS for quick local runs. Each bulk run prints its rate (``pytest -rP`` shows it).
"""

from __future__ import annotations

import importlib
import os
import time
import warnings
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

DOCS = int(os.environ.get("ES_INTEGRATION_HELPER_DOCS", "100000"))
TAGS = ("red", "green", "blue")
ONE_SHARD = {"number_of_shards": 1, "number_of_replicas": 0}
MAPPINGS = {"properties": {"n": {"type": "integer"}, "key": {"type": "integer"}, "tag": {"type": "keyword"}}}
PARSE_ERRORS = ("document_parsing_exception", "mapper_parsing_exception")  # 8.x+ / 7.x name


def key_of(i: int, total: int = DOCS) -> int:
    """A permutation of 0..total-1 (7919 is prime, so coprime with any DOCS that is not a
    multiple of it): sorting by ``key`` gives an order unlike the indexing order."""
    return (i * 7919) % total


def document(i: int) -> dict[str, Any]:
    return {"n": i, "key": key_of(i), "tag": TAGS[i % 3]}


def actions(index: str, count: int = DOCS) -> Iterator[dict[str, Any]]:
    """A generator, as users feed the helpers: nothing sized, nothing kept."""
    for i in range(count):
        yield {"_index": index, "_id": str(i), **document(i)}


def report_rate(label: str, count: int, seconds: float) -> None:
    print(f"helpers rate: {label}: {count} docs in {seconds:.2f} s = {count / seconds:,.0f} docs/s")


class Helpers:
    """The package's sync or async helpers behind one awaitable interface."""

    def __init__(self, cell_client: str, mode: str, client: Any) -> None:
        self.mode = mode
        self.module = importlib.import_module(f"{cell_client}.helpers")
        self.client = client.unwrapped if mode == "sync" else client
        self.BulkIndexError = self.module.BulkIndexError

    def name(self, helper: str) -> str:
        return helper if self.mode == "sync" else f"async_{helper}"

    async def bulk(self, actions: Any, **kwargs: Any) -> tuple[int, Any]:
        if self.mode == "sync":
            return self.module.bulk(self.client, actions, **kwargs)  # type: ignore[no-any-return]
        return await self.module.async_bulk(self.client, actions, **kwargs)  # type: ignore[no-any-return]

    async def streaming_bulk(self, actions: Any, **kwargs: Any) -> AsyncIterator[tuple[bool, dict[str, Any]]]:
        if self.mode == "sync":
            for result in self.module.streaming_bulk(self.client, actions, **kwargs):
                yield result
        else:
            async for result in self.module.async_streaming_bulk(self.client, actions, **kwargs):
                yield result

    async def scan(self, **kwargs: Any) -> list[dict[str, Any]]:
        if self.mode == "sync":
            return list(self.module.scan(self.client, **kwargs))
        return [hit async for hit in self.module.async_scan(self.client, **kwargs)]

    async def reindex(self, *args: Any, target_client: Any = None, **kwargs: Any) -> tuple[int, Any]:
        if target_client is not None and self.mode == "sync":
            target_client = getattr(target_client, "unwrapped", target_client)
        if self.mode == "sync":
            return self.module.reindex(self.client, *args, target_client=target_client, **kwargs)  # type: ignore[no-any-return]
        return await self.module.async_reindex(self.client, *args, target_client=target_client, **kwargs)  # type: ignore[no-any-return]


@pytest.fixture
def helpers(es: Any, es_cluster: Any, mode: str) -> Helpers:
    return Helpers(es_cluster.cell.client, mode, es)


async def create_index(
    es: Any, api: Any, index: str, settings: Any = ONE_SHARD, mappings: Any = MAPPINGS
) -> None:
    await es.indices.create(index=index, **api.body(settings=settings, mappings=mappings))


async def count(es: Any, api: Any, index: str, refresh: bool = True, **query: Any) -> int:
    if refresh:
        await es.indices.refresh(index=index)
    return int(api.data(await es.count(index=index, **api.body(**query)))["count"])


def failed_items(results: list[tuple[bool, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The info of every failed item ({op_type: info} -> info)."""
    return [next(iter(item.values())) for ok, item in results if not ok]


# --------------------------------------------------------------------------- 100,000 documents per helper


@pytest.fixture(scope="module")
def corpus(es_cluster: Any, client_factory: Any) -> Iterator[str]:
    """DOCS documents in two shards, loaded once per cell with the sync ``bulk``."""
    es = client_factory(es_cluster, "sync")
    v7 = es_cluster.cell.client_major == 7
    index = "it-helpers-corpus"
    body = {"settings": {"number_of_shards": 2, "number_of_replicas": 0}, "mappings": MAPPINGS}
    try:
        es.indices.create(index=index, **({"body": body} if v7 else body))
        began = time.monotonic()
        ok, errors = importlib.import_module(f"{es_cluster.cell.client}.helpers").bulk(es, actions(index))
        report_rate(f"{es_cluster.cell.key} bulk (corpus, cold cluster)", DOCS, time.monotonic() - began)
        assert (ok, errors) == (DOCS, [])
        es.indices.refresh(index=index)
        yield index
    finally:
        if v7:
            es.indices.delete(index=index, ignore=404)
        else:
            es.options(ignore_status=404).indices.delete(index=index)
        es.close()


@pytest.mark.parametrize("helper", ["bulk", "streaming_bulk"])
async def test_bulk_helpers_index_100k(
    es: Any, api: Any, helpers: Helpers, names: Any, es_cluster: Any, corpus: str, helper: str
) -> None:
    # (corpus: loaded first, it warms the new cluster up, so that the rates compare)
    index = names.index()
    await create_index(es, api, index)
    began = time.monotonic()
    if helper == "bulk":
        ok, errors = await helpers.bulk(actions(index))
        assert (ok, errors) == (DOCS, [])
    else:
        ok = failed = 0
        async for success, _item in helpers.streaming_bulk(actions(index), yield_ok=True):
            ok += success
            failed += not success
        assert (ok, failed) == (DOCS, 0)
    report_rate(f"{es_cluster.cell.key} {helpers.name(helper)}", DOCS, time.monotonic() - began)
    assert await count(es, api, index) == DOCS
    # the last document went in whole, and the first
    for i in (0, DOCS - 1):
        got = api.data(await es.get(index=index, id=str(i)))
        assert got["_source"] == document(i)


async def test_parallel_bulk_index_100k(
    api: Any, names: Any, es_cluster: Any, corpus: str, make_client: Any
) -> None:
    """parallel_bulk is sync only (as in the official clients): 4 threads, results in order."""
    es = make_client("sync")
    parallel_bulk = importlib.import_module(f"{es_cluster.cell.client}.helpers").parallel_bulk
    index = names.index()
    es.indices.create(index=index, **api.body(settings=ONE_SHARD, mappings=MAPPINGS))
    began = time.monotonic()
    ok = failed = 0
    previous = -1
    for success, item in parallel_bulk(es, actions(index), thread_count=4):
        ok += success
        failed += not success
        position = int(item["index"]["_id"])
        assert position == previous + 1  # in the order of the input, across threads
        previous = position
    report_rate(f"{es_cluster.cell.key} parallel_bulk", DOCS, time.monotonic() - began)
    assert (ok, failed) == (DOCS, 0)
    es.indices.refresh(index=index)
    assert api.data(es.count(index=index))["count"] == DOCS


# --------------------------------------------------------------------------- scan and reindex over the corpus


@pytest.mark.parametrize("preserve_order", [False, True], ids=["doc-order", "preserve-order"])
async def test_scan_100k(helpers: Helpers, es_cluster: Any, corpus: str, preserve_order: bool) -> None:
    query: dict[str, Any] = {"query": {"match_all": {}}}
    if preserve_order:
        query["sort"] = [{"key": "asc"}]
    began = time.monotonic()
    hits = await helpers.scan(index=corpus, query=query, preserve_order=preserve_order, size=1000)
    report_rate(
        f"{es_cluster.cell.key} {helpers.name('scan')} preserve_order={preserve_order}",
        len(hits),
        time.monotonic() - began,
    )
    ids = Counter(hit["_id"] for hit in hits)
    assert len(hits) == DOCS
    assert set(ids) == {str(i) for i in range(DOCS)}
    assert max(ids.values()) == 1, [i for i, seen in ids.items() if seen > 1][:10]
    keys = [hit["_source"]["key"] for hit in hits]
    if preserve_order:
        assert keys == list(range(DOCS))
    else:
        assert keys != list(range(DOCS))  # the sort was replaced by _doc order
    assert all(hit["_source"] == document(int(hit["_id"])) for hit in hits)


def count_requests(client: Any) -> list[str]:
    """Records the path of every request the client's transport sends (shared by its
    ``options()`` copies); sync and async transports alike."""
    transport = getattr(client, "unwrapped", client).transport
    seen: list[str] = []
    original = transport.perform_request

    def perform_request(method: str, target: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(target.split("?")[0])
        return original(method, target, *args, **kwargs)

    transport.perform_request = perform_request
    return seen


@pytest.mark.parametrize("through", ["one-client", "two-clients"])
async def test_reindex_100k(
    es: Any,
    api: Any,
    helpers: Helpers,
    names: Any,
    es_cluster: Any,
    corpus: str,
    make_client: Any,
    mode: str,
    through: str,
) -> None:
    target_index = names.index("copy")
    await create_index(es, api, target_index, settings={"number_of_shards": 1, "number_of_replicas": 0})
    target_client = make_client(mode) if through == "two-clients" else None
    sent_by_source = count_requests(es)
    sent_by_target = count_requests(target_client) if target_client is not None else sent_by_source
    began = time.monotonic()
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        result = await helpers.reindex(corpus, target_index, target_client=target_client, chunk_size=1000)
    report_rate(f"{es_cluster.cell.key} {helpers.name('reindex')} {through}", DOCS, time.monotonic() - began)
    assert result == (DOCS, 0)
    # 7.x hits carry _type: _doc; sent back, the server would warn on every bulk request
    assert not [w for w in warned if "types removal" in str(w.message)], warned[0].message
    if target_client is not None:
        # the documents were read through the source client and written through the target
        assert not [p for p in sent_by_source if p.endswith("/_bulk")], sent_by_source[:5]
        assert any(p.endswith("/_search") for p in sent_by_source)
        # (and, with ELASTIC_CLIENT_APIVERSIONING=negotiate, the target's one version discovery)
        assert sent_by_target and all(
            p.endswith("/_bulk") or "_data_stream" in p or p == "/_nodes/_all/http" for p in sent_by_target
        )
    assert await count(es, api, target_index) == DOCS
    # every document copied as it was: sums over all of them, and one read back
    aggs = {"n": {"sum": {"field": "n"}}, "key": {"sum": {"field": "key"}}}
    sums = api.data(await es.search(index=target_index, **api.body(size=0, aggs=aggs)))["aggregations"]
    assert sums["n"]["value"] == sums["key"]["value"] == DOCS * (DOCS - 1) / 2
    got = api.data(await es.get(index=target_index, id=str(DOCS // 3)))
    assert got["_source"] == document(DOCS // 3)


# --------------------------------------------------------------------------- per-item failures, nothing lost

ERROR_DOCS = 1000


def conflicting(index: str, bad: set[int]) -> Iterator[dict[str, Any]]:
    """ERROR_DOCS actions; those at the ``bad`` positions give the integer field a string."""
    for i in range(ERROR_DOCS):
        yield {"_index": index, "_id": str(i), **document(i), **({"n": "abc"} if i in bad else {})}


@pytest.mark.ours_only("the error of each failed action carries its document ('data')")
async def test_mapping_conflicts_are_reported_with_their_documents(
    es: Any, api: Any, helpers: Helpers, names: Any
) -> None:
    bad = {i for i in range(ERROR_DOCS) if i % 50 == 7}

    # streaming, not raising: one result per action, the failures with their documents
    index = names.index("streaming")
    await create_index(es, api, index)
    results = [
        r async for r in helpers.streaming_bulk(conflicting(index, bad), chunk_size=100, raise_on_error=False)
    ]
    assert len(results) == ERROR_DOCS
    failures = failed_items(results)
    assert sorted(int(info["_id"]) for info in failures) == sorted(bad)
    for info in failures:
        assert info["status"] == 400 and info["error"]["type"] in PARSE_ERRORS, info
        assert info["data"] == {**document(int(info["_id"])), "n": "abc"}
    indexed = await count(es, api, index)
    assert indexed == ERROR_DOCS - len(bad)
    assert indexed + len(failures) == ERROR_DOCS

    # bulk, not raising: (ok count, the failed items)
    index = names.index("bulk")
    await create_index(es, api, index)
    ok, errors = await helpers.bulk(conflicting(index, bad), chunk_size=100, raise_on_error=False)
    assert (ok, len(errors)) == (ERROR_DOCS - len(bad), len(bad))
    assert all(next(iter(e.values()))["data"]["n"] == "abc" for e in errors)
    assert await count(es, api, index) == ok
    assert await helpers.bulk(conflicting(index, bad), raise_on_error=False, stats_only=True) == (
        ERROR_DOCS - len(bad),
        len(bad),
    )

    # bulk, raising, one chunk: BulkIndexError with every failure, the rest indexed
    index = names.index("raising")
    await create_index(es, api, index)
    with pytest.raises(helpers.BulkIndexError) as caught:
        await helpers.bulk(conflicting(index, bad), chunk_size=ERROR_DOCS)
    errors = caught.value.errors
    assert f"{len(bad)} document(s) failed to index." in str(caught.value)
    assert sorted(int(e["index"]["_id"]) for e in errors) == sorted(bad)
    assert all(e["index"]["data"] == {**document(int(e["index"]["_id"])), "n": "abc"} for e in errors)
    assert await count(es, api, index) + len(errors) == ERROR_DOCS

    # raising, several chunks: the run ends with the first chunk that has failures;
    # that chunk's other actions are indexed, later chunks are not sent
    index = names.index("raising-chunks")
    await create_index(es, api, index)
    with pytest.raises(helpers.BulkIndexError) as caught:
        await helpers.bulk(conflicting(index, bad), chunk_size=100)
    first_chunk_bad = sorted(i for i in bad if i < 100)
    assert sorted(int(e["index"]["_id"]) for e in caught.value.errors) == first_chunk_bad
    assert await count(es, api, index) + len(first_chunk_bad) == 100


@pytest.mark.ours_only("the error of each failed action carries its document ('data')")
async def test_version_conflicts_are_reported_with_their_documents(
    es: Any, api: Any, helpers: Helpers, names: Any
) -> None:
    """op_type create on ids that exist: 409 per item; the existing documents are kept."""
    index = names.index()
    await create_index(es, api, index)
    half = ERROR_DOCS // 2
    firsts = [{"_index": index, "_id": str(i), "n": i, "tag": "first"} for i in range(half)]
    assert await helpers.bulk(firsts) == (half, [])

    def creates() -> Iterator[dict[str, Any]]:
        for i in range(ERROR_DOCS):
            yield {"_op_type": "create", "_index": index, "_id": str(i), "n": i, "tag": "second"}

    results = [r async for r in helpers.streaming_bulk(creates(), chunk_size=300, raise_on_error=False)]
    assert len(results) == ERROR_DOCS
    failures = failed_items(results)
    assert sorted(int(info["_id"]) for info in failures) == list(range(half))
    for info in failures:
        assert info["status"] == 409 and info["error"]["type"] == "version_conflict_engine_exception", info
        assert info["data"] == {"n": int(info["_id"]), "tag": "second"}
    assert [next(iter(item)) for _, item in results] == ["create"] * ERROR_DOCS
    assert await count(es, api, index) == ERROR_DOCS
    assert await count(es, api, index, refresh=False, query={"term": {"tag": "first"}}) == half
    created = ERROR_DOCS - len(failures)
    assert created == ERROR_DOCS - half

    # the same through bulk, raising: every conflict in the BulkIndexError
    with pytest.raises(helpers.BulkIndexError) as caught:
        await helpers.bulk(creates(), chunk_size=ERROR_DOCS)
    conflicts = caught.value.errors
    assert len(conflicts) == ERROR_DOCS  # every id exists now
    assert {e["create"]["status"] for e in conflicts} == {409}
    assert conflicts[0]["create"]["data"] == {"n": 0, "tag": "second"}


class Unserializable:
    """A value no JSON serializer takes."""


@pytest.mark.ours_only(
    "actions that cannot be sent (no index, unknown op type, not serializable) are reported at their position"
)
async def test_actions_that_cannot_be_sent_are_reported_with_their_position(
    es: Any, api: Any, helpers: Helpers, names: Any
) -> None:
    """No index (and no index= default), an unknown op type, a document that does not
    serialize: not sent, reported at their position; every other action is indexed."""
    index = names.index()
    await create_index(es, api, index)

    def with_bad_ones() -> list[dict[str, Any]]:
        given = [{"_index": index, "_id": str(i), **document(i)} for i in range(200)]
        del given[42]["_index"]
        given[120]["_op_type"] = "upsert"
        given[150]["tag"] = Unserializable()
        return given

    given = with_bad_ones()
    results = [r async for r in helpers.streaming_bulk(given, chunk_size=50, raise_on_error=False)]
    assert len(results) == len(given)
    failures = {info["position"]: info for info in failed_items(results)}
    assert sorted(failures) == [42, 120, 150]
    for position, info in failures.items():
        assert info["status"] == 400 and info["error"]["reason"].startswith(f"action #{position}: "), info
        assert info["data"] is given[position]
    assert "no index" in failures[42]["error"]["reason"]
    assert "upsert" in failures[120]["error"]["reason"]
    assert failures[150]["error"]["type"] == "serialization_error"
    assert await count(es, api, index) == len(given) - 3

    # raising: the chunk's other actions are still sent, then BulkIndexError names the position
    await es.indices.delete(index=index)
    await create_index(es, api, index)
    given = with_bad_ones()[:100]
    with pytest.raises(helpers.BulkIndexError) as caught:
        await helpers.bulk(given, chunk_size=100)
    (error,) = caught.value.errors
    assert error["index"]["position"] == 42 and error["index"]["error"]["reason"].startswith("action #42: ")
    assert error["index"]["data"] is given[42]
    assert await count(es, api, index) == 99
