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
    args = parsed(["run", "all", "--report", "--readme", "--compat-may-fail"], monkeypatch)
    assert (args.client, args.stack, args.report, args.readme, args.compat_may_fail) == (
        "all",
        None,
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
