"""The official DSL integration suite (``test_dsl/test_integration`` of the official
elasticsearch-py tests) against a real cluster, with whichever client the running interpreter
imports: ours in the cells, the official release in the matrix's reference run.

The suite is read-only reference data (``../shared/official-tests/elasticsearch-py/<spec>``);
it is copied to a temporary folder (``elasticsearch`` renamed for the 8.x package), with only
what ``test_dsl`` needs, and run by pytest in a subprocess whose junit XML is read back.

What the distribution cannot do is a skip with the reason, never a failure:

- The integration-test zips have no ``rest-root`` (``GET /``) and no data streams; the suite
  calls both around every test. The run goes through escluster's ``RootEndpointProxy``, which
  answers those two from the node's own facts and relays everything else.
- A test the server refuses for a missing module (a tokenizer of analysis-common, a field type
  of mapper-extras, ES|QL ...) is reported skipped with the server's words, by the plugin
  written next to the copy, and only when the node indeed lacks that module.
- ``test_examples`` imports the official repository's ``examples/dsl``, which neither the
  reference data nor the sdist carries: it is left out, with that reason.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from escluster.root_endpoint import RootEndpointProxy
from officialsuite import Outcome, parse_junit, rename_module

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL_TESTS = Path(
    os.environ.get("ELASTICSEARCH_PY_OFFICIAL_TESTS")
    or ROOT.parent / "shared" / "official-tests" / "elasticsearch-py"
)
SPECS = {"elasticsearch": "9.5", "elasticsearch8": "8.19"}
LEFT_OUT = {
    "test_dsl/test_integration/test_examples": "imports the official repository's examples/dsl, "
    "which neither the reference data nor the sdist carries",
}
TIMEOUT_S = 1200

# Server answers that mean "this distribution lacks a module": (text in the error, module).
MISSING_MODULE_SIGNS: tuple[tuple[str, str], ...] = (
    ("failed to find tokenizer", "analysis-common"),
    ("failed to find global tokenizer", "analysis-common"),
    ("failed to find filter", "analysis-common"),
    ("failed to find global analyzer", "analysis-common"),
    ("has not been configured in mappings", "analysis-common"),
    ("failed to find char_filter", "analysis-common"),
    ("The mapper type [rank_feature", "mapper-extras"),
    ("The mapper type [scaled_float", "mapper-extras"),
    ("The mapper type [search_as_you_type", "mapper-extras"),
    ("The mapper type [token_count", "mapper-extras"),
    ("The mapper type [join", "parent-join"),
    ("The mapper type [percolator", "percolator"),
    ("uri [/_query]", "x-pack-esql"),
    ("no handler found for uri [/_update_by_query", "reindex"),
    ("no handler found for uri [/_delete_by_query", "reindex"),
    ("_update_by_query] and method", "reindex"),
    ("_delete_by_query] and method", "reindex"),
    ("unable to find script", "lang-painless"),
    ("script_lang not supported [painless]", "lang-painless"),
)

_PLUGIN = '''
"""Written by tests/integration/official_dsl.py: failures the server explains by a module the
node lacks become skips, with the server's words."""
import json, os
import pytest

SIGNS = json.loads(os.environ["DSL_MISSING_MODULE_SIGNS"])
MODULES = set(json.loads(os.environ["DSL_NODE_MODULES"]))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed or call.excinfo is None or call.when == "teardown":
        return
    text = str(call.excinfo.value)
    for sign, module in SIGNS:
        if sign in text and module not in MODULES:
            report.outcome = "skipped"
            first = text.splitlines()[0][:160] if text else ""
            report.longrepr = (str(item.path), item.location[1] or 0,
                               f"Skipped: the distribution lacks {module}: {first}")
            return
'''


@dataclasses.dataclass
class DslRun:
    outcome: Outcome
    left_out: dict[str, str]
    returncode: int
    output: str
    skip_reasons: dict[str, str]

    def summary(self) -> dict[str, object]:
        o = self.outcome
        return {
            "passed": len(o.passed),
            "failed": len(o.failed),
            "skipped": len(o.skipped),
            "failures": [{"test": t, "message": o.messages.get(t, "")} for t in o.failed],
            "skip_reasons": dict(Counter(self.skip_reasons.values()).most_common()),
            "left_out": self.left_out,
        }


def _copy(package: str, work: Path) -> Path:
    source = OFFICIAL_TESTS / SPECS[package] / "test_elasticsearch"
    tests = work / "test_elasticsearch"
    tests.mkdir()
    for name in ("__init__.py", "conftest.py", "utils.py"):
        shutil.copy(source / name, tests / name)
    shutil.copytree(source / "test_dsl", tests / "test_dsl", ignore=shutil.ignore_patterns("__pycache__"))
    for left_out in LEFT_OUT:
        target = work / "test_elasticsearch" / left_out
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    for copied in tests.rglob("*"):
        copied.chmod(0o755 if copied.is_dir() else 0o644)
    if package != "elasticsearch":
        for module in tests.rglob("*.py"):
            text = module.read_text(encoding="utf-8")
            renamed = rename_module(text, "elasticsearch", package)
            if renamed != text:
                module.write_text(renamed, encoding="utf-8")
    (work / "pytest.ini").write_text(
        "[pytest]\nmarkers =\n    sync: sync flavour\n    otel: otel\n"
        "asyncio_default_fixture_loop_scope = function\n",
        encoding="utf-8",
    )
    (work / "_dsl_missing_modules.py").write_text(_PLUGIN, encoding="utf-8")
    return tests


def _skip_reasons(junit: Path) -> dict[str, str]:
    reasons = {}
    for case in ET.parse(junit).iter("testcase"):
        for child in case:
            if child.tag == "skipped":
                message = (child.get("message") or "").removeprefix("Skipped: ")
                reasons[f"{case.get('classname')}::{case.get('name')}"] = message.split(": ", 1)[0][:120]
    return reasons


def run(package: str, url: str, modules: list[str], python: str = sys.executable) -> DslRun:
    """Run the suite of ``package``'s spec with ``python`` against the node at ``url``."""
    if package not in SPECS:
        raise ValueError(f"{package} has no DSL suite (known: {', '.join(SPECS)})")
    with (
        tempfile.TemporaryDirectory(prefix=f"official-dsl-{package}-") as tmp,
        RootEndpointProxy(url) as proxy,
    ):
        work = Path(tmp)
        tests = _copy(package, work)
        junit = work / "junit.xml"
        env = {
            **os.environ,
            "ELASTICSEARCH_URL": proxy.url,
            "PYTHONPATH": str(work),
            "PYTHONDONTWRITEBYTECODE": "1",
            "DSL_MISSING_MODULE_SIGNS": json.dumps(MISSING_MODULE_SIGNS),
            "DSL_NODE_MODULES": json.dumps(modules),
        }
        env.pop("PYTEST_ADDOPTS", None)
        command = [
            python, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "-p", "_dsl_missing_modules",
            "-p", "no:warnings", "--continue-on-collection-errors", "-q", f"--junitxml={junit}", "test_elasticsearch/test_dsl/test_integration",
        ]  # fmt: skip
        proc = subprocess.run(
            command,
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        if not junit.is_file():
            raise RuntimeError(
                f"the official DSL suite wrote no junit XML (exit {proc.returncode}):\n{proc.stdout[-3000:]}"
            )
        return DslRun(
            parse_junit(junit, tests), dict(LEFT_OUT), proc.returncode, proc.stdout, _skip_reasons(junit)
        )
