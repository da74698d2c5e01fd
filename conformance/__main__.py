"""``python -m conformance <client> <stack>``: run the YAML REST tests on a real cluster.

    python -m conformance elasticsearch 9          # 9.5 tests, elasticsearch, Elasticsearch 9.x
    python -m conformance elasticsearch8 8.19      # 8.19 tests, elasticsearch8, Elasticsearch 8.19
    python -m conformance elasticsearch8 9         # 8.19 tests against 9.x (compatibility mode)

The cluster is a 1-node ``local`` escluster started here and stopped at the end, unless
``ELASTICSEARCH_URL`` (or ``--url``) names a running one. Results go to
``compat-matrix/results/yaml-<client>-<stack>.json``; the exit status is 1 when a test failed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CLIENTS = ("elasticsearch", "elasticsearch8")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m conformance", description=__doc__.splitlines()[0])
    parser.add_argument("client", choices=CLIENTS, help="API package under test")
    parser.add_argument("stack", help="Elasticsearch version: an alias (9, 8.19) or x.y.z")
    parser.add_argument("--url", default=os.environ.get("ELASTICSEARCH_URL"), help="use this running cluster")
    parser.add_argument("--tests-dir", type=Path, help="default: ../shared/clients-tests/<client spec>/tests")
    parser.add_argument("--spec-dir", type=Path, default=SHARED / "specs")
    parser.add_argument("--out", type=Path, help="default: compat-matrix/results/yaml-<client>-<stack>.json")
    parser.add_argument(
        "--no-security", action="store_true", help="start the local cluster without security (its tests skip)"
    )
    parser.add_argument("-k", "--filter", help="regex on the test file path (relative to the tests dir)")
    parser.add_argument(
        "--strict-warnings", action="store_true", help="fail on server warnings a step does not declare"
    )
    parser.add_argument(
        "--no-preflight",
        action="store_true",
        help="diagnostics: do not skip tests up front for APIs the node lacks; run each until it fails",
    )
    parser.add_argument(
        "--async", dest="use_async", action="store_true", help="drive the AsyncElasticsearch client instead"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every test result")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sys.path.insert(0, str(ROOT / "ci"))
    sys.path.insert(0, str(ROOT))
    from codegen.profiles import profile

    from .yaml_api import ApiCatalog
    from .yaml_cleanup import Cleaner
    from .yaml_distribution import Distribution, Http
    from .yaml_model import discover, load_file
    from .yaml_results import SuiteResult
    from .yaml_runner import Runner

    prof = profile(args.client)
    tests_dir = args.tests_dir or SHARED / "clients-tests" / prof.spec_version / "tests"
    if not tests_dir.is_dir():
        print(f"conformance: tests directory not found: {tests_dir}", file=sys.stderr)
        return 2
    suffix = "-async" if args.use_async else ""
    out = args.out or ROOT / "compat-matrix" / "results" / f"yaml-{args.client}-{args.stack}{suffix}.json"
    files = discover(tests_dir, args.filter)
    catalog = ApiCatalog.for_package(args.client, args.spec_dir)
    package = importlib.import_module(args.client)

    from escluster import UrlProvider

    from .yaml_cluster import TEST_USER, local_provider

    auth: tuple[str, str] | None = None
    if args.url:
        url, auth = _split_credentials(args.url)
        provider = UrlProvider(url)
    else:
        provider = local_provider(security=not args.no_security)
        auth = None if args.no_security else TEST_USER
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    began = time.monotonic()
    failed = False
    try:
        urls = provider.start(args.stack, nodes=1)
        cluster_seconds = time.monotonic() - began
        print(
            f"conformance: {provider.name} cluster {provider.version} at {urls[0]} ({cluster_seconds:.0f}s)",
            flush=True,
        )
        server_spec = _server_spec_names(args.spec_dir, provider.version or "", prof.spec_version, ApiCatalog)
        dist = Distribution.discover(Http(urls[0], auth, compat=prof.compat_header_version), server_spec)
        client_class = package.AsyncElasticsearch if args.use_async else package.Elasticsearch
        client = client_class(urls[0], request_timeout=120, basic_auth=auth)
        cleaner = Cleaner(Http(urls[0], auth), dist)
        cleaner.take_baseline()
        log = print if args.verbose else (lambda message: None)
        runner = Runner(
            client,
            catalog,
            dist,
            cleaner,
            log=lambda m: log(m) or sys.stdout.flush(),
            strict_warnings=args.strict_warnings,
            preflight=not args.no_preflight,
        )
        suite = SuiteResult(
            suite={
                "client": args.client,
                "client_version": package.__versionstr__,
                "client_class": client_class.__name__,
                "tests": prof.spec_version,
                "tests_dir": _display_path(tests_dir),
                "stack": args.stack,
                "stack_version": dist.version,
                "provider": provider.name,
                "url": urls[0] if args.url else None,  # a local cluster's port means nothing later
                "modules": list(dist.modules),
                "plugins": list(dist.plugins),
                "security": dist.security_enabled,
                "filter": args.filter,
                "strict_warnings": args.strict_warnings,
                "cluster_start_seconds": round(cluster_seconds, 1),
            },
            started_at=started,
        )
        for path in files:
            test_file = load_file(path, tests_dir)
            result = runner.run_file(test_file)
            suite.files.append(result)
            if not args.verbose:
                mark = "F" if result.count("failed") else ("." if result.count("passed") else "s")
                print(mark, end="", flush=True)
        if not args.verbose:
            print()
        runner.close()
        suite.duration = time.monotonic() - began
        suite.cleanup_errors = runner.cleanup_errors
        suite.write(out)
        print(suite.summary())
        print(f"conformance: results in {out}")
        failed = suite.totals()["failed"] > 0
    except BaseException:
        provider.stop(keep_logs=True)
        raise
    provider.stop()
    return 1 if failed else 0


def _display_path(path: Path) -> str:
    """``../shared/...`` relative to the repository when it lives next to it, else absolute."""
    resolved = path.resolve()
    for base, prefix in ((ROOT, ""), (ROOT.parent, "../")):
        if resolved.is_relative_to(base):
            return prefix + resolved.relative_to(base).as_posix()
    return str(resolved)


def _split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """``http://user:pass@host:port`` -> (``http://host:port``, (user, pass))."""
    from urllib.parse import unquote, urlsplit, urlunsplit

    parts = urlsplit(url)
    if not parts.username:
        return url, None
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc)), (unquote(parts.username), unquote(parts.password or ""))


def _server_spec_names(
    spec_dir: Path, server_version: str, client_spec: str, catalog_cls: Any
) -> set[str] | None:
    """Endpoint names of the server's own major.minor spec, when it differs from the client's."""
    major_minor = ".".join(server_version.split(".")[:2])
    if not major_minor or major_minor == client_spec:
        return None
    same_major = (p.name for p in spec_dir.iterdir() if p.name.split(".")[0] == major_minor.split(".")[0])
    candidates = [major_minor, *sorted(same_major, reverse=True)]
    for version in candidates:
        if (spec_dir / version / "schema.json.gz").is_file():
            return set(catalog_cls.names_of(spec_dir, version))
    return None


if __name__ == "__main__":
    sys.exit(main())
