"""Process-group helpers: each node runs in its own session so we can stop the
launcher JVM and the server JVM it forks (8.x/9.x) with one signal.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable
from pathlib import Path

_PROC = Path("/proc")


def pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (one of another user counts too)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state is [0], pgrp is [2])."""
    try:
        raw = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return raw[raw.rfind(")") + 2 :].split()


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in process group ``pgid``."""
    if not _PROC.is_dir():  # not Linux: fall back to a signal-0 probe
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return []
        return [pgid]
    members = []
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields and fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def cmdline(pid: int) -> str:
    """The command line of ``pid`` ('' when it is gone or unreadable)."""
    try:
        return (_PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def group_belongs_to(pgid: int, marker: str) -> bool:
    """Whether some member of ``pgid`` mentions ``marker`` (our run dir) on its command line.

    Guards against signalling an unrelated group after the pid was reused.
    """
    return any(marker in cmdline(pid) for pid in group_members(pgid))


def rss_bytes(pids: Iterable[int]) -> int:
    """Sum of resident set sizes of ``pids`` (0 for vanished ones)."""
    total = 0
    for pid in pids:
        try:
            for line in (_PROC / str(pid) / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def terminate_groups(pgids: Iterable[int], timeout: float = 60.0) -> list[int]:
    """SIGTERM every group, wait up to ``timeout`` s, then SIGKILL what is left.

    Returns the groups that still had live members after SIGKILL (should be empty).
    Reaping of our own children is left to the caller (Popen.wait).
    """
    groups = [g for g in pgids if group_members(g)]
    for pgid in groups:
        _signal_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(group_members(g) for g in groups):
        time.sleep(0.2)
    stubborn = [g for g in groups if group_members(g)]
    for pgid in stubborn:
        _signal_group(pgid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(group_members(g) for g in stubborn):
        time.sleep(0.1)
    return [g for g in stubborn if group_members(g)]
