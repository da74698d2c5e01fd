"""What ``Transport`` and ``AsyncTransport`` share without awaiting anything.

Configuration, request preparation, retry decisions, response decoding and applying a
sniff result. The request loop itself is in ``_async_transport.py`` (the source) and
``_transport.py`` (its sync twin, written by ``codegen/unasync.py``).
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import random
import threading
import time
import warnings
from collections.abc import Callable, Collection, Mapping
from typing import Any

from ._exceptions import (
    ConnectionError,
    ConnectionTimeout,
    RequestDeadlineExceeded,
    SniffingError,
    TransportClosed,
    TransportError,
    TransportWarning,
)
from ._models import ApiResponseMeta, NodeConfig, lowercase_headers
from ._node import NODE_CLASSES, node_class_for
from ._node._base import BaseNode
from ._node_pool import NodePool, NodeSelector, check_seconds
from ._serializer import DEFAULT_SERIALIZERS, Serializer, SerializerCollection
from ._version import __version__
from .client_utils import DEFAULT, DefaultType, client_meta_version, python_version

logger = logging.getLogger("elastic_transport.transport")

DEFAULT_CLIENT_META_SERVICE = ("et", client_meta_version(__version__))
# Statuses that say "your request was wrong", not "this node is unwell".
NOT_DEAD_NODE_HTTP_STATUSES = frozenset({400, 401, 402, 403, 404, 409, 429})
_DEFAULT_BACKOFF_CAP = 60.0
# The longest wait the standard library accepts (threading, sockets): about 292 years.
MAX_SECONDS = threading.TIMEOUT_MAX
# NodeConfig fields that may differ between the nodes of a sniffing transport: sniffed nodes
# copy every other option from one known node.
_PER_NODE_FIELDS = frozenset({"host", "port", "connections_per_node", "_extras", "ssl_context"})


def check_retry_on_status(value: Any) -> frozenset[int]:
    """``retry_on_status`` as a set of ints: a collection of ints, or a single int."""
    if isinstance(value, int) and not isinstance(value, bool):
        return frozenset((value,))
    if isinstance(value, (str, bytes)) or not isinstance(value, Collection):
        raise ValueError(f"'retry_on_status' must be a collection of HTTP status codes (ints), got {value!r}")
    for status in value:
        if isinstance(status, bool) or not isinstance(status, int):
            raise ValueError(
                f"'retry_on_status' must be a collection of HTTP status codes (ints), got {value!r}"
            )
    return frozenset(value)


def check_request_timeout(value: Any) -> None:
    check_seconds("request_timeout", value, allow_none=True, upper=MAX_SECONDS)


def check_request_deadline(value: Any) -> None:
    check_seconds("request_deadline", value, allow_none=True, upper=MAX_SECONDS)


# Under this many seconds left, a deadline counts as reached: no attempt fits in it.
DEADLINE_SLACK = 0.002


def deadline_error(deadline: float, attempts: int, why: str) -> RequestDeadlineExceeded:
    return RequestDeadlineExceeded(
        f"The request deadline of {deadline:g}s was reached after {attempts} attempt(s){why}; "
        "no retry is made past it ('request_deadline')"
    )


def closed_error() -> TransportClosed:
    return TransportClosed("The transport was closed while the request was waiting to retry")


def _sleep_then_set(delay: float, woken: threading.Event) -> None:
    time.sleep(delay)
    woken.set()


def warn_if_node_configs_differ(node_configs: list[NodeConfig]) -> None:
    """Sniffed nodes copy one known node's options, so differing seed nodes get a warning."""
    names = [f.name for f in dataclasses.fields(NodeConfig) if f.name not in _PER_NODE_FIELDS]
    first = [getattr(node_configs[0], name) for name in names]
    for config in node_configs[1:]:
        if [getattr(config, name) for name in names] != first:
            warnings.warn(
                "Detected NodeConfig instances with different options. It's recommended to keep "
                "all options except for 'host' and 'port' the same for sniffing to work reliably.",
                TransportWarning,
                stacklevel=4,
            )
            return


