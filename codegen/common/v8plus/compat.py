"""Small helpers older user code imports from ``<package>.compat``, with the official signatures
(``to_str``/``to_bytes`` take ``x`` and default to ASCII here, unlike ``elastic_transport``'s)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any

from ._stacklevel import warn_stacklevel

string_types = (str, bytes)

__all__ = ["safe_task", "safe_thread", "string_types", "to_bytes", "to_str", "warn_stacklevel"]


def to_str(x: str | bytes, encoding: str = "ascii") -> str:
    return x.decode(encoding) if isinstance(x, bytes) else x


def to_bytes(x: str | bytes, encoding: str = "ascii") -> bytes:
    return x.encode(encoding) if isinstance(x, str) else x


@contextlib.contextmanager
def safe_thread(target: Callable[..., Any], *args: Any, **kwargs: Any) -> Iterator[threading.Thread]:
    """Runs ``target`` in a thread for the duration of the block; leaving the block joins it and
    raises, in the caller, whatever the thread raised."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            target(*args, **kwargs)
        except BaseException as e:  # handed to the caller after the join
            failure.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield thread
    finally:
        thread.join()
    if failure:
        raise failure[0]


@contextlib.asynccontextmanager
async def safe_task(coro: Coroutine[Any, Any, Any]) -> AsyncIterator[asyncio.Task[Any]]:
    """Runs ``coro`` as a task for the duration of the block; leaving the block awaits it, so
    its exception is raised in the caller."""
    task = asyncio.create_task(coro)
    try:
        yield task
    finally:
        await task
