"""The official elastic-transport unit suite is our contract (see harness.py for how it runs).

Fails listing every official test that fails and is not in official-exceptions.toml, and every
listed test that passes now; prints the counts either way.
"""

from __future__ import annotations

import os

import harness
import pytest


def test_exceptions_file_is_well_formed() -> None:
    exceptions = harness.load_exceptions()
    private = [e for e in exceptions.entries if e.kind == "private"]
    assert len(private) <= harness.PRIVATE_LIMIT, (
        f"{len(private)} private exceptions (limit {harness.PRIVATE_LIMIT})"
    )
    for file in exceptions.left_out:
        assert "::" not in file, f"left_out takes whole files: {file}"


def test_official_suite() -> None:
    if not (harness.official_dir() / "tests").is_dir():
        pytest.skip(f"official tests not found at {harness.official_dir()}")
    report = harness.run(verbose=bool(os.environ.get("OFFICIAL_SUITE_VERBOSE")))
    summary = report.summary()
    print(summary)
    assert not report.unexpected and not report.stale, summary
