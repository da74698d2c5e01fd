"""DockerProvider: official Elasticsearch images through the ``docker`` SDK.

The SDK is imported lazily so escluster stays stdlib-only where Docker is unused.
The container spec is built by a pure function (container_spec) which is what the
unit tests cover; the engine-facing part is exercised only where an engine runs.
"""

from __future__ import annotations

import importlib
import os
import resource
import time
from typing import Any

from . import base
from ._http import HttpError, get_json
from .config import java_opts
from .versions import resolve_version

# Official image name without a registry host: the engine's configured default
# registry is used; ESCLUSTER_DOCKER_IMAGE (a template with {version}) overrides it.
DEFAULT_IMAGE = "elasticsearch:{version}"
START_TIMEOUT = float(os.environ.get("ESCLUSTER_START_TIMEOUT", "180"))


def _docker() -> Any:
    """The docker SDK, imported only when Docker is actually used (it is optional)."""
    return importlib.import_module("docker")


def image_for(version: str, template: str | None = None) -> str:
    """Image reference for an exact version."""
    template = template or os.environ.get("ESCLUSTER_DOCKER_IMAGE") or DEFAULT_IMAGE
    return template.format(version=version)


# What Elasticsearch asks for; a container can't get more than the engine's own hard limit
# (20000 on some hosts, where root cannot raise it), and asking for more fails its start.
WANTED_NOFILE = 65535


def host_nofile_limit() -> int:
    """The open-files limit to give a container: what Elasticsearch wants, at most this
    host's hard limit (the engine runs under the same kind of limit)."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return WANTED_NOFILE if hard == resource.RLIM_INFINITY else min(WANTED_NOFILE, hard)


def container_spec(
    version: str,
    name: str,
    host_port: int | None = None,
    heap: str = "512m",
    mem_limit: str = "1g",
    image_template: str | None = None,
    nofile: int | None = None,
) -> dict[str, Any]:
    """Keyword arguments for ``docker.containers.run`` for a single test node.

    Pure, so the exact container we would ask for is unit-testable without an engine.
    ``host_port`` None lets the engine choose a free port (read back after start);
    ``nofile`` None is ``host_nofile_limit()``.
    """
    nofile = host_nofile_limit() if nofile is None else nofile
    env = {
        "discovery.type": "single-node",
        "xpack.security.enabled": "false",
        "cluster.routing.allocation.disk.threshold_enabled": "false",
        "action.destructive_requires_name": "false",
        "ES_JAVA_OPTS": java_opts(heap),
    }
    return {
        "image": image_for(version, image_template),
        "name": name,
        "detach": True,
        "environment": env,
        # Publish on loopback only: a test cluster without security must not be reachable
        # from other machines.
        "ports": {"9200/tcp": ("127.0.0.1", host_port)},
        "mem_limit": mem_limit,
        "labels": {"escluster": "1", "escluster.version": version},
        "ulimits": [{"Name": "nofile", "Soft": nofile, "Hard": nofile}],
    }


def published_port(attrs: dict[str, Any]) -> int:
    """Host port bound to 9200/tcp, from a container's inspect data."""
    bindings = attrs.get("NetworkSettings", {}).get("Ports", {}).get("9200/tcp") or []
    if not bindings:
        raise base.ClusterStartError("container publishes no port for 9200/tcp")
    return int(bindings[0]["HostPort"])


def stop_container(container_id: str) -> None:
    """Stop and remove a container started by an earlier (detached) CLI run."""
    docker = _docker()
    client = docker.from_env()
    try:
        container = client.containers.get(container_id)
        container.stop(timeout=30)
        container.remove(v=True)
    except docker.errors.NotFound:
        pass
    finally:
        client.close()


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


class DockerProvider(base.Provider):
    """One single-node cluster in a container (more nodes: use the local provider)."""

    name = "docker"

    def __init__(self, heap: str = "512m", mem_limit: str = "1g") -> None:
        super().__init__()
        self.heap = heap
        self.mem_limit = mem_limit
        self.container: Any = None
        self._client: Any = None

    def start(self, version: str, nodes: int = 1) -> list[str]:
        """Run the official image and wait for a yellow cluster."""
        if nodes != 1:
            raise ValueError("the docker provider starts single-node clusters only")
        docker = _docker()
        exact = resolve_version(version)
        self.version = exact
        self._client = docker.from_env()
        spec = container_spec(
            exact, f"escluster-{exact}-{os.getpid()}", heap=self.heap, mem_limit=self.mem_limit
        )
        base.register(self)
        try:
            self.container = self._client.containers.run(**spec)
            self.container.reload()
            url = f"http://127.0.0.1:{published_port(self.container.attrs)}"
            self._wait(url)
        except docker.errors.DockerException as exc:  # one line, not the SDK's traceback
            self._remove_created(spec["name"])
            self.stop(keep_logs=True)
            raise base.ClusterStartError(f"docker: {_one_line(exc)}") from None
        except BaseException:
            self._remove_created(spec["name"])
            self.stop(keep_logs=True)
            raise
        self.urls = [url]
        return [url]

    def _remove_created(self, name: str) -> None:
        """Removes a container that ``run`` created but could not start (left in state
        Created, with no state file to find it by later)."""
        if self.container is not None or self._client is None:
            return  # it started: stop() handles it
        try:
            self._client.containers.get(name).remove(force=True, v=True)
        except Exception:  # not created at all, or already gone
            pass

    def _wait(self, url: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        last = ""
        while time.monotonic() < deadline:
            self.container.reload()
            if self.container.status in ("exited", "dead"):
                break
            try:
                health = get_json(f"{url}/_cluster/health?wait_for_status=yellow&timeout=5s", timeout=10)
                if not health.get("timed_out"):
                    return
            except HttpError as exc:
                last = str(exc)
            time.sleep(1)
        logs = self.container.logs(tail=50).decode("utf-8", "replace")
        raise base.ClusterStartError(
            f"container {self.container.name} did not become healthy ({last}):\n{logs}"
        )

    def detach(self) -> dict[str, Any]:
        """Leave the container running after this process exits (used by the CLI)."""
        base.unregister(self)
        data = {
            "provider": self.name,
            "version": self.version,
            "urls": list(self.urls),
            "container": self.container.id if self.container is not None else None,
        }
        self.container = None
        return data

    def stop(self, keep_logs: bool = False) -> None:
        """Stop the container; remove it unless its logs should be kept."""
        if self.container is not None:
            try:
                self.container.stop(timeout=30)
                if not keep_logs:
                    self.container.remove(v=True)
                else:
                    print(f"escluster: kept container {self.container.name} for its logs")
            finally:
                self.container = None
        if self._client is not None:
            self._client.close()
            self._client = None
        base.unregister(self)
        self.urls = []
