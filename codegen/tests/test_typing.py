"""What type checkers see of the three API packages, through ``mypy --strict`` as users run it.

Per major, one mypy run (in a temporary folder, with its own cache) checks:

- the official client's typing checks (``test_elasticsearch/test_types`` of
  ../shared/official-tests/elasticsearch-py/<spec>, module names mapped to ours), which
  must pass without an error, as they do in the official CI;
- our typed-usage program (typed_usage/usage_v<major>.py), whose errors must be exactly
  its lines marked ``expect-error``: every deliberate mistake is reported, no correct call is.

``nox -s typing-compare`` runs the same programs against the official packages.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from codegen.tests.typed_usage import check

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL_TESTS = Path(
    os.environ.get("ELASTICSEARCH_PY_OFFICIAL_TESTS")
    or ROOT.parent / "shared" / "official-tests" / "elasticsearch-py"
)
OFFICIAL_TYPE_CHECKS = ("sync_types.py", "async_types.py", "aliased_types.py")


@dataclass(frozen=True)
class Major:
    program: str  # typed_usage/<program>
    spec: str  # folder of the official tests
    package: str
    # module renames for the official checks: sync/async import ``elasticsearch``, the aliased
    # one the official client's second distribution name
    renames: dict[str, dict[str, str]]


MAJORS = {
    "9": Major(
        "usage_v9.py", "9.5", "elasticsearch", {"aliased_types.py": {"elasticsearch8": "elasticsearch"}}
    ),
    "8": Major(
        "usage_v8.py",
        "8.19",
        "elasticsearch8",
        {
            "sync_types.py": {"elasticsearch": "elasticsearch8"},
            "async_types.py": {"elasticsearch": "elasticsearch8"},
        },
    ),
    "7": Major(
        "usage_v7.py",
        "7.17",
        "elasticsearch7",
        {
            "sync_types.py": {"elasticsearch": "elasticsearch7"},
            "async_types.py": {"elasticsearch": "elasticsearch7"},
        },
    ),
}


@dataclass(frozen=True)
class Run:
    usage: check.Result
    official: dict[str, dict[int, tuple[str, ...]]]  # file -> line -> errors


def _official_checks(major: Major) -> dict[str, str]:
    folder = OFFICIAL_TESTS / major.spec / "test_elasticsearch" / "test_types"
    if not folder.is_dir():
        pytest.fail(f"the official typing checks are not at {folder} (set ELASTICSEARCH_PY_OFFICIAL_TESTS)")
    return {
        f"official_{name}": check.rename_modules(
            (folder / name).read_text(encoding="utf-8"), major.renames.get(name, {})
        )
        for name in OFFICIAL_TYPE_CHECKS
    }


def _run(major: Major, workdir: Path) -> Run:
    results, official = check.check_programs([major.program], workdir, extra_files=_official_checks(major))
    return Run(results[0], official)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    """The three mypy runs, side by side (each takes 15-30 s cold: the client modules are big)."""
    base = tmp_path_factory.mktemp("typing")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {key: pool.submit(_run, major, base / f"v{key}") for key, major in MAJORS.items()}
        done = {key: future.result() for key, future in futures.items()}
    yield done
    check.clear(base)


@pytest.mark.parametrize("key", list(MAJORS))
def test_official_type_checks_pass(runs: dict[str, Run], key: str) -> None:
    errors = {
        f"{name}:{line}": messages
        for name, lines in runs[key].official.items()
        for line, messages in lines.items()
    }
    assert not errors, f"mypy --strict reports errors in the official typing checks of {MAJORS[key].spec}"


@pytest.mark.parametrize("key", list(MAJORS))
def test_typed_usage_errors_exactly_on_marked_lines(runs: dict[str, Run], key: str) -> None:
    usage = runs[key].usage
    assert len(usage.expected) >= 12, "each program makes at least 12 deliberate mistakes"
    assert not usage.unexpected, f"correct code rejected in {usage.program}"
    assert not usage.missed, f"mistakes not reported in {usage.program}: lines {sorted(usage.missed)}"
