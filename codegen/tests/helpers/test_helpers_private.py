"""The official helpers' private ``_chunk_actions`` and ``_process_bulk_chunk``, which some
programs call to drive bulk requests themselves, against the fake Elasticsearch."""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType
from typing import Any

import pytest

from .helpers_fake_es import Server, docs, legacy, make_client


def serializer_of(package: ModuleType, client: Any) -> Any:
    if legacy(package):
        return client.transport.serializer
    return client.transport.serializers.get_serializer("application/json")


def chunks(
    package: ModuleType, helpers: ModuleType, client: Any, pairs: Any, size: int, max_bytes: int
) -> Any:
    serializer = serializer_of(package, client)
    if legacy(package):
        return list(helpers._chunk_actions(pairs, size, max_bytes, serializer))
    return list(helpers._chunk_actions(pairs, size, max_bytes, None, serializer))


def process(package: ModuleType, helpers: ModuleType, client: Any, chunk: Any, **options: Any) -> Any:
    data, lines = chunk
    if legacy(package):
        return helpers._process_bulk_chunk(client, lines, data, **options)
    return helpers._process_bulk_chunk(client, lines, data, None, **options)


def test_private_signatures_follow_the_official_major(package: ModuleType, helpers: ModuleType) -> None:
    chunk_params = ["actions", "chunk_size", "max_chunk_bytes", "serializer"]
    process_params = [
        "client", "bulk_actions", "bulk_data", "raise_on_exception", "raise_on_error", "ignore_status", "args",
        "kwargs",
    ]  # fmt: skip
    if not legacy(package):
        chunk_params.insert(3, "flush_after_seconds")
        process_params.insert(3, "otel_span")
    assert list(inspect.signature(helpers._chunk_actions).parameters) == chunk_params
    assert list(inspect.signature(helpers._process_bulk_chunk).parameters) == process_params
    actions = importlib.import_module(f"{package.__name__}.helpers.actions")
    assert actions._chunk_actions is helpers._chunk_actions


def test_chunks_by_count_and_bytes_then_every_chunk_is_indexed(
    package: ModuleType, helpers: ModuleType, client: Any, server: Server
) -> None:
    given = docs(1234)
    made = chunks(package, helpers, client, map(helpers.expand_action, given), 500, 100 * 1024 * 1024)
    assert [len(data) for data, _ in made] == [500, 500, 234]
    data, lines = made[0]
    assert len(lines) == 1000
    action, source = data[0]
    assert action == {"index": {"_id": "0", "_index": "test"}}
    assert source == {"n": 0, "title": "doc 0"}
    results = [result for chunk in made for result in process(package, helpers, client, chunk)]
    assert len(results) == 1234 and all(ok for ok, _ in results)
    assert server.es.count() == 1234

    # max_chunk_bytes counts each line and its newline; one action alone may exceed it
    small = chunks(package, helpers, client, map(helpers.expand_action, docs(10)), 500, 120)
    assert all(sum(len(line) + 1 for line in lines) <= 120 or len(data) == 1 for data, lines in small)
    assert sum(len(data) for data, _ in small) == 10 and len(small) > 1


def test_a_delete_is_one_line_and_a_flush_marker_ends_a_chunk(
    package: ModuleType, helpers: ModuleType, client: Any
) -> None:
    pairs: list[Any] = [helpers.expand_action({"_op_type": "delete", "_index": "test", "_id": "x"})]
    pairs += map(helpers.expand_action, docs(2))
    if not legacy(package):
        pairs.insert(1, (helpers.BULK_FLUSH, None))
    made = chunks(package, helpers, client, pairs, 500, 100 * 1024 * 1024)
    data, lines = made[0]
    assert data[0] == ({"delete": {"_id": "x", "_index": "test"}},)
    if legacy(package):  # no markers in 7.x: one chunk, 1 + 2 + 2 lines
        assert [len(data) for data, _ in made] == [3] and len(lines) == 5
    else:
        assert [len(data) for data, _ in made] == [1, 2] and len(lines) == 1


