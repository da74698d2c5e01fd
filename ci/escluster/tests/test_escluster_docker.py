"""The docker provider against a real engine (marked ``cluster``; skipped where no engine
answers: ``escluster engine start`` makes one where dockerd is installed)."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import pytest
from escluster import ClusterStartError, DockerProvider, images, resolve_version
from escluster._http import get_json
from escluster.docker_provider import LABEL, OWNER_LABEL, engine_answers, sweep_orphans

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(not engine_answers(), reason="no Docker engine answers (DOCKER_HOST)"),
]


@pytest.fixture
def client() -> Any:
    import docker

    client = docker.from_env()
    yield client
    client.close()


def ours(client: Any, pid: int | None = None) -> tuple[list[Any], list[Any]]:
    """Containers and networks labelled by escluster for ``pid`` (default: this process)."""
    wanted = {"label": [f"{OWNER_LABEL}={pid or os.getpid()}"]}
    return client.containers.list(all=True, filters=wanted), client.networks.list(filters=wanted)


def test_three_nodes_survive_a_killed_one_and_leave_nothing(client: Any) -> None:
    with DockerProvider() as provider:
        urls = provider.start("7.17", nodes=3)
        assert len(set(urls)) == 3
        for url in urls:
            health = get_json(f"{url}/_cluster/health")
            assert health["number_of_nodes"] == 3, health
        nodes = get_json(f"{urls[0]}/_nodes/_local?filter_path=nodes.*.version")["nodes"]
        assert [n["version"] for n in nodes.values()] == [resolve_version("7.17")]
        containers, networks = ours(client)
        assert len(containers) == 4 and len(networks) == 1  # 3 nodes + the network holder
        provider.kill("node-1")
        survivors = [urls[0], urls[2]]
        health = get_json(f"{survivors[1]}/_cluster/health?wait_for_nodes=2&timeout=60s")
        assert health["number_of_nodes"] == 2 and not health["timed_out"], health
        assert get_json(f"{survivors[0]}/_cat/nodes?format=json&h=name")  # still published
    assert ours(client) == ([], [])


def test_a_start_that_fails_is_one_line_and_leaves_nothing(client: Any) -> None:
    provider = DockerProvider(image="escluster/no-such-image:{version}")
    with pytest.raises(ClusterStartError) as info:
        provider.start("8.19")
    message = str(info.value)
    assert message.startswith("docker: ") and "\n" not in message
    assert "no-such-image" in message
    assert ours(client) == ([], [])


def test_stop_all_sweeps_what_a_dead_run_left(client: Any) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid that no longer runs
    labels = {LABEL: "1", OWNER_LABEL: str(gone.pid)}
    image = images.ensure_image(client, "7.17")
    network = client.networks.create(f"escluster-orphan-{gone.pid}", labels=labels)
    container = client.containers.create(
        image, entrypoint=["sleep", "infinity"], labels=labels, network=network.name
    )
    live = client.containers.create(
        image, entrypoint=["sleep", "infinity"], labels={LABEL: "1", OWNER_LABEL: str(os.getpid())}
    )
    try:
        removed = sweep_orphans()
        assert f"container {container.name}" in removed and f"network {network.name}" in removed
        assert ours(client, gone.pid) == ([], [])
        assert live.id in [c.id for c in ours(client)[0]]  # a live owner's container stays
    finally:
        live.remove(force=True)
