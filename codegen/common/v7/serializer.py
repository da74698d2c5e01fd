"""The 7.x serializer API: ``dumps`` returns ``str`` (or bytes as given), ``loads`` takes ``str``.

User code and helpers call these directly (``es.transport.serializer.dumps(doc)``) and
expect text, which is why they are not the shared transport's byte-oriented serializers;
JSON value conversion (dates, Decimal, UUID, numpy, pandas) is delegated to those.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import elastic_transport

from ._mimetypes import BINARY_MIMETYPES, base_mimetype
from ._type_tuples import type_tuple
from .compat import string_types  # noqa: F401  (a name the official module has)
from .exceptions import ImproperlyConfigured, SerializationError

__all__ = [
    "DEFAULT_SERIALIZERS",
    "Deserializer",
    "JSONSerializer",
    "MapboxVectorTileSerializer",
    "Serializer",
    "TextSerializer",
]

_VALUE_CONVERTER = elastic_transport.JsonSerializer()


class Serializer:
    """Base class: ``dumps`` for request bodies, ``loads`` for response bodies."""

    mimetype: ClassVar[str] = ""

    def loads(self, s: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError()

    def dumps(self, data: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError()


class TextSerializer(Serializer):
    mimetype: ClassVar[str] = "text/plain"

    def loads(self, s: Any) -> Any:
        return s

    def dumps(self, data: Any) -> Any:
        if isinstance(data, (str, bytes)):
            return data
        raise SerializationError(f"Cannot serialize {data!r} into text.")


class JSONSerializer(Serializer):
    """JSON with the standard library, compact and without ASCII escaping."""

    mimetype: ClassVar[str] = "application/json"

    def default(self, data: Any) -> Any:
        """Converts values ``json`` can't: dates, Decimal, UUID, numpy and pandas values."""
        try:
            return _VALUE_CONVERTER.default(data)
        except elastic_transport.SerializationError:
            raise TypeError(f"Unable to serialize {data!r} (type: {type(data)})") from None

    def loads(self, s: Any) -> Any:
        try:
            return json.loads(s)
        except (ValueError, TypeError) as e:
            raise SerializationError(s, e) from None

    def dumps(self, data: Any) -> Any:
        if isinstance(data, (str, bytes)):
            return data
        try:
            return json.dumps(data, default=self.default, ensure_ascii=False, separators=(",", ":"))
        except (ValueError, TypeError) as e:
            raise SerializationError(data, e) from None


class MapboxVectorTileSerializer(Serializer):
    """Vector tiles are binary: passed through as bytes both ways."""

    mimetype: ClassVar[str] = "application/vnd.mapbox-vector-tile"

    def loads(self, s: Any) -> Any:
        return s

    def dumps(self, data: Any) -> Any:
        if isinstance(data, (str, bytes)):
            return data
        raise SerializationError(f"Cannot serialize {data!r} into a MapBox vector tile")


DEFAULT_SERIALIZERS: dict[str, Serializer] = {
    JSONSerializer.mimetype: JSONSerializer(),
    TextSerializer.mimetype: TextSerializer(),
    MapboxVectorTileSerializer.mimetype: MapboxVectorTileSerializer(),
}


class Deserializer:
    """Picks the serializer for a response's Content-Type and decodes the body with it."""

    def __init__(
        self, serializers: Mapping[str, Serializer], default_mimetype: str = "application/json"
    ) -> None:
        try:
            self.default = serializers[default_mimetype]
        except KeyError:
            raise ImproperlyConfigured(f"Cannot find default serializer ({default_mimetype})") from None
        self.serializers = dict(serializers)

    def loads(self, s: Any, mimetype: str | None = None) -> Any:
        """Decodes ``s`` (text, or bytes straight from the network) as ``mimetype`` says.

        Bytes are decoded as UTF-8 first, except for binary mimetypes such as vector tiles.
        ``application/vnd.elasticsearch+json`` (compatibility mode) counts as JSON; a mimetype
        without a serializer (``text/html`` from a proxy, say) raises ``SerializationError``.
        """
        base = base_mimetype(mimetype)
        if base is None:
            serializer = self.default
        else:
            found = self.serializers.get(base)
            if found is None:
                raise SerializationError(f"Unknown mimetype, unable to deserialize: {base}")
            serializer = found
        if isinstance(s, bytes) and base not in BINARY_MIMETYPES:
            s = s.decode("utf-8", "surrogatepass")
        return serializer.loads(s)


if TYPE_CHECKING:  # built on first use (see __getattr__)
    INTEGER_TYPES: tuple[type, ...]
    FLOAT_TYPES: tuple[type, ...]
    TIME_TYPES: tuple[type, ...]
else:  # hidden from type checkers: a misspelled name stays an error there

    def __getattr__(name: str) -> Any:
        return type_tuple(__name__, name)  # INTEGER_TYPES, FLOAT_TYPES, TIME_TYPES
