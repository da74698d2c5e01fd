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
import os
import sys
from pathlib import Path

from escluster import load_majors

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
# The API packages with YAML tests (``yaml_tests`` in majors.json).
CLIENTS = tuple(m.package for m in load_majors() if m.yaml_tests)


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
    from .yaml_session import SuiteConfig, SuiteRun

    config = SuiteConfig(
        args.client,
        args.stack,
        url=args.url or None,
        tests_dir=args.tests_dir,
        spec_dir=args.spec_dir,
        out=args.out,
        security=not args.no_security,
        filter=args.filter,
        strict_warnings=args.strict_warnings,
        preflight=not args.no_preflight,
        use_async=args.use_async,
        log=(lambda message: print(message, flush=True)) if args.verbose else None,
    )
    try:
        run = SuiteRun(config)
    except FileNotFoundError as exc:
        print(f"conformance: {exc}", file=sys.stderr)
        return 2
    try:
        print(f"conformance: {run.start()}", flush=True)
        for path in run.files:
            result = run.run_file(path)
            if not args.verbose:
                mark = "F" if result.count("failed") else ("." if result.count("passed") else "s")
                print(mark, end="", flush=True)
        if not args.verbose:
            print()
        suite = run.finish()
        print(suite.summary())
        print(f"conformance: results in {run.out}")
    except BaseException:
        run.stop(keep_logs=True)
        raise
    run.stop()
    return 1 if suite.totals()["failed"] > 0 else 0


if __name__ == "__main__":
    sys.exit(main())
