"""What the pytest form of the suites (test_yaml_suite.py) decides without a cluster."""

from __future__ import annotations

import pytest

from conformance.yaml_results import FileResult, TestResult
from conformance.yaml_session import SHARED, default_tests_dir, file_outcome, parse_suites


@pytest.mark.parametrize("spec", ["", "none", "off", "0", " None "])
def test_parse_suites_disabled(spec: str) -> None:
    assert parse_suites(spec) == []


def test_parse_suites_lists_and_keywords() -> None:
    assert parse_suites("elasticsearch@9") == [("elasticsearch", "9")]
    assert parse_suites("elasticsearch") == [("elasticsearch", "9")]  # the client's native stack
    assert parse_suites("elasticsearch@9.5, elasticsearch8@8.19") == [
        ("elasticsearch", "9"),
        ("elasticsearch8", "8.19"),
    ]
    # the matrix's cells whose client has YAML tests (not elasticsearch7)
    assert parse_suites("native") == [("elasticsearch", "9"), ("elasticsearch8", "8.19")]
    assert parse_suites("all") == [
        ("elasticsearch", "9"),
        ("elasticsearch8", "8.19"),
        ("elasticsearch8", "9"),
    ]


def test_parse_suites_refuses_clients_without_yaml_tests() -> None:
    with pytest.raises(ValueError, match="no YAML tests for elasticsearch7"):
        parse_suites("elasticsearch7@7.17")
    with pytest.raises(ValueError, match="unknown client"):
        parse_suites("opensearch")


def test_default_tests_dir() -> None:
    assert default_tests_dir("elasticsearch") == SHARED / "clients-tests" / "9.5" / "tests"
    assert default_tests_dir("elasticsearch8") == SHARED / "clients-tests" / "8.19" / "tests"


def _file(*tests: TestResult) -> FileResult:
    return FileResult("indices/create.yml", list(tests))


def test_file_outcome_passed_with_some_skips() -> None:
    result = _file(TestResult("a", "passed"), TestResult("b", "skipped", reason="runner does not support x"))
    assert file_outcome(result) == ("passed", "")


def test_file_outcome_failed_lists_every_failure() -> None:
    result = _file(
        TestResult("a", "failed", message="test step 2 (match): boom"),
        TestResult("b", "passed"),
        TestResult("c", "failed", message="setup step 1 (do): HTTP 500"),
    )
    status, message = file_outcome(result)
    assert status == "failed"
    assert message.splitlines() == [
        "2 of 3 test(s) of indices/create.yml failed:",
        "  a: test step 2 (match): boom",
        "  c: setup step 1 (do): HTTP 500",
    ]


def test_file_outcome_all_skipped_groups_reasons() -> None:
    ml = "not available on this distribution: ml.put_job (module x-pack-ml); no route for PUT /_ml/x"
    ml2 = "not available on this distribution: ml.get_jobs (module x-pack-ml); no route for GET /_ml/y"
    result = _file(
        TestResult("a", "skipped", reason=ml),
        TestResult("b", "skipped", reason=ml2),
        TestResult("c", "skipped", reason="serverless-only test file (requires stack: false)"),
    )
    assert file_outcome(result) == (
        "skipped",
        "not available on this distribution: module x-pack-ml (x2); "
        "serverless-only test file (requires stack: false)",
    )


def test_file_outcome_no_tests() -> None:
    assert file_outcome(_file()) == ("skipped", "indices/create.yml: no tests in the file")
