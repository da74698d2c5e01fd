"""Cluster health and settings, nodes, cat APIs (text and JSON), tasks, info and ping."""

from __future__ import annotations

from typing import Any

import pytest

SHARDS = {"number_of_shards": 1, "number_of_replicas": 0}
NO_ROOT = "not available on this distribution: no rest-root module (GET / and HEAD / answer 405)"


def skip_without_rest_root(es_cluster: Any, reason: str = NO_ROOT) -> None:
    """Skip where GET / answers 405 (the distribution without the rest-root module); any other
    answer but 200 is a failure, not a missing module."""
    status = es_cluster.features.root_status
    if status == 405:
        pytest.skip(reason)
    assert status == 200, f"GET / answered {status}: only a 405 (no rest-root module) is a reason to skip"


async def test_server_version_from_nodes(es: Any, api: Any, es_cluster: Any) -> None:
    """The server reports the version the cell asked for (taken from _nodes: GET / may be 405)."""
    nodes = api.data(await es.nodes.info(node_id="_local", metric="settings"))["nodes"]
    (node,) = nodes.values()
    assert node["version"] == es_cluster.version
    if es_cluster.expected_version:
        assert node["version"] == es_cluster.expected_version
    everyone = api.data(await es.nodes.info())["nodes"]
    assert len(everyone) == es_cluster.nodes
    assert {n["version"] for n in everyone.values()} == {es_cluster.version}


async def test_cluster_health(es: Any, api: Any, es_cluster: Any, index: str) -> None:
    health = api.data(await es.cluster.health(wait_for_status="yellow", timeout="30s"))
    assert health["status"] in ("green", "yellow") and health["timed_out"] is False
    assert health["number_of_nodes"] == es_cluster.nodes
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    one = api.data(
        await es.cluster.health(index=index, level="indices", wait_for_status="green", timeout="30s")
    )
    assert one["indices"][index]["status"] == "green"


async def test_cluster_settings(es: Any, api: Any) -> None:
    key = "indices.recovery.max_bytes_per_sec"
    try:
        put = api.data(await es.cluster.put_settings(**api.body(persistent={key: "37mb"})))
        assert put["acknowledged"] is True and put["persistent"] == {
            "indices": {"recovery": {"max_bytes_per_sec": "37mb"}}
        }
        flat = api.data(await es.cluster.get_settings(flat_settings=True))
        assert flat["persistent"][key] == "37mb"
        defaults = api.data(await es.cluster.get_settings(include_defaults=True, flat_settings=True))
        assert "cluster.name" in defaults["defaults"]
    finally:
        reset = api.data(await es.cluster.put_settings(**api.body(persistent={key: None})))
        assert reset["acknowledged"] is True
    assert key not in api.data(await es.cluster.get_settings(flat_settings=True))["persistent"]


