"""Search: queries, sorting and paging, aggregations, count, msearch, scroll, point in time.

The ``library`` fixture holds 12 documents: ids "0".."11", n = id, tag cycling
red/green/blue, price = n * 2.5, title "book <n> about search|storage" (search when
n % 3 == 0), dates 2024-01-01..03 (4 documents a day).
"""

from __future__ import annotations

from typing import Any

import pytest


def hit_ids(response: Any) -> list[str]:
    return [hit["_id"] for hit in response["hits"]["hits"]]


async def test_match_query(es: Any, api: Any, library: str) -> None:
    found = api.data(
        await es.search(index=library, **api.body(query={"match": {"title": "search"}}, size=20))
    )
    assert found["hits"]["total"] == {"value": 4, "relation": "eq"}
    assert sorted(hit_ids(found), key=int) == ["0", "3", "6", "9"]
    assert all(hit["_score"] > 0 for hit in found["hits"]["hits"])


async def test_bool_filter_sort_and_paging(es: Any, api: Any, library: str) -> None:
    query = {"bool": {"filter": [{"term": {"tag": "red"}}, {"range": {"n": {"gte": 3}}}]}}
    page1 = api.data(
        await es.search(index=library, **api.body(query=query, sort=[{"n": "desc"}], size=2, from_=0))
    )
    page2 = api.data(
        await es.search(index=library, **api.body(query=query, sort=[{"n": "desc"}], size=2, from_=2))
    )
    assert page1["hits"]["total"]["value"] == 3
    assert hit_ids(page1) == ["9", "6"] and hit_ids(page2) == ["3"]
    assert page1["hits"]["hits"][0]["sort"] == [9]


async def test_source_filtering_and_query_string_params(es: Any, api: Any, library: str) -> None:
    """``sort="n:asc"`` is URL syntax: 8.x/9.x move it to the query string; 7.x sends
    ``sort``/``size`` in the query string only alongside ``body=`` (otherwise they are
    body fields, where "n:asc" would name a field)."""
    params = {"q": "tag:blue", "_source_includes": ["n"], "size": 1, "sort": "n:asc"}
    if api.v7:
        params["body"] = {}
    found = api.data(await es.search(index=library, **params))
    assert found["hits"]["total"]["value"] == 4
    assert found["hits"]["hits"][0]["_source"] == {"n": 2}


async def test_aggregations(es: Any, api: Any, library: str) -> None:
    aggs = {
        "tags": {
            "terms": {"field": "tag", "order": {"_key": "asc"}},
            "aggs": {"avg_price": {"avg": {"field": "price"}}},
        },
        "avg_n": {"avg": {"field": "n"}},
        "per_day": {"date_histogram": {"field": "date", "calendar_interval": "day"}},
    }
    found = api.data(await es.search(index=library, **api.body(size=0, aggs=aggs)))
    assert found["hits"]["hits"] == []
    aggregations = found["aggregations"]
    buckets = {b["key"]: (b["doc_count"], b["avg_price"]["value"]) for b in aggregations["tags"]["buckets"]}
    # red: n = 0,3,6,9 -> price avg 11.25; green: 1,4,7,10 -> 13.75; blue: 2,5,8,11 -> 16.25
    assert buckets == {"blue": (4, 16.25), "green": (4, 13.75), "red": (4, 11.25)}
    assert aggregations["avg_n"]["value"] == 5.5
    days = [(b["key_as_string"][:10], b["doc_count"]) for b in aggregations["per_day"]["buckets"]]
    assert days == [("2024-01-01", 4), ("2024-01-02", 4), ("2024-01-03", 4)]


async def test_count(es: Any, api: Any, library: str) -> None:
    assert api.data(await es.count(index=library))["count"] == 12
    counted = api.data(await es.count(index=library, **api.body(query={"term": {"tag": "green"}})))
    assert counted["count"] == 4
    assert api.data(await es.count(index=library, q="n:[10 TO *]"))["count"] == 2


async def test_msearch(es: Any, api: Any, library: str) -> None:
    searches = [
        {"index": library},
        {"query": {"term": {"tag": "red"}}, "size": 0},
        {},
        {"query": {"range": {"n": {"lt": 2}}}, "sort": ["n"]},
        {"index": library + "-missing"},
        {"query": {"match_all": {}}},
    ]
    responses = api.data(await es.msearch(index=library, **api.searches(searches)))["responses"]
    assert responses[0]["hits"]["total"]["value"] == 4
    assert hit_ids(responses[1]) == ["0", "1"]
    # One failing search does not fail the request: its entry carries the error.
    assert responses[2]["status"] == 404
    assert responses[2]["error"]["type"] == "index_not_found_exception"


async def test_scroll(es: Any, api: Any, library: str) -> None:
    first = api.data(await es.search(index=library, scroll="1m", **api.body(size=5, sort=["n"])))
    seen = hit_ids(first)
    scroll_id = first["_scroll_id"]
    while True:
        if api.v7:
            page = await es.scroll(body={"scroll_id": scroll_id, "scroll": "1m"})
        else:
            page = await es.scroll(scroll_id=scroll_id, scroll="1m")
        page = api.data(page)
        scroll_id = page["_scroll_id"]
        if not page["hits"]["hits"]:
            break
        seen += hit_ids(page)
    assert seen == [str(i) for i in range(12)]
    if api.v7:
        cleared = await es.clear_scroll(body={"scroll_id": scroll_id})
    else:
        cleared = await es.clear_scroll(scroll_id=scroll_id)
    assert api.data(cleared)["succeeded"] is True


async def test_point_in_time(es: Any, api: Any, es_cluster: Any, library: str) -> None:
    if es_cluster.server_major == 7 and not es_cluster.has("x-pack-core"):
        pytest.skip(
            "not available on this distribution: no x-pack-core module (point in time is an x-pack API on 7.x)"
        )
    opened = api.data(await es.open_point_in_time(index=library, keep_alive="1m"))
    pit = {"id": opened["id"], "keep_alive": "1m"}
    # Documents added after the PIT was opened are not seen through it.
    await es.index(index=library, id="new", refresh=True, **api.document({"n": 100, "tag": "red"}))
    seen: list[str] = []
    search_after = None
    while True:
        body: dict[str, Any] = {"pit": pit, "size": 5, "sort": [{"n": "asc"}]}
        if search_after is not None:
            body["search_after"] = search_after
        page = api.data(await es.search(**api.body(**body)))
        if not page["hits"]["hits"]:
            break
        seen += hit_ids(page)
        search_after = page["hits"]["hits"][-1]["sort"]
        pit["id"] = page.get("pit_id", pit["id"])
    assert seen == [str(i) for i in range(12)]
    if api.v7:
        closed = await es.close_point_in_time(body={"id": pit["id"]})
    else:
        closed = await es.close_point_in_time(id=pit["id"])
    assert api.data(closed)["succeeded"] is True
    assert api.data(await es.count(index=library))["count"] == 13
