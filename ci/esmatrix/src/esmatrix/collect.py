"""Per-cell outcome bookkeeping for the integration suite, and the result file it writes.

The suite's conftest feeds every test report into a ``Collector`` keyed by cell; at the
end of the run each cell becomes compat-matrix/results/<client>-<stack>.json:

    {"cell": {...}, "server": {"version": "8.19.21", ...},
     "passed": 80, "failed": 0, "errors": 0, "skipped": 6, "xfailed": 0,
     "duration_s": 31.2, "skips": [{"reason": "...", "count": 2, "tests": [...]}],
     "failures": [{"test": "...", "phase": "call", "message": "...", "server_error": {...}}],
     "server_errors": [{"status": 400, "type": "...", "reason": "...", "count": 12}], "notes": [...]}

``python -m esmatrix`` (the runner) then adds how the cluster was provided.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

SCHEMA = 1
MESSAGE_LIMIT = 600


def short_test_id(nodeid: str, cell_key: str = "") -> str:
    """``tests/integration/test_integ_x.py::test_y[sync-elasticsearch7-8.19]`` ->
    ``test_integ_x.py::test_y[sync]``: the result file names the cell already."""
    path, sep, rest = nodeid.partition("::")
    name, bracket, params = rest.partition("[")
    if bracket:
        params = params[:-1] if params.endswith("]") else params
        if cell_key:
            params = "-".join(p for p in params.replace(cell_key, "\0").split("-") if p != "\0")
        name = f"{name}[{params}]" if params else name
    return f"{path.rsplit('/', 1)[-1]}{sep}{name}"


def skip_reason(longrepr: Any) -> str:
    """The reason of a skip report (pytest stores (path, line, 'Skipped: reason'))."""
    text = str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return text.removeprefix("Skipped: ").strip()


def failure_message(report: Any) -> str:
    """One-paragraph message of a failed report: the crash line, or the last lines."""
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    text = getattr(crash, "message", None) or getattr(report, "longreprtext", "") or str(report.longrepr)
    text = text.strip()
    if len(text) > MESSAGE_LIMIT:
        text = text[: MESSAGE_LIMIT - 3] + "..."
    return text


def server_error(exc: BaseException | None) -> dict[str, Any] | None:
    """What the server answered, when a test failed on an HTTP error of any major's client
    (ours or the official): the status and the error type and reason of the response body.
    Follows the exception's cause and context, so a wrapped API error is found too."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        meta = getattr(exc, "meta", None)
        status = getattr(meta, "status", None) if meta is not None else getattr(exc, "status_code", None)
        if isinstance(status, int):
            body = getattr(exc, "body", None) if meta is not None else getattr(exc, "info", None)
            error = body.get("error") if isinstance(body, dict) else body
            if isinstance(error, dict):
                kind, reason = error.get("type"), error.get("reason")
            else:  # a bare message (e.g. the 405 of a wrong method) or no body
                kind, reason = None, error
            return {"status": status, "type": str(kind or ""), "reason": str(reason or "")[:MESSAGE_LIMIT]}
        exc = exc.__cause__ or exc.__context__
    return None


@dataclass
class CellOutcomes:
    """What happened to the tests of one cell."""

    outcomes: dict[str, str] = field(default_factory=dict)  # test id -> final outcome
    skips: dict[str, str] = field(default_factory=dict)  # test id -> reason
    failures: list[dict[str, Any]] = field(default_factory=list)
    first_start: float | None = None
    last_stop: float | None = None
    info: dict[str, Any] = field(default_factory=dict)  # cell, server, notes (from the fixtures)

    def add(self, test_id: str, report: Any) -> None:
        now = time.time()
        start = getattr(report, "start", None) or now
        stop = getattr(report, "stop", None) or now
        self.first_start = start if self.first_start is None else min(self.first_start, start)
        self.last_stop = stop if self.last_stop is None else max(self.last_stop, stop)
        phase = report.when
        previous = self.outcomes.get(test_id)
        if report.skipped:
            if hasattr(report, "wasxfail"):
                self.outcomes[test_id] = "xfailed"
                self.skips[test_id] = f"xfail: {report.wasxfail}"
            elif previous is None:
                self.outcomes[test_id] = "skipped"
                self.skips[test_id] = skip_reason(report.longrepr)
        elif report.failed:
            outcome = "failed" if phase == "call" else "errors"
            if previous not in ("failed", "errors"):
                self.outcomes[test_id] = outcome
            failure: dict[str, Any] = {"test": test_id, "phase": phase, "message": failure_message(report)}
            found = dict(getattr(report, "user_properties", ())).get("server_error")
            if found:
                failure["server_error"] = found
            self.failures.append(failure)
        elif phase == "call":
            self.outcomes[test_id] = "xpassed" if hasattr(report, "wasxfail") else "passed"

    def to_json(self) -> dict[str, Any]:
        counts = Counter(self.outcomes.values())
        by_reason: dict[str, list[str]] = {}
        for test, reason in sorted(self.skips.items()):
            if self.outcomes.get(test) in ("skipped", "xfailed"):
                by_reason.setdefault(reason, []).append(test)
        duration = (self.last_stop - self.first_start) if self.first_start and self.last_stop else 0.0
        data: dict[str, Any] = {"schema": SCHEMA}
        data.update(self.info)
        data.update(
            {
                "total": len(self.outcomes),
                "passed": counts["passed"],
                "failed": counts["failed"],
                "errors": counts["errors"],
                "skipped": counts["skipped"],
                "xfailed": counts["xfailed"],
                "xpassed": counts["xpassed"],
                "duration_s": round(duration, 1),
                "skips": [
                    {"reason": reason, "count": len(tests), "tests": tests}
                    for reason, tests in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0]))
                ],
                "failures": self.failures,
                "server_errors": server_errors(self.failures),
                "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
        )
        return data


def server_errors(failures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The distinct server answers behind ``failures``, most frequent first."""
    counts = Counter(
        (e["status"], e["type"], e["reason"]) for f in failures if (e := f.get("server_error")) is not None
    )
    return [
        {"status": status, "type": kind, "reason": reason, "count": count}
        for (status, kind, reason), count in counts.most_common()
    ]


class Collector:
    """Outcomes of every cell seen in one pytest run."""

    def __init__(self) -> None:
        self.cells: dict[str, CellOutcomes] = {}

    def cell(self, key: str) -> CellOutcomes:
        return self.cells.setdefault(key, CellOutcomes())

    def write(self, directory: Path) -> list[Path]:
        """One JSON file per cell; returns the paths written."""
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for key, outcomes in self.cells.items():
            path = directory / f"{key}.json"
            write_json(path, outcomes.to_json())
            written.append(path)
        return written


def write_json(path: Path, data: Any) -> None:
    """Write atomically, with a trailing newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")
    tmp.replace(path)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
