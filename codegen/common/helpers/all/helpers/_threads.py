"""The threads of the sync helpers, which the asyncio ones do with tasks instead (their
counterparts are the async-only blocks of ``_async/helpers.py``)."""

from __future__ import annotations

import collections
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from ._engine import TICK

T = TypeVar("T")
R = TypeVar("R")


def timed(actions: Iterable[Any], seconds: float) -> Iterator[Any]:
    """The actions, read in a thread, with ``TICK`` whenever ``seconds`` pass without one."""
    box: queue.Queue[tuple[int, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(entry: tuple[int, Any]) -> bool:
        while not stop.is_set():
            try:
                box.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for data in actions:
                if not put((0, data)):
                    return
        except BaseException as e:  # handed to the consumer, never lost in this thread
            put((2, e))
        else:
            put((1, None))

    threading.Thread(target=read, name="bulk-actions-reader", daemon=True).start()
    timeout: float | None = seconds
    try:
        while True:
            try:
                kind, data = box.get(timeout=timeout)
            except queue.Empty:
                timeout = None  # one flush per quiet spell
                yield TICK
                continue
            timeout = seconds
            if kind == 0:
                yield data
            elif kind == 1:
                return
            else:
                raise data
    finally:
        stop.set()


def in_order(
    work: Callable[[T], R], items: Iterable[T], thread_count: int, queue_size: int
) -> Generator[R, None, None]:
    """``work(item)`` for every item on ``thread_count`` threads, the results in the order of
    the items; at most ``thread_count + queue_size`` items taken ahead of the results."""
    in_flight: collections.deque[Future[R]] = collections.deque()
    limit = max(1, thread_count) + max(1, queue_size)
    with ThreadPoolExecutor(max_workers=max(1, thread_count), thread_name_prefix="parallel_bulk") as pool:
        try:
            for item in items:
                in_flight.append(pool.submit(work, item))
                if len(in_flight) >= limit:
                    yield in_flight.popleft().result()
            while in_flight:
                yield in_flight.popleft().result()
        finally:
            for future in in_flight:
                future.cancel()
