"""Serializers the client registers: JSON and NDJSON, also under the compatibility mimetypes."""

from __future__ import annotations

from importlib.util import find_spec
from typing import Any, ClassVar

from elastic_transport import (
    JsonSerializer,
    NdjsonSerializer,
    OrjsonSerializer,
    SerializationError,
    Serializer,
    TextSerializer,
)

from ._type_tuples import type_tuple

__all__ = [
    "DEFAULT_SERIALIZERS",
    "CompatibilityModeJsonSerializer",
    "CompatibilityModeNdjsonSerializer",
    "JSONSerializer",
    "JsonSerializer",
    "MapboxVectorTileSerializer",
    "NdjsonSerializer",
    "OrjsonSerializer",
    "PyArrowSerializer",
    "SerializationError",
    "Serializer",
    "TextSerializer",
]

JSONSerializer = JsonSerializer  # the 7.x spelling


class CompatibilityModeJsonSerializer(JsonSerializer):
    mimetype: ClassVar[str] = "application/vnd.elasticsearch+json"


class CompatibilityModeNdjsonSerializer(NdjsonSerializer):
    mimetype: ClassVar[str] = "application/vnd.elasticsearch+x-ndjson"


class MapboxVectorTileSerializer(Serializer):
    """Vector tiles are binary: passed through as bytes both ways."""

    mimetype: ClassVar[str] = "application/vnd.mapbox-vector-tile"

    def loads(self, data: bytes) -> bytes:
        return data

    def dumps(self, data: bytes) -> bytes:
        if isinstance(data, bytes):
            return data
        raise SerializationError(f"Cannot serialize {data!r} into a MapBox vector tile")


class PyArrowSerializer(Serializer):
    """Apache Arrow IPC streams (ES|QL's ``format="arrow"``) read into a ``pyarrow.Table``;
    registered by default when pyarrow is installed, imported on the first arrow answer."""

    mimetype: ClassVar[str] = "application/vnd.apache.arrow.stream"

    def loads(self, data: bytes) -> Any:
        import pyarrow.ipc

        try:
            with pyarrow.ipc.open_stream(data) as reader:
                return reader.read_all()
        except (pyarrow.ArrowException, TypeError) as e:
            raise SerializationError(f"Unable to deserialize as an Arrow stream: {e}", errors=(e,)) from e

    def dumps(self, data: bytes) -> bytes:
        if isinstance(data, bytes):
            return data
        raise SerializationError(f"Cannot serialize {data!r} into an Arrow stream: give the bytes")


DEFAULT_SERIALIZERS: dict[str, Serializer] = {
    JsonSerializer.mimetype: JsonSerializer(),
    MapboxVectorTileSerializer.mimetype: MapboxVectorTileSerializer(),
    NdjsonSerializer.mimetype: NdjsonSerializer(),
    CompatibilityModeJsonSerializer.mimetype: CompatibilityModeJsonSerializer(),
    CompatibilityModeNdjsonSerializer.mimetype: CompatibilityModeNdjsonSerializer(),
    TextSerializer.mimetype: TextSerializer(),
}
if find_spec("pyarrow") is not None:  # looked up, not imported
    DEFAULT_SERIALIZERS[PyArrowSerializer.mimetype] = PyArrowSerializer()


def __getattr__(name: str) -> Any:
    return type_tuple(__name__, name)  # INTEGER_TYPES, FLOAT_TYPES, TIME_TYPES
