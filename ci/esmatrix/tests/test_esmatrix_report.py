"""Result collection and the report (Markdown, JSON, SVG, README section), without clusters."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from esmatrix import collect, report
from esmatrix.cells import load_matrix


def fake_report(when: str, outcome: str, longrepr: Any = None, wasxfail: str | None = None) -> Any:
    rep = SimpleNamespace(
        when=when,
        passed=outcome == "passed",
        failed=outcome == "failed",
        skipped=outcome == "skipped",
        longrepr=longrepr,
        start=100.0,
        stop=101.5,
    )
    if wasxfail is not None:
        rep.wasxfail = wasxfail
    return rep


def test_short_test_id_drops_the_cell() -> None:
    assert collect.short_test_id(
        "tests/integration/test_a.py::test_b[sync-elasticsearch7-8.19]", "elasticsearch7-8.19"
    ) == ("test_a.py::test_b[sync]")
    assert collect.short_test_id(
        "tests/integration/test_a.py::test_b[elasticsearch-9]", "elasticsearch-9"
    ) == ("test_a.py::test_b")


def test_outcomes_are_counted_per_test() -> None:
    cell = collect.CellOutcomes()
    cell.add("t1", fake_report("setup", "passed"))
    cell.add("t1", fake_report("call", "passed"))
    cell.add("t1", fake_report("teardown", "passed"))
    cell.add(
        "t2", fake_report("setup", "skipped", ("f.py", 3, "Skipped: not available on this distribution: x"))
    )
    cell.add("t3", fake_report("call", "failed", "AssertionError: boom"))
    cell.add("t4", fake_report("setup", "failed", "cluster did not start"))
    cell.add("t5", fake_report("call", "skipped", ("f.py", 3, "reason"), wasxfail="known"))
    data = cell.to_json()
    assert (data["passed"], data["skipped"], data["failed"], data["errors"], data["xfailed"]) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert data["skips"][0] == {
        "reason": "not available on this distribution: x",
        "count": 1,
        "tests": ["t2"],
    }
    assert [f["test"] for f in data["failures"]] == ["t3", "t4"]
    assert data["failures"][0]["message"] == "AssertionError: boom"


def write_results(directory: Path) -> None:
    base = {
        "server": {"version": "9.5.4", "nodes": 1, "modules": ["x-pack-core"]},
        "provider": "local",
        "duration_s": 12.0,
        "cluster_start_s": 20.0,
        "notes": [],
        "finished_at": "2026-12-03T10:05:00+00:00",
        "git_revision": "abc1234",
    }
    cells = {
        "elasticsearch-9": {
            "passed": 80,
            "failed": 0,
            "errors": 0,
            "skipped": 12,
            "skips": [{"reason": "not available on this distribution: no reindex module", "count": 2}],
        },
        "elasticsearch8-9": {
            "passed": 70,
            "failed": 2,
            "errors": 0,
            "skipped": 12,
            "failures": [{"test": "test_a.py::test_b[sync]", "phase": "call", "message": "boom"}],
        },
        "elasticsearch-8.19": {
            "passed": 0,
            "failed": 2,
            "errors": 0,
            "skipped": 0,
            "provider": "docker",
            "server": {"version": "8.19.21", "nodes": 1},
            "finished_at": "2026-12-03T10:01:00+00:00",
            "server_errors": [
                {
                    "status": 400,
                    "type": "media_type_header_exception",
                    "reason": "Invalid media-type",
                    "count": 2,
                }
            ],
        },
    }
    for key, values in cells.items():
        (directory / f"{key}.json").write_text(json.dumps({**base, **values}))
    official = directory / "official"
    official.mkdir()
    (official / "elasticsearch-9.json").write_text(
        json.dumps(
            {
                **base,
                "passed": 77,
                "failed": 0,
                "errors": 0,
                "skipped": 15,
                "finished_at": "2026-12-03T10:09:00+00:00",
                "git_revision": "abc1234+dirty",
                "official_versions": {"elasticsearch": "9.5.1", "elastic_transport": "9.4.2"},
                "skips": [{"reason": "ours only: a feature", "count": 3}],
            }
        )
    )
    (directory / "yaml-elasticsearch-9.5.json").write_text(
        json.dumps(
            {
                "totals": {"passed": 300, "failed": 1, "skipped": 40},
                "skip_reasons": [
                    {"reason": "not available on this distribution: module x-pack-ml", "count": 40}
                ],
                "failures": [{"file": "a.yml", "test": "t", "message": "bad"}],
            }
        )
    )


def test_report_files(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    write_results(results)
    built = report.build(load_matrix(), results)
    by_key = {(c["client"], c["stack"]): c for c in built["cells"]}
    nine = by_key[("elasticsearch", "9")]
    assert nine["status"] == nine["ours"]["status"] == "pass"
    assert nine["official"]["status"] == "pass" and nine["official"]["passed"] == 77
    assert nine["official"]["versions"] == {"elasticsearch": "9.5.1", "elastic_transport": "9.4.2"}
    assert nine["yaml"]["passed"] == 300
    assert by_key[("elasticsearch8", "9")]["status"] == "fail"
    assert by_key[("elasticsearch8", "9")]["official"] is None
    assert by_key[("elasticsearch7", "7.17")]["status"] == "not run"
    assert by_key[("elasticsearch", "8.19")]["provider"] == "docker"
    assert built["columns"]["9"] == {
        "ours": {
            "ran": "2026-12-03 10:05-10:05 UTC",
            "first": "2026-12-03T10:05:00+00:00",
            "last": "2026-12-03T10:05:00+00:00",
            "commits": ["abc1234"],
        },
        "official": {
            "ran": "2026-12-03 10:09-10:09 UTC",
            "first": "2026-12-03T10:09:00+00:00",
            "last": "2026-12-03T10:09:00+00:00",
            "commits": ["abc1234+dirty"],
        },
    }
    assert built["columns"]["7.17"]["ours"]["commits"] == []

    md = report.markdown(built)
    # the grid: each stack's ours and official columns, with when and on which commit they ran
    assert "| client | 7.17 (7.17.29) ours | 7.17 (7.17.29) official | 8.19 (8.19.21) ours |" in md
    assert "| *ran* | not run | not run | 2026-12-03 10:01-10:01 UTC at `abc1234` | not run |" in md
    assert "2026-12-03 10:09-10:09 UTC at `abc1234+dirty` |" in md
    assert "| native: pass 80 / 0 / 12 | pass 77 / 0 / 15 |" in md
    # the row per cell: provider, ours next to the official, the server's answer
    assert (
        "| `elasticsearch` | 8.19 (8.19.21) | unsupported | docker | 8.19.21 | FAIL 0 / 2 / 0 | not run "
        "| 400 media_type_header_exception: Invalid media-type |"
    ) in md
    assert (
        "| `elasticsearch` | 9 (9.5.4) | native | local | 9.5.4 | pass 80 / 0 / 12 | pass 77 / 0 / 15 |" in md
    )
    assert "| 300 / 1 / 40 |" in md
    assert "`test_a.py::test_b[sync]` (call): boom" in md
    assert "- 2 x 400 `media_type_header_exception`: Invalid media-type" in md
    assert (
        "elasticsearch 9.5.1, elastic_transport 9.4.2; ran 2026-12-03T10:09:00+00:00 at `abc1234+dirty`" in md
    )
    assert "3 x ours only: a feature" in md
    svg = report.svg(built)
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "80 passed · 0 failed" in texts and "official: pass 77 / 0 / 15" in texts and "not run" in texts

    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n## Compat matrix\n\nold text kept\n\n## Other\n")
    assert report.update_readme(built, readme) is True
    first = readme.read_text()
    assert first.index("## Compat matrix") < first.index(report.README_END) < first.index("## Other")
    assert "old text kept" in first and "(providers: `docker`, `local`)" in first
    assert report.update_readme(built, readme) is False  # same report: same text


def test_server_errors_are_found_through_the_exception_chain() -> None:
    class ApiError(Exception):  # the 8.x/9.x shape: meta.status and body
        def __init__(self, status: int, body: Any) -> None:
            self.meta = SimpleNamespace(status=status)
            self.body = body

    class TransportError(Exception):  # the 7.x shape: status_code and info
        def __init__(self, status: Any, info: Any) -> None:
            self.status_code, self.info = status, info

    body = {"error": {"type": "media_type_header_exception", "reason": "Invalid media-type"}, "status": 400}
    assert collect.server_error(ApiError(400, body)) == {
        "status": 400,
        "type": "media_type_header_exception",
        "reason": "Invalid media-type",
    }
    assert collect.server_error(TransportError(405, {"error": "Incorrect HTTP method"})) == {
        "status": 405,
        "type": "",
        "reason": "Incorrect HTTP method",
    }
    try:
        try:
            raise ApiError(409, {"error": {"type": "version_conflict_engine_exception", "reason": "x"}})
        except ApiError as inner:
            raise AssertionError("wrapped") from inner
    except AssertionError as outer:
        assert collect.server_error(outer) == {
            "status": 409,
            "type": "version_conflict_engine_exception",
            "reason": "x",
        }
    assert collect.server_error(TransportError("N/A", "connection refused")) is None  # no answer
    assert collect.server_error(AssertionError("plain")) is None


def test_failures_carry_the_server_error_and_are_summed_up() -> None:
    answer = {"status": 400, "type": "media_type_header_exception", "reason": "Invalid"}
    cell = collect.CellOutcomes()
    for test in ("t1", "t2"):
        failed = fake_report("call", "failed", "BadRequestError")
        failed.user_properties = [("server_error", answer)]
        cell.add(test, failed)
    cell.add("t3", fake_report("call", "failed", "AssertionError"))
    data = cell.to_json()
    assert data["failures"][0]["server_error"] == answer and "server_error" not in data["failures"][2]
    assert data["server_errors"] == [{**answer, "count": 2}]


def test_heat_scale() -> None:
    assert report.heat(1.0) == "#2e7d32" and report.heat(0.0) == "#c62828" and report.heat(0.5) == "#f9a825"
