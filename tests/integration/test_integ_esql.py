"""ES|QL (8.x/9.x clients): JSON answers as dicts, Arrow answers as ``pyarrow.Table``."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def esql(api: Any, es_cluster: Any) -> None:
    if api.v7:
        pytest.skip("the 7.x client has no ES|QL")
    es_cluster.require("x-pack-esql", "ES|QL")


QUERY = "FROM {index} | WHERE n < 3 | KEEP n, tag | SORT n"


async def test_esql_json(es: Any, api: Any, library: str, esql: None) -> None:
    answer = api.data(await es.esql.query(query=QUERY.format(index=library)))
    assert [column["name"] for column in answer["columns"]] == ["n", "tag"]
    assert answer["values"] == [[0, "red"], [1, "green"], [2, "blue"]]


async def test_esql_arrow_is_a_pyarrow_table(es: Any, api: Any, library: str, esql: None) -> None:
    pa = pytest.importorskip("pyarrow")
    response = await es.esql.query(query=QUERY.format(index=library), format="arrow")
    assert response.meta.headers["content-type"].startswith("application/vnd.apache.arrow.stream")
    table = response.body
    assert isinstance(table, pa.Table)
    assert table.to_pydict() == {"n": [0, 1, 2], "tag": ["red", "green", "blue"]}
