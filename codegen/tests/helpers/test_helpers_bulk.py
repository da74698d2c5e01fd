"""bulk, streaming_bulk and parallel_bulk of every package against the fake Elasticsearch:
counts, chunking, per-item failures, retries of rejected items, bad input, progress."""

from __future__ import annotations

import json
import pickle
import sys
import threading
import time
from types import ModuleType
from typing import Any

import pytest

from .helpers_fake_es import Server, docs, legacy, make_client


def ndjson(body: bytes) -> list[Any]:
    assert body.endswith(b"\n")
    return [json.loads(line) for line in body.split(b"\n")[:-1]]


def ids_of(request: Any) -> list[str]:
    return [str(meta.get("_id")) for _, meta, _ in request.actions]


# -- counts and chunks --------------------------------------------------------------------


def test_bulk_indexes_everything_in_chunks(helpers: ModuleType, client: Any, server: Server) -> None:
    assert helpers.bulk(client, docs(1234), chunk_size=100) == (1234, [])
    assert server.es.count() == 1234
    sizes = [len(b.actions) for b in server.es.bulks]
    assert sizes == [100] * 12 + [34]
    first = server.es.bulks[0]
    assert "x-ndjson" in first.content_type
    lines = ndjson(first.body)
    assert lines[0] == {"index": {"_id": "0", "_index": "test"}}
    assert lines[1] == {"n": 0, "title": "doc 0"}


def test_bulk_default_chunk_size_is_500(helpers: ModuleType, client: Any, server: Server) -> None:
    assert helpers.bulk(client, docs(1001), stats_only=True) == (1001, 0)
    assert [len(b.actions) for b in server.es.bulks] == [500, 500, 1]


def test_max_chunk_bytes_counts_utf8_bytes(helpers: ModuleType, client: Any, server: Server) -> None:
    actions = [{"_index": "test", "_id": str(i), "text": "é" * 40} for i in range(30)]
    limit = 600
    helpers.bulk(client, actions, max_chunk_bytes=limit)
    assert server.es.count() == 30
    assert len(server.es.bulks) > 1
    for request in server.es.bulks:
        assert len(request.body) <= limit
    # a single action bigger than the limit still goes, alone
    server.es.bulks.clear()
    helpers.bulk(
        client, [{"_index": "big", "text": "x" * 2000}, {"_index": "big", "text": "y"}], max_chunk_bytes=100
    )
    assert [len(b.actions) for b in server.es.bulks] == [1, 1]


def test_api_arguments_reach_the_bulk_request(helpers: ModuleType, client: Any, server: Server) -> None:
    raw = [{"n": i} for i in range(3)]
    helpers.bulk(client, raw, index="dflt", refresh="wait_for", pipeline="p1")
    request = server.es.bulks[0]
    assert request.path.startswith("/dflt/_bulk")
    assert request.query["refresh"] == "wait_for"
    assert request.query["pipeline"] == "p1"
    assert server.es.count() == 3


def test_streaming_bulk_yields_every_result_in_order(helpers: ModuleType, client: Any) -> None:
    results = list(helpers.streaming_bulk(client, docs(250), chunk_size=100))
    assert len(results) == 250
    assert all(ok for ok, _ in results)
    assert [item["index"]["_id"] for _, item in results] == [str(i) for i in range(250)]
    assert results[0][1]["index"]["status"] == 201


def test_yield_ok_false_yields_failures_only(helpers: ModuleType, client: Any) -> None:
    actions = [*docs(10), {"_index": "test", "_id": "bad", "n": "not a number"}]
    results = list(helpers.streaming_bulk(client, actions, yield_ok=False, raise_on_error=False))
    assert len(results) == 1
    ok, item = results[0]
    assert not ok and item["index"]["_id"] == "bad" and item["index"]["status"] == 400


