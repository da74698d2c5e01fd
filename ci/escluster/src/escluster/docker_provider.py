"""DockerProvider: clusters of 1-3 nodes, one container per node, through the ``docker`` SDK.

The images are the locally built ``escluster/elasticsearch:<version>`` (see images.py, built
on first use) or, with ESCLUSTER_DOCKER_IMAGE (a template with {version}), any image that
takes settings as environment variables, such as the official ones. The SDK is imported
lazily so escluster stays stdlib-only where Docker is unused. The container specs are pure
functions, unit-tested; everything the provider creates carries the label ``escluster`` and
the pid of its owner, so ``escluster stop --all`` also removes what a killed run left.
"""

from __future__ import annotations

import importlib
import os
import resource
import sys
import time
from dataclasses import dataclass
from typing import Any

from . import base, images, procs, state
from ._http import HttpError, get_json
from .config import java_opts
from .versions import resolve_version

START_TIMEOUT = float(os.environ.get("ESCLUSTER_START_TIMEOUT", "180"))
HTTP_PORT = 9200
TRANSPORT_PORT = 9300
LABEL = "escluster"
OWNER_LABEL = "escluster.pid"


def _docker() -> Any:
    """The docker SDK, imported only when Docker is actually used (it is optional)."""
    return importlib.import_module("docker")


def image_for(version: str, template: str | None = None) -> str:
    """Image reference for an exact version: ESCLUSTER_DOCKER_IMAGE, else the local build."""
    template = template or os.environ.get("ESCLUSTER_DOCKER_IMAGE") or images.LOCAL_IMAGE
    return template.format(version=version)


# What Elasticsearch asks for; a container can't get more than the engine's own hard limit
# (20000 on some hosts, where root cannot raise it), and asking for more fails its start.
WANTED_NOFILE = 65535


def host_nofile_limit() -> int:
    """The open-files limit to give a container: what Elasticsearch wants, at most this
    host's hard limit (the engine runs under the same kind of limit)."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return WANTED_NOFILE if hard == resource.RLIM_INFINITY else min(WANTED_NOFILE, hard)


def node_settings(
    cluster: str, index: int, nodes: int, heap: str = "512m", publish_port: int | None = None
) -> dict[str, str]:
    """The environment of node ``index`` of a ``nodes``-node cluster (the images turn dotted
    names into -E options).

    The nodes share one network namespace, so transport stays on loopback: a node whose
    transport address is not a loopback one must pass Elasticsearch's production bootstrap
    checks, and those ask for 65535 open files and vm.max_map_count 262144, more than hosts
    such as CI sandboxes give. HTTP listens on every address so the published ports reach it,
    and ``publish_port`` (the host port) is what the node tells clients that sniff: the
    address they can reach, not the container's own 127.0.0.1:9200.
    """
    env = {
        "cluster.name": cluster,
        "node.name": f"node-{index}",
        "network.host": "127.0.0.1",
        "http.host": "0.0.0.0",
        "http.port": str(HTTP_PORT + index),
        "transport.port": str(TRANSPORT_PORT + index),
        "xpack.security.enabled": "false",
        "cluster.routing.allocation.disk.threshold_enabled": "false",
        "action.destructive_requires_name": "false",
        "ES_JAVA_OPTS": java_opts(heap),
    }
    if publish_port is not None:
        env["http.publish_host"] = "127.0.0.1"
        env["http.publish_port"] = str(publish_port)
    if nodes == 1:
        env["discovery.type"] = "single-node"
    else:
        env["discovery.seed_hosts"] = ",".join(f"127.0.0.1:{TRANSPORT_PORT + i}" for i in range(nodes))
        env["cluster.initial_master_nodes"] = ",".join(f"node-{i}" for i in range(nodes))
    return env


def network_holder_spec(
    image: str, name: str, network: str, nodes: int, labels: dict[str, str]
) -> dict[str, Any]:
    """``docker.containers.run`` arguments of the container that owns the cluster's network
    namespace: on the cluster's own network, publishing every node's HTTP port on loopback
    only (a test cluster without security must not be reachable from other machines). It
    only sleeps, so any node can be killed without cutting the others off."""
    return {
        "image": image,
        "name": name,
        "detach": True,
        "entrypoint": ["sleep", "infinity"],
        "network": network,
        "ports": {f"{HTTP_PORT + i}/tcp": ("127.0.0.1", None) for i in range(nodes)},
        "mem_limit": "32m",
        "labels": labels,
    }


def container_spec(
    image: str,
    name: str,
    holder: str,
    env: dict[str, str],
    labels: dict[str, str],
    mem_limit: str = "1g",
    nofile: int | None = None,
) -> dict[str, Any]:
    """``docker.containers.run`` arguments of one node, in the network namespace of the
    container ``holder``. Pure, so the exact container is unit-testable without an engine;
    ``nofile`` None is ``host_nofile_limit()``."""
    nofile = host_nofile_limit() if nofile is None else nofile
    return {
        "image": image,
        "name": name,
        "detach": True,
        "environment": env,
        "network_mode": f"container:{holder}",
        "mem_limit": mem_limit,
        "labels": labels,
        "ulimits": [{"Name": "nofile", "Soft": nofile, "Hard": nofile}],
    }


def published_port(attrs: dict[str, Any], port: int = HTTP_PORT) -> int:
    """Host port bound to ``port``/tcp, from a container's inspect data."""
    bindings = attrs.get("NetworkSettings", {}).get("Ports", {}).get(f"{port}/tcp") or []
    if not bindings:
        raise base.ClusterStartError(f"container publishes no port for {port}/tcp")
    return int(bindings[0]["HostPort"])


