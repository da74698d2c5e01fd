"""The runner without clusters: a fake provider and a fake suite that writes result files."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import escluster
import pytest
from esmatrix import runner
from esmatrix.cells import make_cell

TABLE = {"7.17": "7.17.29", "8.19": "8.19.21", "9": "9.5.4"}


class FakeProvider:
    name = "local"
    started: list[str] = []
    stopped: list[bool] = []

    def start(self, stack: str, nodes: int = 1) -> list[str]:
        self.started.append(stack)
        return [f"http://127.0.0.1:9{len(self.started)}00"]

    def stop(self, keep_logs: bool = False) -> None:
        self.stopped.append(keep_logs)


def fake_suite(seen: list[dict[str, str]], failed: int = 0) -> runner.RunPytest:
    """Writes the result file the conftest would, for the cell named in the environment."""

    def run(env: Mapping[str, str]) -> int:
        seen.append(dict(env))
        key = f"{env['CLIENT']}-{env['ES_STACK']}"
        path = Path(env["ES_INTEGRATION_RESULTS"]) / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        cell = make_cell(env["CLIENT"], env["ES_STACK"], table=TABLE)
        data = {"cell": cell.to_json(), "client": env["CLIENT"], "stack": env["ES_STACK"]}
        path.write_text(json.dumps({**data, "passed": 5, "failed": failed, "errors": 0, "skipped": 1}))
        return 1 if failed else 0

    return run


@pytest.fixture
def fake_provider(monkeypatch: pytest.MonkeyPatch) -> type[FakeProvider]:
    FakeProvider.started, FakeProvider.stopped = [], []
    monkeypatch.setitem(escluster.PROVIDERS, "local", FakeProvider)  # the dict the runner reads
    monkeypatch.setenv("ESCLUSTER_PROVIDER", "local")  # cells choose at start: CI exports docker
    return FakeProvider


def test_one_cluster_per_stack_ours_then_the_official(
    tmp_path: Path, fake_provider: type[FakeProvider]
) -> None:
    cells = [
        make_cell("elasticsearch", "8.19", table=TABLE),
        make_cell("elasticsearch8", "9", table=TABLE),
        make_cell("elasticsearch8", "8.19", table=TABLE),
    ]
    ours: list[dict[str, str]] = []
    theirs: list[dict[str, str]] = []

    def reference(cell: Any) -> tuple[runner.RunPytest, Mapping[str, str]]:
        return fake_suite(theirs, failed=1), {cell.client: "8.19.3"}

    runs = runner.run_cells(
        cells, fake_suite(ours), reference=reference, directory=tmp_path, log=lambda _: None
    )
    assert fake_provider.started == ["8.19", "9"]  # 8.19 once, for both of its cells
    assert fake_provider.stopped == [False, False]  # no native cell failed: no logs kept
    assert [(r["client"], r["stack"]) for r, _ in runs] == [
        ("elasticsearch", "8.19"),
        ("elasticsearch8", "9"),
        ("elasticsearch8", "8.19"),
    ]
    # the ours-only environment reaches our run only
    assert ours[0]["ELASTIC_CLIENT_APIVERSIONING"] == "negotiate" and ours[0]["ES_INTEGRATION_OFFICIAL"] == ""
    assert "ELASTIC_CLIENT_APIVERSIONING" not in theirs[0] and theirs[0]["ES_INTEGRATION_OFFICIAL"] == "1"
    assert ours[0]["ELASTICSEARCH_URL"] == theirs[0]["ELASTICSEARCH_URL"]  # the same cluster
    mine, official = runs[0]
    assert official is not None
    assert (mine["official"], official["official"]) == (False, True)
    assert official["official_versions"] == {"elasticsearch": "8.19.3"}
    assert runner.status(mine) == "pass" and runner.status(official) == "fail"
    assert mine["git_revision"] == official["git_revision"] == runner.git_revision()
    assert mine["provider"] == "local" and mine["started_at"]
    saved = json.loads((tmp_path / "official" / "elasticsearch-8.19.json").read_text())
    assert saved["failed"] == 1


def test_an_official_client_that_cannot_be_had_is_an_error_of_its_side(
    tmp_path: Path, fake_provider: type[FakeProvider]
) -> None:
    def reference(cell: Any) -> tuple[runner.RunPytest, Mapping[str, str]]:
        raise RuntimeError("elasticsearch7: uv pip install failed: no network")

    cells = [make_cell("elasticsearch7", "7.17", table=TABLE)]
    [(mine, official)] = runner.run_cells(
        cells, fake_suite([]), reference=reference, directory=tmp_path, log=lambda _: None
    )
    assert runner.status(mine) == "pass"
    assert official is not None and runner.status(official) == "error"
    assert official["suite_error"] == "elasticsearch7: uv pip install failed: no network"


def test_a_failing_native_cell_keeps_the_logs(tmp_path: Path, fake_provider: type[FakeProvider]) -> None:
    cells = [make_cell("elasticsearch7", "7.17", table=TABLE)]
    runner.run_cells(cells, fake_suite([], failed=2), directory=tmp_path, log=lambda _: None)
    assert fake_provider.stopped == [True]


def test_git_revision_marks_a_dirty_tree(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "a.txt").write_text("1")
    (tmp_path / "compat-matrix").mkdir()
    (tmp_path / "compat-matrix" / "r.json").write_text("{}")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    clean = runner.git_revision(tmp_path)
    assert len(clean) >= 7 and "+" not in clean
    (tmp_path / "compat-matrix" / "r.json").write_text('{"new": 1}')  # results are not what ran
    assert runner.git_revision(tmp_path) == clean
    (tmp_path / "a.txt").write_text("2")
    assert runner.git_revision(tmp_path) == f"{clean}+dirty"