def test_failed_items_are_raised_together_after_the_ok_ones(
    package: ModuleType, helpers: ModuleType, client: Any, server: Server
) -> None:
    helpers.bulk(client, docs(2))
    pairs = map(helpers.expand_action, [{"_op_type": "create", **doc} for doc in docs(4)])
    (chunk,) = chunks(package, helpers, client, pairs, 500, 100 * 1024 * 1024)
    seen = []
    with pytest.raises(helpers.BulkIndexError) as raised:
        for result in process(package, helpers, client, chunk):
            seen.append(result)
    errors = raised.value.errors
    assert [item["create"]["_id"] for item in errors] == ["0", "1"]
    assert errors[0]["create"]["status"] == 409 and errors[0]["create"]["data"] == {"n": 0, "title": "doc 0"}
    assert [(ok, item["create"]["_id"]) for ok, item in seen] == [(True, "2"), (True, "3")]

    again = map(helpers.expand_action, [{"_op_type": "create", **doc} for doc in docs(4)])
    (chunk,) = chunks(package, helpers, client, again, 500, 10**8)
    results = list(process(package, helpers, client, chunk, raise_on_error=False))
    assert [ok for ok, _ in results] == [False, False, False, False]  # all four exist now
    assert results[0][1]["create"]["status"] == 409


def test_a_request_error_raises_or_fails_every_action(
    package: ModuleType, helpers: ModuleType, client: Any, server: Server
) -> None:
    (chunk,) = chunks(package, helpers, client, map(helpers.expand_action, docs(3)), 500, 10**8)
    server.es.bulk_statuses = [500]
    error_class = package.TransportError if legacy(package) else package.ApiError
    with pytest.raises(error_class):
        list(process(package, helpers, client, chunk))

    server.es.bulk_statuses = [500]
    with pytest.raises(helpers.BulkIndexError) as raised:
        list(process(package, helpers, client, chunk, raise_on_exception=False))
    assert len(raised.value.errors) == 3

    server.es.bulk_statuses = [500]
    results = list(process(package, helpers, client, chunk, raise_on_exception=False, raise_on_error=False))
    assert len(results) == 3 and not any(ok for ok, _ in results)
    info = results[0][1]["index"]
    assert info["status"] == 500 and info["_id"] == "0" and info["data"] == {"n": 0, "title": "doc 0"}
    assert isinstance(info["exception"], error_class)

    server.es.bulk_statuses = [500]
    ignored = list(process(package, helpers, client, chunk, ignore_status=500))  # neither raised
    assert [(ok, item["index"]["status"]) for ok, item in ignored] == [(False, 500)] * 3
    assert server.es.count() == 0


def test_an_answer_short_of_items_reports_the_rest(
    package: ModuleType, helpers: ModuleType, client: Any, server: Server
) -> None:
    (chunk,) = chunks(package, helpers, client, map(helpers.expand_action, docs(5)), 500, 10**8)
    server.es.drop_items = 2
    results = list(process(package, helpers, client, chunk, raise_on_error=False))
    assert [ok for ok, _ in results] == [True, True, True, False, False]
    missing = results[3][1]["index"]
    assert missing["_id"] == "3" and missing["error"]["type"] == "missing_bulk_item"
    assert missing["data"] == {"n": 3, "title": "doc 3"}


# -- the async ones ---------------------------------------------------------------------------


def test_async_private_signatures_follow_the_official_major(package: ModuleType) -> None:
    async_helpers = importlib.import_module(f"{package.__name__}._async.helpers")
    chunk_params = ["actions", "chunk_size", "max_chunk_bytes", "serializer"]
    if not legacy(package):
        chunk_params.insert(3, "flush_after_seconds")
    assert list(inspect.signature(async_helpers._chunk_actions).parameters) == chunk_params
    assert list(inspect.signature(async_helpers._process_bulk_chunk).parameters) == [
        "client", "bulk_actions", "bulk_data", "raise_on_exception", "raise_on_error", "ignore_status", "args",
        "kwargs",
    ]  # fmt: skip


