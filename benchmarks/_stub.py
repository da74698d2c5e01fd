"""Run the bench-stub (nginx as a fake Elasticsearch): benchmarks measure the client.

The stub lives in shared/bench-stub beside the repo; this module installs nginx when
it is missing, starts the stub on a free port and always stops it again.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_STUB_DIR = Path(__file__).resolve().parents[2] / "shared" / "bench-stub"
# Debian keeps nginx in /usr/sbin, which a non-login PATH may lack.
_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])


def ensure_nginx() -> None:
    """Install Debian's nginx-light when nginx is not on this machine yet."""
    if shutil.which("nginx", path=_PATH):
        return
    print("nginx missing: apt-get install nginx-light", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "nginx-light"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(port: int, timeout: float = 10.0) -> None:
    """Block until the stub answers a document GET, so no round times a cold start."""
    deadline = time.monotonic() + timeout
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            conn.request("GET", "/bench/_doc/1")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        if time.monotonic() > deadline:
            raise RuntimeError(f"bench-stub on port {port} did not answer within {timeout}s")
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    """Tell whether pid runs; a zombie counts as gone (nginx daemonizes, init reaps)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@contextmanager
def running_stub(stub_dir: Path, preexec: Callable[[], None] | None = None) -> Iterator[int]:
    """Start the stub on a free port, yield the port, and stop nginx whatever happens.

    preexec runs in the forked start.sh, so nginx inherits e.g. a CPU pinning.
    """
    ensure_nginx()
    port = _free_port()
    work = Path(tempfile.mkdtemp(prefix=f"bench-stub-{port}-"))
    env = {**os.environ, "PATH": _PATH, "BENCH_STUB_DIR": str(work)}
    pid_file = work / "run" / "nginx.pid"
    try:
        subprocess.run(
            ["sh", str(stub_dir / "start.sh"), str(port)],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            preexec_fn=preexec,
        )
        _wait_ready(port)
        yield port
    finally:
        pid = int(pid_file.read_text()) if pid_file.exists() else None
        subprocess.run(["sh", str(stub_dir / "stop.sh"), str(port)], env=env, check=False)
        deadline = time.monotonic() + 10
        while pid is not None and _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid is not None and _alive(pid):
            os.kill(pid, 9)
        shutil.rmtree(work, ignore_errors=True)
