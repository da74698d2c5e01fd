"""The DSL's errors: one root class, so callers can catch everything the DSL raises."""

from __future__ import annotations

__all__ = ["ElasticsearchDslException", "IllegalOperation", "UnknownDslObject", "ValidationException"]


class ElasticsearchDslException(Exception):
    """Root of every error the DSL raises itself."""


class UnknownDslObject(ElasticsearchDslException):
    """A query, aggregation, field, analysis or score function name that is not registered."""


class ValidationException(ValueError, ElasticsearchDslException):
    """A document or field value that fails cleaning; a ValueError too, as bad input is."""


class IllegalOperation(ElasticsearchDslException):
    """An operation the object's state does not allow (e.g. saving a document without an index)."""
