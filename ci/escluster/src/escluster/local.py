"""LocalProvider: real Elasticsearch from the integration-test zip, no Docker needed.

The zip comes from Maven (cached), is unpacked into a fresh run directory, and each
node gets its own config/data/logs/tmp directories, ports on 127.0.0.1 and a JDK
matching the version.  Nodes run in their own sessions so the whole process tree
can be stopped with one signal.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import analysis_module, base, extra_modules, maven, procs, state
from ._http import HttpError, get_json, http_status
from .config import NodeConfig, java_opts, render_elasticsearch_yml, rewrite_jvm_options
from .jdk import Jdk, find_jdk
from .versions import alias_for, describe_known, load_versions, resolve_version

START_TIMEOUT = float(os.environ.get("ESCLUSTER_START_TIMEOUT", "180"))
LOG_TAIL_LINES = 50


@dataclass
class Node:
    """One running node: its process and where its files are."""

    name: str
    http_port: int
    transport_port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None
    pgid: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"


@dataclass
class Timings:
    """Seconds spent in each phase of the last start()."""

    download: float = 0.0
    unpack: float = 0.0
    start: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)


def free_ports(count: int) -> list[int]:
    """Ports the kernel reports free on 127.0.0.1 (held together so they are distinct)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def unpack(zip_path: Path, dest: Path) -> Path:
    """Extract the distribution, dropping its top directory and keeping exec bits.

    zipfile ignores Unix permissions, but bin/elasticsearch must stay executable.
    """
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            parts = Path(info.filename).parts[1:]
            if not parts:
                continue
            target = root.joinpath(*parts)
            if root not in target.resolve().parents and target.resolve() != root:
                raise ValueError(f"unsafe path in {zip_path}: {info.filename}")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(target, mode | stat.S_IRUSR)
    return root


def prepare_home(zip_path: Path, dest: Path, version: str) -> Path:
    """Unpack the distribution and add the modules it lacks; both providers build homes here."""
    home = unpack(zip_path, dest)
    extra_modules.install(home, version)  # 7.17: published module jars
    analysis_module.install(home, version)  # 8.x/9.x: our escluster-analysis module
    return home


def run_as_user() -> tuple[int, int] | None:
    """(uid, gid) to run nodes as, or None to run as ourselves.

    Elasticsearch refuses to run as root; as root (CI containers) we drop to an
    unprivileged account, ESCLUSTER_RUN_AS or ``nobody``.
    """
    if os.geteuid() != 0:
        return None
    name = os.environ.get("ESCLUSTER_RUN_AS", "nobody")
    try:
        entry = pwd.getpwnam(name)
    except KeyError as exc:
        raise base.ClusterStartError(
            f"running as root but user {name!r} does not exist; set ESCLUSTER_RUN_AS"
        ) from exc
    if entry.pw_uid == 0:
        raise base.ClusterStartError("ESCLUSTER_RUN_AS must name a non-root user")
    return entry.pw_uid, entry.pw_gid


