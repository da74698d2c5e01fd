"""The YAML REST suites on a real cluster, one pytest test per test file (part of ``nox -s test``).

``ES_YAML_SUITES`` selects the suites (``nox -s test`` sets ``elasticsearch@9`` unless told
otherwise; unset or ``none`` skips them all): a comma list of ``client@stack``, or ``native``
/ ``all`` (see ``conformance.yaml_session.parse_suites``). Each suite runs as
``nox -s yaml -- <client> <stack>`` does: its cluster (escluster ``local``, 1 node, security
on) starts when its first file runs and stops when its last file has run, also when tests
fail (the node logs are then kept), so the suites' clusters never overlap each other or the
integration cells' clusters; ``ELASTICSEARCH_URL`` names a running cluster instead (one
suite only). Its results go to ``compat-matrix/results/yaml-<client>-<stack>.json``.

A file passes when none of its tests failed; it is skipped, with its tests' reasons, when all
of them were skipped; it fails with the runner's message for each failed test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance.yaml_model import discover
from conformance.yaml_session import (
    SuiteConfig,
    SuiteRun,
    default_tests_dir,
    display_path,
    file_outcome,
    parse_suites,
)

ENV = "ES_YAML_SUITES"


@dataclass(frozen=True)
class Case:
    """One test file of one suite (``path`` None: the suite cannot run, ``problem`` says why)."""

    client: str
    stack: str
    path: Path | None = None
    problem: str = ""

    @property
    def suite(self) -> str:
        return f"{self.client}@{self.stack}"


def _cases() -> tuple[list[Case], list[str]]:
    spec = os.environ.get(ENV, "")
    try:
        suites = parse_suites(spec)
    except ValueError as exc:  # MatrixError too: a bad selection fails, it is not skipped
        return [Case("?", spec, problem=f"{ENV}={spec!r}: {exc}")], ["bad-selection"]
    cases, ids = [], []
    for client, stack in suites:
        tests_dir = default_tests_dir(client)
        if not tests_dir.is_dir():
            cases.append(Case(client, stack, problem=f"tests directory not found: {tests_dir}"))
            ids.append(f"{client}@{stack}")
            continue
        for path in discover(tests_dir):
            cases.append(Case(client, stack, path))
            ids.append(f"{client}@{stack}/{path.relative_to(tests_dir).as_posix()}")
    return cases, ids


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" not in metafunc.fixturenames:
        return
    cases, ids = _cases()
    if not cases:
        why = f"YAML suites not selected ({ENV}={os.environ.get(ENV, '')!r}; e.g. {ENV}=elasticsearch@9)"
        metafunc.parametrize("case", [pytest.param(None, marks=pytest.mark.skip(reason=why), id="none")])
        return
    metafunc.parametrize("case", cases, ids=ids)


class Suites:
    """The running suite: started by its first file, finished and stopped by the next suite or
    at the end of the module. A suite whose cluster did not start is not tried again."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.session = request.session
        self.terminal = request.config.pluginmanager.get_plugin("terminalreporter")
        self.capture = request.config.pluginmanager.get_plugin("capturemanager")
        self.totals: dict[str, int] = {}  # suite -> number of its files selected
        for item in self.session.items:
            case = getattr(item, "callspec", None) and item.callspec.params.get("case")
            if isinstance(case, Case):
                self.totals[case.suite] = self.totals.get(case.suite, 0) + 1
        self.key = ""
        self.run: SuiteRun | None = None
        self.files_run = 0
        self.failed_before = 0
        self.broken: dict[str, str] = {}

    def get(self, case: Case) -> SuiteRun:
        if case.suite in self.broken:
            pytest.fail(f"{case.suite}: the suite did not start: {self.broken[case.suite]}", pytrace=False)
        if self.run is not None and self.key == case.suite:
            return self.run
        self.close()
        url = os.environ.get("ELASTICSEARCH_URL", "").strip() or None
        if url and len(self.totals) > 1:
            self.broken[case.suite] = f"ELASTICSEARCH_URL serves one suite; {ENV} names {len(self.totals)}"
            pytest.fail(self.broken[case.suite], pytrace=False)
        self.failed_before = self.session.testsfailed
        try:
            run = SuiteRun(SuiteConfig(case.client, case.stack, url=url))
        except Exception as exc:
            self.broken[case.suite] = f"{type(exc).__name__}: {str(exc)[:300]}"
            raise
        try:
            started = run.start()
        except BaseException as exc:
            first = (str(exc).strip().splitlines() or [""])[0][:300]
            self.broken[case.suite] = f"{type(exc).__name__}: {first} (the error of its first file has more)"
            run.stop(keep_logs=True)
            raise
        self.write(f"conformance: {case.suite}: {started}")
        self.key, self.run, self.files_run = case.suite, run, 0
        return run

    def close(self) -> None:
        """Write the running suite's results and stop its cluster (kept logs if a test failed)."""
        run, self.run = self.run, None
        if run is None:
            return
        keep_logs = self.session.testsfailed > self.failed_before
        try:
            total = self.totals.get(self.key, 0)
            note = None if self.files_run == total else f"pytest selection: {self.files_run} of {total} files"
            suite = run.finish(filter_note=note)
            self.write(f"conformance: {self.key}: " + suite.summary(top=0))
            self.write(f"conformance: {self.key}: results in {display_path(run.out)}")
        finally:
            run_dir = getattr(run.provider, "run_dir", None)
            run.stop(keep_logs=keep_logs)
            if keep_logs and run_dir is not None:
                self.write(f"conformance: {self.key}: tests failed, the node logs are kept in {run_dir}")

    def write(self, line: str) -> None:
        """A line in pytest's output (not captured with the current test's)."""
        if self.terminal is None:
            return
        if self.capture is None:
            self.terminal.write_line(line)
            return
        with self.capture.global_and_fixture_disabled():
            self.terminal.write_line(line)


@pytest.fixture(scope="module")
def yaml_suites(request: pytest.FixtureRequest) -> Iterator[Suites]:
    suites = Suites(request)
    try:
        yield suites
    finally:
        suites.close()


@pytest.fixture
def yaml_run(case: Case, yaml_suites: Suites) -> SuiteRun:
    """The started suite of ``case`` (a cluster that does not start is a setup error)."""
    if case.path is None:
        pytest.fail(case.problem, pytrace=False)
    return yaml_suites.get(case)


def test_yaml_file(case: Case, yaml_run: SuiteRun, yaml_suites: Suites) -> None:
    assert case.path is not None
    result = yaml_run.run_file(case.path)
    yaml_suites.files_run += 1
    status, message = file_outcome(result)
    if status == "failed":
        pytest.fail(message, pytrace=False)
    if status == "skipped":
        pytest.skip(message)
