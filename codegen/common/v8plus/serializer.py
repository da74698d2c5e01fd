"""Serializers the client registers: JSON and NDJSON, also under the compatibility mimetypes."""

from __future__ import annotations

from typing import Any, ClassVar

from elastic_transport import (
    JsonSerializer,
    NdjsonSerializer,
    OrjsonSerializer,
    SerializationError,
    Serializer,
    TextSerializer,
)

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


def __getattr__(name: str) -> Any:
    """The official module's type tuples, built on first use: importing datetime and
    decimal with the client would slow every import for names few programs read."""
    if name == "INTEGER_TYPES":
        return ()
    if name == "FLOAT_TYPES":
        from decimal import Decimal

        return (Decimal,)
    if name == "TIME_TYPES":
        from datetime import date, datetime

        return (date, datetime)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
