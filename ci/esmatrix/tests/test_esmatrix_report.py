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
    }
    for key, values in cells.items():
        (directory / f"{key}.json").write_text(json.dumps({**base, **values}))
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
    assert by_key[("elasticsearch", "9")]["status"] == "pass"
    assert by_key[("elasticsearch", "9")]["yaml"]["passed"] == 300
    assert by_key[("elasticsearch8", "9")]["status"] == "fail"
    assert by_key[("elasticsearch7", "7.17")]["status"] == "not run"

    md = report.markdown(built)
    assert "| `elasticsearch` | 9 (9.5.4) | native | 9.5.4 | pass | 80 / 0 / 12 |" in md
    assert "| 300 / 1 / 40 |" in md
    assert "`test_a.py::test_b[sync]` (call): boom" in md
    svg = report.svg(built)
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "80 passed · 0 failed" in texts and "not supported" in texts and "not run" in texts

    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n## Compat matrix\n\nold text kept\n\n## Other\n")
    assert report.update_readme(built, readme) is True
    first = readme.read_text()
    assert first.index("## Compat matrix") < first.index(report.README_END) < first.index("## Other")
    assert "old text kept" in first
    assert report.update_readme(built, readme) is False  # same report: same text


def test_heat_scale() -> None:
    assert report.heat(1.0) == "#2e7d32" and report.heat(0.0) == "#c62828" and report.heat(0.5) == "#f9a825"