def chown_tree(root: Path, uid: int, gid: int) -> None:
    """Hand the run directory to the unprivileged node user."""
    os.chown(root, uid, gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """Last ``lines`` lines of a text file ('' if it does not exist)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 256 * 1024))
            data = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(data.splitlines()[-lines:])


class LocalProvider(base.Provider):
    """Runs 1-3 real nodes from the integration-test distribution on 127.0.0.1."""

    name = "local"

    def __init__(
        self,
        state_name: str | None = None,
        heap: str = "512m",
        settings: Mapping[str, str | bool | int | Sequence[str]] | None = None,
        config_files: Mapping[str, str] | None = None,
    ) -> None:
        """``settings`` are added to (and override) each node's elasticsearch.yml, e.g.
        ``{"xpack.security.enabled": True}``; ``config_files`` (name -> text) are written
        into each node's config directory, e.g. file-realm ``users`` and ``roles.yml``."""
        super().__init__()
        self.state_name = state_name
        self.heap = heap
        self.settings = dict(settings or {})
        self.config_files = dict(config_files or {})
        self.nodes: list[Node] = []
        self.run_dir: Path | None = None
        self.home: Path | None = None
        self.jdk: Jdk | None = None
        self.timings = Timings()
        self.cluster_name = ""
        self._state_file: str | None = None

    # -- public API ---------------------------------------------------------------

    def start(self, version: str, nodes: int = 1) -> list[str]:
        """Fetch, configure and start ``nodes`` nodes; return URLs once the cluster is yellow."""
        if self.nodes:
            raise RuntimeError("this provider already runs a cluster; stop() it first")
        if not 1 <= nodes <= 3:
            raise ValueError("nodes must be between 1 and 3")
        exact = resolve_version(version)
        self.version = exact
        self.timings = Timings()
        began = time.monotonic()
        try:
            zip_path = maven.fetch_distribution(exact, state.cache_dir() / "dists")
        except maven.MavenError as exc:
            known = describe_known(load_versions())
            raise base.ClusterStartError(f"{exc}\nKnown versions: {known}") from exc
        self.timings.download = time.monotonic() - began
        self.jdk = find_jdk(exact)
        attempts = 2  # a port grabbed by someone else between probe and bind: retry once
        for attempt in range(1, attempts + 1):
            try:
                return self._start_once(exact, nodes, zip_path)
            except base.ClusterStartError as exc:
                if attempt == attempts or "BindException" not in str(exc):
                    raise
        raise AssertionError("unreachable")

    def stop(self, keep_logs: bool = False) -> None:
        """Stop every node (SIGTERM, then SIGKILL) and remove the run dir unless kept."""
        groups = [n.pgid for n in self.nodes if n.pgid]
        left = procs.terminate_groups(groups) if groups else []
        for node in self.nodes:
            if node.process is not None:
                try:
                    node.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    left.append(node.pgid)
        base.unregister(self)
        if self._state_file:
            state.state_path(self._state_file).unlink(missing_ok=True)
            self._state_file = None
        if left:
            raise RuntimeError(f"process groups {left} could not be stopped")
        if self.run_dir is not None:
            if keep_logs:
                print(f"escluster: kept logs of the failed run in {self.run_dir}")
            else:
                shutil.rmtree(self.run_dir, ignore_errors=True)
        self.nodes = []
        self.urls = []
        self.run_dir = None

    def detach(self) -> dict[str, Any]:
        """Leave the cluster running after this process exits (used by the CLI)."""
        base.unregister(self)
        data = self._state(detached=True)
        if self._state_file:
            state.write_state(self._state_file, data)
        self._state_file = None
        for node in self.nodes:
            node.process = None
        return data

    def kill(self, node_name: str) -> None:
        """SIGKILL one node's process group (fault tests) and wait until it is gone."""
        node = next(n for n in self.nodes if n.name == node_name)
        os.killpg(node.pgid, signal.SIGKILL)
        if node.process is not None:
            node.process.wait(timeout=30)

    def pids(self) -> list[int]:
        """All live processes of the cluster (launcher and server JVMs)."""
        return [pid for n in self.nodes if n.pgid for pid in procs.group_members(n.pgid)]

    def memory_rss(self) -> int:
        """Resident memory of all processes of the cluster, in bytes."""
        return procs.rss_bytes(self.pids())

    # -- internals -------------------------------------------------------------------

    def _start_once(self, exact: str, count: int, zip_path: Path) -> list[str]:
        """One attempt: new run dir, new ports, start, wait."""
        assert self.jdk is not None
        root = os.environ.get("ESCLUSTER_RUN_ROOT")
        if root:
            Path(root).mkdir(parents=True, exist_ok=True)
        self.run_dir = Path(tempfile.mkdtemp(prefix=f"escluster-{exact}-", dir=root))
        began = time.monotonic()
        self.home = prepare_home(zip_path, self.run_dir / "home", exact)
        self.timings.unpack = time.monotonic() - began
        began = time.monotonic()
        self.cluster_name = f"escluster-{exact.replace('.', '_')}-{os.getpid()}"
        ports = free_ports(2 * count)
        self.nodes = [
            Node(
                name=f"node-{i}",
                http_port=ports[2 * i],
                transport_port=ports[2 * i + 1],
                directory=self.run_dir / f"node-{i}",
            )
            for i in range(count)
        ]
        security = (self.home / "modules" / "x-pack-core").is_dir()
        seeds = [f"127.0.0.1:{n.transport_port}" for n in self.nodes]
        names = [n.name for n in self.nodes]
        base.register(self)
        self._state_file = self.state_name or f"{exact}-{os.getpid()}-{id(self):x}"
        try:
            for node in self.nodes:
                self._configure(node, seeds, names, security)
            owner = run_as_user()
            if owner is not None:
                chown_tree(self.run_dir, *owner)
            for node in self.nodes:
                self._launch(node, owner)
                # Record every pid at once: if we are SIGKILLed, `stop --all` still finds it.
                state.write_state(self._state_file, self._state(detached=False))
            self._wait_healthy(count)
        except BaseException:  # also KeyboardInterrupt: never leave half a cluster running
            self.stop(keep_logs=True)
            raise
        self.timings.start = time.monotonic() - began
        self.urls = [n.url for n in self.nodes]
        return list(self.urls)

    def _configure(self, node: Node, seeds: list[str], names: list[str], security: bool) -> None:
        """Create the node's config, data, logs and tmp directories."""
        assert self.home is not None
        conf = node.directory / "config"
        data, logs, tmp = (node.directory / d for d in ("data", "logs", "tmp"))
        shutil.copytree(self.home / "config", conf)
        for directory in (data, logs, tmp):
            directory.mkdir(parents=True, exist_ok=True)
        cfg = NodeConfig(
            cluster_name=self.cluster_name,
            node_name=node.name,
            http_port=node.http_port,
            transport_port=node.transport_port,
            data_dir=data,
            logs_dir=logs,
            seed_hosts=seeds,
            initial_master_nodes=names,
            security_module=security,
            extra=self.settings,
        )
        (conf / "elasticsearch.yml").write_text(render_elasticsearch_yml(cfg))
        for name, text in self.config_files.items():
            target = (conf / name).resolve()
            if conf.resolve() not in target.parents:
                raise ValueError(f"config file {name!r} would land outside the config directory")
            target.write_text(text)
        jvm_options = conf / "jvm.options"
        jvm_options.write_text(rewrite_jvm_options(jvm_options.read_text(), logs, data))
        (node.directory / "console.log").touch()

    def _launch(self, node: Node, owner: tuple[int, int] | None) -> None:
        """Start bin/elasticsearch for ``node`` in a new session (its own process group)."""
        assert self.home is not None and self.jdk is not None
        env = dict(os.environ)
        # JAVA_HOME would only trigger an "ignoring JAVA_HOME" warning; ES_JAVA_HOME wins.
        for key in ("JAVA_HOME", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "ES_HOME"):
            env.pop(key, None)
        env.update(
            ES_JAVA_HOME=str(self.jdk.home),
            ES_PATH_CONF=str(node.directory / "config"),
            ES_JAVA_OPTS=java_opts(self.heap),
            ES_TMPDIR=str(node.directory / "tmp"),
            HOME=str(node.directory),
        )
        # The child gets its own copy of the descriptor, so ours can close right away.
        with open(node.directory / "console.log", "ab") as console:
            node.process = subprocess.Popen(
                [str(self.home / "bin" / "elasticsearch")],
                cwd=node.directory,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=owner[0] if owner else None,
                group=owner[1] if owner else None,
                extra_groups=[] if owner else None,
            )
        node.pgid = node.process.pid  # session leader: pid == pgid

    def _wait_healthy(self, count: int) -> None:
        """Poll GET / on every node, then cluster health, failing fast if a node dies."""
        deadline = time.monotonic() + START_TIMEOUT
        pending = list(self.nodes)
        while pending:
            for node in list(pending):
                self._check_alive(node)
                if http_status(f"{node.url}/", timeout=2) is not None:
                    pending.remove(node)
            if pending:
                if time.monotonic() > deadline:
                    raise self._failure(f"nodes {[n.name for n in pending]} did not answer GET /")
                time.sleep(0.5)
        url = self.nodes[0].url
        last_error = ""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._failure(f"cluster health did not reach yellow: {last_error}")
            for node in self.nodes:
                self._check_alive(node)
            wait = max(1, min(10, int(remaining)))
            try:
                health = get_json(
                    f"{url}/_cluster/health?wait_for_status=yellow&wait_for_nodes={count}&timeout={wait}s",
                    timeout=wait + 5,
                )
            except HttpError as exc:  # 408 while waiting, or not ready yet
                last_error = str(exc)
                time.sleep(0.5)
                continue
            if health.get("number_of_nodes") == count and not health.get("timed_out"):
                return
            last_error = f"health={health}"

    def _check_alive(self, node: Node) -> None:
        if node.process is not None and node.process.poll() is not None:
            raise self._failure(f"{node.name} exited with code {node.process.returncode}")

    def _failure(self, reason: str) -> base.ClusterStartError:
        """Build the start error with the last log lines of every node."""
        parts = [f"Elasticsearch {self.version} failed to start: {reason}"]
        for node in self.nodes:
            log = node.directory / "logs" / f"{self.cluster_name}.log"
            parts.append(f"--- {node.name}: last {LOG_TAIL_LINES} lines of {log}")
            parts.append(tail(log) or "(empty)")
            console = node.directory / "console.log"
            parts.append(f"--- {node.name}: last 20 lines of {console}")
            parts.append(tail(console, 20) or "(empty)")
        parts.append(f"(run directory kept: {self.run_dir})")
        return base.ClusterStartError("\n".join(parts))

    def _state(self, detached: bool) -> dict[str, Any]:
        return {
            "provider": self.name,
            "version": self.version,
            "alias": alias_for(self.version or ""),
            "urls": [n.url for n in self.nodes],
            "run_dir": str(self.run_dir),
            "java_home": str(self.jdk.home) if self.jdk else None,
            "owner_pid": os.getpid(),
            "detached": detached,
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "nodes": [
                {
                    "name": n.name,
                    "pid": n.pgid,
                    "pgid": n.pgid,
                    "http_port": n.http_port,
                    "transport_port": n.transport_port,
                    "dir": str(n.directory),
                }
                for n in self.nodes
            ],
        }
