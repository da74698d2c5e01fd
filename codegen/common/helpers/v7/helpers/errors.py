"""The two errors the helpers raise, shaped as the official 7.x client shapes them: derived
from ``ElasticsearchException``, ``(message, errors)`` kept in ``args``. Both pickle, so they
cross process boundaries intact. (8.x and later: ``helpers/v8plus/helpers/errors.py``.)
"""

from __future__ import annotations

from typing import Any

from ..exceptions import ElasticsearchException

__all__ = ["BulkIndexError", "ScanError"]


class BulkIndexError(ElasticsearchException):
    """Actions of a bulk that failed: ``errors`` has one ``{op_type: item}`` per action,
    the document under ``"data"``, so nothing is lost."""

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.args[1]  # type: ignore[no-any-return]


class ScanError(ElasticsearchException):
    """A scroll page came from fewer shards than the search covers."""

    def __init__(self, scroll_id: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scroll_id = scroll_id

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.scroll_id, *self.args))
