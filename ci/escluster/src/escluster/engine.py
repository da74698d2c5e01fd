"""A private Docker engine for machines that have ``dockerd`` but no engine running (CI
sandboxes without systemd): started on demand, stopped with everything it made.

It listens on its own socket (never the system's), keeps its images under escluster's cache
so a second run reuses them, and runs without iptables rules or a default bridge: published
ports are served by docker's userland proxy on 127.0.0.1, and builds run without a network.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import procs, state
from .base import ClusterStartError
from .docker_provider import LABEL, engine_answers, remove_created, sweep_orphans

START_TIMEOUT = 60.0


def record_path() -> Path:
    """Where the running private engine is described (socket, pid, run directory)."""
    return state.cache_dir() / "engine.json"


def read_record() -> dict[str, str] | None:
    try:
        data = json.loads(record_path().read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def can_start() -> str | None:
    """Why a private engine cannot start here, or None when it can."""
    if shutil.which("dockerd") is None:
        return "dockerd is not installed"
    if os.geteuid() != 0:
        return "starting dockerd needs root"
    return None


def start() -> str:
    """Start a private engine unless one of ours runs already; return its DOCKER_HOST."""
    record = read_record()
    if record and procs.pid_alive(int(record["pid"])):
        os.environ["DOCKER_HOST"] = record["docker_host"]
        return record["docker_host"]
    reason = can_start()
    if reason:
        raise ClusterStartError(f"cannot start a Docker engine: {reason}")
    run_dir = Path(tempfile.mkdtemp(prefix="escluster-engine-"))
    data_root = state.cache_dir() / "docker"
    data_root.mkdir(parents=True, exist_ok=True)
    host = f"unix://{run_dir / 'docker.sock'}"
    command = [
        "dockerd",
        "--host",
        host,
        "--data-root",
        str(data_root),
        "--exec-root",
        str(run_dir / "exec"),
        "--pidfile",
        str(run_dir / "dockerd.pid"),
        "--iptables=false",
        "--ip-masq=false",
        "--bridge=none",
    ]
    with open(run_dir / "dockerd.log", "ab") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    record = {"pid": str(process.pid), "docker_host": host, "run_dir": str(run_dir)}
    record_path().parent.mkdir(parents=True, exist_ok=True)
    record_path().write_text(json.dumps(record))
    deadline = time.monotonic() + START_TIMEOUT
    os.environ["DOCKER_HOST"] = host
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if engine_answers():
            return host
        time.sleep(0.5)
    tail = (run_dir / "dockerd.log").read_text(errors="replace").splitlines()[-5:]
    stop()
    raise ClusterStartError("dockerd did not come up: " + " | ".join(tail))


def _remove_everything(host: str) -> None:
    """Whatever escluster made in our engine goes with it, even the clusters of a run that is
    still stopping: stopped containers would otherwise wait in the data root for the next start."""
    docker = importlib.import_module("docker")
    try:
        client = docker.DockerClient(base_url=host, timeout=30)
    except Exception:  # the engine no longer answers: nothing to ask it
        return
    try:
        owned = {"label": [LABEL]}
        remove_created(
            client,
            [c.id for c in client.containers.list(all=True, filters=owned)],
            [n.id for n in client.networks.list(filters=owned)],
        )
    except Exception as exc:
        print(f"escluster: could not clean the private engine up: {exc}", file=sys.stderr)
    finally:
        client.close()


def stop() -> bool:
    """Stop our private engine (it stops its containerd) after removing what escluster made in
    it, remove its run directory; False when none ran."""
    record = read_record()
    if not record:
        return False
    pid = int(record["pid"])
    if procs.pid_alive(pid):
        _remove_everything(record["docker_host"])
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while procs.pid_alive(pid) and time.monotonic() < deadline:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
            time.sleep(0.2)
        if procs.pid_alive(pid):
            os.killpg(pid, signal.SIGKILL)
    shutil.rmtree(record["run_dir"], ignore_errors=True)
    record_path().unlink(missing_ok=True)
    return True


def main(argv: list[str]) -> int:
    """``python -m escluster engine start|stop|status``. ``start`` prints
    ``DOCKER_HOST=<value> <how>``: ``running`` for an engine that already answered (value
    empty: the default socket), ``started`` for a private one this call started."""
    command = argv[0] if argv else "status"
    if command == "start":
        if engine_answers():  # the engine DOCKER_HOST (or the default socket) names
            print(f"DOCKER_HOST={os.environ.get('DOCKER_HOST', '')} running")
            return 0
        record = read_record()
        already = bool(record and procs.pid_alive(int(record["pid"])))
        host = start()  # our private engine: the one running, or a new one
        print(f"DOCKER_HOST={host} {'running' if already else 'started'}")
        if not already:
            for leftover in sweep_orphans():  # from a run killed before it could clean up
                print(f"escluster: removed {leftover}, left by a run that is gone", file=sys.stderr)
        return 0
    if command == "stop":
        print("stopped" if stop() else "no private engine ran", file=sys.stderr)
        return 0
    record = read_record()
    running = bool(record and procs.pid_alive(int(record["pid"])))
    print(f"private engine: {'running at ' + record['docker_host'] if running and record else 'not running'}")
    return 0
