"""Serializers the client registers: JSON and NDJSON, also under the compatibility mimetypes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from elastic_transport import (
    JsonSerializer,
    NdjsonSerializer,
    OrjsonSerializer,
    SerializationError,
    Serializer,
    TextSerializer,
)

from . import _profile
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
    """Apache Arrow IPC streams (``esql.query(format="arrow")``) as ``pyarrow.Table``.

    pyarrow is imported on first use, so the client does not load it unless an Arrow answer
    arrives; without it that answer raises a SerializationError saying what to install.
    """

    mimetype: ClassVar[str] = "application/vnd.apache.arrow.stream"

    def loads(self, data: bytes) -> Any:
        pa = _pyarrow()
        try:
            return pa.ipc.open_stream(data).read_all()
        except (pa.ArrowException, TypeError) as e:
            raise SerializationError(
                f"Unable to read an Arrow IPC stream: {e}", errors=(e,), raw=bytes(data)
            ) from None

    def dumps(self, data: Any) -> bytes:
        if isinstance(data, (bytes, bytearray)):
            return bytes(data)
        pa = _pyarrow()
        if not isinstance(data, (pa.Table, pa.RecordBatch)):
            raise SerializationError(f"Cannot serialize {type(data).__name__} as an Arrow IPC stream")
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, data.schema) as writer:
            writer.write(data)
        return bytes(sink.getvalue().to_pybytes())


def _pyarrow() -> Any:
    try:
        import pyarrow.ipc  # binds pyarrow, with the ipc submodule it doesn't import itself
    except ImportError:
        raise SerializationError(
            f"An Arrow answer needs pyarrow: pip install {_profile.DIST}[pyarrow]"
        ) from None
    return pyarrow


DEFAULT_SERIALIZERS: dict[str, Serializer] = {
    JsonSerializer.mimetype: JsonSerializer(),
    MapboxVectorTileSerializer.mimetype: MapboxVectorTileSerializer(),
    NdjsonSerializer.mimetype: NdjsonSerializer(),
    CompatibilityModeJsonSerializer.mimetype: CompatibilityModeJsonSerializer(),
    CompatibilityModeNdjsonSerializer.mimetype: CompatibilityModeNdjsonSerializer(),
    TextSerializer.mimetype: TextSerializer(),
    PyArrowSerializer.mimetype: PyArrowSerializer(),
}


if TYPE_CHECKING:  # built on first use (see __getattr__)
    INTEGER_TYPES: tuple[type, ...]
    FLOAT_TYPES: tuple[type, ...]
    TIME_TYPES: tuple[type, ...]
else:  # hidden from type checkers: a misspelled name stays an error there

    def __getattr__(name: str) -> Any:
        return type_tuple(__name__, name)  # INTEGER_TYPES, FLOAT_TYPES, TIME_TYPES