def engine_answers(timeout: float = 2.0) -> bool:
    """True when the docker SDK is installed and an engine answers a ping quickly."""
    try:
        docker = _docker()
    except ImportError:
        return False
    try:
        client = docker.from_env(timeout=timeout)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # no socket, permission denied, timeouts: all mean "no engine"
        return False


def _one_line(exc: BaseException) -> str:
    """An SDK error as one line: the engine's explanation when it gave one."""
    text = str(getattr(exc, "explanation", None) or exc)
    return " ".join(text.split())


def remove_created(client: Any, container_ids: list[str], network_ids: list[str]) -> list[str]:
    """Remove containers (killed, with their volumes) then networks; return what failed."""
    problems = []
    for cid in container_ids:
        try:
            client.containers.get(cid).remove(force=True, v=True)
        except Exception as exc:
            if type(exc).__name__ != "NotFound":
                problems.append(f"container {cid[:12]}: {_one_line(exc)}")
    for nid in network_ids:
        try:
            client.networks.get(nid).remove()
        except Exception as exc:
            if type(exc).__name__ != "NotFound":
                problems.append(f"network {nid[:12]}: {_one_line(exc)}")
    return problems


def stop_detached(data: dict[str, Any]) -> list[str]:
    """Remove the containers and network of a cluster the CLI left running."""
    client = _docker().from_env()
    try:
        containers = [str(c) for c in data.get("containers") or [data.get("container")] if c]
        networks = [str(data["network"])] if data.get("network") else []
        return remove_created(client, container_ids=containers, network_ids=networks)
    finally:
        client.close()


def sweep_orphans() -> list[str]:
    """Remove what escluster created for a process that is gone: a run killed before it could
    clean up, or a cluster the CLI detached (``stop --all`` means those too). The clusters of
    live processes are left alone. Returns what was removed."""
    client = _docker().from_env()
    removed = []
    try:
        owned = {"label": [LABEL]}
        containers = [c for c in client.containers.list(all=True, filters=owned) if _orphan(c.labels)]
        networks = [n for n in client.networks.list(filters=owned) if _orphan(n.attrs.get("Labels") or {})]
        remove_created(client, container_ids=[c.id for c in containers], network_ids=[n.id for n in networks])
        removed = [f"container {c.name}" for c in containers] + [f"network {n.name}" for n in networks]
    finally:
        client.close()
    return removed


def _orphan(labels: dict[str, str]) -> bool:
    owner = labels.get(OWNER_LABEL, "")
    return owner.isdigit() and not procs.pid_alive(int(owner))


@dataclass
class DockerNode:
    """One node: its container, its name in the cluster and its URL on this host."""

    name: str
    url: str
    container: Any


