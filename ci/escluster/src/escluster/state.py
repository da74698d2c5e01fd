"""Run state files (~/.cache/escluster/run/<name>.json).

They let a later process (the CLI's stop/status, or a cleanup after a killed test
run) find and stop clusters that the process which started them no longer tracks.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from . import procs


def cache_dir() -> Path:
    """Root of the escluster cache (ESCLUSTER_CACHE overrides ~/.cache/escluster)."""
    configured = os.environ.get("ESCLUSTER_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "escluster"


def run_dir() -> Path:
    """Directory holding one state file per running cluster."""
    return cache_dir() / "run"


def state_path(name: str) -> Path:
    """State file for the cluster called ``name`` (an alias for CLI-started clusters)."""
    return run_dir() / f"{name}.json"


def write_state(name: str, data: dict[str, Any]) -> Path:
    """Write atomically so a concurrent status never reads half a file."""
    path = state_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(tmp, path)
    return path


def read_state(path: Path) -> dict[str, Any] | None:
    """Parsed state file, or None when it vanished or is corrupt."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def all_states() -> dict[str, dict[str, Any]]:
    """Every readable state file, keyed by cluster name."""
    found: dict[str, dict[str, Any]] = {}
    if run_dir().is_dir():
        for path in sorted(run_dir().glob("*.json")):
            data = read_state(path)
            if data is not None:
                found[path.stem] = data
    return found


def live_pids(data: dict[str, Any]) -> list[int]:
    """Processes of a local cluster that are still running (and really are ours)."""
    marker = str(data.get("run_dir", ""))
    pids: list[int] = []
    for node in data.get("nodes", []):
        pgid = int(node.get("pgid", 0))
        if pgid > 0 and marker and procs.group_belongs_to(pgid, marker):
            pids.extend(procs.group_members(pgid))
    return pids


def stop_local_from_state(name: str, data: dict[str, Any], keep_logs: bool = False) -> list[str]:
    """Stop a local cluster described by a state file; return problems (empty = clean)."""
    marker = str(data.get("run_dir", ""))
    groups = [
        int(n["pgid"])
        for n in data.get("nodes", [])
        if int(n.get("pgid", 0)) > 0 and marker and procs.group_belongs_to(int(n["pgid"]), marker)
    ]
    left = procs.terminate_groups(groups)
    problems = [f"process group {g} survived SIGKILL" for g in left]
    if not problems and not keep_logs and marker and Path(marker).is_dir():
        shutil.rmtree(marker, ignore_errors=True)
    state_path(name).unlink(missing_ok=True)
    return problems
