"""Small helpers that other libraries built on the official transport import from here.

Not imported by the transport itself, so it costs ``import elastic_transport`` nothing.
"""

from __future__ import annotations

import inspect
from asyncio import get_running_loop
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

__all__ = ["await_if_coro", "get_running_loop", "string_types", "warn_stacklevel"]

T = TypeVar("T")

string_types = (str, bytes)

_PACKAGE_DIR = str(Path(__file__).parent)


async def await_if_coro(value: T | Awaitable[T]) -> T:
    """``value`` itself, or what it resolves to when it is awaitable: one call site for a sync
    and an async node's results."""
    if inspect.isawaitable(value):
        return await value
    return value


def warn_stacklevel() -> int:
    """The ``stacklevel`` for ``warnings.warn`` that points at the first frame outside this
    package, so a warning names the caller's line rather than the transport's."""
    frame = inspect.currentframe()
    level = 0
    try:
        while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
            frame = frame.f_back
            level += 1
    finally:
        del frame
    return max(level, 1)
