"""The request loop: node selection, retries with backoff, dead nodes, sniffing.

Configuration, request preparation, retry decisions and decoding come from
``TransportBase`` (``_transport_base.py``).
"""

# unasync: async-only
# The source of _transport.py (Transport), its sync twin (codegen/unasync.py). The flavours
# differ only in how a sniff is scheduled: here it runs as a background task, in the sync
# twin inline, one thread at a time.
# unasync: end

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Collection, Mapping
from typing import Any, cast

from ._exceptions import SniffingError, TransportError
from ._models import NodeConfig, SniffOptions, TransportApiResponse
from ._node._base import BaseAsyncNode, BaseNode
from ._otel import OpenTelemetrySpan
from ._transport_base import (  # noqa: F401 (also importable from here, as in the official package)
    DEFAULT_CLIENT_META_SERVICE,
    NOT_DEAD_NODE_HTTP_STATUSES,
    TransportBase,
    backoff_time,
)
from .client_utils import DEFAULT, DefaultType

logger = logging.getLogger("elastic_transport.transport")


class AsyncTransport(TransportBase):
    """Sends requests to a pool of nodes, with retries, dead-node backoff and sniffing.

    ``Transport`` is safe to share between threads. ``AsyncTransport`` belongs to one event
    loop and may be created outside it: its initial sniff then runs before the first request.
    """

    # unasync: async-only (an async transport drives async nodes, and sniffs in a task)
    _is_async = True

    def __init__(
        self, node_configs: list[NodeConfig], node_class: str | type[BaseNode] = "aiohttp", **kwargs: Any
    ) -> None:
        super().__init__(node_configs, node_class, **kwargs)
        self._initial_sniff_pending = self._sniff_on_start
        self._initial_sniff_lock = asyncio.Lock()
        self._sniff_task: asyncio.Task[None] | None = None
        # Closes of nodes that sniffing dropped; kept so they aren't garbage-collected mid-way.
        self._closing: set[asyncio.Task[None]] = set()

    # unasync: end
    # unasync: sync-only (the initial sniff runs here; later ones one thread at a time)
    # def __init__(
    #     self, node_configs: list[NodeConfig], node_class: str | type[BaseNode] = "urllib3", **kwargs: Any
    # ) -> None:
    #     super().__init__(node_configs, node_class, **kwargs)
    #     if self._sniff_on_start:
    #         self.sniff(True)
    # unasync: end

    async def perform_request(
        self,
        method: str,
        target: str,
        *,
        body: Any | None = None,
        headers: Mapping[str, Any] | DefaultType = DEFAULT,
        max_retries: int | DefaultType = DEFAULT,
        retry_on_status: Collection[int] | DefaultType = DEFAULT,
        retry_on_timeout: bool | DefaultType = DEFAULT,
        retry_backoff_base: float | DefaultType = DEFAULT,
        retry_backoff_cap: float | DefaultType = DEFAULT,
        request_timeout: float | None | DefaultType = DEFAULT,
        client_meta: tuple[tuple[str, str], ...] | DefaultType = DEFAULT,
        otel_span: OpenTelemetrySpan | DefaultType = DEFAULT,
    ) -> TransportApiResponse:
        """Sends one request, retrying on another node when that is safe and allowed.

        Returns the last response even when its status is an error: turning statuses into
        exceptions is the API client's job. Raises TransportError subclasses when no node
        gave an answer.
        """
        # unasync: async-only
        if self._initial_sniff_pending:
            await self._initial_sniff()
        # unasync: end
        request_body, request_headers = self._prepare(body, headers, client_meta)
        retries, statuses, on_timeout, backoff_base, backoff_cap = self._resolve_retries(
            max_retries, retry_on_status, retry_on_timeout, retry_backoff_base, retry_backoff_cap
        )
        if self._sniff_before_requests:
            self._maybe_sniff()
        pool = self.node_pool
        errors: list[TransportError] = []
        attempt = 0
        while True:
            node: BaseAsyncNode = pool.get()  # type: ignore[assignment]
            try:
                meta, raw = await node.perform_request(
                    method,
                    target,
                    body=request_body,
                    headers=request_headers,
                    request_timeout=request_timeout,
                )
            except TransportError as error:
                pool.mark_dead(node)
                if self._sniff_on_node_failure:
                    self._maybe_sniff()
                if attempt >= retries or not self._is_retryable_error(error, on_timeout):
                    self._raise_with_history(error, errors)
                errors.append(error)
            else:
                retry_status = meta.status in statuses
                if retry_status and meta.status not in NOT_DEAD_NODE_HTTP_STATUSES:
                    pool.mark_dead(node)
                else:
                    pool.mark_live(node)
                if not retry_status or attempt >= retries:
                    return TransportApiResponse(meta, self._decode(method, meta, raw))
                logger.warning("Retrying %s %s after status %d", method, target, meta.status)
            attempt += 1
            delay = backoff_time(attempt, backoff_base, backoff_cap)
            if delay:
                logger.info("Sleeping %.2fs before retry %d of %s %s", delay, attempt, method, target)
                await asyncio.sleep(delay)

    async def sniff(self, is_initial_sniff: bool = False) -> None:
        """Asks the sniff callback for the cluster's nodes and updates the pool."""
        assert self._sniff_callback is not None, "sniffing requires a sniff_callback"
        self._last_sniffed_at = time.monotonic()
        options = SniffOptions(is_initial_sniff=is_initial_sniff, sniff_timeout=self._sniff_timeout)
        try:
            node_configs = self._sniff_callback(self, options)
            # unasync: async-only (a sync callback works here too)
            if inspect.isawaitable(node_configs):
                node_configs = await node_configs
            # unasync: end
        except Exception as e:
            if is_initial_sniff:
                raise SniffingError("The initial sniff failed", errors=(e,)) from e
            logger.warning("Sniffing failed: %r", e)
            return
        self._apply_sniff_result(list(node_configs), is_initial_sniff)

    # unasync: async-only
    async def _initial_sniff(self) -> None:
        """Runs ``sniff_on_start`` once; concurrent first requests all wait for it.

        If it fails, the error goes to the waiting requests and the next request tries again.
        """
        async with self._initial_sniff_lock:
            if self._initial_sniff_pending:
                await self.sniff(True)
                self._initial_sniff_pending = False

    def _maybe_sniff(self) -> None:
        """Starts a background sniff unless one is running or the last one was too recent."""
        task = self._sniff_task
        if (task is not None and not task.done()) or not self._sniff_due(time.monotonic()):
            return
        self._sniff_task = asyncio.get_running_loop().create_task(self.sniff(False))

    def _close_removed(self, node: BaseNode) -> None:
        """Schedules the close: this runs inside the sync part of a sniff, which can't await."""
        task = asyncio.get_running_loop().create_task(cast(BaseAsyncNode, node).close())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    # unasync: end
    # unasync: sync-only
    # def _maybe_sniff(self) -> None:
    #     """Sniffs unless another thread is sniffing or the last sniff was too recent."""
    #     if not self._sniff_due(time.monotonic()):
    #         return
    #     if not self._sniff_lock.acquire(blocking=False):
    #         return
    #     try:
    #         if self._sniff_due(time.monotonic()):
    #             self.sniff(False)
    #     finally:
    #         self._sniff_lock.release()
    #
    # def close(self) -> None:
    #     for node in self.node_pool.all():
    #         node.close()
    # unasync: end
    # unasync: async-only
    async def close(self) -> None:
        """Stops a running sniff, then closes every node."""
        task = self._sniff_task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])
        if self._closing:
            await asyncio.wait(list(self._closing))
        nodes: list[BaseAsyncNode] = self.node_pool.all()  # type: ignore[assignment]
        await asyncio.gather(*(node.close() for node in nodes))

    # unasync: end
