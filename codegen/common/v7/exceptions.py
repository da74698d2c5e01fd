"""The 7.x exception hierarchy, and the translation from the shared transport's errors.

``TransportError`` keeps the 7.x shape: ``args`` are ``(status_code, error, info)``, so
``e.status_code``, ``e.error`` and ``e.info`` work as before, and so does ``repr``.
Connection-level failures have the status code ``"N/A"`` (``"TIMEOUT"`` for timeouts) and
the underlying exception as ``info``.
"""

from __future__ import annotations

import json
from typing import Any

import elastic_transport

__all__ = [
    "HTTP_EXCEPTIONS",
    "AuthenticationException",
    "AuthorizationException",
    "ConflictError",
    "ConnectionError",
    "ConnectionTimeout",
    "ElasticsearchDeprecationWarning",
    "ElasticsearchException",
    "ElasticsearchWarning",
    "ImproperlyConfigured",
    "ImproperlyConfiguredValue",
    "NotFoundError",
    "RequestError",
    "SSLError",
    "SerializationError",
    "TransportError",
    "UnsupportedProductError",
]


class ImproperlyConfigured(Exception):
    """The client was given a configuration it can't work with."""


class ImproperlyConfiguredValue(ImproperlyConfigured, ValueError):
    """A configuration value the client can't use (an empty host, a timeout that is not a
    number, ...). Also a ``ValueError``, which is what 7.x raised for many of these, so
    programs catching either keep working."""


class ElasticsearchException(Exception):
    """Base class of every error this client raises about a request."""


class SerializationError(ElasticsearchException):
    """A body could not be serialized, or a response body could not be parsed."""


class UnsupportedProductError(ElasticsearchException):
    """The server did not identify itself as a supported Elasticsearch (the 7.14+ product check)."""


class TransportError(ElasticsearchException):
    """The server answered with an error status, or no answer could be had.

    Missing arguments read as ``None`` rather than failing, so partially built
    instances (as in user test code) still print.
    """

    @property
    def status_code(self) -> Any:
        """The HTTP status, or ``"N/A"``/``"TIMEOUT"`` when there was no answer."""
        return self.args[0] if self.args else None

    @property
    def error(self) -> Any:
        """The error type Elasticsearch reported (e.g. ``index_not_found_exception``) or the raw body."""
        return self.args[1] if len(self.args) > 1 else None

    @property
    def info(self) -> Any:
        """The deserialized error body, or the underlying exception for connection errors."""
        return self.args[2] if len(self.args) > 2 else None

    def __str__(self) -> str:
        cause = ""
        info = self.info
        try:
            if isinstance(info, dict) and "error" in info:
                if isinstance(info["error"], dict):
                    root_cause = info["error"]["root_cause"][0]
                    cause = ", ".join(
                        filter(
                            None,
                            [
                                repr(root_cause["reason"]),
                                root_cause.get("resource.id"),
                                root_cause.get("resource.type"),
                            ],
                        )
                    )
                else:
                    cause = repr(info["error"])
        except (LookupError, TypeError):
            pass
        parts = [str(self.status_code), repr(self.error) if len(self.args) > 1 else "", cause]
        return f"{type(self).__name__}({', '.join(filter(None, parts))})"


class ConnectionError(TransportError):
    """No answer: the node could not be reached or dropped the connection."""

    def __str__(self) -> str:
        # 7.x prints "ConnectionError" for SSLError too; kept so log parsers keep matching.
        info = self.info
        return f"ConnectionError({self.error}) caused by: {type(info).__name__}({info})"


class SSLError(ConnectionError):
    """The TLS handshake failed: bad certificate, hostname or fingerprint mismatch."""


class ConnectionTimeout(ConnectionError):
    """The node did not answer within the request timeout."""

    def __str__(self) -> str:
        info = self.info
        return f"ConnectionTimeout caused by - {type(info).__name__}({info})"


class NotFoundError(TransportError):
    """HTTP 404."""


class ConflictError(TransportError):
    """HTTP 409."""


class RequestError(TransportError):
    """HTTP 400."""


class AuthenticationException(TransportError):
    """HTTP 401."""


class AuthorizationException(TransportError):
    """HTTP 403."""


class ElasticsearchWarning(Warning):
    """A warning the server sent in a ``Warning`` response header (often a deprecation)."""


# 7.x kept the old name as an alias of the same class.
ElasticsearchDeprecationWarning = ElasticsearchWarning

HTTP_EXCEPTIONS: dict[int, type[TransportError]] = {
    400: RequestError,
    401: AuthenticationException,
    403: AuthorizationException,
    404: NotFoundError,
    409: ConflictError,
}


def http_error(status: int, raw: str) -> TransportError:
    """The exception for an error status, built the 7.x way from the raw response body.

    The body is parsed as JSON whatever its content type; ``error`` is the reported error
    type when there is one, else the ``error`` value, else the raw body.
    """
    error: Any = raw
    info: Any = None
    if raw:
        try:
            info = json.loads(raw)
        except ValueError:
            info = None
    if isinstance(info, dict):
        error = info.get("error", error)
        if isinstance(error, dict) and "type" in error:
            error = error["type"]
    return HTTP_EXCEPTIONS.get(status, TransportError)(status, error, info)


def from_transport_error(error: Exception) -> Exception:
    """Translates an ``elastic_transport`` exception into its 7.x counterpart.

    ``info`` is the HTTP library's own exception when the transport recorded one, as 7.x
    exposed it.
    """
    if isinstance(error, elastic_transport.SerializationError):
        return SerializationError(error.raw if error.raw is not None else str(error), error)
    if not isinstance(error, elastic_transport.TransportError):
        return error
    cause: Exception = error.errors[0] if error.errors else error
    if isinstance(cause, TransportError):  # raised by a connection class of the user's: as is
        return cause
    message = str(cause) if error.errors else str(error.message)
    if isinstance(error, elastic_transport.ConnectionTimeout):
        return ConnectionTimeout("TIMEOUT", message, cause)
    if isinstance(error, elastic_transport.TlsError):
        return SSLError("N/A", message, cause)
    if isinstance(error, elastic_transport.ConnectionError):
        return ConnectionError("N/A", message, cause)
    return TransportError("N/A", str(error), error)
