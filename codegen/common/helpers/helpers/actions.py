"""The synchronous helpers: ``bulk``, ``streaming_bulk``, ``parallel_bulk``, ``scan``, ``reindex``.

Names, parameters, defaults, return values and exceptions are those of the official
helpers of this package's major (``_profile.API_STYLE``: 7.x or 8.x-and-later signatures).
What is added: ``progress=`` on the bulk helpers, actions that cannot be sent reported
instead of failing the request or being skipped, retries of rejected items also when
``raise_on_error`` is true, and ``max_retries`` & co. in ``parallel_bulk`` as well.
"""

from __future__ import annotations

import base64
import collections
import inspect
import json
import queue
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, MutableMapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any

from elastic_transport import ApiError as _ApiError
from elastic_transport import TransportError as _TransportError

from .. import _profile
from ._engine import (
    _CATCH,
    LEGACY,
    PRIVATE_CATCH,
    Batcher,
    Chunk,
    LineWriter,
    Options,
    Outcome,
    Progress,
    Sending,
    _statuses,
    body_of,
    data_stream_op_type,
    expand_action,
    from_keyword,
    logger,
    missing_item,
    pop_transport_options,
    retarget,
    shards_failed,
    status_of,
    unanswered_item,
)
from .errors import BulkIndexError, ScanError

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "BulkIndexError",
    "ScanError",
    "bulk",
    "expand_action",
    "parallel_bulk",
    "reindex",
    "scan",
    "streaming_bulk",
]

if not LEGACY:
    from ._engine import BULK_FLUSH, BulkMeta

    __all__ += ["BULK_FLUSH", "BulkMeta"]

_TICK = object()  # flush_after_seconds passed without a new action


# -- the bulk loop ------------------------------------------------------------------------


