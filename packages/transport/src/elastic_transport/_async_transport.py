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

from ._exceptions import TransportError
from ._models import NodeConfig, SniffOptions, TransportApiResponse
from ._node._base import BaseAsyncNode, BaseNode
from ._otel import OpenTelemetrySpan
from ._transport_base import (  # noqa: F401 (also importable from here, as in the official package)
    DEADLINE_SLACK,
    DEFAULT_CLIENT_META_SERVICE,
    MAX_SECONDS,
    NOT_DEAD_NODE_HTTP_STATUSES,
    TransportBase,
    backoff_time,
    check_request_deadline,
    check_request_timeout,
    closed_error,
    deadline_error,
    retry_after_seconds,
    retry_delay,
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
    # What ``_last_sniffed_at`` is measured in: the event loop's clock here, the wall clock
    # in the sync transport, as in the official packages (programs and tests set it).
    _sniff_clock = staticmethod(time.monotonic)

    def __init__(
        self, node_configs: list[NodeConfig], node_class: str | type[BaseNode] = "aiohttp", **kwargs: Any
    ) -> None:
        super().__init__(node_configs, node_class, **kwargs)
        self._initial_sniff_pending = self._sniff_on_start
        self._initial_sniff_lock = asyncio.Lock()
        self._sniffing_task: asyncio.Task[None] | None = None
        # Closes of nodes that sniffing dropped; kept so they aren't garbage-collected mid-way.
        self._closing: set[asyncio.Task[None]] = set()

    # unasync: end
    # unasync: sync-only (the initial sniff runs here; later ones one thread at a time)
    # _sniff_clock = staticmethod(time.time)
    #
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
        request_deadline: float | None | DefaultType = DEFAULT,
    ) -> TransportApiResponse:
        """Sends one request, retrying on another node when that is safe and allowed.

        Returns the last response even when its status is an error: turning statuses into
        exceptions is the API client's job. Raises TransportError subclasses when no node
        gave an answer.

        ``request_deadline`` (seconds; the transport's by default, None: none) bounds the
        whole request, every attempt and the sleeps between them: each attempt gets at
        most the time left, and once it is used up ``ConnectionTimeout`` is raised (or the
        last response returned, when there was one) instead of another retry.
        """
        # unasync: async-only
        if self._initial_sniff_pending:
            await self._async_call()
        # unasync: end
        if (
            request_timeout is not DEFAULT
            and request_timeout is not None
            and (
                (type(request_timeout) is not float and type(request_timeout) is not int)
                or not 0 <= request_timeout <= MAX_SECONDS  # type: ignore[operator]
            )
        ):
            check_request_timeout(request_timeout)  # raises unless a number subclass is fine
        if request_deadline is DEFAULT:
            deadline = self.request_deadline
        else:
            check_request_deadline(request_deadline)
            deadline = request_deadline  # type: ignore[assignment]
        # The deadline as a point in time.monotonic(); None (the default) costs nothing below.
        until = None if deadline is None else time.monotonic() + deadline
        request_body, request_headers = self._prepare(body, headers, client_meta)
        # The API client's span for this call, if tracing is on: the transport adds what only it
        # knows (the serialized query, the node asked, the answer's status and cloud headers).
        span = None if otel_span is DEFAULT or otel_span.otel_span is None else otel_span
        if span is not None and request_body is not None:
            span.set_db_statement(request_body)
        retries, statuses, on_timeout, backoff_base, backoff_cap = self._resolve_retries(
            max_retries, retry_on_status, retry_on_timeout, retry_backoff_base, retry_backoff_cap
        )
        if self._sniff_before_requests:
            self._maybe_sniff()
        pool = self.node_pool
        errors: list[TransportError] = []
        attempt = 0
        while True:
            retry_after = 0.0
            node: BaseAsyncNode = pool.get()  # type: ignore[assignment]
            if span is not None:
                span.set_node_metadata(node.host, node.port, node.base_url, target, method)
            if until is None:
                timeout = request_timeout
            else:
                timeout = self._attempt_timeout(node, request_timeout, until, deadline, attempt, errors)  # type: ignore[arg-type]
            try:
                if until is None or not self._takes_deadline(node):
                    meta, raw = await node.perform_request(
                        method,
                        target,
                        body=request_body,
                        headers=request_headers,
                        request_timeout=timeout,
                    )
                else:
                    meta, raw = await node.perform_request(  # type: ignore[call-arg]
                        method,
                        target,
                        body=request_body,
                        headers=request_headers,
                        request_timeout=timeout,
                        deadline=until,
                    )
            except TransportError as error:
                pool.mark_dead(node)
                if self._sniff_on_node_failure:
                    self._sniff_after_node_failure()
                if until is not None and until - time.monotonic() <= DEADLINE_SLACK:
                    errors.append(error)
                    self._raise_with_history(deadline_error(deadline, attempt + 1, ""), errors)  # type: ignore[arg-type]
                if attempt >= retries or not self._is_retryable_error(error, on_timeout):
                    self._raise_with_history(error, errors)
                errors.append(error)
                response = None
            else:
                status = meta.status
                if span is not None:
                    span.set_elastic_cloud_metadata(meta.headers)
                    span.set_db_response(status)
                retry_status = status in statuses
                # A server error, or a retried status that isn't the client's fault, puts the node
                # on a timeout; any other answer shows it is alive.
                if status >= 500 or (retry_status and status not in NOT_DEAD_NODE_HTTP_STATUSES):
                    pool.mark_dead(node)
                    if self._sniff_on_node_failure:
                        self._sniff_after_node_failure()
                else:
                    pool.mark_live(node)
                if not retry_status or attempt >= retries:
                    return TransportApiResponse(meta, self._decode(method, meta, raw))
                response = (meta, raw)
                logger.warning("Retrying %s %s after status %d", method, target, status)
                if status == 429 or status == 503:
                    retry_after = retry_after_seconds(meta.headers.get("retry-after"))
            attempt += 1
            delay = retry_delay(attempt, backoff_base, backoff_cap, retry_after)
            if until is not None and until - time.monotonic() - delay <= DEADLINE_SLACK:
                # The next attempt would start after the deadline: stop as if out of retries.
                if response is not None:
                    return TransportApiResponse(response[0], self._decode(method, *response))
                self._raise_with_history(
                    deadline_error(deadline, attempt, f" (the next retry would start {delay:.2f}s later)"),  # type: ignore[arg-type]
                    errors,
                )
            if delay:
                logger.info("Sleeping %.2fs before retry %d of %s %s", delay, attempt, method, target)
                await self._sleep_before_retry(delay, errors)

    async def sniff(self, is_initial_sniff: bool = False) -> None:
        """Asks the sniff callback for the cluster's nodes and updates the pool.

        The callback's error is raised as it is; after a failure the next sniff may run at
        once (``min_delay_between_sniffing`` counts from the last sniff that worked).
        """
        assert self._sniff_callback is not None, "sniffing requires a sniff_callback"
        previously_sniffed_at = self._last_sniffed_at
        self._last_sniffed_at = self._sniff_clock()
        options = SniffOptions(is_initial_sniff=is_initial_sniff, sniff_timeout=self._sniff_timeout)
        try:
            node_configs = self._sniff_callback(self, options)
            # unasync: async-only (a sync callback works here too)
            if inspect.isawaitable(node_configs):
                node_configs = await node_configs
            # unasync: end
            self._apply_sniff_result(list(node_configs), is_initial_sniff)
        except BaseException:
            self._last_sniffed_at = previously_sniffed_at
            raise

    # unasync: async-only
    async def _sleep_before_retry(self, delay: float, errors: list[TransportError]) -> None:
        """``asyncio.sleep(delay)`` in a task that ``close()`` cancels: the request then
        raises ``ConnectionError`` at once instead of sleeping on."""
        if self._closed:
            self._raise_with_history(closed_error(), errors)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not asyncio's loop (trio): a plain sleep, nothing can wake it
            await asyncio.sleep(delay)
            return
        sleeper = loop.create_task(asyncio.sleep(delay))
        self._sleepers.add(sleeper)
        try:
            await asyncio.wait((sleeper,))
        finally:
            self._sleepers.discard(sleeper)
            sleeper.cancel()  # when this request itself was cancelled
        if sleeper.cancelled():
            self._raise_with_history(closed_error(), errors)

    async def _async_call(self) -> None:
        """Runs ``sniff_on_start`` once (as ``_sniffing_task``); concurrent first requests all
        wait for it. If it fails, the error goes to the waiting requests and the next request
        tries again. (The name is the official package's.)
        """
        if not self._initial_sniff_pending:
            return
        task = self._sniffing_task
        if task is not None and asyncio.current_task() is task:
            return  # a request of the sniff itself (a sniff callback may send it through here)
        async with self._initial_sniff_lock:
            if self._initial_sniff_pending:
                task = asyncio.get_running_loop().create_task(self.sniff(True))
                self._sniffing_task = task
                await task
                self._initial_sniff_pending = False

    def _maybe_sniff(self) -> None:
        """Starts a background sniff unless one is running or the last one was too recent."""
        task = self._sniffing_task
        if (task is not None and not task.done()) or not self._sniff_due(self._sniff_clock()):
            return
        self._sniffing_task = asyncio.get_running_loop().create_task(self._background_sniff())

    _sniff_after_node_failure = _maybe_sniff

    async def _background_sniff(self) -> None:
        """A sniff no request waits for: its failure is logged, and the pool stays as it was."""
        try:
            await self.sniff(False)
        except Exception as e:
            logger.warning("Sniffing failed: %r", e)

    def _close_removed(self, node: BaseNode) -> None:
        """Schedules the close: this runs inside the sync part of a sniff, which can't await."""
        task = asyncio.get_running_loop().create_task(cast(BaseAsyncNode, node).close())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    # unasync: end
    # unasync: sync-only
    # def _maybe_sniff(self) -> None:
    #     """Sniffs unless another thread is sniffing or the last sniff was too recent."""
    #     if not self._sniff_due(self._sniff_clock()):
    #         return
    #     if not self._sniffing_lock.acquire(blocking=False):
    #         return
    #     try:
    #         if self._sniff_due(self._sniff_clock()):
    #             self.sniff(False)
    #     finally:
    #         self._sniffing_lock.release()
    #
    # def _sniff_after_node_failure(self) -> None:
    #     """A failed sniff doesn't stop the request that saw a node fail: it goes on retrying."""
    #     try:
    #         self._maybe_sniff()
    #     except TransportError as e:
    #         logger.warning("Sniffing failed: %r", e)
    #
    # _sleep_before_retry = TransportBase._sleep_before_retry_blocking
    #
    # def close(self) -> None:
    #     """Wakes the requests sleeping before a retry (they raise), then closes every node."""
    #     self._wake_sleepers()
    #     for node in self.node_pool.all():
    #         node.close()
    # unasync: end
    # unasync: async-only
    async def close(self) -> None:
        """Stops a running sniff, then closes every node, one after the other.

        Only sniffing uses asyncio tasks, so without it this works on any event loop (trio).
        Requests sleeping before a retry wake at once and raise ``ConnectionError``.
        """
        self._wake_sleepers()
        task = self._sniffing_task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])
        if self._closing:
            await asyncio.wait(list(self._closing))
        nodes: list[BaseAsyncNode] = self.node_pool.all()  # type: ignore[assignment]
        for node in nodes:
            await node.close()

    # unasync: end
