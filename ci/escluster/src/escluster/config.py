"""Rendering of per-node configuration files (pure functions, unit-tested).

Each node gets its own copy of the distribution's config directory with an
elasticsearch.yml we write and a jvm.options whose relative paths point into the
node's own directories, so nodes sharing one unpacked distribution never collide.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class NodeConfig:
    """Everything that differs between the nodes of one test cluster."""

    cluster_name: str
    node_name: str
    http_port: int
    transport_port: int
    data_dir: Path
    logs_dir: Path
    # Transport addresses of all nodes and the names of all master-eligible nodes;
    # ignored for a single-node cluster.
    seed_hosts: Sequence[str] = ()
    initial_master_nodes: Sequence[str] = ()
    security_module: bool = True
    extra: Mapping[str, str | bool | int | Sequence[str]] = field(default_factory=dict)


def _yaml_value(value: str | bool | int | Sequence[str]) -> str:
    """Render a scalar or list as YAML (JSON is valid YAML and quotes safely)."""
    if isinstance(value, (str, bool, int)):
        return json.dumps(value)
    return json.dumps(list(value))


def settings_for(node: NodeConfig) -> dict[str, str | bool | int | Sequence[str]]:
    """The settings a test node needs, as a flat mapping (order is kept for readability)."""
    settings: dict[str, str | bool | int | Sequence[str]] = {
        "cluster.name": node.cluster_name,
        "node.name": node.node_name,
        "network.host": "127.0.0.1",
        "http.port": node.http_port,
        "transport.port": node.transport_port,
        "path.data": str(node.data_dir),
        "path.logs": str(node.logs_dir),
        # Test machines often have full-ish disks; never let that block shard allocation.
        "cluster.routing.allocation.disk.threshold_enabled": False,
        # Tests clean up with wildcard deletes.
        "action.destructive_requires_name": False,
    }
    if len(node.seed_hosts) <= 1:
        settings["discovery.type"] = "single-node"
    else:
        settings["discovery.seed_hosts"] = list(node.seed_hosts)
        settings["cluster.initial_master_nodes"] = list(node.initial_master_nodes)
    # The setting only exists where the x-pack security module is present; setting it
    # on a distribution without the module makes the node refuse to start.
    if node.security_module:
        settings["xpack.security.enabled"] = False
    settings.update(node.extra)
    return settings


def render_elasticsearch_yml(node: NodeConfig) -> str:
    """elasticsearch.yml text for ``node``."""
    lines = ["# Written by escluster for a throw-away test node."]
    lines += [f"{key}: {_yaml_value(value)}" for key, value in settings_for(node).items()]
    return "\n".join(lines) + "\n"


def rewrite_jvm_options(text: str, logs_dir: Path, data_dir: Path) -> str:
    """Point relative GC log, heap dump and crash file paths into the node's own dirs.

    Stock jvm.options files use paths relative to the working directory (``logs/gc.log``
    in 7.17, ``gc.log`` in 8.x); several nodes sharing a home would write the same files.
    """

    def into(directory: Path) -> Callable[[re.Match[str]], str]:
        def repl(match: re.Match[str]) -> str:
            path = match.group(2)
            if path.startswith("/"):
                return match.group(0)
            return f"{match.group(1)}{directory / Path(path).name}"

        return repl

    out = []
    for line in text.splitlines():
        line = _GC_FILE_RE.sub(into(logs_dir), line)
        line = _ERROR_FILE_RE.sub(into(logs_dir), line)
        line = _HEAP_DUMP_RE.sub(lambda m: f"{m.group(1)}{data_dir}", line)
        out.append(line)
    return "\n".join(out) + "\n"


_GC_FILE_RE = re.compile(r"(-X(?:log:\S*?:)?file=|-Xloggc:)([^:\s]+)")
_ERROR_FILE_RE = re.compile(r"(-XX:ErrorFile=)(\S+)")
_HEAP_DUMP_RE = re.compile(r"(-XX:HeapDumpPath=)(\S+)")


def java_opts(heap: str = "512m") -> str:
    """ES_JAVA_OPTS for a small fixed heap (keeps 3 nodes well within a 24 GiB box)."""
    return f"-Xms{heap} -Xmx{heap}"
