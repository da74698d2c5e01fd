"""The official elasticsearch-py unit suites are the contract of our API packages (see
clients.py for how they run): one test per package, failing with every official test that fails
and is not in ``conformance/official/<package>.toml`` and every listed test that passes now;
the counts are printed either way.

The three suites run at once, each pytest in its own subprocess, unless
``OFFICIAL_SUITE_VERBOSE`` is set (``nox -s official``): then one after the other, with every
test's result printed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import officialsuite
import pytest

from conformance.official import clients

VERBOSE = bool(os.environ.get("OFFICIAL_SUITE_VERBOSE"))
PACKAGES = clients.packages()


@pytest.fixture(scope="module")
def started() -> Iterator[dict[str, Future[officialsuite.Report]]]:
    """The quiet runs, all started at the first test that needs one."""
    with ThreadPoolExecutor(max_workers=len(PACKAGES)) as pool:
        futures: dict[str, Future[officialsuite.Report]] = {}
        if not VERBOSE:
            for package in PACKAGES:
                suite = clients.suite(package)
                if suite.available():
                    futures[package] = pool.submit(officialsuite.run, suite)
        yield futures


@pytest.mark.parametrize("package", PACKAGES)
def test_exceptions_file_is_well_formed(package: str) -> None:
    suite = clients.suite(package)
    exceptions = officialsuite.load_exceptions(suite.exceptions_file)
    for entry in exceptions.of_kind("pending"):
        assert entry.area.startswith(("codegen/", "packages/transport/")), (
            f"{entry.id}: area {entry.area!r} is not a file of codegen/ (or of the transport)"
        )


@pytest.mark.parametrize("package", PACKAGES)
def test_official_suite(package: str, started: dict[str, Future[officialsuite.Report]]) -> None:
    suite = clients.suite(package)
    if not suite.available():
        pytest.skip(f"official tests not found at {suite.source}")
    report = started[package].result() if package in started else officialsuite.run(suite, verbose=VERBOSE)
    summary = report.summary()
    print(summary)
    assert report.ok, summary
    private = report.exceptions.of_kind("private")
    assert len(private) <= report.private_limit, (
        f"{len(private)} private exceptions (limit {report.private_limit}: 5% of the tests run)"
    )
