"""The two errors the helpers raise, shaped as each major's official client shapes them.

7.x derives them from ``ElasticsearchException`` and keeps ``(message, errors)`` in
``args``; 8.x and later derive from ``Exception`` with the message alone in ``args`` and
``errors`` as an attribute. Both pickle, so they cross process boundaries intact.
"""

from __future__ import annotations

from typing import Any

from .. import _profile

__all__ = ["BulkIndexError", "ScanError"]

if _profile.API_STYLE == "legacy":
    from ..exceptions import ElasticsearchException  # type: ignore[attr-defined]

    class BulkIndexError(ElasticsearchException):  # type: ignore[misc]
        """Actions of a bulk that failed: ``errors`` has one ``{op_type: item}`` per action,
        the document under ``"data"``, so nothing is lost."""

        @property
        def errors(self) -> list[dict[str, Any]]:
            return self.args[1]  # type: ignore[no-any-return]

    class ScanError(ElasticsearchException):  # type: ignore[misc]
        """A scroll page came from fewer shards than the search covers."""

        def __init__(self, scroll_id: str, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.scroll_id = scroll_id

        def __reduce__(self) -> tuple[Any, ...]:
            return (type(self), (self.scroll_id, *self.args))

else:

    class BulkIndexError(Exception):  # type: ignore[no-redef]
        """Actions of a bulk that failed: ``errors`` has one ``{op_type: item}`` per action,
        the document under ``"data"``, so nothing is lost."""

        def __init__(self, message: str, errors: list[dict[str, Any]]) -> None:
            super().__init__(message)
            self.errors: list[dict[str, Any]] = errors

        def __reduce__(self) -> tuple[Any, ...]:
            return (type(self), (self.args[0], self.errors))

    class ScanError(Exception):  # type: ignore[no-redef]
        """A scroll page came from fewer shards than the search covers."""

        scroll_id: str

        def __init__(self, scroll_id: str, *args: Any) -> None:
            super().__init__(*args)
            self.scroll_id = scroll_id

        def __reduce__(self) -> tuple[Any, ...]:
            return (type(self), (self.scroll_id, *self.args))
