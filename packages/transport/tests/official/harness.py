"""Runs the official elastic-transport unit suite against the installed ``elastic_transport``.

The official tests (``../shared/official-tests/elastic-transport-python``, read-only reference
data) run through ``officialsuite`` (ci/officialsuite: copied to a temporary folder at run time,
never into the repository, and run there with pytest), and their results are held to the one
exceptions file, ``packages/transport/official-exceptions.toml`` (``[[private]]``,
``[[pending]]`` with its area, ``[[left_out]]``; the ids and rules are in officialsuite's
docstring). A listed test that passes is an error too ("stale"), so the list stays honest.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import officialsuite
from officialsuite import Exceptions, Report

ROOT = Path(__file__).resolve().parents[4]
EXCEPTIONS_FILE = ROOT / "packages" / "transport" / "official-exceptions.toml"
DEFAULT_OFFICIAL = ROOT.parent / "shared" / "official-tests" / "elastic-transport-python"
PRIVATE_LIMIT = 15


def official_dir() -> Path:
    return Path(os.environ.get("ELASTIC_TRANSPORT_OFFICIAL_TESTS") or DEFAULT_OFFICIAL)


def suite() -> officialsuite.Suite:
    return officialsuite.Suite(
        name="elastic-transport",
        source=official_dir(),
        package="tests",
        exceptions_file=EXCEPTIONS_FILE,
        private_limit=PRIVATE_LIMIT,
        extra_files=("setup.cfg",),
    )


def load_exceptions(path: Path = EXCEPTIONS_FILE) -> Exceptions:
    return officialsuite.load_exceptions(path)


def run(verbose: bool = False, exceptions: Exceptions | None = None) -> Report:
    return officialsuite.run(suite(), verbose=verbose, exceptions=exceptions)


if __name__ == "__main__":
    report = run(verbose="-v" in sys.argv)
    print(report.summary())
    sys.exit(0 if report.ok else 1)
