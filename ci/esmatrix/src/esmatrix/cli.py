"""Command line of esmatrix (see ``__main__``)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping

from escluster import jdk, load_majors, resolve_version

from . import official, report, runner
from .cells import ROOT, Cell, MatrixError, parse_cells


def _pytest_with(python: str, extra: list[str], clean: bool = False) -> runner.RunPytest:
    """The suite through ``python``; ``clean`` drops this venv from the environment (the
    official venv's interpreter must not see our packages)."""

    def run(env: Mapping[str, str]) -> int:
        base = dict(os.environ)
        if clean:
            for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
                base.pop(name, None)
        command = [
            python,
            "-m",
            "pytest",
            str(runner.SUITE),
            "-q",
            "-rfEs",
            "-p",
            "no:cacheprovider",
            *extra,
        ]
        return subprocess.call(command, cwd=ROOT, env={**base, **env})

    return run


def _reference(extra: list[str]) -> runner.Reference:
    """The official client of each cell, from its venv (built once per client per run)."""
    built: dict[str, official.OfficialEnv] = {}

    def reference(cell: Cell) -> tuple[runner.RunPytest, Mapping[str, str]]:
        if cell.client not in built:
            print(f"esmatrix: {cell.client}: the official release's venv")
            built[cell.client] = official.build(cell.client)
        env = built[cell.client]
        return _pytest_with(str(env.python), extra, clean=True), env.versions

    return reference


def cmd_cells(args: argparse.Namespace) -> int:
    for cell in parse_cells(args.which):
        extra = f" env={dict(cell.env)}" if cell.env else ""
        extra += f" ours_env={dict(cell.ours_env)}" if cell.ours_env else ""
        print(f"{cell.client} x {cell.stack}: {cell.kind}, {cell.provider}, {cell.nodes} node(s){extra}")
    return 0


def jdk_problems(stacks: Iterable[str]) -> list[str]:
    """Why no installed JDK can run some of ``stacks`` (empty when every one has a JDK)."""
    problems = []
    for stack in dict.fromkeys(stacks):
        try:
            jdk.find_jdk(resolve_version(stack))
        except jdk.NoSuitableJdkError as exc:
            problems.append(str(exc))
    return problems


def _green(result: dict[str, object], only_native_must_pass: bool) -> bool:
    """A cell that ran and passed; with ``only_native_must_pass`` a compat or unsupported cell
    that ran is enough (its failures are in the report, with the server's answers)."""
    status = runner.status(result)
    cell = result["cell"]
    native = isinstance(cell, dict) and cell.get("kind") == "native"
    return status == "pass" or (only_native_must_pass and not native and status != "error")


def cmd_run(args: argparse.Namespace) -> int:
    if args.client in ("all", "native", "matrix") or "@" in args.client or "," in args.client:
        cells = parse_cells(args.client)
    else:
        cells = parse_cells(f"{args.client}@{args.stack or ''}")
    if args.nodes is not None:  # a cluster of 2 or 3 nodes instead of the matrix's size
        cells = [dataclasses.replace(c, nodes=args.nodes) for c in cells]
    url = args.url or None
    if url and len(cells) > 1:
        raise MatrixError("--url serves one cell; name a client and a stack")
    if not url:
        problems = jdk_problems(c.stack for c in cells)
        if problems:
            print("esmatrix: no JDK for the clusters: " + " | ".join(problems), file=sys.stderr)
            return 2
    reference = _reference(args.pytest_args) if args.official else None
    runs = runner.run_cells(
        cells, _pytest_with(sys.executable, args.pytest_args), reference=reference, url=url
    )
    results = [ours for ours, _ in runs]  # each one's summary was logged as it finished
    if len(cells) > 1 or args.report:
        written = report.write(readme=args.readme)
        print(f"report: {ROOT / 'compat-matrix' / 'REPORT.md'} ({len(written['cells'])} cells)")
    broken = [r for r in results if not _green(r, args.only_native_must_pass)]
    for result in broken:
        cell = Cell(result["client"], result["stack"], result["cell"]["kind"])
        print(
            f"esmatrix: {cell.key}: {runner.status(result)} (see {runner.result_path(cell)})", file=sys.stderr
        )
    return 1 if broken else 0


def cmd_jdks(args: argparse.Namespace) -> int:
    """Fail early, naming what to install, when no JDK runs the stacks of the named cells."""
    stacks = [c.stack for spec in args.cells for c in parse_cells(spec)]
    yaml_clients = {m.package for m in load_majors() if m.yaml_tests}
    stacks += [c.stack for spec in args.yaml for c in parse_cells(spec) if c.client in yaml_clients]
    problems = jdk_problems(stacks)
    if problems:
        print("esmatrix: no JDK for the clusters: " + " | ".join(problems), file=sys.stderr)
        return 1
    return 0


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
    run.add_argument("client", help="a package name, all / native, or client@stack,...")
    run.add_argument("stack", nargs="?", help="stack alias (7.17, 8.19, 9) or major.minor (9.5)")
    run.add_argument("--url", default=None, help="use this cluster instead of starting one")
    run.add_argument("--readme", action="store_true", help="also update README.md's table")
    run.add_argument("--nodes", type=int, choices=(1, 2, 3), help="cluster size instead of the matrix's")
    run.add_argument("--report", action="store_true", help="write the report also after a single cell")
    run.add_argument(
        "--only-native-must-pass",
        action="store_true",
        help="exit 0 when only compat or unsupported cells fail (not when they error)",
    )
    run.add_argument(
        "--official",
        action="store_true",
        help="after each cell, run the suite with the official client of PyPI on the same cluster",
    )
    run.set_defaults(func=cmd_run, pytest_args=[])  # extra pytest arguments come after "--"
    jdks = sub.add_parser("jdks", help="fail, naming what to install, when no JDK runs these cells' stacks")
    jdks.add_argument("--cells", action="append", default=[], help="native, all, or client@stack,...")
    jdks.add_argument(
        "--yaml",
        action="append",
        default=[],
        help="cells of YAML suites (clients without YAML tests left out)",
    )
    jdks.set_defaults(func=cmd_jdks)
    rep = sub.add_parser("report", help="write REPORT.md, report.json, matrix.svg from the results")
    rep.add_argument("--readme", action="store_true", help="also update README.md's table")
    rep.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Arguments after ``--`` go to pytest (``run``), whatever options come before them."""
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1 :]
    args = build_parser().parse_args(argv)
    if extra:
        if args.command != "run":
            build_parser().error("arguments after -- are for 'run' only")
        args.pytest_args = extra
    try:
        result: int = args.func(args)
    except MatrixError as exc:
        print(f"esmatrix: {exc}", file=sys.stderr)
        return 2
    return result