def backoff_time(attempt: int, base: float, cap: float) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based): exponential, equal jitter."""
    if base <= 0:
        return 0.0
    half: float = min(cap if cap > 0 else _DEFAULT_BACKOFF_CAP, base * 2 ** (attempt - 1)) / 2
    return half + random.uniform(0, half)


def retry_after_seconds(value: str | None) -> float:
    """Seconds a ``Retry-After`` header asks to wait: delta-seconds or an HTTP date; 0 when
    absent or unreadable."""
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime  # only when a server sends a date

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return 0.0
    return max(0.0, when.timestamp() - time.time())


def retry_delay(attempt: int, base: float, cap: float, retry_after: float) -> float:
    """The wait before retry ``attempt``: the jittered backoff, or longer when the server's
    ``Retry-After`` asks for it (at most ``cap``, or 60 s when no cap is set)."""
    delay = backoff_time(attempt, base, cap)
    if retry_after > delay:
        delay = min(retry_after, cap if cap > 0 else _DEFAULT_BACKOFF_CAP)
    return delay


_TAKES_DEADLINE: dict[type, bool] = {}


class TransportBase:
    """Configuration and the pieces of a request that don't depend on sync vs async."""

    _is_async = False

    def __init__(
        self,
        node_configs: list[NodeConfig],
        node_class: str | type[BaseNode],
        node_pool_class: type[NodePool] = NodePool,
        randomize_nodes_in_pool: bool = True,
        node_selector_class: str | type[NodeSelector] | None = None,
        dead_node_backoff_factor: float | None = None,
        max_dead_node_backoff: float | None = None,
        serializers: Mapping[str, Serializer] | None = None,
        default_mimetype: str = "application/json",
        max_retries: int = 3,
        retry_on_status: Collection[int] = (429, 502, 503, 504),
        retry_on_timeout: bool = False,
        retry_backoff_base: float = 0,
        retry_backoff_cap: float = 0,
        sniff_on_start: bool = False,
        sniff_before_requests: bool = False,
        sniff_on_node_failure: bool = False,
        sniff_timeout: float | None = 0.5,
        min_delay_between_sniffing: float = 10.0,
        sniff_callback: Callable[..., Any] | None = None,
        meta_header: bool = True,
        client_meta_service: tuple[str, str] = DEFAULT_CLIENT_META_SERVICE,
        request_deadline: float | None = None,
    ) -> None:
        if isinstance(node_configs, NodeConfig):
            node_configs = [node_configs]
        if not node_configs or not all(isinstance(c, NodeConfig) for c in node_configs):
            raise ValueError("'node_configs' must be a non-empty list of NodeConfig instances")
        if isinstance(node_class, str) and all(e.name != node_class for e in NODE_CLASSES):
            options = "', '".join(sorted(e.name for e in NODE_CLASSES))
            raise ValueError(
                f"Unknown option for node_class: {node_class!r}. Available options are: '{options}'"
            )
        resolved_class = node_class_for(node_class)
        # A node is async when its perform_request is a coroutine function, whatever its base.
        node_is_async = inspect.iscoroutinefunction(resolved_class.perform_request)
        if node_is_async != self._is_async:
            raise ValueError(
                f"Specified 'node_class' {'is' if node_is_async else 'is not'} async, "
                f"should be {'async' if self._is_async else 'sync'} instead"
            )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError("'max_retries' must be an integer, 0 or greater")
        check_seconds("retry_backoff_base", retry_backoff_base, upper=MAX_SECONDS)
        check_seconds("retry_backoff_cap", retry_backoff_cap, upper=MAX_SECONDS)
        retry_statuses = check_retry_on_status(retry_on_status)
        sniffing = sniff_on_start or sniff_before_requests or sniff_on_node_failure
        if sniffing and sniff_callback is None:
            raise ValueError("Enabling sniffing requires specifying a 'sniff_callback'")
        if not sniffing and sniff_callback is not None:
            raise ValueError(
                "Using 'sniff_callback' requires enabling sniffing via 'sniff_on_start', "
                "'sniff_before_requests' or 'sniff_on_node_failure'"
            )
        check_seconds("sniff_timeout", sniff_timeout, allow_none=True, upper=MAX_SECONDS)
        check_request_deadline(request_deadline)
        check_seconds("min_delay_between_sniffing", min_delay_between_sniffing, upper=MAX_SECONDS)
        for config in node_configs:
            check_seconds(
                "NodeConfig.request_timeout", config.request_timeout, allow_none=True, upper=MAX_SECONDS
            )
        if sniffing and len(node_configs) > 1:
            warn_if_node_configs_differ(list(node_configs))

        pool_kwargs: dict[str, Any] = {"randomize_nodes": randomize_nodes_in_pool}
        if node_selector_class is not None:
            pool_kwargs["node_selector_class"] = node_selector_class
        if dead_node_backoff_factor is not None:
            pool_kwargs["dead_node_backoff_factor"] = dead_node_backoff_factor
        if max_dead_node_backoff is not None:
            pool_kwargs["max_dead_node_backoff"] = max_dead_node_backoff
        self.node_pool: NodePool = node_pool_class(list(node_configs), resolved_class, **pool_kwargs)
        self.serializers = SerializerCollection(
            {**DEFAULT_SERIALIZERS, **(serializers or {})}, default_mimetype=default_mimetype
        )
        self._default_mimetype = default_mimetype
        self.max_retries = max_retries
        self.retry_on_status = retry_statuses
        self.retry_on_timeout = retry_on_timeout
        self.retry_backoff_base = retry_backoff_base
        self.retry_backoff_cap = retry_backoff_cap
        self.request_deadline = request_deadline
        # close() sets this and wakes the requests sleeping before a retry (``_sleepers``:
        # asyncio tasks for AsyncTransport, threading events for Transport).
        self._closed = False
        self._sleepers: set[Any] = set()
        self._sleepers_lock = threading.Lock()
        self._sniff_on_start = sniff_on_start
        self._sniff_before_requests = sniff_before_requests
        self._sniff_on_node_failure = sniff_on_node_failure
        self._sniff_timeout = sniff_timeout
        self._min_delay_between_sniffing = min_delay_between_sniffing
        self._sniff_callback = sniff_callback
        self._last_sniffed_at = 0.0
        self._sniffing_lock = threading.Lock()  # the sync transport's: one sniffing thread at a time
        self._meta_header = meta_header
        service, service_version = client_meta_service
        http_client = getattr(
            resolved_class, "_CLIENT_META_HTTP_CLIENT", None
        )  # None: a duck-typed node class
        meta: tuple[tuple[str, str], ...] = (
            (service, service_version),
            ("py", client_meta_version(python_version())),
            ("t", client_meta_version(__version__)),
        )
        header = ",".join(f"{k}={v}" for k, v in meta)
        if http_client and http_client[0]:
            meta += (http_client,)
            header += f",{http_client[0]}={client_meta_version(http_client[1])}"
        self._transport_client_meta = meta  # the official package's name; read by some programs
        self._client_meta_header = header

    # -- request preparation ------------------------------------------------------------

    def _prepare(
        self,
        body: Any,
        headers: Mapping[str, Any] | DefaultType,
        client_meta: tuple[tuple[str, str], ...] | DefaultType,
    ) -> tuple[bytes | None, dict[str, str]]:
        """Request headers (lower-cased names) and serialized body; once per request, not per attempt."""
        request_headers = lowercase_headers(None if headers is DEFAULT else headers)  # type: ignore[arg-type]
        request_body: bytes | None = None
        if body is not None:
            content_type = dict.get(request_headers, "content-type")  # the names are lower-case: no fallback
            if content_type is None:
                content_type = self._default_mimetype
                request_headers["content-type"] = content_type
            request_body = self.serializers.dumps(body, content_type)
        if self._meta_header:
            meta_value = self._client_meta_header
            if client_meta is not DEFAULT and client_meta:
                meta_value += "," + ",".join(f"{k}={v}" for k, v in client_meta)  # type: ignore[union-attr]
            request_headers["x-elastic-client-meta"] = meta_value
        return request_body, request_headers

    def _resolve_retries(
        self,
        max_retries: int | DefaultType,
        retry_on_status: Collection[int] | DefaultType,
        retry_on_timeout: bool | DefaultType,
        retry_backoff_base: float | DefaultType,
        retry_backoff_cap: float | DefaultType,
    ) -> tuple[int, Collection[int], bool, float, float]:
        return (
            self.max_retries if max_retries is DEFAULT else max_retries,  # type: ignore[return-value]
            self.retry_on_status if retry_on_status is DEFAULT else retry_on_status,
            self.retry_on_timeout if retry_on_timeout is DEFAULT else retry_on_timeout,
            self.retry_backoff_base if retry_backoff_base is DEFAULT else retry_backoff_base,
            self.retry_backoff_cap if retry_backoff_cap is DEFAULT else retry_backoff_cap,
        )

    @staticmethod
    def _is_retryable_error(error: TransportError, retry_on_timeout: bool) -> bool:
        if isinstance(error, ConnectionTimeout):
            return retry_on_timeout
        return isinstance(error, ConnectionError)

    def _decode(self, method: str, meta: ApiResponseMeta, raw: bytes) -> Any:
        if method == "HEAD":
            return None
        mimetype = meta.mimetype
        if not raw:
            return "" if mimetype is not None and mimetype.startswith("text/") else None
        return self.serializers.get_serializer(mimetype).loads(raw)

    @staticmethod
    def _raise_with_history(error: TransportError, errors: list[TransportError]) -> None:
        """Raises the last failure: its own low-level cause stays first in ``errors``, then the
        earlier attempts' errors (replacing those of an earlier request, should a node raise
        the same exception object again)."""
        own = tuple(e for e in error.errors if not isinstance(e, TransportError))
        error.errors = (*own, *errors)
        raise error

    # -- sniffing --------------------------------------------------------------------------

    def _sniff_due(self, now: float) -> bool:
        return now - self._last_sniffed_at >= self._min_delay_between_sniffing

    def _apply_sniff_result(self, node_configs: list[NodeConfig], is_initial: bool) -> None:
        """Adds the nodes a sniff found, and drops the sniffed nodes it no longer lists.

        Seed nodes stay, as in the official transport: they are how the client found the
        cluster, and a sniff that misses one (say, a coordinating node behind a balancer)
        must not cut the client off from it."""
        if not node_configs:
            if is_initial:
                raise SniffingError("No viable nodes were discovered on the initial sniff attempt")
            logger.warning("Sniffing found no nodes; keeping the current node pool")
            return
        found = set(node_configs)
        for config in node_configs:
            self.node_pool.add(config)
        for node in self.node_pool.all():
            if node.config not in found:
                removed = self.node_pool._remove(node.config, keep_seeds=True)
                if removed is not None:
                    self._close_removed(removed)
        logger.info("Sniffed %d node(s): %s", len(node_configs), [c.url for c in node_configs])

    # -- the opt-in deadline ---------------------------------------------------------------

    def _attempt_timeout(
        self,
        node: BaseNode,
        request_timeout: float | None | DefaultType,
        until: float,
        deadline: float,
        attempts: int,
        errors: list[TransportError],
    ) -> float:
        """The timeout of the next attempt under a deadline ending at ``until`` (monotonic):
        the request timeout, at most what is left; raises once nothing is left."""
        remaining = until - time.monotonic()
        if remaining <= DEADLINE_SLACK:
            self._raise_with_history(deadline_error(deadline, attempts, ""), errors)
        timeout = node.config.request_timeout if request_timeout is DEFAULT else request_timeout
        return remaining if timeout is None or timeout > remaining else timeout  # type: ignore[return-value]

    @staticmethod
    def _takes_deadline(node: BaseNode) -> bool:
        """Whether the node's ``perform_request`` takes ``deadline`` (ours do; a custom node
        written for the official package gets only the shortened ``request_timeout``)."""
        cls = type(node)
        known = _TAKES_DEADLINE.get(cls)
        if known is None:
            try:
                known = "deadline" in inspect.signature(cls.perform_request).parameters
            except (TypeError, ValueError):
                known = False
            _TAKES_DEADLINE[cls] = known
        return known

    def _wake_sleepers(self) -> None:
        """Marks the transport closed and ends every sleep before a retry at once."""
        self._closed = True
        with self._sleepers_lock:
            sleepers = list(self._sleepers)
        for sleeper in sleepers:
            if isinstance(sleeper, threading.Event):
                sleeper.set()
            else:
                sleeper.cancel()

    def _sleep_before_retry_blocking(self, delay: float, errors: list[TransportError]) -> None:
        """``time.sleep(delay)`` that ``close()`` cuts short (then ``ConnectionError``).

        The sleep itself runs in a short-lived helper thread while this one waits on an
        event that either the helper or ``close()`` sets; only retries with a backoff or a
        ``Retry-After`` get here.
        """
        woken = threading.Event()
        with self._sleepers_lock:
            if self._closed:
                self._raise_with_history(closed_error(), errors)
            self._sleepers.add(woken)
        try:
            threading.Thread(
                target=_sleep_then_set, args=(delay, woken), name="elastic-transport-backoff", daemon=True
            ).start()
            woken.wait()
        finally:
            with self._sleepers_lock:
                self._sleepers.discard(woken)
        if self._closed:
            self._raise_with_history(closed_error(), errors)

    def _close_removed(self, node: BaseNode) -> None:
        """Closes a node that sniffing dropped (async transports defer this)."""
        node.close()
