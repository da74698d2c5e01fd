"""The two errors the helpers raise, shaped as the official 8.x and later clients shape them:
derived from ``Exception``, the message alone in ``args`` and ``errors`` an attribute. Both
pickle, so they cross process boundaries intact. (7.x: ``helpers/v7/helpers/errors.py``.)
"""

from __future__ import annotations

from typing import Any

__all__ = ["BulkIndexError", "ScanError"]


class BulkIndexError(Exception):
    """Actions of a bulk that failed: ``errors`` has one ``{op_type: item}`` per action,
    the document under ``"data"``, so nothing is lost."""

    def __init__(self, message: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.errors: list[dict[str, Any]] = errors

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.args[0], self.errors))


class ScanError(Exception):
    """A scroll page came from fewer shards than the search covers."""

    scroll_id: str

    def __init__(self, scroll_id: str, *args: Any) -> None:
        super().__init__(*args)
        self.scroll_id = scroll_id

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.scroll_id, *self.args))
