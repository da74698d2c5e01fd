"""Every exception and warning the transport raises, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._models import ApiResponseMeta


class TransportWarning(Warning):
    """Base class for warnings issued by the transport."""


class SecurityWarning(TransportWarning):
    """Issued when TLS verification is turned off or weakened."""


class TransportError(Exception):
    """A request could not be completed: no answer, or an answer we could not use.

    ``errors`` holds the failures of earlier attempts when the request was retried.
    """

    def __init__(self, message: Any, errors: tuple[Exception, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.errors = tuple(errors)

    def __repr__(self) -> str:
        parts = [repr(self.message)]
        if self.errors:
            parts.append(f"errors={self.errors!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __str__(self) -> str:
        return str(self.message)


class SniffingError(TransportError):
    """Sniffing for nodes failed or found no nodes."""


class SerializationError(TransportError):
    """A body could not be serialized, or a response body could not be parsed.

    ``raw`` keeps the bytes that failed to parse, so nothing the server sent is lost.
    """

    def __init__(self, message: Any, errors: tuple[Exception, ...] = (), raw: bytes | None = None) -> None:
        super().__init__(message, errors)
        self.raw = raw


def _cause(error: TransportError) -> str:
    """Names the underlying error when there is one, else the message."""
    if error.errors:
        first = error.errors[0]
        return f"{type(first).__name__}({first})"
    return str(error.message)


class ConnectionError(TransportError):
    """The node could not be reached or dropped the connection."""

    def __str__(self) -> str:
        return f"Connection error caused by: {_cause(self)}"


class TlsError(ConnectionError):
    """The TLS handshake failed: bad certificate, hostname or fingerprint mismatch."""

    def __str__(self) -> str:
        return f"TLS error caused by: {_cause(self)}"


class ConnectionTimeout(TransportError):
    """The node did not answer within the request timeout."""

    def __str__(self) -> str:
        return f"Connection timeout caused by: {_cause(self)}"


class RequestDeadlineExceeded(ConnectionTimeout):
    """The request's ``request_deadline`` ran out; ``errors`` holds the attempts' failures."""

    def __str__(self) -> str:
        return f"Connection timeout caused by: {self.message}"


class TransportClosed(ConnectionError):
    """``close()`` was called while the request waited to retry."""

    def __str__(self) -> str:
        return f"Connection error caused by: {self.message}"


class ApiError(Exception):
    """The server answered with an error status; raised by the API clients."""

    def __init__(
        self,
        message: str,
        meta: ApiResponseMeta,
        body: Any,
        errors: tuple[Exception, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.meta = meta
        self.body = body
        self.errors = tuple(errors)

    @property
    def status(self) -> int:
        return self.meta.status

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, meta={self.meta!r}, body={self.body!r})"

    def __str__(self) -> str:
        return f"[{self.meta.status}] {self.message}"
