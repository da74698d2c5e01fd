import dataclasses
import datetime
import decimal
import uuid

import pytest
from elastic_transport import (
    JsonSerializer,
    NdjsonSerializer,
    OrjsonSerializer,
    SerializationError,
    SerializerCollection,
    TextSerializer,
)


@pytest.fixture(params=[JsonSerializer, OrjsonSerializer])
def json_serializer(request: pytest.FixtureRequest) -> JsonSerializer:
    return request.param()  # type: ignore[no-any-return]


def test_json_extended_types(json_serializer: JsonSerializer) -> None:
    @dataclasses.dataclass
    class Point:
        x: int

    data = {
        "date": datetime.date(2024, 1, 2),
        "dt": datetime.datetime(2024, 1, 2, 3, 4, 5),
        "dec": decimal.Decimal("1.5"),
        "id": uuid.UUID(int=1),
        "text": "é",
        "point": Point(1),
    }
    assert json_serializer.loads(json_serializer.dumps(data)) == {
        "date": "2024-01-02",
        "dt": "2024-01-02T03:04:05",
        "dec": 1.5,
        "id": "00000000-0000-0000-0000-000000000001",
        "text": "é",
        "point": {"x": 1},
    }


def test_json_numpy_values(json_serializer: JsonSerializer) -> None:
    np = pytest.importorskip("numpy")
    data = {"i": np.int64(3), "f": np.float32(1.5), "b": np.bool_(True), "a": np.array([1, 2])}
    assert json_serializer.loads(json_serializer.dumps(data)) == {"i": 3, "f": 1.5, "b": True, "a": [1, 2]}


def test_json_passes_strings_and_bytes_through(json_serializer: JsonSerializer) -> None:
    assert json_serializer.dumps('{"a":1}') == b'{"a":1}'
    assert json_serializer.dumps(b'{"a":1}') == b'{"a":1}'


def test_json_errors_keep_raw_bytes(json_serializer: JsonSerializer) -> None:
    with pytest.raises(SerializationError) as info:
        json_serializer.loads(b"<html>bad gateway</html>")
    assert info.value.raw == b"<html>bad gateway</html>"
    with pytest.raises(SerializationError, match="Unable to serialize to JSON"):
        json_serializer.dumps({"x": object()})
    for empty in (b"", ""):  # no JSON document (the transport decodes an empty body to None itself)
        with pytest.raises(SerializationError, match="Unable to deserialize as JSON"):
            json_serializer.loads(empty)  # type: ignore[arg-type]


def test_ndjson_round_trip() -> None:
    serializer = NdjsonSerializer()
    body = serializer.dumps([{"index": {}}, '{"a":1}', b'{"b":2}\n'])
    assert body == b'{"index":{}}\n{"a":1}\n{"b":2}\n'
    assert serializer.loads(body) == [{"index": {}}, {"a": 1}, {"b": 2}]


def test_text() -> None:
    assert TextSerializer().loads(b"green") == "green"
    assert TextSerializer().dumps("x") == b"x"
    with pytest.raises(SerializationError, match="Unable to serialize to text"):
        TextSerializer().dumps({"a": 1})


def test_collection_picks_by_mimetype() -> None:
    collection = SerializerCollection()
    assert isinstance(collection.get_serializer("application/json; charset=UTF-8"), JsonSerializer)
    assert isinstance(
        collection.get_serializer("application/vnd.elasticsearch+json; compatible-with=8"), JsonSerializer
    )
    assert isinstance(
        collection.get_serializer("application/vnd.elasticsearch+x-ndjson; compatible-with=9"),
        NdjsonSerializer,
    )
    assert isinstance(collection.get_serializer("text/csv"), TextSerializer)
    assert collection.get_serializer(None) is collection.default_serializer
    with pytest.raises(SerializationError, match=r"Unknown mimetype.*application/cbor"):
        collection.get_serializer("application/cbor")


def test_collection_custom_serializer_and_bad_default() -> None:
    orjson = OrjsonSerializer()
    collection = SerializerCollection({"application/json": orjson})
    assert collection.get_serializer("application/vnd.elasticsearch+json;compatible-with=9") is orjson
    with pytest.raises(ValueError, match="default mimetype"):
        SerializerCollection(default_mimetype="application/cbor")


def test_loads_of_a_non_bytes_value_raises_serialization_error() -> None:
    for serializer in (JsonSerializer(), OrjsonSerializer()):
        with pytest.raises(SerializationError, match="Unable to deserialize as JSON"):
            serializer.loads(object())  # type: ignore[arg-type]
