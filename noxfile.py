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

API_PACKAGES = ["elasticsearch", "elasticsearch8", "elasticsearch7"]
# Unit-test directories collected by one pytest run, so CI ends with one summary line.
UNIT_TEST_DIRS = ["packages/transport/tests", "codegen/tests", "ci/escluster/tests"]
HAND_WRITTEN = ["packages/transport/src", "packages/transport/tests", "codegen", "ci/escluster", "benchmarks", "noxfile.py"]


def install_packages(session: nox.Session) -> None:
    """The transport with its test extras, then the three generated API packages, all editable."""
    session.install("-e", f"{TRANSPORT}[develop]", "jinja2>=3.1")
    session.install(*[arg for name in API_PACKAGES for arg in ("-e", str(ROOT / "packages" / name))])


@nox.session(python="3")
def test(session: nox.Session) -> None:
    """Unit tests of every package against real HTTP servers on 127.0.0.1, and the drift check."""
    install_packages(session)
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


@nox.session(python="3")
def generate(session: nox.Session) -> None:
    """Render packages/elasticsearch{,8,7} from the spec: ``nox -s generate [-- --check]``.

    ``--check`` renders in memory and fails (listing the files) when the committed
    packages differ; other arguments go to ``python -m codegen`` (``--only``, ``--spec-dir``).
    """
    session.install("jinja2>=3.1")
    args = list(session.posargs)
    if not any(a == "--spec-dir" or a.startswith("--spec-dir=") for a in args):
        args += ["--spec-dir", str(SHARED / "specs")]
    session.run("python", "-m", "codegen", *args)