class DockerProvider(base.Provider):
    """A cluster of 1-3 nodes, each in its own container, on a network of its own."""

    name = "docker"

    def __init__(self, heap: str = "512m", mem_limit: str = "1g", image: str | None = None) -> None:
        """``image`` is a template with {version}; None: ESCLUSTER_DOCKER_IMAGE, else the local build."""
        super().__init__()
        self.heap = heap
        self.mem_limit = mem_limit
        self.image_template = image
        self.nodes: list[DockerNode] = []
        self._client: Any = None
        self._containers: list[str] = []  # ids of everything created, the holder first
        self._network: str | None = None

    def start(self, version: str, nodes: int = 1) -> list[str]:
        """Create the network, the namespace holder and the nodes; wait for a yellow cluster."""
        if self._containers:
            raise RuntimeError("this provider already runs a cluster; stop() it first")
        if not 1 <= nodes <= 3:
            raise ValueError("nodes must be between 1 and 3")
        docker = _docker()
        exact = resolve_version(version)
        self.version = exact
        base.register(self)
        try:
            self._client = docker.from_env()
            image = self._image(exact)
            self._create(image, exact, nodes)
            self._wait(nodes)
        except docker.errors.DockerException as exc:  # one line, not the SDK's traceback
            self.stop(keep_logs=True)
            raise base.ClusterStartError(f"docker: {_one_line(exc)}") from None
        except BaseException:
            self.stop(keep_logs=True)
            raise
        self.urls = [n.url for n in self.nodes]
        return list(self.urls)

    def _image(self, exact: str) -> str:
        """The configured image, or the local one (built when missing)."""
        image = image_for(exact, self.image_template)
        if image == images.LOCAL_IMAGE.format(version=exact):
            return images.ensure_image(self._client, exact)
        return image

    def _create(self, image: str, exact: str, count: int) -> None:
        """Each object is recorded the moment it exists, so stop() removes it whatever fails next."""
        cluster = f"escluster-{exact.replace('.', '_')}-{os.getpid()}-{id(self) % 100000}"
        labels = {LABEL: "1", "escluster.version": exact, OWNER_LABEL: str(os.getpid())}
        network = self._client.networks.create(cluster, driver="bridge", labels=labels)
        self._network = network.id
        holder = self._client.containers.create(
            **network_holder_spec(image, f"{cluster}-net", cluster, count, labels)
        )
        self._containers.append(holder.id)
        holder.start()
        holder.reload()
        self.nodes = []
        for i in range(count):
            host_port = published_port(holder.attrs, HTTP_PORT + i)
            env = node_settings(cluster, i, count, self.heap, publish_port=host_port)
            spec = container_spec(image, f"{cluster}-node-{i}", holder.id, env, labels, self.mem_limit)
            container = self._client.containers.create(**spec)
            self._containers.append(container.id)
            container.start()
            self.nodes.append(DockerNode(f"node-{i}", f"http://127.0.0.1:{host_port}", container))

    def _wait(self, count: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        last = ""
        query = f"wait_for_status=yellow&wait_for_nodes={count}&timeout=5s"
        while time.monotonic() < deadline:
            for node in self.nodes:
                node.container.reload()
                if node.container.status in ("exited", "dead"):
                    raise self._failure(f"{node.name} exited")
            try:
                # Every node's own HTTP port: a node joins the cluster (transport) before its
                # HTTP server binds, so one node's answer does not mean the others take requests.
                healths = [get_json(f"{node.url}/_cluster/health?{query}", timeout=10) for node in self.nodes]
                if not any(health.get("timed_out") for health in healths):
                    return
                health = healths[0]
                last = f"health: {health.get('status')}, {health.get('number_of_nodes')} node(s)"
            except HttpError as exc:
                last = str(exc)
            time.sleep(1)
        raise self._failure(f"not healthy after {START_TIMEOUT:.0f} s ({last})")

    def _failure(self, reason: str) -> base.ClusterStartError:
        """The start error with the last lines each node printed."""
        parts = [f"Elasticsearch {self.version} in docker failed to start: {reason}"]
        for node in self.nodes:
            logs = node.container.logs(tail=30).decode("utf-8", "replace")
            parts += [f"--- {node.name} ({node.container.name}): last 30 lines", logs or "(empty)"]
        return base.ClusterStartError("\n".join(parts))

    def kill(self, node_name: str) -> None:
        """SIGKILL one node (fault tests); the others and their ports stay up."""
        node = next(n for n in self.nodes if n.name == node_name)
        node.container.kill()
        node.container.wait(timeout=30)

    def detach(self) -> dict[str, Any]:
        """Leave the cluster running after this process exits (used by the CLI)."""
        base.unregister(self)
        data = {
            "provider": self.name,
            "version": self.version,
            "urls": list(self.urls),
            "containers": list(self._containers),
            "network": self._network,
        }
        self._containers, self._network, self.nodes = [], None, []
        self._close()
        return data

    def stop(self, keep_logs: bool = False) -> None:
        """Remove every container and the network; with ``keep_logs``, save the nodes' logs first."""
        try:
            if keep_logs and self.nodes:
                self._save_logs()
            if self._client is not None:
                for node in self.nodes:  # a clean shutdown first, so the logs end well
                    try:
                        node.container.stop(timeout=20)
                    except Exception:
                        pass
                problems = remove_created(
                    self._client,
                    container_ids=list(reversed(self._containers)),
                    network_ids=[self._network] if self._network else [],
                )
                if problems:
                    raise RuntimeError("could not remove: " + "; ".join(problems))
        finally:
            self._containers, self._network, self.nodes, self.urls = [], None, [], []
            self._close()
            base.unregister(self)

    def _save_logs(self) -> None:
        directory = state.cache_dir() / "docker-logs"
        directory.mkdir(parents=True, exist_ok=True)
        for node in self.nodes:
            try:
                path = directory / f"{node.container.name}.log"
                path.write_bytes(node.container.logs())
                print(f"escluster: kept the log of {node.name} in {path}", file=sys.stderr)
            except Exception:
                pass

    def _close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