def _sender(client: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Callable[[Any], Any]:
    """Sends one NDJSON body with the client's ``bulk`` and returns the answer's body."""
    api = client.bulk
    if LEGACY:
        return lambda payload: api(*args, body=payload, **kwargs)
    return lambda payload: api(*args, operations=payload, **kwargs).body


def _outcomes(
    send: Callable[[Any], Any], chunk: Chunk, options: Options, writer: LineWriter, want_ok: bool
) -> Iterator[Outcome]:
    """One chunk through its attempts, with a backoff sleep between them."""
    job = Sending(chunk, options, writer, want_ok)
    outcome = job.refused()
    if outcome is not None:
        yield outcome
    while job.pending is not None:
        try:
            body = send(job.payload())
        except _CATCH as e:
            if job.should_raise(e):
                raise
            outcome = job.failed(e)
        else:
            outcome = job.answered(body)
        if outcome is not None:
            yield outcome
        if job.pending is not None:
            time.sleep(job.next_delay())
    job.finish()


def _timed(actions: Iterable[Any], seconds: float) -> Iterator[Any]:
    """The actions, read in a thread, with ``_TICK`` whenever ``seconds`` pass without one."""
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
                yield _TICK
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


def _chunks(actions: Iterable[Any], batcher: Batcher, flush_after: float | None) -> Iterator[Chunk]:
    add = batcher.add
    if flush_after is None:
        yield from batcher.feed(actions)
    else:
        for data in _timed(actions, flush_after):
            done = batcher.flush() if data is _TICK else add(data)
            if done is not None:
                yield done
    last = batcher.flush()
    if last is not None:
        yield last


def _run(
    client: Any,
    actions: Iterable[Any],
    options: Options,
    args: Sequence[Any],
    kwargs: dict[str, Any],
    progress: Any,
    want_ok: bool,
) -> Iterator[Outcome]:
    tracker = Progress(progress, actions)
    if not LEGACY:
        client = client.options()
        client._client_meta = (("h", "bp"),)
    batcher = options.batcher(client, kwargs)
    send = _sender(client, args, kwargs)
    try:
        for chunk in _chunks(actions, batcher, options.flush_after_seconds):
            for outcome in _outcomes(send, chunk, options, batcher.writer, want_ok):
                if tracker.active:
                    tracker.update(outcome, batcher.taken)
                yield outcome
    finally:
        tracker.close()


def _results(outcomes: Iterable[Outcome]) -> Iterator[tuple[bool, dict[str, Any]]]:
    return chain.from_iterable(map(Outcome.pairs, outcomes))


_OPTION_NAMES = frozenset(inspect.signature(Options).parameters)


def _options(params: dict[str, Any]) -> Options:
    return Options(**{k: v for k, v in params.items() if k in _OPTION_NAMES})


# -- the official helpers' private building blocks ----------------------------------------
# Programs that drive bulk requests themselves import these two from the official helpers;
# they keep those signatures and results. The public helpers do not use them.


class _PairChunker:
    """Chunks of expanded ``(action, data)`` pairs, as the private ``_chunk_actions`` makes
    them: ``(bulk_data, bulk_actions)``, ``bulk_data`` holding each pair as ``(action,)`` (no
    document) or ``(action, data)`` and ``bulk_actions`` their lines as the serializer
    writes them. The sync and async ``_chunk_actions`` feed it."""

    def __init__(self, chunk_size: int, max_chunk_bytes: int, serializer: Any) -> None:
        self.chunk_size = chunk_size
        self.max_chunk_bytes = max_chunk_bytes
        self.serializer = serializer
        self.data: list[Any] = []
        self.lines: list[Any] = []
        self.size = 0

    def add(self, pair: Any) -> tuple[list[Any], list[Any]] | None:
        """Takes one pair (or a ``BULK_FLUSH`` marker); returns a chunk now complete, if any."""
        if not LEGACY and pair[0] is BulkMeta.flush:
            return self.flush()
        action, data = pair
        action_line = self.serializer.dumps(action)
        entry = 1 + LineWriter.size(action_line)
        if data is not None:
            data_line = self.serializer.dumps(data)
            entry += 1 + LineWriter.size(data_line)
        done = None
        if self.lines and (len(self.data) >= self.chunk_size or self.size + entry > self.max_chunk_bytes):
            done = self.flush()
        self.lines.append(action_line)
        if data is None:
            self.data.append((action,))
        else:
            self.lines.append(data_line)
            self.data.append((action, data))
        self.size += entry
        return done

    def flush(self) -> tuple[list[Any], list[Any]] | None:
        if not self.lines:
            return None
        done = self.data, self.lines
        self.data, self.lines, self.size = [], [], 0
        return done


def _pair_chunks(
    pairs: Iterable[Any], chunk_size: int, max_chunk_bytes: int, serializer: Any
) -> Iterator[tuple[list[Any], list[Any]]]:
    chunker = _PairChunker(chunk_size, max_chunk_bytes, serializer)
    for pair in pairs:
        done = chunker.flush() if pair is _TICK else chunker.add(pair)
        if done is not None:
            yield done
    last = chunker.flush()
    if last is not None:
        yield last


def _chunk_answered(
    body: Any, bulk_data: list[Any], raise_on_error: bool, ignored: Collection[int]
) -> Iterator[Any]:
    """The results of one answered chunk, in order; failures raised together at the end
    when ``raise_on_error`` (ok items are yielded first, as the official helper does)."""
    errors: list[dict[str, Any]] = []
    items = body["items"]
    for data, entry in zip(bulk_data, items, strict=False):
        ((op_type, item),) = entry.items()
        status = item.get("status", 500)
        ok = 200 <= status < 300
        if not ok and raise_on_error and status not in ignored:
            if len(data) > 1:
                item["data"] = data[1]
            errors.append({op_type: item})
        if ok or not errors:
            yield ok, {op_type: item}
    for data in bulk_data[len(items) :]:  # an answer short of items: the rest failed
        op_type, meta = _action_parts(data[0])
        missing = missing_item(op_type, meta, _document(data), len(items), len(bulk_data))
        if raise_on_error:
            errors.append(missing)
        else:
            yield False, missing
    if errors:
        raise BulkIndexError(f"{len(errors)} document(s) failed to index.", errors)


def _document(data: tuple[Any, ...]) -> Any:
    """The document of a ``bulk_data`` entry; None for ``(action,)``."""
    return data[1] if len(data) > 1 else None


def _action_parts(action: Any) -> tuple[str, dict[str, Any]]:
    """(op_type, metadata) of an expanded action: a dict, or its JSON line (7.x raw documents)."""
    if isinstance(action, (str, bytes)):
        action = json.loads(action)
    ((op_type, meta),) = action.items()
    return op_type, dict(meta)


def _chunk_failed(
    error: BaseException,
    bulk_data: list[Any],
    raise_on_exception: bool,
    raise_on_error: bool,
    ignored: Collection[int],
) -> Iterator[Any]:
    """A chunk whose request got no bulk answer: the error raised, or every action of the
    chunk failed with it (raised together, or yielded)."""
    status = status_of(error)
    if raise_on_exception and status not in ignored:
        raise error
    message = str(error)
    failed = []
    for data in bulk_data:
        op_type, meta = _action_parts(data[0])
        doc = None if op_type == "delete" else _document(data)
        failed.append(unanswered_item(op_type, meta, doc, error, message, status))
    if raise_on_error and status not in ignored:
        raise BulkIndexError(f"{len(failed)} document(s) failed to index.", failed)
    for entry in failed:
        yield False, entry


def _send_chunk(
    client: Any,
    bulk_actions: list[Any],
    bulk_data: list[Any],
    raise_on_exception: bool,
    raise_on_error: bool,
    ignore_status: int | Collection[int],
    args: Sequence[Any],
    kwargs: dict[str, Any],
) -> Iterator[tuple[bool, dict[str, Any]]]:
    ignored = _statuses(ignore_status)
    try:
        if LEGACY:
            body = client.bulk(*args, body=bulk_actions, **kwargs)
        else:
            body = client.bulk(*args, operations=bulk_actions, **kwargs).body
    except PRIVATE_CATCH as error:
        yield from _chunk_failed(error, bulk_data, raise_on_exception, raise_on_error, ignored)
    else:
        yield from _chunk_answered(body, bulk_data, raise_on_error, ignored)


if LEGACY:

    def _chunk_actions(
        actions: Iterable[Any], chunk_size: int, max_chunk_bytes: int, serializer: Any
    ) -> Iterator[tuple[list[Any], list[Any]]]:
        """The official helpers' chunker: ``(bulk_data, bulk_actions)`` per chunk of
        ``expand_action`` results."""
        return _pair_chunks(actions, chunk_size, max_chunk_bytes, serializer)

    def _process_bulk_chunk(
        client: Any,
        bulk_actions: list[Any],
        bulk_data: list[Any],
        raise_on_exception: bool = True,
        raise_on_error: bool = True,
        ignore_status: int | Collection[int] = (),
        *args: Any,
        **kwargs: Any,
    ) -> Iterator[tuple[bool, dict[str, Any]]]:
        """Sends one chunk made by ``_chunk_actions``; ``(ok, item)`` per action."""
        return _send_chunk(
            client, bulk_actions, bulk_data, raise_on_exception, raise_on_error, ignore_status, args, kwargs
        )

else:

    def _chunk_actions(  # type: ignore[misc]
        actions: Iterable[Any],
        chunk_size: int,
        max_chunk_bytes: int,
        flush_after_seconds: float | None,
        serializer: Any,
    ) -> Iterator[tuple[list[Any], list[Any]]]:
        """The official helpers' chunker: ``(bulk_data, bulk_actions)`` per chunk of
        ``expand_action`` results and ``(BULK_FLUSH, None)`` markers."""
        pairs = actions if not flush_after_seconds else _timed(actions, flush_after_seconds)
        return _pair_chunks(pairs, chunk_size, max_chunk_bytes, serializer)

    def _process_bulk_chunk(  # type: ignore[misc]
        client: Any,
        bulk_actions: list[Any],
        bulk_data: list[Any],
        otel_span: Any,
        raise_on_exception: bool = True,
        raise_on_error: bool = True,
        ignore_status: int | Collection[int] = (),
        *args: Any,
        **kwargs: Any,
    ) -> Iterator[tuple[bool, dict[str, Any]]]:
        """Sends one chunk made by ``_chunk_actions``; ``(ok, item)`` per action.
        ``otel_span`` is accepted and unused: this client traces nothing."""
        return _send_chunk(
            client, bulk_actions, bulk_data, raise_on_exception, raise_on_error, ignore_status, args, kwargs
        )


# -- public helpers -----------------------------------------------------------------------

if LEGACY:

    def streaming_bulk(
        client: Any,
        actions: Iterable[Any],
        chunk_size: int = 500,
        max_chunk_bytes: int = 100 * 1024 * 1024,
        raise_on_error: bool = True,
        expand_action_callback: Callable[[Any], tuple[Any, Any]] = expand_action,
        raise_on_exception: bool = True,
        max_retries: int = 0,
        initial_backoff: float = 2,
        max_backoff: float = 600,
        yield_ok: bool = True,
        ignore_status: int | Collection[int] = (),
        *args: Any,
        progress: Any = None,
        **kwargs: Any,
    ) -> Iterator[tuple[bool, dict[str, Any]]]:
        """Sends the actions in chunks and yields ``(ok, item)`` for every one of them.

        ``progress=True`` draws a tqdm bar; a callable gets ``(ok, failed, total)``.
        """
        options = _options(dict(locals()))
        yield from _results(_run(client, actions, options, args, kwargs, progress, yield_ok))

else:

    def streaming_bulk(  # type: ignore[misc]
        client: Any,
        actions: Iterable[Any],
        chunk_size: int = 500,
        max_chunk_bytes: int = 100 * 1024 * 1024,
        flush_after_seconds: float | None = None,
        raise_on_error: bool = True,
        expand_action_callback: Callable[[Any], tuple[Any, Any]] = expand_action,
        raise_on_exception: bool = True,
        max_retries: int = 0,
        initial_backoff: float = 2,
        max_backoff: float = 600,
        yield_ok: bool = True,
        ignore_status: int | Collection[int] = (),
        retry_on_status: int | Collection[int] = (429,),
        span_name: str = "helpers.streaming_bulk",
        *args: Any,
        progress: Any = None,
        **kwargs: Any,
    ) -> Iterator[tuple[bool, dict[str, Any]]]:
        """Sends the actions in chunks and yields ``(ok, item)`` for every one of them.

        ``progress=True`` draws a tqdm bar; a callable gets ``(ok, failed, total)``.
        """
        options = _options(dict(locals()))
        yield from _results(_run(client, actions, options, args, kwargs, progress, yield_ok))


def _bind_streaming(
    streaming: Callable[..., Any], client: Any, actions: Any, args: Any, kwargs: Any
) -> tuple[Options, Any, Any]:
    """The options, extra positional and API arguments, as ``streaming`` would take them."""
    kwargs.pop("yield_ok", None)  # the counting helpers always see every result
    bound = inspect.signature(streaming).bind(client, actions, *args, **kwargs)
    params = dict(bound.arguments)
    return _options(params), params.get("args", ()), params.get("kwargs", {})


def bulk(
    client: Any,
    actions: Iterable[Any],
    stats_only: bool = False,
    ignore_status: int | Collection[int] = (),
    *args: Any,
    progress: Any = None,
    **kwargs: Any,
) -> tuple[int, int | list[dict[str, Any]]]:
    """Sends every action and returns ``(ok count, errors)``: the failed items, or their
    count with ``stats_only``. Arguments are those of ``streaming_bulk``."""
    kwargs.pop("span_name", None)
    options, rest, api_kwargs = _bind_streaming(
        streaming_bulk, client, actions, args, {"ignore_status": ignore_status, **kwargs}
    )
    success = failed = 0
    errors: list[dict[str, Any]] = []
    for outcome in _run(client, actions, options, rest, api_kwargs, progress, False):
        success += outcome.ok
        failed += outcome.failed
        if not stats_only:
            errors.extend(item for ok, item in outcome.results if not ok)
    return success, failed if stats_only else errors


def _parallel(
    client: Any,
    actions: Iterable[Any],
    thread_count: int,
    queue_size: int,
    options: Options,
    args: Sequence[Any],
    kwargs: dict[str, Any],
    progress: Any,
) -> Iterator[tuple[bool, Any]]:
    from concurrent.futures import Future, ThreadPoolExecutor

    tracker = Progress(progress, actions)
    if not LEGACY:
        client = client.options()
        client._client_meta = (("h", "bp"),)
    batcher = options.batcher(client, kwargs)
    send = _sender(client, args, kwargs)
    want_ok = options.yield_ok

    def work(chunk: Chunk) -> list[Outcome]:
        return list(_outcomes(send, chunk, options, batcher.writer, want_ok))

    in_flight: collections.deque[Future[list[Outcome]]] = collections.deque()
    limit = max(1, thread_count) + max(1, queue_size)

    def drain_one() -> Iterator[tuple[bool, Any]]:
        outcomes = in_flight.popleft().result()
        if tracker.active:
            for outcome in outcomes:
                tracker.update(outcome, batcher.taken)
        return _results(outcomes)

    with ThreadPoolExecutor(max_workers=max(1, thread_count), thread_name_prefix="parallel_bulk") as pool:
        try:
            for chunk in _chunks(actions, batcher, options.flush_after_seconds):
                in_flight.append(pool.submit(work, chunk))
                if len(in_flight) >= limit:
                    yield from drain_one()
            while in_flight:
                yield from drain_one()
        finally:
            for future in in_flight:
                future.cancel()
            tracker.close()


_PARALLEL_OPTIONS = (
    "raise_on_error",
    "raise_on_exception",
    "max_retries",
    "initial_backoff",
    "max_backoff",
    "yield_ok",
)

if LEGACY:

    def parallel_bulk(
        client: Any,
        actions: Iterable[Any],
        thread_count: int = 4,
        chunk_size: int = 500,
        max_chunk_bytes: int = 100 * 1024 * 1024,
        queue_size: int = 4,
        expand_action_callback: Callable[[Any], tuple[Any, Any]] = expand_action,
        ignore_status: int | Collection[int] = (),
        *args: Any,
        progress: Any = None,
        **kwargs: Any,
    ) -> Iterator[tuple[bool, Any]]:
        """``streaming_bulk`` with ``thread_count`` requests in flight; results in order."""
        picked = {k: kwargs.pop(k) for k in _PARALLEL_OPTIONS if k in kwargs}
        options = Options(
            chunk_size=chunk_size,
            max_chunk_bytes=max_chunk_bytes,
            expand_action_callback=expand_action_callback,
            ignore_status=ignore_status,
            **picked,
        )
        yield from _parallel(client, actions, thread_count, queue_size, options, args, kwargs, progress)

else:

    def parallel_bulk(  # type: ignore[misc]
        client: Any,
        actions: Iterable[Any],
        thread_count: int = 4,
        chunk_size: int = 500,
        max_chunk_bytes: int = 100 * 1024 * 1024,
        flush_after_seconds: float | None = None,
        queue_size: int = 4,
        expand_action_callback: Callable[[Any], tuple[Any, Any]] = expand_action,
        ignore_status: int | Collection[int] = (),
        *args: Any,
        progress: Any = None,
        **kwargs: Any,
    ) -> Iterator[tuple[bool, Any]]:
        """``streaming_bulk`` with ``thread_count`` requests in flight; results in order."""
        picked = {k: kwargs.pop(k) for k in (*_PARALLEL_OPTIONS, "retry_on_status") if k in kwargs}
        options = Options(
            chunk_size=chunk_size,
            max_chunk_bytes=max_chunk_bytes,
            flush_after_seconds=flush_after_seconds,
            expand_action_callback=expand_action_callback,
            ignore_status=ignore_status,
            **picked,
        )
        yield from _parallel(client, actions, thread_count, queue_size, options, args, kwargs, progress)


if _profile.HELPERS_PACK_DENSE_VECTOR:

    def pack_dense_vector(vector: np.ndarray | Sequence[float]) -> str:  # type: ignore[type-arg]
        """A dense vector as base64 of its big-endian float32 values: smaller and faster to
        parse than a JSON list of numbers."""
        import numpy as np

        if type(vector) is not np.ndarray:
            vector = np.array(vector, dtype=np.float32)
        elif vector.dtype != np.float32:
            raise ValueError("Only arrays of type float32 can be packed")
        return base64.b64encode(vector.astype(">f4").tobytes()).decode()

    __all__ += ["pack_dense_vector"]


# -- scan and reindex ---------------------------------------------------------------------


def _clear(clear: Callable[[], Any], failing: bool) -> None:
    """Clears the scroll; while another error is on its way out, a failure here is logged."""
    if not failing:
        clear()
        return
    try:
        clear()
    except Exception as e:
        logger.warning("Could not clear the scroll: %r", e)


if LEGACY:

    def scan(
        client: Any,
        query: Any | None = None,
        scroll: str = "5m",
        raise_on_error: bool = True,
        preserve_order: bool = False,
        size: int = 1000,
        request_timeout: float | None = None,
        clear_scroll: bool = True,
        scroll_kwargs: MutableMapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Iterator[dict[str, Any]]:
        """Every hit of a search, page by page through the scroll API.

        Hits come in index order (``sort: _doc``) unless ``preserve_order``; extra keyword
        arguments go to the first ``search``.
        """
        scroll_params = dict(scroll_kwargs or {})
        scroll_params["scroll"] = scroll
        if not preserve_order:
            query = dict(query) if query else {}
            query["sort"] = "_doc"
        per_call = {k: kwargs[k] for k in ("headers", "api_key", "http_auth") if k in kwargs}
        for key, value in per_call.items():
            scroll_params.setdefault(key, value)
        search_params = dict(kwargs)
        from_keyword(search_params)
        if query:
            search_params.update(query)
        from_keyword(search_params)
        search_params["scroll"] = scroll
        search_params["size"] = size
        search_params["request_timeout"] = request_timeout
        resp = client.search(**search_params)
        scroll_id = resp.get("_scroll_id")
        failing = True
        try:
            while scroll_id and resp["hits"]["hits"]:
                yield from resp["hits"]["hits"]
                shards_failed(resp, scroll_id, raise_on_error)
                scroll_params["scroll_id"] = scroll_id
                resp = client.scroll(**scroll_params)
                scroll_id = resp.get("_scroll_id")
            failing = False
        finally:
            if scroll_id and clear_scroll:
                _clear(lambda: client.clear_scroll(scroll_id=scroll_id, ignore=(404,), **per_call), failing)

else:

    def scan(  # type: ignore[misc]
        client: Any,
        query: Any | None = None,
        scroll: str = "5m",
        raise_on_error: bool = True,
        preserve_order: bool = False,
        size: int = 1000,
        request_timeout: float | None = None,
        clear_scroll: bool = True,
        scroll_kwargs: MutableMapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Iterator[dict[str, Any]]:
        """Every hit of a search, page by page through the scroll API.

        Hits come in index order (``sort: _doc``) unless ``preserve_order``; extra keyword
        arguments go to the first ``search``; auth and header options to every call.
        """
        scroll_params = dict(scroll_kwargs or {})
        if not preserve_order:
            query = dict(query) if query else {}
            query["sort"] = "_doc"
        client = client.options(request_timeout=request_timeout, **pop_transport_options(kwargs))
        client._client_meta = (("h", "s"),)
        from_keyword(kwargs)
        search_params = dict(query) if query else {}
        from_keyword(search_params)
        search_params.update(kwargs)
        search_params["scroll"] = scroll
        search_params["size"] = size
        try:
            resp = body_of(client.search(**search_params))
        except TypeError:  # a query with keys search() does not take: send it as the body
            search_params = dict(kwargs)
            search_params["scroll"] = scroll
            search_params["size"] = size
            resp = body_of(client.search(body=query, **search_params))
        scroll_id = resp.get("_scroll_id")
        scroll_options = pop_transport_options(scroll_params)
        scroll_client = client.options(**scroll_options) if scroll_options else client
        failing = True
        try:
            while scroll_id and resp["hits"]["hits"]:
                yield from resp["hits"]["hits"]
                shards_failed(resp, scroll_id, raise_on_error)
                resp = body_of(scroll_client.scroll(scroll_id=scroll_id, scroll=scroll, **scroll_params))
                scroll_id = resp.get("_scroll_id")
            failing = False
        finally:
            if scroll_id and clear_scroll:
                _clear(lambda: client.options(ignore_status=404).clear_scroll(scroll_id=scroll_id), failing)


def _target_op_type(target: Any, target_index: str, op_type: str | None) -> str | None:
    from .. import exceptions

    # The probe only tells a data stream from an index. When it gets no usable answer (no
    # data stream API on this server: 400; no right to view the target's metadata: 403; a
    # missing target: 404; no answer at all), the target is taken for an index: should it
    # be a data stream after all, each action is refused and reported, never lost. (The
    # official 8.x/9.x helper raises any API error but 404 here, failing the whole reindex.)
    failed: tuple[type[BaseException], ...] = (
        (exceptions.TransportError, KeyError) if LEGACY else (_TransportError, _ApiError, KeyError)
    )
    try:
        resp = target.indices.get_data_stream(name=target_index, expand_wildcards="all")
    except failed:
        return op_type
    return data_stream_op_type(resp, target_index, op_type)


def reindex(
    client: Any,
    source_index: str | Collection[str],
    target_index: str,
    query: Any | None = None,
    target_client: Any | None = None,
    chunk_size: int = 500,
    scroll: str = "5m",
    op_type: str | None = None,
    scan_kwargs: MutableMapping[str, Any] = {},  # noqa: B006 - the official default, never mutated
    bulk_kwargs: MutableMapping[str, Any] = {},  # noqa: B006
) -> tuple[int, int | list[dict[str, Any]]]:
    """Copies the documents a query matches (all by default) from one index to another,
    possibly through another client (cluster). Mappings are not copied."""
    target = client if target_client is None else target_client
    docs = scan(client, query=query, index=source_index, scroll=scroll, **scan_kwargs)
    op_type = _target_op_type(target, target_index, op_type)
    params: dict[str, Any] = {"stats_only": True, **bulk_kwargs}
    return bulk(
        target, (retarget(hit, target_index, op_type) for hit in docs), chunk_size=chunk_size, **params
    )