async def test_cluster_state_and_stats(es: Any, api: Any, es_cluster: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    state = api.data(await es.cluster.state(metric="metadata", index=index))
    assert list(state["metadata"]["indices"]) == [index]
    stats = api.data(await es.cluster.stats())
    assert stats["nodes"]["count"]["total"] == es_cluster.nodes
    assert es_cluster.version in stats["nodes"]["versions"]


async def test_cat_text(es: Any, api: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    await es.cluster.health(index=index, wait_for_status="green", timeout="30s")
    text = api.text(await es.cat.indices(index=index, v=True, h="health,index,pri,rep"))
    assert isinstance(text, str)
    header, row = text.strip().splitlines()
    assert header.split() == ["health", "index", "pri", "rep"]
    assert row.split() == ["green", index, "1", "0"]
    health = api.text(await es.cat.health(h="status"))
    assert health.strip() in ("green", "yellow")


async def test_cat_json(es: Any, api: Any, es_cluster: Any, index: str) -> None:
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    await es.index(index=index, id="1", refresh=True, **api.document({"a": 1}))
    rows = api.data(await es.cat.indices(index=index, format="json"))
    assert isinstance(rows, list) and rows[0]["index"] == index and rows[0]["docs.count"] == "1"
    count = api.data(await es.cat.count(index=index, format="json"))
    assert count[0]["count"] == "1"
    nodes = api.data(await es.cat.nodes(format="json", h="name,ip,version"))
    assert len(nodes) == es_cluster.nodes
    assert {n["version"] for n in nodes} == {es_cluster.version}
    shards = api.data(await es.cat.shards(index=index, format="json", h="index,prirep,state"))
    assert shards == [{"index": index, "prirep": "p", "state": "STARTED"}]


async def test_tasks_list(es: Any, api: Any) -> None:
    listing = api.data(
        await es.tasks.list(actions="cluster:monitor/tasks/lists*", detailed=True, group_by="none")
    )
    actions = {task["action"] for task in listing["tasks"]}
    assert "cluster:monitor/tasks/lists" in actions  # the listing sees itself
    by_node = api.data(await es.tasks.list(actions="cluster:monitor/tasks/lists*"))
    assert by_node["nodes"]


async def test_tasks_get(es: Any, api: Any, es_cluster: Any, index: str) -> None:
    """A task started with wait_for_completion=false, fetched with the tasks API until done.

    Forcemerge runs as a background task from 8.x; the 7.x client has no such argument
    (7.17's spec lacks it), so it is passed through ``params``.
    """
    await es.indices.create(index=index, **api.body(settings=SHARDS))
    await es.index(index=index, id="1", refresh=True, **api.document({"a": 1}))
    if api.v7:
        try:
            started = await es.indices.forcemerge(index=index, params={"wait_for_completion": "false"})
        except api.errors.BadRequest as refused:
            assert es_cluster.server_major == 7, refused
            pytest.skip(
                "not in Elasticsearch 7.17: forcemerge has no wait_for_completion, and the other "
                "background-task APIs (_reindex, _update_by_query, _delete_by_query) need the reindex module"
            )
    else:
        started = api.data(await es.indices.forcemerge(index=index, wait_for_completion=False))
    task = api.data(await es.tasks.get(task_id=started["task"], wait_for_completion=True, timeout="30s"))
    assert task["completed"] is True
    assert task["task"]["action"] == "indices:admin/forcemerge"


async def test_info_and_ping(es: Any, api: Any, es_cluster: Any) -> None:
    skip_without_rest_root(es_cluster)
    info = api.data(await es.info())
    assert info["version"]["number"] == es_cluster.version
    assert info["tagline"] == "You Know, for Search"
    assert await es.ping() is True


@pytest.mark.majors(7)
async def test_remote_info_7x(es: Any, api: Any) -> None:
    """The 7.x ``remote`` namespace (in no 7.17 spec; the official client has it): no remotes here."""
    assert api.data(await es.remote.info()) == {}


@pytest.mark.majors(7)
async def test_product_check_7x(es: Any, es_cluster: Any) -> None:
    """The 7.x client's product check (GET / before the first request) accepts the server."""
    skip_without_rest_root(
        es_cluster, NO_ROOT + ": the 7.x product check cannot run, so the fixture bypasses it"
    )
    client = es.unwrapped if hasattr(es, "unwrapped") else es
    assert client.transport._verified_elasticsearch is None
    await es.cluster.health()
    assert client.transport._verified_elasticsearch is True


async def test_sniff_on_start(es: Any, api: Any, es_cluster: Any, mode: str) -> None:
    """Given one node, sniffing (GET _nodes/_all/http) finds every node of the cluster."""
    cls = api.module.Elasticsearch if mode == "sync" else api.module.AsyncElasticsearch
    client = cls(es_cluster.urls[0], sniff_on_start=True, sniff_timeout=10)
    if api.v7 and not es_cluster.root_endpoint:
        client.transport._verified_elasticsearch = True  # see the cell's notes
    try:
        health = client.cluster.health()
        if mode == "async":
            health = await health
        assert api.data(health)["number_of_nodes"] == es_cluster.nodes
        if api.v7:  # the 7.x pool's public list (live connections: all of them here)
            sniffed = sorted(conn.port for conn in client.transport.connection_pool.connections)
        else:
            sniffed = sorted(node.config.port for node in client.transport.node_pool.all())
        assert sniffed == sorted(int(url.rsplit(":", 1)[1]) for url in es_cluster.urls)
        assert len(sniffed) == es_cluster.nodes
    finally:
        closed = client.close()
        if mode == "async":
            await closed
