"""Errors and warnings of the API client: one ApiError subclass per notable HTTP status."""

from __future__ import annotations

from typing import Any

from elastic_transport import ApiError as _TransportApiError
from elastic_transport import (
    ConnectionError,
    ConnectionTimeout,
    SerializationError,
    TransportError,
    TransportWarning,
)
from elastic_transport import TlsError as SSLError

__all__ = [
    "HTTP_EXCEPTIONS",
    "ApiError",
    "AuthenticationException",
    "AuthorizationException",
    "BadRequestError",
    "ConflictError",
    "ConnectionError",
    "ConnectionTimeout",
    "ElasticsearchDeprecationWarning",
    "ElasticsearchWarning",
    "GeneralAvailabilityWarning",
    "NotFoundError",
    "RequestError",
    "SSLError",
    "SerializationError",
    "TransportError",
    "TransportWarning",
    "UnsupportedProductError",
]


class ApiError(_TransportApiError):
    """The server answered with an error status (4xx/5xx)."""

    @property
    def status_code(self) -> int:
        """Older name of ``status``."""
        return self.meta.status

    @property
    def error(self) -> str:
        """The error type Elasticsearch reported, e.g. ``index_not_found_exception``."""
        return self.message

    @property
    def info(self) -> Any:
        """Older name of ``body``."""
        return self.body

    def __str__(self) -> str:
        cause = ""
        body = self.body
        if isinstance(body, dict) and "error" in body:
            error = body["error"]
            if isinstance(error, dict):
                # Only the first root cause is shown, and only when it has a reason.
                root_causes = error.get("root_cause")
                first = root_causes[0] if isinstance(root_causes, list) and root_causes else None
                if isinstance(first, dict) and "reason" in first:
                    details = [repr(first["reason"])]
                    details += [str(first[k]) for k in ("resource.id", "resource.type") if first.get(k)]
                    caused_by = error.get("caused_by")  # the deeper reason, as the server says it
                    if isinstance(caused_by, dict) and caused_by.get("reason"):
                        details.append(str(caused_by["reason"]))
                    cause = ", ".join(details)
            else:
                cause = repr(error)
        parts = [str(self.meta.status), repr(self.message)]
        if cause:
            parts.append(cause)
        return f"{type(self).__name__}({', '.join(parts)})"


class UnsupportedProductError(ApiError):
    """The server answered but did not say it is Elasticsearch (X-Elastic-Product header)."""

    def __str__(self) -> str:
        return self.message


class NotFoundError(ApiError):
    """HTTP 404."""


class ConflictError(ApiError):
    """HTTP 409, e.g. a version conflict."""


class BadRequestError(ApiError):
    """HTTP 400."""


class AuthenticationException(ApiError):
    """HTTP 401."""


class AuthorizationException(ApiError):
    """HTTP 403."""


class ElasticsearchWarning(TransportWarning):
    """A warning the server sent in a ``Warning`` header, such as a deprecation."""


class GeneralAvailabilityWarning(TransportWarning):
    """The API called is experimental or beta and may change."""


# Older names kept so existing ``except`` clauses keep working.
RequestError = BadRequestError
ElasticsearchDeprecationWarning = ElasticsearchWarning

HTTP_EXCEPTIONS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationException,
    403: AuthorizationException,
    404: NotFoundError,
    409: ConflictError,
}
