"""esmatrix's command line: options in any order, pytest arguments after ``--``."""

from __future__ import annotations

import argparse

import pytest
from esmatrix import cli


def parsed(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> argparse.Namespace:
    seen: list[argparse.Namespace] = []

    def cmd_run(args: argparse.Namespace) -> int:
        seen.append(args)
        return 0

    monkeypatch.setattr(cli, "cmd_run", cmd_run)
    assert cli.main(argv) == 0
    return seen[0]


def test_options_after_the_cells_are_options(monkeypatch: pytest.MonkeyPatch) -> None:
    args = parsed(
        ["run", "all", "--report", "--readme", "--only-native-must-pass", "--official"], monkeypatch
    )
    assert (args.client, args.stack, args.report, args.readme, args.only_native_must_pass, args.official) == (
        "all",
        None,
        True,
        True,
        True,
        True,
    )
    assert args.pytest_args == []


def test_arguments_after_double_dash_go_to_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    args = parsed(
        ["run", "elasticsearch8", "8.19", "--nodes", "3", "--", "-k", "bulk", "--report"], monkeypatch
    )
    assert (args.client, args.stack, args.nodes, args.report) == ("elasticsearch8", "8.19", 3, False)
    assert args.pytest_args == ["-k", "bulk", "--report"]


def test_double_dash_is_for_run_only() -> None:
    with pytest.raises(SystemExit):
        cli.main(["cells", "all", "--", "-k", "x"])


@pytest.mark.parametrize(
    ("kind", "outcome", "green"),
    [
        ("native", "fail", False),
        ("compat", "fail", True),
        ("unsupported", "fail", True),
        ("unsupported", "error", False),
        ("native", "pass", True),
    ],
)
def test_only_native_cells_must_pass(kind: str, outcome: str, green: bool) -> None:
    result = {"cell": {"kind": kind}, "passed": 3, "failed": int(outcome == "fail")}
    if outcome == "error":
        result["cluster_error"] = "did not start"
    assert cli._green(result, only_native_must_pass=True) is green
    assert cli._green(result, only_native_must_pass=False) is (outcome == "pass")
