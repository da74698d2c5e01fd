"""Real clusters: start, query and stop (marked ``cluster``; deselect with -m 'not cluster')."""

from __future__ import annotations

from pathlib import Path

import pytest
from escluster import LocalProvider, procs, resolve_version
from escluster._http import get_json, http_status


def assert_gone(pids: list[int]) -> None:
    """Every pid has exited (gone from /proc, or a zombie waiting for init to reap it)."""
    for pid in pids:
        fields = procs._stat_fields(pid)
        assert fields is None or fields[0] == "Z", f"pid {pid} still running"


@pytest.mark.cluster
def test_single_node_8_19() -> None:
    expected = resolve_version("8.19")
    provider = LocalProvider()
    with provider:
        urls = provider.start("8.19")
        assert len(urls) == 1
        pids = provider.pids()
        run_dir = provider.run_dir
        assert pids and run_dir is not None
        root = http_status(f"{urls[0]}/")
        features = provider.features()
        if root == 200:
            assert get_json(f"{urls[0]}/")["version"]["number"] == expected
        else:
            # 8.x integration-test zip has no rest-root module, so GET / is not there.
            assert root == 405 and not features.has("rest-root")
        assert features.version == expected
        assert "transport-netty4" in features.modules
        health = get_json(f"{urls[0]}/_cluster/health")
        assert health["number_of_nodes"] == 1 and health["status"] in ("green", "yellow")
    assert_gone(pids)
    assert not Path(run_dir).exists()
    assert provider.urls == [] and provider.pids() == []


@pytest.mark.cluster
def test_three_nodes_form_one_cluster() -> None:
    with LocalProvider() as provider:
        urls = provider.start("8.19", nodes=3)
        assert len(set(urls)) == 3
        for url in urls:
            assert get_json(f"{url}/_cluster/health")["number_of_nodes"] == 3
        names = {n["name"] for n in get_json(f"{urls[0]}/_nodes")["nodes"].values()}
        assert names == {"node-0", "node-1", "node-2"}
        pids = provider.pids()
    assert_gone(pids)
