"""Every workflow of the monorepo: tests, lint, benchmarks (and, as they land, generation,
clusters and the compat matrix). Run ``nox -l`` to list the sessions."""

from __future__ import annotations

from pathlib import Path

import nox

ROOT = Path(__file__).parent
TRANSPORT = ROOT / "packages" / "transport"
SHARED = ROOT.parent / "shared"

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["test", "lint"]

# Unit-test directories collected by one pytest run, so CI ends with one summary line.
UNIT_TEST_DIRS = ["packages/transport/tests", "codegen/tests", "ci/escluster/tests"]
HAND_WRITTEN = ["packages/transport/src", "codegen", "ci/escluster", "benchmarks", "noxfile.py"]


@nox.session(python="3")
def test(session: nox.Session) -> None:
    """Unit tests of every package, against real HTTP servers on 127.0.0.1."""
    session.install("-e", f"{TRANSPORT}[develop]")
    dirs = [d for d in UNIT_TEST_DIRS if (ROOT / d).is_dir()]
    session.run("pytest", "-m", "not cluster", *dirs, *session.posargs)


@nox.session(python="3")
def lint(session: nox.Session) -> None:
    """ruff and mypy on the hand-written code (generated packages are checked by their generator)."""
    session.install("ruff", "mypy", "-e", f"{TRANSPORT}[develop]")
    paths = [p for p in HAND_WRITTEN if (ROOT / p).exists()]
    session.run("ruff", "check", *paths)
    session.run("mypy", "packages/transport/src/elastic_transport")


@nox.session(python="3")
def bench(session: nox.Session) -> None:
    """Benchmarks against the official client and raw urllib3: ``nox -s bench -- transport``."""
    suite = session.posargs[0] if session.posargs else "transport"
    session.run("python", "benchmarks/run.py", "--suite", suite, *session.posargs[1:], external=True)
