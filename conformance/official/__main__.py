"""``python -m conformance.official [-v] [package ...]``: the official elasticsearch-py suites
against our packages, one summary each; exits 1 when any is off its exceptions file."""

from __future__ import annotations

import sys

import officialsuite

from conformance.official import clients


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    chosen = [a for a in argv if not a.startswith("-")] or clients.packages()
    ok = True
    for package in chosen:
        report = officialsuite.run(clients.suite(package), verbose=verbose)
        print(report.summary(), flush=True)
        ok = ok and report.ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
