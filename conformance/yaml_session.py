"""One run of the YAML tests on one cluster: start it, run the files, write the results, stop it.

Shared by ``python -m conformance`` (which runs every file in a loop) and by
``conformance/tests/test_yaml_suite.py`` (one pytest test per file, in ``nox -s test``)::

    run = SuiteRun(SuiteConfig("elasticsearch", "9"))
    try:
        run.start()
        for path in run.files:
            run.run_file(path)
        run.finish()              # closes the client, writes the results file
    finally:
        run.stop(keep_logs=...)   # stops the cluster this run started (never a given URL's)
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

# escluster and esmatrix are installed (nox installs ci/ editable); codegen (the spec model)
# comes from the repository root: ``python -m conformance`` runs there.
from escluster import UrlProvider, load_majors
from esmatrix.cells import parse_cells

from codegen.profiles import profile

from .yaml_api import ApiCatalog
from .yaml_cleanup import Cleaner
from .yaml_cluster import TEST_USER, local_provider
from .yaml_distribution import Distribution, Http
from .yaml_model import discover, load_file
from .yaml_results import FileResult, SuiteResult, skip_group
from .yaml_runner import Runner

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
# The API packages with YAML tests (``yaml_tests`` in majors.json).
CLIENTS = tuple(m.package for m in load_majors() if m.yaml_tests)


@contextmanager
def distribution_as_published() -> Iterator[None]:
    """The YAML suite runs on the distribution as Maven Central publishes it, without the
    modules escluster adds (``ESCLUSTER_EXTRA_MODULES=none``): its skips then name what the
    distribution itself lacks. (With escluster-analysis the .security index can be created and
    12 security tests run, 5 of which need a trial licence or mapper-extras: a follow-up.)"""
    saved = os.environ.get("ESCLUSTER_EXTRA_MODULES")
    os.environ["ESCLUSTER_EXTRA_MODULES"] = "none"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("ESCLUSTER_EXTRA_MODULES", None)
        else:
            os.environ["ESCLUSTER_EXTRA_MODULES"] = saved


@dataclass
class SuiteConfig:
    """What to run: the options of ``python -m conformance``."""

    client: str
    stack: str
    url: str | None = None  # a running cluster (``http://user:pass@host:port``); None: start one
    tests_dir: Path | None = None  # default: ../shared/clients-tests/<client spec>/tests
    spec_dir: Path = SHARED / "specs"
    out: Path | None = None  # default: compat-matrix/results/yaml-<client>-<stack>[-async].json
    security: bool = True  # of the cluster started here
    filter: str | None = None  # regex on the test file path
    strict_warnings: bool = False
    preflight: bool = True
    use_async: bool = False
    log: Callable[[str], None] | None = None  # every test's result, as it comes


class SuiteRun:
    """The cluster, client, cleaner and runner of one suite, and its results."""

    def __init__(self, config: SuiteConfig) -> None:
        if config.client not in CLIENTS:
            raise ValueError(f"no YAML tests for {config.client!r}; choose one of {', '.join(CLIENTS)}")
        self.config = config
        self.profile = profile(config.client)
        self.tests_dir = config.tests_dir or default_tests_dir(config.client)
        if not self.tests_dir.is_dir():
            raise FileNotFoundError(f"tests directory not found: {self.tests_dir}")
        suffix = "-async" if config.use_async else ""
        self.out = (
            config.out
            or ROOT / "compat-matrix" / "results" / f"yaml-{config.client}-{config.stack}{suffix}.json"
        )
        self.files = discover(self.tests_dir, config.filter)
        self.package = importlib.import_module(config.client)
        self.auth: tuple[str, str] | None = None
        if config.url:
            url, self.auth = split_credentials(config.url)
            self.provider: Any = UrlProvider(url)
        else:
            self.provider = local_provider(security=config.security)
            self.auth = TEST_USER if config.security else None
        self.url = ""
        self.runner: Runner | None = None
        self.suite: SuiteResult | None = None
        self._began = 0.0

    def start(self) -> str:
        """Start (or adopt) the cluster, take the cleanup baseline; returns a one-line description."""
        config = self.config
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self._began = time.monotonic()
        with distribution_as_published():
            self.url = self.provider.start(config.stack, nodes=1)[0]
        cluster_seconds = time.monotonic() - self._began
        server_spec = server_spec_names(
            config.spec_dir, self.provider.version or "", self.profile.spec_version
        )
        dist = Distribution.discover(
            Http(self.url, self.auth, compat=self.profile.compat_header_version), server_spec
        )
        client_class = self.package.AsyncElasticsearch if config.use_async else self.package.Elasticsearch
        client = client_class(self.url, request_timeout=120, basic_auth=self.auth)
        cleaner = Cleaner(Http(self.url, self.auth), dist)
        cleaner.take_baseline()
        self.runner = Runner(
            client,
            ApiCatalog.for_package(config.client, config.spec_dir),
            dist,
            cleaner,
            log=config.log,
            strict_warnings=config.strict_warnings,
            preflight=config.preflight,
        )
        self.suite = SuiteResult(
            suite={
                "client": config.client,
                "client_version": self.package.__versionstr__,
                "client_class": client_class.__name__,
                "tests": self.profile.spec_version,
                "tests_dir": display_path(self.tests_dir),
                "stack": config.stack,
                "stack_version": dist.version,
                "provider": self.provider.name,
                "url": self.url if config.url else None,  # a local cluster's port means nothing later
                "modules": list(dist.modules),
                "plugins": list(dist.plugins),
                "security": dist.security_enabled,
                "filter": config.filter,
                "strict_warnings": config.strict_warnings,
                "cluster_start_seconds": round(cluster_seconds, 1),
            },
            started_at=started,
        )
        return f"{self.provider.name} cluster {self.provider.version} at {self.url} ({cluster_seconds:.0f}s)"

    def run_file(self, path: Path) -> FileResult:
        """Run one test file (its tests, then the wipe back to the baseline); recorded in the results."""
        if self.runner is None or self.suite is None:
            raise RuntimeError("start() the suite first")
        result = self.runner.run_file(load_file(path, self.tests_dir))
        self.suite.files.append(result)
        return result

    def finish(self, filter_note: str | None = None) -> SuiteResult:
        """Close the client and write the results file (``filter_note`` replaces the recorded filter)."""
        if self.runner is None or self.suite is None:
            raise RuntimeError("start() the suite first")
        self.runner.close()
        self.suite.duration = time.monotonic() - self._began
        self.suite.cleanup_errors = self.runner.cleanup_errors
        if filter_note is not None:
            self.suite.suite["filter"] = filter_note
        self.suite.write(self.out)
        return self.suite

    def stop(self, keep_logs: bool = False) -> None:
        """Stop the cluster started here (a UrlProvider leaves the given cluster alone)."""
        self.provider.stop(keep_logs=keep_logs)


def default_tests_dir(client: str) -> Path:
    """``../shared/clients-tests/<spec version of the client>/tests``."""
    return SHARED / "clients-tests" / profile(client).spec_version / "tests"


DISABLED = ("", "none", "off", "0")


def parse_suites(spec: str) -> list[tuple[str, str]]:
    """``(client, stack)`` pairs from ``ES_YAML_SUITES``: ``elasticsearch@9,elasticsearch8@8.19``
    (stack optional: the client's native one), ``native`` or ``all`` (the matrix cells whose
    client has YAML tests: ``native`` adds ``elasticsearch8@8.19``, ``all`` also
    ``elasticsearch8@9``), or ``none``/``off``/``0``/empty for none."""
    spec = spec.strip()
    if spec.lower() in DISABLED:
        return []
    cells = parse_cells(spec)
    if spec in ("native", "all", "matrix"):  # the YAML tests' pairings: unsupported cells left out
        cells = [c for c in cells if c.client in CLIENTS and c.kind != "unsupported"]
    unsupported = sorted({c.client for c in cells if c.client not in CLIENTS})
    if unsupported:
        raise ValueError(
            f"no YAML tests for {', '.join(unsupported)}; the runner serves {', '.join(CLIENTS)}"
        )
    return list(dict.fromkeys((c.client, c.stack) for c in cells))


def file_outcome(result: FileResult) -> tuple[str, str]:
    """How one test file ends as a pytest test: ``("failed", each failed test and its message)``,
    ``("skipped", its skip reasons, grouped)`` when no test ran, else ``("passed", "")``."""
    failed = [t for t in result.tests if t.status == "failed"]
    if failed:
        lines = [f"{len(failed)} of {len(result.tests)} test(s) of {result.file} failed:"]
        lines += [f"  {t.name}: {t.message}" for t in failed]
        return "failed", "\n".join(lines)
    if not result.tests:
        return "skipped", f"{result.file}: no tests in the file"
    if all(t.status == "skipped" for t in result.tests):
        groups: dict[str, int] = {}
        for t in result.tests:
            group = skip_group(t.reason or "no reason given")
            groups[group] = groups.get(group, 0) + 1
        return "skipped", "; ".join(f"{g} (x{n})" if n > 1 else g for g, n in groups.items())
    return "passed", ""


def display_path(path: Path) -> str:
    """``../shared/...`` relative to the repository when it lives next to it, else absolute."""
    resolved = path.resolve()
    for base, prefix in ((ROOT, ""), (ROOT.parent, "../")):
        if resolved.is_relative_to(base):
            return prefix + resolved.relative_to(base).as_posix()
    return str(resolved)


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """``http://user:pass@host:port`` -> (``http://host:port``, (user, pass))."""
    parts = urlsplit(url)
    if not parts.username:
        return url, None
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc)), (unquote(parts.username), unquote(parts.password or ""))


def server_spec_names(spec_dir: Path, server_version: str, client_spec: str) -> set[str] | None:
    """Endpoint names of the server's own major.minor spec, when it differs from the client's."""
    major_minor = ".".join(server_version.split(".")[:2])
    if not major_minor or major_minor == client_spec:
        return None
    same_major = (p.name for p in spec_dir.iterdir() if p.name.split(".")[0] == major_minor.split(".")[0])
    candidates = [major_minor, *sorted(same_major, reverse=True)]
    for version in candidates:
        if (spec_dir / version / "schema.json.gz").is_file():
            return set(ApiCatalog.names_of(spec_dir, version))
    return None
