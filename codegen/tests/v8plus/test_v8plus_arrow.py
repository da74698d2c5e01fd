"""Arrow answers (``esql.query(format="arrow")``) become ``pyarrow.Table`` bodies: the server on
127.0.0.1 sends a real Arrow IPC stream with its media type."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from .v8plus_servers import RecordingServer, Reply, resolve

pa = pytest.importorskip("pyarrow")

ARROW = "application/vnd.apache.arrow.stream"


def arrow_stream(columns: dict[str, list[Any]]) -> bytes:
    table = pa.table(columns)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


async def test_esql_arrow_answer_is_a_table(make_client: Callable[..., Any], server: RecordingServer) -> None:
    columns = {"n": [0, 1, 2], "tag": ["red", "green", None]}
    server.routes[("POST", "/_query")] = Reply(body=arrow_stream(columns), headers={"Content-Type": ARROW})
    response = await resolve(make_client().esql.query(query="FROM x | KEEP n, tag", format="arrow"))
    assert isinstance(response.body, pa.Table)
    assert response.body.to_pydict() == columns
    (request,) = [r for r in server.requests if r.path.startswith("/_query")]
    assert request.target == "/_query?format=arrow"


def test_serializer_both_ways_and_bad_input(es_module: ModuleType) -> None:
    serializer = importlib.import_module(f"{es_module.__name__}.serializer").PyArrowSerializer()
    data = arrow_stream({"a": [1, 2]})
    table = serializer.loads(data)
    assert serializer.loads(serializer.dumps(table)).equals(table)
    assert serializer.dumps(data) == data
    errors = importlib.import_module(f"{es_module.__name__}.exceptions")
    with pytest.raises(errors.SerializationError, match="Arrow IPC stream") as caught:
        serializer.loads(b"not arrow")
    assert caught.value.raw == b"not arrow"  # what the server sent is kept
    with pytest.raises(errors.SerializationError):
        serializer.dumps({"a": 1})
