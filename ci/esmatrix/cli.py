"""Command line of esmatrix (see ``__main__``)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping

from . import report, runner
from .cells import ROOT, MatrixError, parse_cells


def _pytest_here(extra: list[str]) -> runner.RunPytest:
    def run(env: Mapping[str, str]) -> int:
        command = [sys.executable, "-m", "pytest", str(runner.SUITE), "-q", "-rfEs", "-p", "no:cacheprovider", *extra]
        return subprocess.call(command, cwd=ROOT, env={**os.environ, **env})

    return run


def cmd_cells(args: argparse.Namespace) -> int:
    for cell in parse_cells(args.which):
        extra = f" env={dict(cell.env)}" if cell.env else ""
        print(f"{cell.client} x {cell.stack}: {cell.kind}, {cell.provider}, {cell.nodes} node(s){extra}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    if args.client in ("all", "native", "matrix"):
        cells = parse_cells(args.client)
    else:
        cells = parse_cells(f"{args.client}@{args.stack or ''}")
    url = args.url or None
    if url and len(cells) > 1:
        raise MatrixError("--url serves one cell; name a client and a stack")
    results = [runner.run_cell(c, _pytest_here(args.pytest_args), url=url) for c in cells]
    for result in results:
        print(runner.summary_line(result))
    if len(cells) > 1:
        report.write(readme=args.readme)
    return 0 if all(runner.status(r) == "pass" for r in results) else 1


def cmd_report(args: argparse.Namespace) -> int:
    built = report.write(readme=args.readme)
    for cell in built["cells"]:
        print(f"{cell['client']} x {cell['stack']}: {cell['status']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="esmatrix", description="the compat matrix")
    sub = parser.add_subparsers(dest="command", required=True)
    cells = sub.add_parser("cells", help="list the cells")
    cells.add_argument("which", nargs="?", default="all", help="native, all, or client@stack,...")
    cells.set_defaults(func=cmd_cells)
    run = sub.add_parser("run", help="run cells with this interpreter")
    run.add_argument("client", help="a package name, or all / native")
    run.add_argument("stack", nargs="?", help="stack alias (7.17, 8.19, 9) or major.minor (9.5)")
    run.add_argument("--url", default=None, help="use this cluster instead of starting one")
    run.add_argument("--readme", action="store_true", help="also update README.md's table")
    run.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after --: extra pytest arguments")
    run.set_defaults(func=cmd_run)
    rep = sub.add_parser("report", help="write REPORT.md, report.json, matrix.svg from the results")
    rep.add_argument("--readme", action="store_true", help="also update README.md's table")
    rep.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "pytest_args", None) and args.pytest_args[0] == "--":
        args.pytest_args = args.pytest_args[1:]
    try:
        result: int = args.func(args)
    except MatrixError as exc:
        print(f"esmatrix: {exc}", file=sys.stderr)
        return 2
    return result