async def test_async_chunks_are_sent_and_failures_reported(
    package: ModuleType, helpers: ModuleType, server: Server
) -> None:
    async_helpers = importlib.import_module(f"{package.__name__}._async.helpers")
    client = make_client(package, server.url, is_async=True)
    try:
        serializer = serializer_of(package, client)

        async def pairs() -> Any:
            for doc in docs(1100):
                yield helpers.expand_action(doc)

        options = () if legacy(package) else (None,)
        made = [
            chunk async for chunk in async_helpers._chunk_actions(pairs(), 500, 10**8, *options, serializer)
        ]
        assert [len(data) for data, _ in made] == [500, 500, 100]
        ok = 0
        for data, lines in made:
            async for result, _ in async_helpers._process_bulk_chunk(client, lines, data):
                ok += result
        assert ok == 1100 and server.es.count() == 1100

        data, lines = made[-1]
        server.es.bulk_statuses = [500]
        failed = [
            result
            async for result in async_helpers._process_bulk_chunk(
                client, lines, data, raise_on_exception=False, raise_on_error=False
            )
        ]
        assert len(failed) == 100 and not any(ok for ok, _ in failed)
        assert failed[0][1]["index"]["data"] == {"n": 1000, "title": "doc 1000"}
        again = [helpers.expand_action({"_op_type": "create", **doc}) for doc in docs(2)]
        (chunk,) = chunks(package, helpers, client, again, 500, 10**8)
        with pytest.raises(helpers.BulkIndexError) as raised:
            async for _ in async_helpers._process_bulk_chunk(client, chunk[1], chunk[0]):
                pass
        assert [e["create"]["status"] for e in raised.value.errors] == [409, 409]
    finally:
        await client.close()


# -- parallel_bulk through a replaced private function -----------------------------------------


def test_parallel_bulk_goes_through_a_replaced_process_bulk_chunk(
    package: ModuleType, helpers: ModuleType, client: Any, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    actions = importlib.import_module(f"{package.__name__}.helpers.actions")
    own = actions._process_bulk_chunk
    seen: list[tuple[list[Any], dict[str, Any]]] = []

    def wrapper(client: Any, bulk_actions: Any, bulk_data: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append((bulk_data, kwargs))
        return own(client, bulk_actions, bulk_data, *args, **kwargs)

    monkeypatch.setattr(actions, "_process_bulk_chunk", wrapper)
    given = [*docs(25), {"_index": "test", "_id": "d", "_op_type": "delete"}]
    results = list(helpers.parallel_bulk(client, given, chunk_size=10, thread_count=2, raise_on_error=False))
    assert [len(data) for data, _ in seen] == [10, 10, 6]
    assert seen[0][0][0] == ({"index": {"_index": "test", "_id": "0"}}, {"n": 0, "title": "doc 0"})
    assert seen[-1][0][-1] == ({"delete": {"_index": "test", "_id": "d"}},)
    assert seen[0][1]["raise_on_error"] is False and seen[0][1]["ignore_status"] == ()
    assert ("otel_span" in seen[0][1]) is not legacy(package)
    assert [ok for ok, _ in results] == [True] * 25 + [False]  # the delete of a missing document
    assert server.es.count() == 25


def test_parallel_bulk_through_a_replaced_private_function_loses_nothing(
    package: ModuleType, helpers: ModuleType, client: Any, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Actions the direct way refuses before sending (an unknown op type) are still reported
    first; actions without an index are sent, as the official helper sends them, and the
    request that the server then refuses fails every action of its chunk."""
    actions = importlib.import_module(f"{package.__name__}.helpers.actions")
    own = actions._process_bulk_chunk_success
    calls: list[int] = []

    def success(resp: Any, bulk_data: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(len(bulk_data))
        return own(resp, bulk_data, *args, **kwargs)

    monkeypatch.setattr(actions, "_process_bulk_chunk_success", success)
    given = [*docs(3), {"_index": "test", "_op_type": "bogus", "n": 1}]
    results = list(helpers.parallel_bulk(client, given, chunk_size=10, raise_on_error=False))
    assert calls == [3]
    assert len(results) == 4
    assert results[0][0] is False and "bogus" in results[0][1]["bogus"]["error"]["reason"]
    assert [ok for ok, _ in results[1:]] == [True, True, True]
    assert server.es.count() == 3
    with pytest.raises(helpers.BulkIndexError) as e:
        list(helpers.parallel_bulk(client, given[3:] + docs(2, start=10), chunk_size=10))
    assert len(e.value.errors) == 1
    assert server.es.count() == 5
    no_index = [*docs(2, start=20), {"n": 2}]
    results = list(
        helpers.parallel_bulk(client, no_index, chunk_size=10, raise_on_error=False, raise_on_exception=False)
    )
    assert [ok for ok, _ in results] == [False, False, False] and calls == [3, 2]
    assert results[2][1]["index"]["status"] == 400 and results[2][1]["index"]["data"] == {"n": 2}