def test_op_types_and_metadata(helpers: ModuleType, client: Any, server: Server) -> None:
    helpers.bulk(client, docs(3))
    actions = [
        {"_op_type": "create", "_index": "test", "_id": "9", "n": 9, "title": "nine", "_routing": "r"},
        {"_op_type": "update", "_index": "test", "_id": "1", "doc": {"title": "one"}},
        {"_op_type": "delete", "_index": "test", "_id": "2"},
        {"_index": "test", "_id": "3", "_source": {"n": 3, "title": "three"}, "ignored": True},
        {"_op_type": "update", "_index": "test", "_id": "0", "_source": True, "doc": {"title": "zero"}},
    ]
    assert helpers.bulk(client, actions) == (5, [])
    lines = ndjson(server.es.bulks[-1].body)
    assert lines[0] == {"create": {"_id": "9", "_index": "test", "routing": "r"}}
    assert lines[1] == {"n": 9, "title": "nine"}
    assert lines[3] == {"doc": {"title": "one"}}
    assert lines[4] == {"delete": {"_id": "2", "_index": "test"}}
    assert lines[6] == {"n": 3, "title": "three"}
    assert lines[7] == {"update": {"_source": True, "_id": "0", "_index": "test"}}
    assert lines[8] == {"doc": {"title": "zero"}}
    test = server.es.indices["test"]
    assert test["1"]["title"] == "one" and "2" not in test and test["0"]["title"] == "zero"


def test_raw_documents_need_an_index(helpers: ModuleType, client: Any, server: Server) -> None:
    raw = ['{"n": 1}', b'{"n": 2}\n', '{"n": 3}\r\n']
    assert helpers.bulk(client, raw, index="raw") == (3, [])
    assert sorted(d["n"] for d in server.es.indices["raw"].values()) == [1, 2, 3]
    with pytest.raises(helpers.BulkIndexError) as caught:
        helpers.bulk(client, ['{"n": 4}'])
    assert caught.value.errors[0]["index"]["position"] == 0
    results = list(helpers.streaming_bulk(client, ['{"n":\n5}', ""], index="raw", raise_on_error=False))
    assert "line break" in results[0][1]["index"]["error"]["reason"]
    assert "empty" in results[1][1]["index"]["error"]["reason"]


# -- failures per item ----------------------------------------------------------------------


def test_item_failures_come_back_with_their_documents(
    helpers: ModuleType, client: Any, server: Server
) -> None:
    helpers.bulk(client, docs(5))
    actions = [
        {"_index": "test", "_id": "10", "n": 10},
        {"_index": "test", "_id": "11", "n": "eleven"},  # mapping conflict
        {"_op_type": "create", "_index": "test", "_id": "1", "n": 1},  # version conflict
        {"_index": "test", "_id": "12", "n": 12},
    ]
    with pytest.raises(helpers.BulkIndexError) as caught:
        helpers.bulk(client, actions)
    errors = caught.value.errors
    assert str(caught.value).count("2 document(s) failed to index.") == 1
    assert [next(iter(e)) for e in errors] == ["index", "create"]
    assert errors[0]["index"]["status"] == 400 and errors[0]["index"]["data"] == {"n": "eleven"}
    assert errors[0]["index"]["error"]["type"] == "mapper_parsing_exception"
    assert errors[1]["create"]["status"] == 409 and errors[1]["create"]["data"] == {"n": 1}
    assert "10" in server.es.indices["test"] and "12" in server.es.indices["test"]

    ok, failed = helpers.bulk(client, actions, raise_on_error=False)
    assert ok == 2 and len(failed) == 2
    # not raised, the failures still carry their documents (the official ones do not)
    assert failed[0]["index"]["data"] == {"n": "eleven"} and failed[1]["create"]["data"] == {"n": 1}
    results = list(helpers.streaming_bulk(client, actions, raise_on_error=False))
    assert [ok for ok, _ in results] == [True, False, False, True]
    assert results[1][1]["index"]["data"] == {"n": "eleven"}
    assert results[2][1]["create"]["data"] == {"n": 1}
    assert "data" not in results[0][1]["index"]
    assert helpers.bulk(client, actions, raise_on_error=False, stats_only=True) == (2, 2)


