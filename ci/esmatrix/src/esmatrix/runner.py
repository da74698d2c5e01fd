"""Run cells: start each stack's cluster once, run the integration suite against it for every
cell of that stack, with our client and then with the official one (the reference), stop it,
and complete the result files: compat-matrix/results/<client>-<stack>.json (ours) and
compat-matrix/results/official/<client>-<stack>.json (the official release).

Our suite runs in whatever environment the caller has our packages in: the caller passes
``run_pytest(env)``, which runs ``pytest tests/integration`` with ``env`` added (nox sessions
use ``session.run``; the CLI uses this interpreter). The reference runs through
``reference(cell)``, which gives the same kind of function for the official client's venv.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from escluster import ClusterStartError, LocalProvider, get_provider

from .cells import AUTO, ROOT, Cell, results_dir, stack_table
from .collect import read_json, write_json

SUITE = ROOT / "tests" / "integration"

RunPytest = Callable[[Mapping[str, str]], object]
# cell -> (how to run the suite with the official client, the versions it imports); raises
# RuntimeError (official.OfficialEnvError) when that client cannot be had
Reference = Callable[[Cell], tuple[RunPytest, Mapping[str, str]]]
CellRun = tuple[dict[str, Any], dict[str, Any] | None]  # ours, the official's (None: not run)


def result_path(cell: Cell, directory: Path | None = None, official: bool = False) -> Path:
    base = directory or results_dir()
    return (base / "official" if official else base) / f"{cell.key}.json"


def git_revision(root: Path = ROOT) -> str:
    """``git rev-parse --short HEAD``, with ``+dirty`` when tracked or new files differ from
    it (compat-matrix/ left out: the results a run writes are not what it ran)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", ".", ":(exclude)compat-matrix")
    return f"{commit}+dirty" if dirty else commit


def cell_env(cell: Cell, urls: list[str], directory: Path, official: bool = False) -> dict[str, str]:
    """What the suite's conftest reads: the client, the stack, the cluster, where to write."""
    env = {
        "CLIENT": cell.client,
        "ES_STACK": cell.stack,
        "ELASTICSEARCH_URL": ",".join(urls),
        "ES_INTEGRATION_RESULTS": str(directory / "official" if official else directory),
        "ES_INTEGRATION_CELLS": "",
        "ES_INTEGRATION_OFFICIAL": "1" if official else "",
    }
    env.update(cell.env_for(official))
    return env


def run_cells(
    cells: list[Cell],
    run_pytest: RunPytest,
    *,
    reference: Reference | None = None,
    url: str | None = None,
    directory: Path | None = None,
    log: Callable[[str], None] = print,
) -> list[CellRun]:
    """Run ``cells`` (ours, then the official reference when given), one cluster per stack,
    provider and size; returns (ours, official or None) per cell, in the order given."""
    directory = directory or results_dir()
    revision = git_revision()
    groups: dict[tuple[str, str, int], list[Cell]] = {}
    for cell in cells:
        groups.setdefault((cell.stack, cell.provider, cell.nodes), []).append(cell)
    done: dict[str, CellRun] = {}
    for group in groups.values():
        for cell, results in zip(
            group, _run_group(group, run_pytest, reference, url, directory, revision, log), strict=True
        ):
            done[cell.key] = results
    return [done[cell.key] for cell in cells]


