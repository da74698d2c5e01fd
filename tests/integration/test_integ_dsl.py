"""The DSL (8.x/9.x clients): the official DSL integration suite on the cell's cluster.

The suite runs in a subprocess (official_dsl.py) with the interpreter running this test, so
the matrix's reference run measures the official release on the same cluster. Its counts,
failures and skip reasons go into the cell's result (``dsl``), which the report shows.
"""

from __future__ import annotations

from typing import Any

import official_dsl
import pytest


@pytest.mark.majors(8, 9)
def test_official_dsl_integration_suite(es_cluster: Any, cell_record: dict[str, Any]) -> None:
    if es_cluster.cell.kind == "unsupported":
        pytest.skip(
            "the DSL suite runs on the native and compat cells (an unsupported pairing fails it by design)"
        )
    run = official_dsl.run(es_cluster.cell.client, es_cluster.live_url(), list(es_cluster.features.modules))
    cell_record["dsl"] = run.summary()
    failures = [f"{t}: {run.outcome.messages.get(t, '')}" for t in run.outcome.failed]
    assert run.outcome.passed, f"no DSL test passed (pytest exit {run.returncode}):\n{run.output[-2000:]}"
    assert not failures, f"{len(failures)} DSL integration tests failed:\n" + "\n".join(failures[:30])