def test_delete_of_a_missing_document_is_a_failure(helpers: ModuleType, client: Any) -> None:
    # Elasticsearch answers 404 without "errors": the answer must still be read item by item.
    actions = [{"_op_type": "delete", "_index": "test", "_id": "nope"}]
    with pytest.raises(helpers.BulkIndexError):
        helpers.bulk(client, actions)
    assert helpers.bulk(client, actions, ignore_status=404, stats_only=True) == (0, 1)
    assert helpers.bulk(client, actions, ignore_status=(404,))[1][0]["delete"]["result"] == "not_found"


def test_fewer_answer_items_than_actions_are_reported(
    helpers: ModuleType, client: Any, server: Server
) -> None:
    server.es.drop_items = 2
    results = list(helpers.streaming_bulk(client, docs(5), raise_on_error=False))
    assert len(results) == 5
    assert [ok for ok, _ in results] == [True, True, True, False, False]
    lost = results[3][1]["index"]
    assert lost["_id"] == "3" and lost["status"] == 500 and lost["error"]["type"] == "missing_bulk_item"
    assert lost["data"] == {"n": 3, "title": "doc 3"}


# -- retries --------------------------------------------------------------------------------


def test_only_rejected_items_are_retried_with_backoff(
    helpers: ModuleType, client: Any, server: Server, sleeps: list[float]
) -> None:
    server.es.item_statuses = {"3": [429, 429], "7": [429]}
    results = list(helpers.streaming_bulk(client, docs(10), max_retries=3, initial_backoff=0.5))
    assert len(results) == 10 and all(ok for ok, _ in results)
    assert sorted(item["index"]["_id"] for _, item in results) == [str(i) for i in range(10)]
    assert sleeps == [0.5, 1.0]
    assert [ids_of(b) for b in server.es.bulks] == [[str(i) for i in range(10)], ["3", "7"], ["3"]]
    assert server.es.count() == 10


def test_backoff_is_capped_and_exhausted_retries_are_reported(
    helpers: ModuleType, client: Any, server: Server, sleeps: list[float]
) -> None:
    server.es.item_statuses = {"2": [429] * 10}
    with pytest.raises(helpers.BulkIndexError) as caught:
        helpers.bulk(client, docs(4), max_retries=3, initial_backoff=1, max_backoff=3)
    assert sleeps == [1, 2, 3]
    (error,) = caught.value.errors
    assert error["index"]["_id"] == "2" and error["index"]["status"] == 429
    assert error["index"]["data"] == {"n": 2, "title": "doc 2"}
    assert server.es.count() == 3


def test_without_retries_a_429_is_reported_at_once(
    helpers: ModuleType, client: Any, server: Server, sleeps: list[float]
) -> None:
    server.es.item_statuses = {"1": [429]}
    results = list(helpers.streaming_bulk(client, docs(3), raise_on_error=False))
    assert [ok for ok, _ in results] == [True, False, True]
    assert sleeps == [] and len(server.es.bulks) == 1


def test_whole_request_429_is_retried(
    helpers: ModuleType, package: ModuleType, client: Any, server: Server, sleeps: list[float]
) -> None:
    server.es.bulk_statuses = [429, 429]
    assert helpers.bulk(client, docs(5), max_retries=2, initial_backoff=0.25) == (5, [])
    assert sleeps == [0.25, 0.5]
    assert len(server.es.bulks) == 3 and server.es.bulks[0].body == server.es.bulks[2].body

    server.es.bulk_statuses = [429, 429]
    error = package.TransportError if legacy(package) else package.ApiError
    with pytest.raises(error) as caught:
        helpers.bulk(client, docs(5), max_retries=1, initial_backoff=0.25)
    assert caught.value.status_code == 429

    server.es.bulk_statuses = [429]
    results = list(helpers.streaming_bulk(client, docs(3), raise_on_exception=False, raise_on_error=False))
    assert [(ok, item["index"]["status"], item["index"]["_id"]) for ok, item in results] == [
        (False, 429, "0"),
        (False, 429, "1"),
        (False, 429, "2"),
    ]
    assert results[0][1]["index"]["data"] == {"n": 0, "title": "doc 0"}


