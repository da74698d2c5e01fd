"""Turning bodies into bytes and back, chosen by mimetype."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Mapping
from typing import Any, ClassVar

from ._exceptions import SerializationError


class Serializer:
    """Base class: ``dumps`` to bytes for a request, ``loads`` from bytes of a response."""

    mimetype: ClassVar[str] = ""

    def loads(self, data: bytes) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError()

    def dumps(self, data: Any) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError()


class TextSerializer(Serializer):
    mimetype: ClassVar[str] = "text/*"

    def loads(self, data: bytes) -> str:
        if isinstance(data, str):
            return data
        try:
            return data.decode("utf-8", "surrogatepass")
        except UnicodeError as e:
            raise SerializationError(
                f"Unable to deserialize as text: {data!r}", errors=(e,), raw=data
            ) from None

    def dumps(self, data: Any) -> bytes:
        if isinstance(data, bytes):
            return data
        if isinstance(data, str):
            return data.encode("utf-8", "surrogatepass")
        raise SerializationError(f"Unable to serialize to text: {data!r}")


def _numpy_or_pandas(data: Any) -> tuple[bool, Any]:
    """Converts numpy/pandas values when those libraries are already imported by the user."""
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(data, np.bool_):
            return True, bool(data)
        if isinstance(data, np.integer):
            return True, int(data)
        if isinstance(data, np.floating):
            return True, float(data)
        if isinstance(data, np.ndarray):
            return True, data.tolist()
        if isinstance(data, np.datetime64):
            return True, str(data)
    pd = sys.modules.get("pandas")
    if pd is not None:
        if isinstance(data, (pd.Series, pd.Categorical)):
            return True, data.tolist()
        if isinstance(data, pd.Timestamp) and data is not getattr(pd, "NaT", None):
            return True, data.isoformat()
        if data is getattr(pd, "NA", object()):
            return True, None
    return False, None


def _refuse_pandas_nat(data: Any) -> None:
    """pandas.NaT ("not a time") is a datetime subclass with no date: refused, not sent as "NaT"."""
    pd = sys.modules.get("pandas")
    if pd is not None and data is getattr(pd, "NaT", None):
        raise SerializationError(f"Unable to serialize to JSON: {data!r} (type: {type(data).__name__})")


def _no_fast_loads(data: bytes) -> Any:  # pragma: no cover - a marker, never called
    raise NotImplementedError()


_NO_FAST_LOADS = _no_fast_loads
_fast_loads: Any = None  # orjson.loads when orjson is installed, else _NO_FAST_LOADS; found on first use


def _find_fast_loads() -> Any:
    """``orjson.loads`` if orjson is installed: several times faster than ``json.loads``.

    For every document orjson accepts it returns what ``json.loads`` returns; for the few
    that it refuses but the standard library reads (NaN, integers beyond 64 bits, a UTF-8
    BOM, UTF-16), the caller falls back to ``json.loads``, so results and errors are the same.
    """
    global _fast_loads
    try:
        import orjson
    except ImportError:
        _fast_loads = _NO_FAST_LOADS
    else:
        _fast_loads = orjson.loads
    return _fast_loads


class JsonSerializer(Serializer):
    """JSON with the standard library; also knows dates, Decimal, UUID, numpy and pandas."""

    mimetype: ClassVar[str] = "application/json"

    def default(self, data: Any) -> Any:
        # A date, UUID or Decimal can only exist once its module is imported: look them up
        # instead of importing datetime, uuid and decimal with the transport.
        modules = sys.modules
        _refuse_pandas_nat(data)
        datetime = modules.get("datetime")
        if datetime is not None and isinstance(data, (datetime.date, datetime.time)):
            return data.isoformat()
        uuid = modules.get("uuid")
        if uuid is not None and isinstance(data, uuid.UUID):
            return str(data)
        decimal = modules.get("decimal")
        if decimal is not None and isinstance(data, decimal.Decimal):
            return float(data)
        if dataclasses.is_dataclass(data) and not isinstance(data, type):
            return dataclasses.asdict(data)
        converted, value = _numpy_or_pandas(data)
        if converted:
            return value
        raise SerializationError(f"Unable to serialize to JSON: {data!r} (type: {type(data).__name__})")

    def json_dumps(self, data: Any) -> bytes:
        return json.dumps(data, default=self.default, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass"
        )

    def json_loads(self, data: bytes) -> Any:
        fast = _fast_loads or _find_fast_loads()
        if fast is not _NO_FAST_LOADS:
            try:
                return fast(data)
            except ValueError:
                pass  # not for orjson (NaN, huge integers, a BOM, ...): the standard library decides
        return json.loads(data)

    def loads(self, data: bytes) -> Any:
        # An empty body is no JSON document: SerializationError, as in the official transport
        # (the transport decodes an empty response body to None before it gets here).
        try:
            return self.json_loads(data)
        except (ValueError, TypeError) as e:
            shown = data[:200] if isinstance(data, (bytes, bytearray, str)) else data
            raise SerializationError(
                f"Unable to deserialize as JSON: {shown!r}", errors=(e,), raw=data
            ) from None

    def dumps(self, data: Any) -> bytes:
        if isinstance(data, str):
            return data.encode("utf-8", "surrogatepass")
        if isinstance(data, bytes):
            return data
        try:
            return self.json_dumps(data)
        except SerializationError:
            raise
        except (ValueError, TypeError) as e:
            raise SerializationError(
                f"Unable to serialize to JSON: {data!r} (type: {type(data).__name__})", errors=(e,)
            ) from None


class OrjsonSerializer(JsonSerializer):
    """JSON through orjson: several times faster for large bodies."""

    def __init__(self) -> None:
        import orjson  # an optional extra: fail here, with a clear ImportError, if missing

        self._orjson = orjson
        self._options = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_PASSTHROUGH_DATACLASS

    def default(self, data: Any) -> Any:
        _refuse_pandas_nat(data)
        datetime = sys.modules.get("datetime")
        if datetime is not None and isinstance(data, (datetime.datetime, datetime.date, datetime.time)):
            return data.isoformat()
        return super().default(data)

    def json_dumps(self, data: Any) -> bytes:
        return self._orjson.dumps(data, default=self.default, option=self._options)  # type: ignore[no-any-return]

    def json_loads(self, data: bytes) -> Any:
        return self._orjson.loads(data)


class NdjsonSerializer(JsonSerializer):
    """Newline-delimited JSON for bulk-style bodies: a list of objects or pre-serialized lines."""

    mimetype: ClassVar[str] = "application/x-ndjson"

    def loads(self, data: bytes) -> Any:
        return [JsonSerializer.loads(self, line) for line in data.splitlines() if line.strip()]

    def dumps(self, data: Any) -> bytes:
        if isinstance(data, (bytes, str)):
            data = (data,)
        lines: list[bytes] = []
        for item in data:
            line = JsonSerializer.dumps(self, item)
            lines.append(line if line.endswith(b"\n") else line + b"\n")
        return b"".join(lines)


DEFAULT_SERIALIZERS: dict[str, Serializer] = {
    JsonSerializer.mimetype: JsonSerializer(),
    TextSerializer.mimetype: TextSerializer(),
    NdjsonSerializer.mimetype: NdjsonSerializer(),
}


def _normalize_mimetype(mimetype: str) -> str:
    """``application/vnd.elasticsearch+json; compatible-with=8`` -> ``application/json``."""
    base = mimetype.partition(";")[0].strip().lower()
    if base.startswith("application/vnd.elasticsearch+"):
        base = "application/" + base[len("application/vnd.elasticsearch+") :]
    return base


class SerializerCollection:
    """Picks the serializer for a mimetype; ``text/*`` covers every text type."""

    def __init__(
        self,
        serializers: Mapping[str, Serializer] | None = None,
        default_mimetype: str = "application/json",
    ) -> None:
        # None means the defaults; a mapping is taken as the whole set (the transport merges
        # its serializers into the defaults itself).
        self.serializers: dict[str, Serializer] = dict(
            DEFAULT_SERIALIZERS if serializers is None else serializers
        )
        self._lookup = {_normalize_mimetype(k): v for k, v in self.serializers.items()}
        self._lookup.update(self.serializers)
        try:
            self.default_serializer = self.get_serializer(default_mimetype)
        except SerializationError:
            raise ValueError(
                f"Must configure a serializer for the default mimetype {default_mimetype!r}"
            ) from None
        self.default_mimetype = default_mimetype

    def get_serializer(self, mimetype: str | None) -> Serializer:
        if mimetype is None:
            return self.default_serializer
        serializer = self._lookup.get(mimetype)
        if serializer is not None:
            return serializer
        normalized = _normalize_mimetype(mimetype)
        serializer = self._lookup.get(normalized) or (
            self._lookup.get("text/*") if normalized.startswith("text/") else None
        )
        if serializer is None:
            raise SerializationError(f"Unknown mimetype, not able to serialize or deserialize: {normalized}")
        self._lookup[mimetype] = serializer
        return serializer

    def dumps(self, data: Any, mimetype: str | None = None) -> bytes:
        return self.get_serializer(mimetype).dumps(data)

    def loads(self, data: bytes, mimetype: str | None = None) -> Any:
        return self.get_serializer(mimetype).loads(data)
