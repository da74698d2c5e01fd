"""Download progress lines: their text and how often they come."""

from __future__ import annotations

from escluster.maven import ProgressPacer, format_progress


def test_progress_line() -> None:
    assert format_progress("8.19.21", "central", 120_400_000, 350_000_000) == (
        "escluster: downloading elasticsearch 8.19.21 (integ-test zip) from Maven Central: 120/350 MB"
    )
    assert format_progress("7.17.29", "corp-mirror", 5_000_000, None) == (
        "escluster: downloading elasticsearch 7.17.29 (integ-test zip) from Maven repository 'corp-mirror': 5 MB"
    )


def test_known_size_reports_each_further_tenth_once() -> None:
    pacer = ProgressPacer()
    sizes = [1, 5, 10, 11, 19, 20, 35, 99, 100]
    assert [done for done in sizes if pacer.due(done, 100)] == [1, 10, 20, 35, 99, 100]


def test_unknown_size_reports_every_interval() -> None:
    now = [0.0]
    pacer = ProgressPacer(interval=10.0, clock=lambda: now[0])
    seen = []
    for second in range(0, 35, 2):
        now[0] = float(second)
        if pacer.due(second * 1000, None):
            seen.append(second)
    assert seen == [10, 20, 30]