def test_lost_connection_reports_the_chunk(
    helpers: ModuleType, package: ModuleType, client: Any, server: Server
) -> None:
    server.es.bulk_statuses = [0]
    with pytest.raises(package.ConnectionError):
        helpers.bulk(client, docs(3))

    server.es.bulk_statuses = [0]
    results = list(
        helpers.streaming_bulk(client, docs(6), chunk_size=3, raise_on_exception=False, raise_on_error=False)
    )
    assert [ok for ok, _ in results] == [False] * 3 + [True] * 3
    failed = results[0][1]["index"]
    assert failed["status"] == "N/A" and failed["_id"] == "0" and isinstance(failed["exception"], Exception)

    server.es.bulk_statuses = [0]
    with pytest.raises(helpers.BulkIndexError) as caught:
        helpers.bulk(client, docs(2), raise_on_exception=False)
    assert len(caught.value.errors) == 2


# -- bad input ------------------------------------------------------------------------------


class Unserializable:
    pass


def test_bad_actions_are_reported_with_their_position(
    helpers: ModuleType, client: Any, server: Server
) -> None:
    actions: list[Any] = [
        {"_index": "test", "_id": "a", "n": 1},
        {"_id": "no-index", "n": 2},
        {"_index": "test", "_op_type": "indx", "n": 3},
        {"_index": "test", "_id": "b", "n": Unserializable()},
        42,
        "{\n}",
        {"_index": "test", "_id": "c", "_source": None},
        {"_index": "test", "_id": "d", "n": 4},
    ]
    results = list(helpers.streaming_bulk(client, actions, raise_on_error=False))
    assert len(results) == len(actions)
    failed = {item[next(iter(item))]["position"]: item for ok, item in results if not ok}
    assert sorted(failed) == [1, 2, 3, 4, 5, 6]
    for position, item in failed.items():
        info = next(iter(item.values()))
        assert info["status"] == 400
        assert info["error"]["reason"].startswith(f"action #{position}: ")
        assert info["data"] is actions[position]
    assert "no index" in failed[1]["index"]["error"]["reason"]
    assert "indx" in failed[2]["indx"]["error"]["reason"]
    assert failed[3]["index"]["error"]["type"] == "serialization_error"
    assert isinstance(failed[3]["index"]["exception"], Exception)
    assert "int" in failed[4]["index"]["error"]["reason"]
    assert "no index" in failed[5]["index"]["error"]["reason"]
    assert "needs a document" in failed[6]["index"]["error"]["reason"]
    assert sorted(server.es.indices["test"]) == ["a", "d"]
    assert len(server.es.bulks) == 1

    with pytest.raises(helpers.BulkIndexError) as caught:
        helpers.bulk(client, actions)
    assert len(caught.value.errors) == 6
    assert helpers.bulk(client, actions, raise_on_error=False, stats_only=True) == (2, 6)


def test_a_default_index_fills_in(helpers: ModuleType, client: Any, server: Server) -> None:
    assert helpers.bulk(client, [{"_id": "1", "n": 1}, {"n": 2}], index="dflt") == (2, [])
    assert len(server.es.indices["dflt"]) == 2


def test_only_bad_actions_send_nothing(helpers: ModuleType, client: Any, server: Server) -> None:
    with pytest.raises(helpers.BulkIndexError):
        helpers.bulk(client, [{"n": 1}, {"n": 2}])
    assert server.es.bulks == []


