"""Results of a suite run and their JSON form (``compat-matrix/results/yaml-<client>-<stack>.json``).

Schema ``yaml-conformance/1``::

    {
      "schema": "yaml-conformance/1",
      "suite": {"client", "client_version", "client_class", "tests": "<tests version>", "tests_dir",
                "stack", "stack_version", "provider", "url", "modules", "plugins", "security",
                "filter", "strict_warnings", "cluster_start_seconds"},
      "started_at": ISO-8601, "duration_seconds": float (all, with the cluster start),
      "tests_duration_seconds": float (the test files only),
      "totals": {"files", "tests", "passed", "failed", "skipped"},
      "skip_reasons": [{"reason", "category", "count", "details": [{"reason", "count"}],
                        "tests": ["file::test", ...]}, ...]   (most frequent first; reasons
                        naming a missing module are grouped by module, details keep each one),
      "failures": [{"file", "test", "message"}, ...],
      "cleanup_errors": ["..."],
      "files": [{"file", "duration_seconds", "passed", "failed", "skipped",
                 "tests": [{"name", "status": "passed|failed|skipped", "duration_seconds",
                            "reason"?: str, "category"?: str, "message"?: str,
                            "warnings"?: [server warnings the test did not declare]}]}]
    }

``category`` groups skip reasons: ``distribution`` (the node lacks the module, API or
capability), ``security`` (security disabled on the test node), ``serverless``,
``feature-flag``, ``removed`` (API absent from the server's major), ``version`` (a
``skip: version`` range), ``runner`` (a test feature this runner lacks), ``cluster-content``
(the test reads content a default distribution creates by itself, absent here),
``test-defect`` (the test cannot hold on any server: it calls an API without a parameter the
spec requires, or asserts is_true on an empty body; later versions of the tests fixed these),
``server-change`` (an assertion of older tests that a newer server breaks by design).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = "yaml-conformance/1"


def skip_category(reason: str) -> str:
    if reason.startswith("security is disabled"):
        return "security"
    if reason.startswith("serverless"):
        return "serverless"
    if reason.startswith("feature flag"):
        return "feature-flag"
    if reason.startswith("not in the Elasticsearch"):
        return "removed"
    if reason.startswith("runner"):
        return "runner"
    if reason.startswith("skipped for versions"):
        return "version"
    if reason.startswith("test assumes"):
        return "cluster-content"
    if reason.startswith("test defect"):
        return "test-defect"
    if reason.startswith("server change"):
        return "server-change"
    return "distribution"


_MODULE = re.compile(r"\(module ([^)]+)\)")


def skip_group(reason: str) -> str:
    """``not available ... (module x-pack-ml) ...`` -> ``not available on this distribution: module x-pack-ml``."""
    match = _MODULE.search(reason)
    if reason.startswith("not available on this distribution") and match:
        return f"not available on this distribution: module {match[1]}"
    return reason


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class

    name: str
    status: str  # passed | failed | skipped
    duration: float = 0.0
    reason: str | None = None  # skips
    message: str | None = None  # failures
    warnings: list[str] = field(default_factory=list)  # server warnings the test did not declare

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "status": self.status,
            "duration_seconds": round(self.duration, 3),
        }
        if self.reason:
            out["reason"] = self.reason
            out["category"] = skip_category(self.reason)
        if self.message:
            out["message"] = self.message
        if self.warnings:
            out["warnings"] = self.warnings
        return out


@dataclass
class FileResult:
    file: str
    tests: list[TestResult] = field(default_factory=list)
    duration: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for t in self.tests if t.status == status)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "duration_seconds": round(self.duration, 3),
            "passed": self.count("passed"),
            "failed": self.count("failed"),
            "skipped": self.count("skipped"),
            "tests": [t.to_json() for t in self.tests],
        }


@dataclass
class SuiteResult:
    suite: dict[str, Any]
    started_at: str
    files: list[FileResult] = field(default_factory=list)
    duration: float = 0.0
    cleanup_errors: list[str] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        tests = [t for f in self.files for t in f.tests]
        return {
            "files": len(self.files),
            "tests": len(tests),
            "passed": sum(1 for t in tests if t.status == "passed"),
            "failed": sum(1 for t in tests if t.status == "failed"),
            "skipped": sum(1 for t in tests if t.status == "skipped"),
        }

    def skip_reasons(self) -> list[dict[str, Any]]:
        """Skips grouped by reason; "not available" reasons are grouped by module."""
        grouped: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for f in self.files:
            for t in f.tests:
                if t.status == "skipped":
                    reason = t.reason or "unspecified"
                    grouped[skip_group(reason)].append((reason, f"{f.file}::{t.name}"))
        rows = []
        for group, items in grouped.items():
            details: dict[str, int] = defaultdict(int)
            for reason, _ in items:
                details[reason] += 1
            rows.append(
                {
                    "reason": group,
                    "category": skip_category(items[0][0]),
                    "count": len(items),
                    "details": [
                        {"reason": r, "count": n} for r, n in sorted(details.items(), key=lambda kv: -kv[1])
                    ],
                    "tests": [test for _, test in items],
                }
            )
        return sorted(rows, key=lambda r: (-r["count"], r["reason"]))

    def failures(self) -> list[dict[str, Any]]:
        return [
            {"file": f.file, "test": t.name, "message": t.message}
            for f in self.files
            for t in f.tests
            if t.status == "failed"
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "suite": self.suite,
            "started_at": self.started_at,
            "duration_seconds": round(self.duration, 1),
            "tests_duration_seconds": round(sum(f.duration for f in self.files), 1),
            "totals": self.totals(),
            "skip_reasons": self.skip_reasons(),
            "failures": self.failures(),
            "cleanup_errors": self.cleanup_errors,
            "files": [f.to_json() for f in self.files],
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2, sort_keys=False) + "\n", encoding="utf-8")

    def summary(self, top: int = 10) -> str:
        totals = self.totals()
        lines = [
            f"{self.suite.get('client')} {self.suite.get('client_version')} ({self.suite.get('client_class')}) / "
            f"tests {self.suite.get('tests')} / "
            f"Elasticsearch {self.suite.get('stack_version')}: {totals['passed']} passed, "
            f"{totals['failed']} failed, {totals['skipped']} skipped ({totals['tests']} tests, "
            f"{totals['files']} files, {sum(f.duration for f in self.files):.0f}s of tests, {self.duration:.0f}s in all)"
        ]
        for row in self.skip_reasons()[:top]:
            lines.append(f"  skip x{row['count']}: {row['reason']}")
        for failure in self.failures():
            lines.append(f"  FAIL {failure['file']}::{failure['test']}: {failure['message']}")
        return "\n".join(lines)
