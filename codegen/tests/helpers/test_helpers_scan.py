"""scan and reindex of every package against the fake Elasticsearch: pages, order, clearing
the scroll, shard failures, reindex across indices and across two clients."""

from __future__ import annotations

import logging
from types import ModuleType
from typing import Any

import pytest

from .helpers_fake_es import VERSIONS, Server, docs, make_client


def fill(helpers: ModuleType, client: Any, n: int, index: str = "test") -> None:
    assert helpers.bulk(client, docs(n, index=index), stats_only=True) == (n, 0)


def test_scan_pages_through_everything(helpers: ModuleType, client: Any, server: Server) -> None:
    fill(helpers, client, 2500)
    hits = list(helpers.scan(client, index="test", size=1000))
    assert len(hits) == 2500
    assert [h["_id"] for h in hits] == [str(i) for i in range(2500)]
    search = server.es.searches[0]
    assert search["body"].get("sort", search["query"].get("sort")) == "_doc"
    assert search["query"]["scroll"] == "5m"
    assert len(server.es.scroll_pages) == 4  # the search, two full pages, the empty one
    assert server.es.cleared == [server.es.scroll_pages[0]]


def test_scan_preserve_order_keeps_the_query_sort(helpers: ModuleType, client: Any, server: Server) -> None:
    fill(helpers, client, 50)
    query = {"query": {"match_all": {}}, "sort": [{"n": "desc"}]}
    hits = list(helpers.scan(client, query=query, index="test", size=20, preserve_order=True))
    assert [h["_source"]["n"] for h in hits] == list(range(49, -1, -1))
    assert server.es.searches[0]["body"]["sort"] == [{"n": "desc"}]
    assert query == {"query": {"match_all": {}}, "sort": [{"n": "desc"}]}  # not altered


def test_scan_with_a_query_and_options(helpers: ModuleType, client: Any, server: Server) -> None:
    fill(helpers, client, 30)
    query = {"query": {"term": {"n": 7}}}
    hits = list(
        helpers.scan(
            client, query=query, index="test", scroll="1m", scroll_kwargs={"rest_total_hits_as_int": True}
        )
    )
    assert [h["_id"] for h in hits] == ["7"]
    assert server.es.searches[0]["query"]["scroll"] == "1m"


def test_scan_clear_scroll_choices(helpers: ModuleType, client: Any, server: Server) -> None:
    fill(helpers, client, 30)
    assert len(list(helpers.scan(client, index="test", size=10, clear_scroll=False))) == 30
    assert server.es.cleared == []
    # stopping early clears the scroll too
    scanner = helpers.scan(client, index="test", size=10)
    assert next(scanner)["_id"] == "0"
    scanner.close()
    assert len(server.es.cleared) == 1


def test_scan_shard_failures(
    helpers: ModuleType, client: Any, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    fill(helpers, client, 30)
    server.es.short_shards_on_page = 1
    with pytest.raises(helpers.ScanError) as caught:
        list(helpers.scan(client, index="test", size=10))
    assert caught.value.scroll_id == server.es.scroll_pages[0]
    assert "1 (+0 skipped) shards out of 2" in str(caught.value)
    assert server.es.cleared  # cleared on the way out

    server.es.short_shards_on_page = len(server.es.scroll_pages) + 1
    with caplog.at_level(logging.WARNING, logger="elasticsearch.helpers"):
        assert len(list(helpers.scan(client, index="test", size=10, raise_on_error=False))) == 30
    assert "shards out of 2" in caplog.text


def test_scan_of_a_missing_index_raises(helpers: ModuleType, package: ModuleType, client: Any) -> None:
    with pytest.raises(package.NotFoundError):
        list(helpers.scan(client, index="missing"))


def test_reindex_between_indices(helpers: ModuleType, client: Any, server: Server) -> None:
    fill(helpers, client, 1200)
    assert helpers.reindex(client, "test", "copy", chunk_size=250) == (1200, 0)
    assert server.es.indices["copy"] == server.es.indices["test"]
    assert [len(b.actions) for b in server.es.bulks[-5:]] == [250, 250, 250, 250, 200]
    # a 7.x hit's default type is not sent back (it would only draw deprecation warnings)
    assert all("_type" not in meta for bulk in server.es.bulks[-5:] for _, meta, _ in bulk.actions)
    # a query picks what is copied; op_type goes on every action
    query = {"query": {"term": {"n": 3}}}
    assert helpers.reindex(client, "test", "three", query=query, op_type="create") == (1, 0)
    assert server.es.bulks[-1].actions[0][0] == "create"
    # bulk_kwargs reach bulk
    ok, errors = helpers.reindex(
        client, "test", "copy", op_type="create", bulk_kwargs={"raise_on_error": False, "stats_only": False}
    )
    assert ok == 0 and len(errors) == 1200 and errors[0]["create"]["status"] == 409


def test_reindex_to_a_data_stream_creates(helpers: ModuleType, client: Any, server: Server) -> None:
    fill(helpers, client, 5)
    server.es.data_streams.add("logs")
    assert helpers.reindex(client, "test", "logs") == (5, 0)
    assert {op for op, _, _ in server.es.bulks[-1].actions} == {"create"}
    with pytest.raises(ValueError, match="create"):
        helpers.reindex(client, "test", "logs", op_type="index")


@pytest.mark.parametrize("status", [400, 403])
def test_reindex_when_the_data_stream_probe_fails(
    helpers: ModuleType, client: Any, server: Server, status: int
) -> None:
    # 400: a server without the data streams module (the integration-test distribution);
    # 403: a user who may write to the target but not view its metadata
    fill(helpers, client, 5)
    server.es.data_stream_status = status
    assert helpers.reindex(client, "test", "copy") == (5, 0)
    assert server.es.indices["copy"] == server.es.indices["test"]


def test_reindex_between_two_clients(
    helpers: ModuleType, package: ModuleType, client: Any, server: Server
) -> None:
    fill(helpers, client, 700)
    other = Server(VERSIONS[package.__name__])
    target = make_client(package, other.url)
    try:
        assert helpers.reindex(client, "test", "moved", target_client=target, scan_kwargs={"size": 300}) == (
            700,
            0,
        )
        assert other.es.indices["moved"] == server.es.indices["test"]
        assert "moved" not in server.es.indices
        assert len(server.es.searches) == 1 and other.es.searches == []
    finally:
        target.close()
        other.close()