def test_custom_expand_action_callback(helpers: ModuleType, client: Any, server: Server) -> None:
    def expand(doc: dict[str, Any]) -> tuple[Any, Any]:
        return {"create": {"_index": "custom", "_id": doc["key"]}}, {"value": doc["value"]}

    assert helpers.bulk(client, [{"key": "k1", "value": 1}], expand_action_callback=expand) == (1, [])
    assert server.es.indices["custom"]["k1"] == {"value": 1}

    def expand_raw(doc: dict[str, Any]) -> tuple[Any, Any]:
        return '{"index":{"_index":"custom"}}', json.dumps(doc)

    assert helpers.bulk(client, [{"value": 2}], expand_action_callback=expand_raw) == (1, [])

    def broken(doc: Any) -> Any:
        raise KeyError("key")

    results = list(helpers.streaming_bulk(client, [{}], expand_action_callback=broken, raise_on_error=False))
    assert results[0][1]["index"]["error"]["reason"].startswith("action #0: expand_action_callback failed")


def test_expand_action(helpers: ModuleType, package: ModuleType) -> None:
    action = {"_index": "i", "_id": 1, "_routing": "r", "pipeline": "p", "_op_type": "create", "f": 1}
    before = dict(action)
    assert helpers.expand_action(action) == (
        {"create": {"_id": 1, "_index": "i", "routing": "r", "pipeline": "p"}},
        {"f": 1},
    )
    assert action == before  # never altered
    assert helpers.expand_action({"_op_type": "delete", "_index": "i", "_id": 2, "f": 1}) == (
        {"delete": {"_id": 2, "_index": "i"}},
        None,
    )
    assert helpers.expand_action({"_index": "i", "_source": {"a": 1}, "b": 2}) == (
        {"index": {"_index": "i"}},
        {"a": 1},
    )
    assert helpers.expand_action({"_op_type": "update", "_source": ["a"], "doc": {"a": 1}}) == (
        {"update": {"_source": ["a"]}},
        {"doc": {"a": 1}},
    )
    if legacy(package):
        assert helpers.expand_action('{"a":1}') == ('{"index":{}}', '{"a":1}')
    else:
        assert helpers.expand_action('{"a":1}') == ({"index": {}}, b'{"a":1}')


# -- progress -------------------------------------------------------------------------------


def test_progress_callback_counts(helpers: ModuleType, client: Any, server: Server) -> None:
    calls: list[tuple[int, int, int]] = []
    actions = [*docs(250), {"n": "no index"}]
    helpers.bulk(client, actions, chunk_size=100, raise_on_error=False, progress=lambda *c: calls.append(c))
    assert calls[-1] == (250, 1, 251)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)
    assert all(ok + failed <= total for ok, failed, total in calls)

    seen: list[tuple[int, int, int]] = []
    list(helpers.streaming_bulk(client, docs(10), chunk_size=4, progress=lambda *c: seen.append(c)))
    assert seen == [(4, 0, 5), (8, 0, 9), (10, 0, 10)]


def test_progress_true_without_tqdm_says_so(
    helpers: ModuleType, client: Any, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match="pip install tqdm"):
        helpers.bulk(client, docs(2), progress=True)
    assert server.es.bulks == []  # raised before anything was sent
    with pytest.raises(TypeError):
        helpers.bulk(client, docs(2), progress="yes")


