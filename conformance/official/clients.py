"""Runs the official elasticsearch-py unit suites against our installed API packages.

One suite per major of majors.json: ``../shared/official-tests/elasticsearch-py/<spec>/
test_elasticsearch`` (read-only reference data; ``ELASTICSEARCH_PY_OFFICIAL_TESTS`` names
another folder holding the ``<spec>`` folders) run against the package of that major; for
8.19 and 7.17 the copy's module ``elasticsearch`` is renamed to ``elasticsearch8`` /
``elasticsearch7`` (ci/officialsuite does the copying, running and comparing). Each package's
results are held to ``conformance/official/<package>.toml``: ``[[pending]]`` entries name the
codegen/ file that has to change, ``[[private]]`` ones (at most 5% of the tests run) tests of
private internals with no user-visible effect, ``[[left_out]]`` the files not run here.

``python -m conformance.official [-v] [package ...]`` prints the summaries.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import officialsuite

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEFAULT_OFFICIAL = ROOT.parent / "shared" / "official-tests" / "elasticsearch-py"
PRIVATE_SHARE = 0.05
# The official suites keep their pytest settings in the elasticsearch-py project file, which is
# not part of the reference data: the markers they use and the asyncio loop scope.
PYTEST_INI = """\
[pytest]
markers =
    otel: the OpenTelemetry tests
asyncio_default_fixture_loop_scope = function
xfail_strict = true
"""


def official_dir() -> Path:
    return Path(os.environ.get("ELASTICSEARCH_PY_OFFICIAL_TESTS") or DEFAULT_OFFICIAL)


def majors() -> list[dict[str, object]]:
    data = json.loads((ROOT / "majors.json").read_text(encoding="utf-8"))
    majors: list[dict[str, object]] = data["majors"]
    return majors


def suite(package: str) -> officialsuite.Suite:
    spec = next(str(m["spec"]) for m in majors() if m["package"] == package)
    return officialsuite.Suite(
        name=f"elasticsearch-py {spec} ({package})",
        source=official_dir() / spec,
        package="test_elasticsearch",
        exceptions_file=HERE / f"{package}.toml",
        private_share=PRIVATE_SHARE,
        rename=None if package == "elasticsearch" else ("elasticsearch", package),
        ini=PYTEST_INI,
        env=(("TEST_WITH_OTEL", "1"),),  # the OpenTelemetry tests run only when asked to
    )


def packages() -> list[str]:
    return [str(m["package"]) for m in majors()]
