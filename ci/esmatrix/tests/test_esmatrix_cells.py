"""The matrix definition and cell selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from esmatrix.cells import MatrixError, load_matrix, make_cell, normalize_stack, parse_cells

TABLE = {"7.17": "7.17.29", "8.19": "8.19.21", "9": "9.5.4"}


def test_the_committed_matrix() -> None:
    matrix = load_matrix()
    kinds = {(c.client, c.stack): c.kind for c in matrix.cells}
    assert kinds == {
        ("elasticsearch", "9"): "native",
        ("elasticsearch8", "8.19"): "native",
        ("elasticsearch7", "7.17"): "native",
        ("elasticsearch8", "9"): "compat",
        ("elasticsearch7", "8.19"): "compat",
        ("elasticsearch", "7.17"): "unsupported",
        ("elasticsearch", "8.19"): "unsupported",
        ("elasticsearch8", "7.17"): "unsupported",
        ("elasticsearch7", "9"): "unsupported",
    }
    assert [c.key for c in matrix.native()] == [
        "elasticsearch-9",
        "elasticsearch8-8.19",
        "elasticsearch7-7.17",
    ]
    seven = matrix.find("elasticsearch7", "8.19")
    assert seven is not None and seven.env == {"ELASTIC_CLIENT_APIVERSIONING": "true"}
    assert seven.compat_header == "compatible-with=7"
    assert seven.env_for(official=True) == seven.env_for(official=False)  # the official reads it too
    nine = matrix.find("elasticsearch", "8.19")
    assert nine is not None and nine.env == {}
    assert nine.env_for(official=False) == {"ELASTIC_CLIENT_APIVERSIONING": "negotiate"}
    assert nine.env_for(official=True) == {}
    assert "not 8.x" in nine.note


@pytest.mark.parametrize(
    ("spec", "alias"),
    [("9", "9"), ("9.5", "9"), ("9.5.4", "9"), ("8.19", "8.19"), ("8.19.21", "8.19"), ("8.18.2", "8.18.2")],
)
def test_normalize_stack(spec: str, alias: str) -> None:
    assert normalize_stack(spec, TABLE) == alias


def test_unknown_stack_names_the_known_ones() -> None:
    with pytest.raises(MatrixError, match=r"known stacks: 7\.17 \(7\.17\.29\)"):
        normalize_stack("banana", TABLE)


def test_kinds_follow_the_majors() -> None:
    assert make_cell("elasticsearch7", "8.19", table=TABLE).kind == "compat"
    assert make_cell("elasticsearch7", "8.19", table=TABLE).env == {"ELASTIC_CLIENT_APIVERSIONING": "true"}
    assert make_cell("elasticsearch8", "9", table=TABLE).compat_header == "compatible-with=8"
    assert make_cell("elasticsearch7", "7.17", table=TABLE).compat_header is None
    assert make_cell("elasticsearch", "7.17", table=TABLE).kind == "unsupported"
    assert make_cell("elasticsearch7", "9", table=TABLE).env == {}  # no compatible-with=7 for 9.x
    assert make_cell("elasticsearch", "8.19", table=TABLE).ours_env == {
        "ELASTIC_CLIENT_APIVERSIONING": "negotiate"
    }
    assert make_cell("elasticsearch8", "7.17", table=TABLE).ours_env == {}
    with pytest.raises(MatrixError, match="is of kind unsupported, not compat"):
        make_cell("elasticsearch", "8.19", kind="compat", table=TABLE)
    with pytest.raises(MatrixError, match="is of kind compat, not native"):
        make_cell("elasticsearch8", "9", kind="native", table=TABLE)
    with pytest.raises(MatrixError, match="unknown client"):
        make_cell("opensearch", "9", table=TABLE)


def test_parse_cells() -> None:
    assert [c.key for c in parse_cells("native")] == [
        "elasticsearch-9",
        "elasticsearch8-8.19",
        "elasticsearch7-7.17",
    ]
    assert len(parse_cells("all")) == 9
    cells = parse_cells("elasticsearch7@8.19, elasticsearch8")
    assert [(c.key, c.kind) for c in cells] == [
        ("elasticsearch7-8.19", "compat"),
        ("elasticsearch8-8.19", "native"),
    ]


def test_duplicate_cells_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "matrix.json"
    cell = {"client": "elasticsearch", "stack": "9"}
    path.write_text(json.dumps({"cells": [cell, cell]}))
    with pytest.raises(MatrixError, match="listed twice"):
        load_matrix(path)