def test_progress_true_draws_a_tqdm_bar(
    helpers: ModuleType, client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import tqdm  # noqa: F401  # in the test install set (transport's develop extra): a failure, not a skip

    assert helpers.bulk(client, docs(20), progress=True) == (20, [])
    assert "20/20" in capsys.readouterr().err


# -- parallel_bulk --------------------------------------------------------------------------


def test_parallel_bulk(helpers: ModuleType, client: Any, server: Server, sleeps: list[float]) -> None:
    results = list(helpers.parallel_bulk(client, docs(1000), chunk_size=100, thread_count=3, queue_size=2))
    assert len(results) == 1000 and all(ok for ok, _ in results)
    assert [item["index"]["_id"] for _, item in results] == [str(i) for i in range(1000)]
    assert server.es.count() == 1000

    server.es.item_statuses = {"1005": [429]}
    actions = [*docs(10, start=1000), {"_index": "test", "_id": "x", "n": "bad"}]
    with pytest.raises(helpers.BulkIndexError):
        list(helpers.parallel_bulk(client, actions, chunk_size=5))
    results = list(
        helpers.parallel_bulk(
            client, actions, chunk_size=5, raise_on_error=False, max_retries=1, initial_backoff=0.5
        )
    )
    assert len(results) == 11 and [ok for ok, _ in results].count(False) == 1
    calls: list[tuple[int, int, int]] = []
    list(helpers.parallel_bulk(client, docs(30), chunk_size=10, progress=lambda *c: calls.append(c)))
    assert calls[-1] == (30, 0, 30)


# -- 8.x and later: BULK_FLUSH, flush_after_seconds, pack_dense_vector ------------------------


def test_bulk_flush_marker_and_flush_after_seconds(
    helpers: ModuleType, package: ModuleType, client: Any, server: Server
) -> None:
    if legacy(package):
        assert not hasattr(helpers, "BULK_FLUSH")
        return
    actions = [*docs(3), helpers.BULK_FLUSH, *docs(2, start=3)]
    results = list(helpers.streaming_bulk(client, actions))
    assert len(results) == 5
    assert [len(b.actions) for b in server.es.bulks] == [3, 2]

    server.es.bulks.clear()
    sent_early = threading.Event()

    def slow() -> Any:
        yield from docs(2, index="slow")
        deadline = time.monotonic() + 5
        while not server.es.bulks and time.monotonic() < deadline:
            time.sleep(0.01)
        if server.es.bulks:
            sent_early.set()
        yield from docs(1, index="slow", start=2)

    assert helpers.bulk(client, slow(), flush_after_seconds=0.05) == (3, [])
    assert sent_early.is_set()
    assert [len(b.actions) for b in server.es.bulks] == [2, 1]

    def broken() -> Any:
        yield from docs(1)
        raise RuntimeError("the source failed")

    with pytest.raises(RuntimeError, match="the source failed"):
        helpers.bulk(client, broken(), flush_after_seconds=1)


def test_pack_dense_vector(helpers: ModuleType, package: ModuleType) -> None:
    if package.__name__ != "elasticsearch":
        assert not hasattr(helpers, "pack_dense_vector")
        return
    np = pytest.importorskip("numpy")
    assert helpers.pack_dense_vector([1.0, -2.5]) == "P4AAAMAgAAA="
    assert helpers.pack_dense_vector(np.array([1.0, -2.5], dtype=np.float32)) == "P4AAAMAgAAA="
    with pytest.raises(ValueError):
        helpers.pack_dense_vector(np.array([1.0], dtype=np.float64))


# -- shapes of the public API ---------------------------------------------------------------


def test_errors_pickle(helpers: ModuleType, package: ModuleType) -> None:
    error = helpers.BulkIndexError("1 document(s) failed to index.", [{"index": {"status": 400}}])
    again = pickle.loads(pickle.dumps(error))
    assert again.errors == error.errors and again.args == error.args
    if legacy(package):
        assert isinstance(error, package.ElasticsearchException)
        assert error.args == ("1 document(s) failed to index.", [{"index": {"status": 400}}])
    else:
        assert str(error) == "1 document(s) failed to index."
    scan_error = pickle.loads(pickle.dumps(helpers.ScanError("sid", "message")))
    assert scan_error.scroll_id == "sid" and scan_error.args == ("message",)


SYNC_PARAMS = {
    "keyword": {
        "bulk": ["client", "actions", "stats_only", "ignore_status", "args", "progress", "kwargs"],
        "streaming_bulk": [
            "client", "actions", "chunk_size", "max_chunk_bytes", "flush_after_seconds", "raise_on_error",
            "expand_action_callback", "raise_on_exception", "max_retries", "initial_backoff", "max_backoff",
            "yield_ok", "ignore_status", "retry_on_status", "span_name", "args", "progress", "kwargs",
        ],
        "parallel_bulk": [
            "client", "actions", "thread_count", "chunk_size", "max_chunk_bytes", "flush_after_seconds",
            "queue_size", "expand_action_callback", "ignore_status", "args", "progress", "kwargs",
        ],
    },
    "legacy": {
        "bulk": ["client", "actions", "stats_only", "ignore_status", "args", "progress", "kwargs"],
        "streaming_bulk": [
            "client", "actions", "chunk_size", "max_chunk_bytes", "raise_on_error", "expand_action_callback",
            "raise_on_exception", "max_retries", "initial_backoff", "max_backoff", "yield_ok", "ignore_status",
            "args", "progress", "kwargs",
        ],
        "parallel_bulk": [
            "client", "actions", "thread_count", "chunk_size", "max_chunk_bytes", "queue_size",
            "expand_action_callback", "ignore_status", "args", "progress", "kwargs",
        ],
    },
}  # fmt: skip


def test_signatures_follow_the_official_major(helpers: ModuleType, package: ModuleType) -> None:
    import inspect

    expected = SYNC_PARAMS["legacy" if legacy(package) else "keyword"]
    for name, params in expected.items():
        assert list(inspect.signature(getattr(helpers, name)).parameters) == params, name
    scan_params = list(inspect.signature(helpers.scan).parameters)
    assert scan_params == [
        "client", "query", "scroll", "raise_on_error", "preserve_order", "size", "request_timeout",
        "clear_scroll", "scroll_kwargs", "kwargs",
    ]  # fmt: skip
    streaming = inspect.signature(helpers.streaming_bulk).parameters
    assert (
        streaming["chunk_size"].default == 500 and streaming["max_chunk_bytes"].default == 100 * 1024 * 1024
    )
    assert streaming["initial_backoff"].default == 2 and streaming["max_backoff"].default == 600
    names = set(helpers.__all__)
    assert {"async_bulk", "async_streaming_bulk", "async_scan", "async_reindex"} <= names
    assert ("BULK_FLUSH" in names) is not legacy(package)
    assert ("pack_dense_vector" in names) is (package.__name__ == "elasticsearch")


def test_importing_helpers_does_not_load_asyncio_helpers(package: ModuleType) -> None:
    import subprocess

    code = (
        f"import sys, {package.__name__}.helpers as h; "
        f"assert '{package.__name__}._async.helpers' not in sys.modules; "
        "h.async_bulk; "
        f"assert '{package.__name__}._async.helpers' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- serializers ----------------------------------------------------------------------------


def test_orjson_and_custom_serializers(package: ModuleType, helpers: ModuleType, server: Server) -> None:
    import datetime

    when = datetime.datetime(2024, 1, 2, 3, 4, 5)
    actions = [{"_index": "ser", "_id": "1", "when": when, "text": "ünï"}]
    if legacy(package):

        class Upper(package.JSONSerializer):  # type: ignore[name-defined,misc]
            def dumps(self, data: Any) -> Any:
                out = super().dumps(data)
                return out.replace("ünï", "UNI") if isinstance(out, str) else out

        serializers = [Upper()]
    else:
        pytest.importorskip("orjson")

        class Upper(package.JsonSerializer):  # type: ignore[name-defined,misc]
            def dumps(self, data: Any) -> bytes:
                return super().dumps(data).replace("ünï".encode(), b"UNI")  # type: ignore[no-any-return]

        serializers = [package.OrjsonSerializer(), Upper()]
    for serializer in serializers:
        client = make_client(package, server.url, serializer=serializer)
        try:
            assert helpers.bulk(client, actions) == (1, [])
        finally:
            client.close()
        stored = server.es.indices["ser"]["1"]
        assert stored["when"] == "2024-01-02T03:04:05"
        assert stored["text"] == ("UNI" if isinstance(serializer, Upper) else "ünï")


def _tricky_documents() -> list[Any]:
    """Documents whose JSON orjson writes differently, refuses, or hands to ``default``."""
    import collections
    import dataclasses
    import datetime
    import decimal
    import enum
    import uuid

    @dataclasses.dataclass
    class Point:
        x: int
        y: int

    class Color(str, enum.Enum):
        red = "red"

    class Level(enum.IntEnum):
        high = 3

    return [
        {"text": 'quote " backslash \\ tab \t nl \n nul \x00 \x1f \x7f \u2028 é 漢 😀'},
        {"none": None, "list": [1, None, True, False, "x"]},
        {"nan": float("nan"), "inf": float("inf"), "minus_inf": float("-inf")},
        {"big": 2**70, "neg": -(2**64), "u64": 2**64 - 1},
        {1: "int key", None: "none key", 2.5: "float key", False: "bool key"},
        {"when": datetime.datetime(2024, 1, 2, 3, 4, 5, 6), "day": datetime.date(2024, 1, 2)},
        {"at": datetime.time(1, 2, 3), "aware": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)},
        {"id": uuid.UUID("12345678-1234-5678-1234-567812345678"), "price": decimal.Decimal("1.25")},
        {"point": Point(1, 2)},
        collections.OrderedDict([("b", 1), ("a", 2)]),
        {"nested": collections.defaultdict(int, {"k": 1}), "color": Color.red, "level": Level.high},
        {"deep": [[[[{"a": [{"b": 1.5}]}]]]], "tuple": (1, 2)},
    ]


def test_default_serializer_writes_what_the_stdlib_writes(
    package: ModuleType, helpers: ModuleType, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With orjson installed the stock serializer's lines go through it: they must be the
    bytes the standard library writes (the serializer the user chose), whatever the value."""
    pytest.importorskip("orjson")
    documents = _tricky_documents()
    actions = [{"_index": "ser", "_id": str(k), "_source": doc} for k, doc in enumerate(documents)]
    actions += [
        {"_index": "ser", "_id": f"plain{k}", **doc}
        for k, doc in enumerate(documents)
        if all(isinstance(key, str) for key in doc)
    ]
    probe = make_client(package, server.url)
    assert helpers._engine.LineWriter(probe).quick is not None  # the orjson path is the one tested
    probe.close()
    bodies = []
    for orjson_installed in (True, False):
        if not orjson_installed:
            monkeypatch.setitem(sys.modules, "orjson", None)  # import orjson raises ImportError
        client = make_client(package, server.url)
        try:
            ok, errors = helpers.bulk(client, actions, raise_on_error=False)
        finally:
            client.close()
        assert (ok, errors) == (len(actions), [])
        bodies.append(b"".join(request.body for request in server.es.bulks))
        server.es.bulks.clear()
    with_orjson, stdlib_only = bodies
    assert with_orjson == stdlib_only
    for doc in documents[:5]:  # no default needed: the stdlib's own output, byte for byte
        line = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        assert line.encode("utf-8") in with_orjson


def test_default_serializer_floats_are_equal_numbers(
    helpers: ModuleType, client: Any, server: Server
) -> None:
    values = [0.1, 1e-7, 2.5e-5, 1e16, 1e22, -0.0, 5e-324, 1.7976931348623157e308, 123456789.123]
    assert helpers.bulk(client, [{"_index": "f", "_id": "1", "v": values}]) == (1, [])
    assert ndjson(server.es.bulks[0].body)[1] == {"v": values}
