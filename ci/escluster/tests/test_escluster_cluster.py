"""Real clusters through the pytest plugin: start, query, switch and stop (marked ``cluster``;
deselect with -m 'not cluster').

The order matters and is the file's: the pytester session runs first, while this session has
no cluster yet (one at a time); then the 3-node cluster's test, and the 1-node test checks
that the plugin stopped the 3-node cluster after its last test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from escluster import LocalProvider, procs, resolve_version
from escluster._http import get_json, http_status
from escluster.pytest_plugin import EsCluster

pytest_plugins = ["pytester"]

# pids and run directory of the 3-node cluster, for the test that runs after it was stopped
STOPPED: dict[str, Any] = {}


def assert_gone(pids: list[int]) -> None:
    """Every pid has exited (gone from /proc, or a zombie waiting for init to reap it)."""
    for pid in pids:
        fields = procs._stat_fields(pid)
        assert fields is None or fields[0] == "Z", f"pid {pid} still running"


def local(cluster: EsCluster) -> LocalProvider:
    assert isinstance(cluster.backend, LocalProvider)
    return cluster.backend


# The inner session's conftest records, after the plugin's session end, what the first test
# saw (pids, run directory) and whether the provider forgot the cluster.
INNER_CONFTEST = """
import json
from pathlib import Path

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_sessionfinish(session):
    yield
    SEEN = session.items[0].module.SEEN
    backend = SEEN["backend"]
    record = {"pids": SEEN["pids"], "run_dir": SEEN["run_dir"], "urls_after": backend.urls,
              "pids_after": backend.pids()}
    (Path(__file__).parent / "seen.json").write_text(json.dumps(record))
"""

INNER_TESTS = """
import pytest

SEEN = {}
pytestmark = pytest.mark.escluster(version="8.19", provider="local")


def test_first(elasticsearch_cluster):
    SEEN["backend"] = elasticsearch_cluster.backend
    SEEN["pids"] = elasticsearch_cluster.backend.pids()
    SEEN["run_dir"] = str(elasticsearch_cluster.backend.run_dir)
    assert elasticsearch_cluster.provider == "local" and len(elasticsearch_cluster.urls) == 1


def test_second_shares_it(elasticsearch_cluster):
    assert elasticsearch_cluster.backend is SEEN["backend"]
    assert elasticsearch_cluster.backend.pids() == SEEN["pids"]
"""


@pytest.mark.cluster
def test_plugin_session_starts_shares_and_stops_a_real_cluster(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makepyfile(test_inner=INNER_TESTS)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)
    seen = json.loads((pytester.path / "seen.json").read_text())
    assert seen["pids"] and seen["urls_after"] == [] and seen["pids_after"] == []
    assert_gone(seen["pids"])
    assert not Path(seen["run_dir"]).exists()


@pytest.mark.cluster
@pytest.mark.escluster(version="8.19", nodes=3, provider="local")
def test_three_nodes_form_one_cluster(elasticsearch_cluster: EsCluster) -> None:
    urls = elasticsearch_cluster.urls
    assert len(set(urls)) == 3 and elasticsearch_cluster.nodes == 3
    for url in urls:
        assert get_json(f"{url}/_cluster/health")["number_of_nodes"] == 3
    names = {n["name"] for n in get_json(f"{urls[0]}/_nodes")["nodes"].values()}
    assert names == {"node-0", "node-1", "node-2"}
    STOPPED.update(pids=local(elasticsearch_cluster).pids(), run_dir=local(elasticsearch_cluster).run_dir)


@pytest.mark.cluster
@pytest.mark.escluster(version="8.19", provider="local")
def test_single_node_8_19(elasticsearch_cluster: EsCluster) -> None:
    expected = resolve_version("8.19")
    url = elasticsearch_cluster.url
    assert elasticsearch_cluster.urls == (url,) and elasticsearch_cluster.version == expected
    assert local(elasticsearch_cluster).pids() and local(elasticsearch_cluster).run_dir is not None
    root = http_status(f"{url}/")
    features = elasticsearch_cluster.backend.features()
    if root == 200:
        assert get_json(f"{url}/")["version"]["number"] == expected
    else:
        # 8.x integration-test zip has no rest-root module, so GET / is not there.
        assert root == 405 and not features.has("rest-root")
    assert features.version == expected
    assert "transport-netty4" in features.modules
    health = get_json(f"{url}/_cluster/health")
    assert health["number_of_nodes"] == 1 and health["status"] in ("green", "yellow")
    if STOPPED:  # the 3-node cluster ran before this one and is stopped
        assert_gone(STOPPED["pids"])
        assert not Path(STOPPED["run_dir"]).exists()
