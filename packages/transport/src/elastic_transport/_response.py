"""Response objects: the deserialized body plus ``meta``; they behave like their body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar

from ._models import ApiResponseMeta

_BodyT = TypeVar("_BodyT")
_ItemT = TypeVar("_ItemT")


class ApiResponse(Generic[_BodyT]):
    """Base class. Compares equal to, and can be used in place of, its body."""

    __slots__ = ("_body", "_meta")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Accepts (body, meta) positionally, or meta= with body= (or its older name raw=) as
        # keywords; body_cls= is accepted and ignored, as the official transport does.
        if not args and len(kwargs) == 2 and "body" in kwargs and "meta" in kwargs:
            self._body: _BodyT = kwargs["body"]  # the way the clients build every response
            self._meta: ApiResponseMeta = kwargs["meta"]
            return
        kwargs.pop("body_cls", None)
        if len(args) == 2 and not kwargs:
            body, meta = args
        elif not args and len(kwargs) == 2 and "meta" in kwargs and ("body" in kwargs or "raw" in kwargs):
            body = kwargs["body"] if "body" in kwargs else kwargs["raw"]
            meta = kwargs["meta"]
        else:
            raise TypeError("Must pass 'meta' and 'body' to ApiResponse")
        self._body = body
        self._meta = meta

    @property
    def body(self) -> _BodyT:
        return self._body

    @property
    def raw(self) -> _BodyT:
        """Older name of ``body``."""
        return self._body

    @property
    def meta(self) -> ApiResponseMeta:
        return self._meta

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._body!r})"

    def __str__(self) -> str:
        return str(self._body)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ApiResponse):
            other = other.body
        return bool(self._body == other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # mutable body, like dict and list

    def __contains__(self, item: Any) -> bool:
        return item in self._body  # type: ignore[operator]

    def __getitem__(self, item: Any) -> Any:
        return self._body[item]  # type: ignore[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._body)  # type: ignore[call-overload,no-any-return]

    def __len__(self) -> int:
        return len(self._body)  # type: ignore[arg-type]

    def __bool__(self) -> bool:
        return bool(self._body)

    def __getattr__(self, name: str) -> Any:
        # Whatever the body has (dict.copy(), str.lower(), bytes.decode(), ...) works on the
        # response too. Only reached for names the class lacks, so it costs normal lookups nothing.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._body, name)

    def __getstate__(self) -> tuple[Any, ApiResponseMeta]:
        return self._body, self._meta

    def __setstate__(self, state: tuple[Any, ApiResponseMeta]) -> None:
        self._body, self._meta = state


class ObjectApiResponse(ApiResponse[dict[str, Any]], Generic[_ItemT]):
    """A JSON object body; a read-only mapping."""

    __slots__ = ()

    def __getitem__(self, item: str) -> Any:
        return self._body[item]

    def __iter__(self) -> Iterator[str]:
        return iter(self._body)

    def keys(self) -> Any:
        return self._body.keys()

    def values(self) -> Any:
        return self._body.values()

    def items(self) -> Any:
        return self._body.items()

    def get(self, key: str, default: Any = None) -> Any:
        return self._body.get(key, default)


class ListApiResponse(ApiResponse[list[Any]], Generic[_ItemT]):
    """A JSON array body; a read-only sequence."""

    __slots__ = ()


class TextApiResponse(ApiResponse[str]):
    """A text body (cat APIs with format=txt, for example)."""

    __slots__ = ()


class BinaryApiResponse(ApiResponse[bytes]):
    """A binary body (e.g. a CBOR or vector tile answer)."""

    __slots__ = ()

    def __bytes__(self) -> bytes:
        return self._body


class HeadApiResponse(ApiResponse[bool]):
    """Answer to a HEAD request: true for a 2xx status, false otherwise."""

    __slots__ = ()

    def __init__(self, meta: ApiResponseMeta) -> None:
        super().__init__(body=200 <= meta.status < 300, meta=meta)