def _run_group(
    group: list[Cell],
    run_pytest: RunPytest,
    reference: Reference | None,
    url: str | None,
    directory: Path,
    revision: str,
    log: Callable[[str], None],
) -> list[CellRun]:
    """The cells of one cluster: start it (unless ``url``), run each, stop it."""
    first = group[0]
    label = f"Elasticsearch {first.stack} ({first.nodes} node(s), {first.provider})"
    began = time.monotonic()
    provider = None
    extra: dict[str, Any] = {"git_revision": revision}
    out: list[CellRun] = []
    if url:
        urls = [u.strip() for u in url.split(",") if u.strip()]
        extra.update(provider="url", cluster_start_s=0.0)
        log(f"esmatrix: {label}: using the cluster at {', '.join(urls)}")
    else:
        provider = get_provider(None if first.provider == AUTO else first.provider, first.nodes)
        if isinstance(provider, LocalProvider):
            provider.state_name = f"matrix-{first.stack}"
        log(f"esmatrix: starting {label} for {', '.join(c.key for c in group)}")
        try:
            urls = provider.start(first.stack, nodes=first.nodes)
        except (ClusterStartError, ValueError, RuntimeError) as exc:
            log(f"esmatrix: {label}: cluster did not start:\n{exc}")
            for cell in group:
                ours = _start_failure(cell, str(exc), time.monotonic() - began) | extra
                write_json(result_path(cell, directory), ours)
                out.append((ours, None))
            return out
        extra.update(provider=provider.name, cluster_start_s=round(time.monotonic() - began, 1))
        log(f"esmatrix: {label}: up in {extra['cluster_start_s']} s at {', '.join(urls)}")
    ok = True
    try:
        for cell in group:
            ours = _run_suite(cell, urls, run_pytest, directory, extra, official=False)
            ok = ok and (cell.kind != "native" or status(ours) == "pass")
            theirs = None
            if reference is not None:
                theirs = _run_reference(cell, urls, reference, directory, extra, log)
            out.append((ours, theirs))
            log(summary_line(ours) + (f"\n  {summary_line(theirs)}" if theirs else ""))
    finally:
        if provider is not None:
            run_dir = getattr(provider, "run_dir", None)  # gone after stop()
            provider.stop(keep_logs=not ok)
            if not ok and run_dir:
                for cell, (ours, _) in zip(group, out, strict=False):  # out is short when a cell raised
                    ours["logs_kept_in"] = str(run_dir)
                    write_json(result_path(cell, directory), ours)
    return out


def _run_reference(
    cell: Cell,
    urls: list[str],
    reference: Reference,
    directory: Path,
    extra: dict[str, Any],
    log: Callable[[str], None],
) -> dict[str, Any]:
    try:
        run_official, versions = reference(cell)
    except RuntimeError as exc:
        log(f"esmatrix: {cell.key}: no official reference: {exc}")
        result = _start_failure(cell, str(exc), 0) | extra | {"official": True}
        result["cluster_error"] = None
        result["suite_error"] = str(exc)
        write_json(result_path(cell, directory, official=True), result)
        return result
    return _run_suite(
        cell, urls, run_official, directory, extra | {"official_versions": dict(versions)}, official=True
    )


def _run_suite(
    cell: Cell,
    urls: list[str],
    run_pytest: RunPytest,
    directory: Path,
    extra: dict[str, Any],
    official: bool,
) -> dict[str, Any]:
    """One pytest run of the suite on the running cluster; the completed result."""
    path = result_path(cell, directory, official)
    path.unlink(missing_ok=True)
    began = time.monotonic()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    run_pytest(cell_env(cell, urls, directory, official))
    result = read_json(path)
    if result is None:
        result = _start_failure(cell, "the suite wrote no result (pytest failed before running tests)", 0)
        result["cluster_error"] = None
        result["suite_error"] = "pytest wrote no result file: see the log of this run"
    result.update(extra)
    result["official"] = official
    result["started_at"] = started_at
    result["wall_s"] = round(time.monotonic() - began, 1)
    result["runner"] = {"python": platform.python_version(), "platform": sys.platform, "pid": os.getpid()}
    write_json(path, result)
    return result


def _start_failure(cell: Cell, message: str, seconds: float) -> dict[str, Any]:
    return {
        "schema": 1,
        "cell": cell.to_json(),
        "client": cell.client,
        "stack": cell.stack,
        "stack_version": stack_table().get(cell.stack),
        "server": None,
        "provider": cell.provider,
        "cluster_error": message[-4000:],
        "total": 0,
        "passed": 0,
        "failed": 0,
        "errors": 1,
        "skipped": 0,
        "duration_s": 0.0,
        "wall_s": round(seconds, 1),
        "skips": [],
        "failures": [{"test": "cluster start", "phase": "setup", "message": message[-600:]}],
        "notes": [],
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def status(result: dict[str, Any] | None) -> str:
    """pass | fail | error | not run."""
    if not result:
        return "not run"
    if result.get("cluster_error") or result.get("suite_error"):
        return "error"
    if result.get("failed") or result.get("errors"):
        return "fail"
    return "pass" if result.get("passed") else "error"


def summary_line(result: dict[str, Any]) -> str:
    server = (result.get("server") or {}).get("version", "?")
    return (
        f"{'official ' if result.get('official') else ''}{result['client']} x {result['stack']} "
        f"({result['cell']['kind']}, server {server}): "
        f"{status(result)}: {result.get('passed', 0)} passed, {result.get('failed', 0)} failed, "
        f"{result.get('errors', 0)} errors, {result.get('skipped', 0)} skipped in {result.get('duration_s', 0)} s "
        f"(cluster start {result.get('cluster_start_s', 0)} s)"
    )
