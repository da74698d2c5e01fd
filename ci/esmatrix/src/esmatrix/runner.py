"""Run one cell: start its cluster, run the integration suite against it, stop it, and
complete the cell's result file (compat-matrix/results/<client>-<stack>.json).

The suite itself runs in whatever environment the caller has the packages in: the
caller passes ``run_pytest(env)``, which runs ``pytest tests/integration`` with ``env``
added (nox sessions use ``session.run``; the CLI uses this interpreter).
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from escluster import PROVIDERS, ClusterStartError, LocalProvider

from .cells import ROOT, Cell, results_dir, stack_table
from .collect import read_json, write_json

SUITE = ROOT / "tests" / "integration"

RunPytest = Callable[[Mapping[str, str]], object]


def result_path(cell: Cell, directory: Path | None = None) -> Path:
    return (directory or results_dir()) / f"{cell.key}.json"


def cell_env(cell: Cell, urls: list[str], directory: Path) -> dict[str, str]:
    """What the suite's conftest reads: the client, the stack, the cluster, where to write."""
    env = {
        "CLIENT": cell.client,
        "ES_STACK": cell.stack,
        "ELASTICSEARCH_URL": ",".join(urls),
        "ES_INTEGRATION_RESULTS": str(directory),
        "ES_INTEGRATION_CELLS": "",
    }
    env.update(cell.env)
    return env


def run_cell(
    cell: Cell,
    run_pytest: RunPytest,
    *,
    url: str | None = None,
    directory: Path | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run ``cell`` end to end and return its (completed) result."""
    directory = directory or results_dir()
    path = result_path(cell, directory)
    path.unlink(missing_ok=True)
    began = time.monotonic()
    provider = None
    extra: dict[str, Any] = {}
    if url:
        urls = [u.strip() for u in url.split(",") if u.strip()]
        extra.update(provider="url", cluster_start_s=0.0)
        log(f"esmatrix: {cell.key}: using the cluster at {', '.join(urls)}")
    else:
        provider = PROVIDERS[cell.provider]()
        if isinstance(provider, LocalProvider):
            provider.state_name = f"matrix-{cell.key}"
        log(
            f"esmatrix: {cell.key}: starting Elasticsearch {cell.stack} ({cell.nodes} node(s), {cell.provider})"
        )
        try:
            urls = provider.start(cell.stack, nodes=cell.nodes)
        except (ClusterStartError, ValueError, RuntimeError) as exc:
            failure = _start_failure(cell, str(exc), time.monotonic() - began)
            write_json(path, failure)
            log(f"esmatrix: {cell.key}: cluster did not start:\n{exc}")
            return failure
        extra.update(provider=provider.name, cluster_start_s=round(time.monotonic() - began, 1))
        log(f"esmatrix: {cell.key}: cluster up in {extra['cluster_start_s']} s at {', '.join(urls)}")
    ok = False
    found: dict[str, Any] | None = None
    try:
        run_pytest(cell_env(cell, urls, directory))
        found = read_json(path)
        ok = bool(found) and not (found or {}).get("failed") and not (found or {}).get("errors")
    finally:
        if provider is not None:
            run_dir = getattr(provider, "run_dir", None)  # gone after stop()
            provider.stop(keep_logs=not ok)
            if not ok and run_dir:
                extra["logs_kept_in"] = str(run_dir)
    result = found
    if result is None:
        result = _start_failure(cell, "the suite wrote no result (pytest failed before running tests)", 0)
        result["cluster_error"] = None
        result["suite_error"] = "pytest wrote no result file: see the log of this run"
    result.update(extra)
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
        f"{result['client']} x {result['stack']} ({result['cell']['kind']}, server {server}): "
        f"{status(result)}: {result.get('passed', 0)} passed, {result.get('failed', 0)} failed, "
        f"{result.get('errors', 0)} errors, {result.get('skipped', 0)} skipped in {result.get('duration_s', 0)} s "
        f"(cluster start {result.get('cluster_start_s', 0)} s)"
    )
