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


DEFAULT_SERIALIZERS: dict[str, Serializer] = {
    JsonSerializer.mimetype: JsonSerializer(),
    MapboxVectorTileSerializer.mimetype: MapboxVectorTileSerializer(),
    NdjsonSerializer.mimetype: NdjsonSerializer(),
    CompatibilityModeJsonSerializer.mimetype: CompatibilityModeJsonSerializer(),
    CompatibilityModeNdjsonSerializer.mimetype: CompatibilityModeNdjsonSerializer(),
    TextSerializer.mimetype: TextSerializer(),
}


if TYPE_CHECKING:  # built on first use (see __getattr__)
    INTEGER_TYPES: tuple[type, ...]
    FLOAT_TYPES: tuple[type, ...]
    TIME_TYPES: tuple[type, ...]
else:  # hidden from type checkers: a misspelled name stays an error there  # hidden from type checkers: a misspelled name stays an error there

    def __getattr__(name: str) -> Any:
        return type_tuple(__name__, name)  # INTEGER_TYPES, FLOAT_TYPES, TIME_TYPES
