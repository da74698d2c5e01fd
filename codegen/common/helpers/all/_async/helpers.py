"""The bulk, scan and reindex helpers: ``async_bulk``, ``async_streaming_bulk``,
``async_scan``, ``async_reindex``.

The bulk machinery is ``helpers/_engine.py``, shared with the other flavour: only sending,
sleeping and iterating differ. What differs per major (signatures, errors, how the client is
called) comes from ``helpers/_official.py``.

What is added to the official helpers: ``progress=`` on the bulk helpers, actions that
cannot be sent reported instead of failing the request or being skipped, retries of
rejected items also when ``raise_on_error`` is true, and ``max_retries`` & co. in
``parallel_bulk`` as well.
"""

# unasync: async-only
# The source of helpers/actions.py, its sync twin (codegen/unasync.py).
# unasync: end

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json

# unasync: sync-only (sleeps and threads where the async helpers await and run tasks)
# import time
# unasync: end
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Collection,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from itertools import chain
from typing import TYPE_CHECKING, Any, TypeVar

# unasync: sync-only
# from .. import _profile
# unasync: end
from ..helpers import _official
from ..helpers._engine import BULK_FLUSH as _FLUSH
from ..helpers._engine import TICK as _TICK
from ..helpers._engine import (
    Batcher,
    Chunk,
    LineWriter,
    Options,
    Outcome,
    Progress,
    Sending,
    _statuses,
    data_stream_op_type,
    expand_action,
    logger,
    missing_item,
    official,
    retarget,
    shards_failed,
    status_of,
    unanswered_item,
)

# unasync: sync-only
# from ..helpers._threads import in_order
# from ..helpers._threads import timed as _timed
# unasync: end
from ..helpers.errors import BulkIndexError, ScanError

if TYPE_CHECKING:  # the client the helpers take, as the official signatures say
    from .. import AsyncElasticsearch

__all__ = [
    "BulkIndexError",
    "ScanError",
    "async_bulk",
    "async_reindex",
    "async_scan",
    "async_streaming_bulk",
    "expand_action",
]

# unasync: async-only (adapters for async iterables of actions)
__all__ += ["aiter", "azip"]

Actions = Iterable[Any] | AsyncIterable[Any]

T = TypeVar("T")
_END = object()


def aiter(x: Iterable[T] | AsyncIterable[T]) -> AsyncIterator[T]:
    """An async iterator over an iterable or an async iterable."""
    if hasattr(x, "__anext__"):
        return x  # type: ignore[return-value]
    if hasattr(x, "__aiter__"):
        return x.__aiter__()  # type: ignore[union-attr]

    async def from_sync() -> AsyncIterator[T]:
        for item in x:  # type: ignore[union-attr]
            yield item

    return from_sync()


async def azip(*iterables: Iterable[T] | AsyncIterable[T]) -> AsyncIterator[tuple[T, ...]]:
    """``zip`` over iterables and async iterables alike."""
    iterators = [aiter(x) for x in iterables]
    try:
        while True:
            yield tuple([await it.__anext__() for it in iterators])
    except StopAsyncIteration:
        pass


async def _timed(actions: Actions, seconds: float) -> AsyncIterator[Any]:
    """The actions, read by a task, with ``_TICK`` whenever ``seconds`` pass without one."""
    box: asyncio.Queue[tuple[Any, Any]] = asyncio.Queue(maxsize=1)

    async def read() -> None:
        try:
            async for data in aiter(actions):
                await box.put((None, data))
        except Exception as e:  # handed to the consumer, never lost in this task
            await box.put((e, None))
        else:
            await box.put((_END, None))

    task = asyncio.ensure_future(read())
    timeout: float | None = seconds
    try:
        while True:
            try:
                error, data = await asyncio.wait_for(box.get(), timeout)
            except asyncio.TimeoutError:
                timeout = None  # one flush per quiet spell
                yield _TICK
                continue
            timeout = seconds
            if error is None:
                yield data
            elif error is _END:
                return
            else:
                raise error
    finally:
        task.cancel()


# unasync: end
# unasync: sync-only (what only the sync helpers have)
# Actions = Iterable[Any]
# __all__ += ["parallel_bulk"]
#
# if _profile.HELPERS_BULK_FLUSH:
#     from ..helpers._engine import BULK_FLUSH, BulkMeta
#
#     __all__ += ["BULK_FLUSH", "BulkMeta"]
#
# if _profile.HELPERS_PACK_DENSE_VECTOR:
#     from ..helpers._engine import pack_dense_vector
#
#     __all__ += ["pack_dense_vector"]
#
# if _profile.MAJOR < 8:
#
#     def _add_helper_meta_to_kwargs(kwargs: dict[str, Any], helper_meta: str) -> dict[str, Any]:
#         """``kwargs`` with ``params["__elastic_client_meta"]`` naming a helper: how a 7.x call
#         asks for ``h=<helper>`` in the client meta header (the transport takes it out of the
#         query string)."""
#         params = {**(kwargs.get("params") or {}), "__elastic_client_meta": (("h", helper_meta),)}
#         return {**kwargs, "params": params}
# unasync: end


# -- the bulk loop ------------------------------------------------------------------------


def _sender(client: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Callable[[Any], Any]:
    """Sends one NDJSON body with the client's ``bulk`` and returns the answer's body."""
    api = client.bulk
    body_of = _official.body_of
    body = _official.BULK_BODY

    async def send(payload: Any) -> Any:
        return body_of(await api(*args, **{body: payload}, **kwargs))

    return send


async def _outcomes(
    send: Callable[[Any], Any], chunk: Chunk, options: Options, writer: LineWriter, want_ok: bool
) -> AsyncIterator[Outcome]:
    """One chunk through its attempts, with a backoff sleep between them."""
    job = Sending(chunk, options, writer, want_ok)
    outcome = job.refused()
    if outcome is not None:
        yield outcome
    while job.pending is not None:
        try:
            body = await send(job.payload())
        except _official.CATCH as e:
            if job.should_raise(e):
                raise
            outcome = job.failed(e)
        else:
            outcome = job.answered(body)
        if outcome is not None:
            yield outcome
        if job.pending is not None:
            await asyncio.sleep(job.next_delay())
    job.finish()


async def _chunks(actions: Any, batcher: Batcher, flush_after: float | None) -> AsyncIterator[Chunk]:
    """The chunks of the actions (an iterable, or an async one in the async helpers)."""
    add = batcher.add
    if flush_after is not None:
        async for data in _timed(actions, flush_after):
            done = batcher.flush() if data is _TICK else add(data)
            if done is not None:
                yield done
    # unasync: async-only (an async iterable is read here; a plain one goes through feed)
    elif hasattr(actions, "__aiter__") or hasattr(actions, "__anext__"):
        async for data in aiter(actions):
            done = add(data)
            if done is not None:
                yield done
    # unasync: end
    else:
        for chunk in batcher.feed(actions):
            yield chunk
    last = batcher.flush()
    if last is not None:
        yield last


def _prepare(
    client: Any, actions: Any, options: Options, args: Sequence[Any], kwargs: dict[str, Any], progress: Any
) -> tuple[Progress, Batcher, Callable[[Any], Any]]:
    """The progress tracker, the batcher and the sender of one bulk run."""
    tracker = Progress(progress, actions)
    client = _official.tagged(client, "bp")
    return tracker, options.batcher(client, kwargs), _sender(client, args, kwargs)


def _helper_span(client: Any, name: str) -> contextlib.AbstractContextManager[Any]:
    """The OpenTelemetry span of one helper run, when the client traces (8.x and 9.x clients);
    the bulk requests' own spans are its children."""
    otel = getattr(client, "_otel", None)
    if otel is None or not otel.enabled:
        return contextlib.nullcontext()
    return otel.helpers_span(name)  # type: ignore[no-any-return]


async def _run(
    client: Any,
    actions: Any,
    options: Options,
    args: Sequence[Any],
    kwargs: dict[str, Any],
    progress: Any,
    want_ok: bool,
    span_name: str,
) -> AsyncIterator[Outcome]:
    tracker, batcher, send = _prepare(client, actions, options, args, kwargs, progress)
    try:
        with _helper_span(client, span_name):
            async for chunk in _chunks(actions, batcher, options.flush_after_seconds):
                async for outcome in _outcomes(send, chunk, options, batcher.writer, want_ok):
                    if tracker.active:
                        # unasync: async-only (the callback may be a coroutine function)
                        waiting = tracker.update(outcome, batcher.taken)
                        if inspect.isawaitable(waiting):
                            await waiting
                        # unasync: end
                        # unasync: sync-only
                        # tracker.update(outcome, batcher.taken)
                        # unasync: end
                    yield outcome
    finally:
        tracker.close()


def _results(outcomes: Iterable[Outcome]) -> Iterator[tuple[bool, dict[str, Any]]]:
    """The ``(ok, item)`` pairs of the outcomes, chained in C (no Python frame per pair)."""
    return chain.from_iterable(map(Outcome.pairs, outcomes))


_OPTION_NAMES = frozenset(inspect.signature(Options).parameters)


def _options(params: dict[str, Any]) -> Options:
    return Options(**{k: v for k, v in params.items() if k in _OPTION_NAMES})


# -- public helpers -----------------------------------------------------------------------


@official(_official.async_streaming_bulk)
async def async_streaming_bulk(
    client: AsyncElasticsearch, actions: Any, *args: Any, **kwargs: Any
) -> AsyncIterator[tuple[bool, dict[str, Any]]]:
    """Sends the actions in chunks and yields ``(ok, item)`` for every one of them.

    ``progress=True`` draws a tqdm bar; a callable gets ``(ok, failed, total)``.
    """
    params = _official.async_streaming_bulk(client, actions, *args, **kwargs)
    options = _options(params)
    span_name = params.get("span_name", "helpers.streaming_bulk")
    outcomes = _run(
        client,
        actions,
        options,
        params["args"],
        params["kwargs"],
        params["progress"],
        options.yield_ok,
        span_name,
    )
    # unasync: async-only (an async iterator cannot be chained in C)
    async for outcome in outcomes:
        for result in outcome.pairs():
            yield result
    # unasync: end
    # unasync: sync-only
    # yield from _results(outcomes)
    # unasync: end


async def async_bulk(
    client: AsyncElasticsearch,
    actions: Actions,
    stats_only: bool = False,
    ignore_status: int | Collection[int] | None = (),
    *args: Any,
    progress: Any = None,
    **kwargs: Any,
) -> tuple[int, int | list[dict[str, Any]]]:
    """Sends every action and returns ``(ok count, errors)``: the failed items, or their
    count with ``stats_only``. Arguments are those of ``async_streaming_bulk``."""
    kwargs.pop("yield_ok", None)  # the counting helpers always see every result
    span_name = kwargs.pop("span_name", "helpers.bulk")
    kwargs["ignore_status"] = ignore_status
    params = _official.async_streaming_bulk(client, actions, *args, **kwargs)
    options = _options(params)
    success = failed = 0
    errors: list[dict[str, Any]] = []
    outcomes = _run(client, actions, options, params["args"], params["kwargs"], progress, False, span_name)
    async for outcome in outcomes:
        success += outcome.ok
        failed += outcome.failed
        if not stats_only:
            errors.extend(item for ok, item in outcome.results if not ok)
    return success, failed if stats_only else errors


# unasync: sync-only (a thread pool: the async helpers have tasks for that)
# @official(_official.parallel_bulk)
# def parallel_bulk(
#     client: Elasticsearch, actions: Any, *args: Any, **kwargs: Any
# ) -> Iterator[tuple[bool, Any]]:
#     """``streaming_bulk`` with ``thread_count`` requests in flight; results in order."""
#     params = _official.parallel_bulk(client, actions, *args, **kwargs)
#     rest = params["kwargs"]
#     picked = {k: rest.pop(k) for k in _official.PARALLEL_OPTIONS if k in rest}
#     options = _options({**params, **picked})
#     tracker, batcher, send = _prepare(client, actions, options, params["args"], rest, params["progress"])
#     want_ok = options.yield_ok
#     otel: Any = getattr(client, "_otel", None)
#
#     if _private_replaced():  # then actions without an index are sent, as the official does
#         batcher.need_index = False
#
#     with _helper_span(client, "helpers.parallel_bulk") as span:
#
#         def work(chunk: Chunk) -> list[Outcome]:
#             # The three private functions are looked up here, once per chunk: a replaced
#             # one (a test's mock.patch, a program's wrapper) takes the chunk the official
#             # way; otherwise the chunk goes the direct way below.
#             if _private_replaced():
#                 writer = batcher.writer
#                 private = _process_bulk_chunk
#                 return _privately(private, client, chunk, options, writer, want_ok, span, params, picked)
#             if span is None:
#                 return list(_outcomes(send, chunk, options, batcher.writer, want_ok))
#             with otel.use_span(span):  # the worker thread's requests are the span's children
#                 return list(_outcomes(send, chunk, options, batcher.writer, want_ok))
#
#         chunks = _chunks(actions, batcher, options.flush_after_seconds)
#         done = in_order(work, chunks, params["thread_count"], params["queue_size"])
#         try:
#             for outcomes in done:
#                 if tracker.active:
#                     for outcome in outcomes:
#                         tracker.update(outcome, batcher.taken)
#                 yield from _results(outcomes)
#         finally:
#             done.close()
#             tracker.close()
# unasync: end


# -- the official helpers' private building blocks ----------------------------------------
# Programs that drive bulk requests themselves import these two from the official helpers;
# they keep those signatures and results. The public helpers do not use them.


class _ActionChunker:
    """Chunks of expanded ``(action, data)`` pairs, as the private ``_chunk_actions`` makes
    them: ``(bulk_data, bulk_actions)``, ``bulk_data`` holding each pair as ``(action,)`` (no
    document) or ``(action, data)`` and ``bulk_actions`` their lines as the serializer
    writes them."""

    def __init__(self, chunk_size: int, max_chunk_bytes: int, serializer: Any) -> None:
        self.chunk_size = chunk_size
        self.max_chunk_bytes = max_chunk_bytes
        self.serializer = serializer
        self.bulk_data: list[Any] = []
        self.bulk_actions: list[Any] = []
        self.size = 0

    def feed(self, action: Any, data: Any) -> tuple[list[Any], list[Any]] | None:
        """Takes one pair (or a ``BULK_FLUSH`` marker); returns a chunk now complete, if any."""
        if action is _FLUSH:
            return self.flush()
        action_line = self.serializer.dumps(action)
        entry = 1 + LineWriter.size(action_line)
        if data is not None:
            data_line = self.serializer.dumps(data)
            entry += 1 + LineWriter.size(data_line)
        done = None
        if self.bulk_actions and (
            len(self.bulk_data) >= self.chunk_size or self.size + entry > self.max_chunk_bytes
        ):
            done = self.flush()
        self.bulk_actions.append(action_line)
        if data is None:
            self.bulk_data.append((action,))
        else:
            self.bulk_actions.append(data_line)
            self.bulk_data.append((action, data))
        self.size += entry
        return done

    def flush(self) -> tuple[list[Any], list[Any]] | None:
        if not self.bulk_actions:
            return None
        done = self.bulk_data, self.bulk_actions
        self.bulk_data, self.bulk_actions, self.size = [], [], 0
        return done


async def _chunked(
    actions: Any, chunk_size: int, max_chunk_bytes: int, flush_after_seconds: float | None, serializer: Any
) -> AsyncIterator[tuple[list[Any], list[Any]]]:
    chunker = _ActionChunker(chunk_size, max_chunk_bytes, serializer)
    pairs = aiter(actions) if not flush_after_seconds else _timed(actions, flush_after_seconds)
    async for pair in pairs:
        done = chunker.flush() if pair is _TICK else chunker.feed(*pair)
        if done is not None:
            yield done
    last = chunker.flush()
    if last is not None:
        yield last


@official(_official.chunk_actions)
def _chunk_actions(actions: Any, *args: Any, **kwargs: Any) -> AsyncIterator[tuple[list[Any], list[Any]]]:
    """The official helpers' chunker: ``(bulk_data, bulk_actions)`` per chunk of
    ``expand_action`` results (and, from 8.x on, ``(BULK_FLUSH, None)`` markers)."""
    params = _official.chunk_actions(actions, *args, **kwargs)
    return _chunked(
        actions,
        params["chunk_size"],
        params["max_chunk_bytes"],
        params.get("flush_after_seconds"),
        params["serializer"],
    )


def _process_bulk_chunk_success(
    resp: Any, bulk_data: list[Any], ignore_status: Collection[int], raise_on_error: bool = True
) -> Iterator[Any]:
    """The results of one answered chunk, in order; failures raised together at the end
    when ``raise_on_error`` (ok items are yielded first, as the official helper does)."""
    errors: list[dict[str, Any]] = []
    ignored = ignore_status
    items = resp["items"]
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


def _process_bulk_chunk_error(
    error: BaseException,
    bulk_data: list[Any],
    ignore_status: Collection[int],
    raise_on_exception: bool = True,
    raise_on_error: bool = True,
) -> Iterator[Any]:
    """A chunk whose request got no bulk answer: the error raised, or every action of the
    chunk failed with it (raised together, or yielded)."""
    ignored = ignore_status
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


@official(_official.async_process_bulk_chunk)
async def _process_bulk_chunk(
    client: Any, bulk_actions: list[Any], bulk_data: list[Any], *args: Any, **kwargs: Any
) -> AsyncIterator[tuple[bool, dict[str, Any]]]:
    """Sends one chunk made by ``_chunk_actions``; ``(ok, item)`` per action."""
    params = _official.async_process_bulk_chunk(client, bulk_actions, bulk_data, *args, **kwargs)
    ignored = _statuses(params["ignore_status"])
    raise_on_error = params["raise_on_error"]
    # the helper run's span (8.x/9.x sync: ``otel_span``) is current in this thread meanwhile
    otel = getattr(client, "_otel", None)
    span = params.get("otel_span")
    with contextlib.nullcontext() if otel is None or span is None else otel.use_span(span):
        # the two result builders are looked up by name on every call, as the official does
        try:
            response = await client.bulk(
                *params["args"], **{_official.BULK_BODY: bulk_actions}, **params["kwargs"]
            )
        except _official.PRIVATE_CATCH as error:
            results = _process_bulk_chunk_error(
                error=error,
                bulk_data=bulk_data,
                ignore_status=ignored,
                raise_on_exception=params["raise_on_exception"],
                raise_on_error=raise_on_error,
            )
        else:
            results = _process_bulk_chunk_success(
                resp=_official.body_of(response),
                bulk_data=bulk_data,
                ignore_status=ignored,
                raise_on_error=raise_on_error,
            )
        for result in results:
            yield result


# unasync: sync-only (parallel_bulk's way through the three functions above, when replaced)
# _OWN_PROCESS = _process_bulk_chunk
# _OWN_SUCCESS = _process_bulk_chunk_success
# _OWN_ERROR = _process_bulk_chunk_error
# _PASSES_SPAN = "otel_span" in inspect.signature(_official.process_bulk_chunk).parameters
#
#
# def _private_replaced() -> bool:
#     """Whether one of the three functions above is no longer this module's own."""
#     return (
#         _process_bulk_chunk is not _OWN_PROCESS
#         or _process_bulk_chunk_success is not _OWN_SUCCESS
#         or _process_bulk_chunk_error is not _OWN_ERROR
#     )
#
#
# def _privately(
#     process: Callable[..., Iterable[Any]],
#     client: Any,
#     chunk: Chunk,
#     options: Options,
#     writer: LineWriter,
#     want_ok: bool,
#     span: Any,
#     params: dict[str, Any],
#     picked: dict[str, Any],
# ) -> list[Outcome]:
#     """One chunk of ``parallel_bulk`` sent by ``process`` (``_process_bulk_chunk`` or what
#     replaced it), called as the official ``parallel_bulk`` calls it: the chunk's lines,
#     its ``(action,)`` / ``(action, document)`` pairs, ``ignore_status``, the span (8.x and
#     later) and the bulk keywords. Actions refused before sending are reported first."""
#     job = Sending(chunk, options, writer, want_ok)
#     refused = job.refused()
#     outcomes = [] if refused is None else [refused]
#     if chunk.docs:
#         bulk_data = [
#             ({op_type: meta},) if doc is None else ({op_type: meta}, doc)
#             for (op_type, meta), doc in zip(chunk.headers(), chunk.docs, strict=True)
#         ]
#         flags = ("raise_on_error", "raise_on_exception")
#         kwargs: dict[str, Any] = {k: picked[k] for k in flags if k in picked}
#         kwargs.update(params["kwargs"])
#         kwargs["ignore_status"] = params["ignore_status"]
#         if _PASSES_SPAN:
#             kwargs["otel_span"] = span
#         tagged = _official.tagged(client, "bp")
#         try:
#             results = list(process(tagged, list(chunk.lines), bulk_data, *params["args"], **kwargs))
#         except BulkIndexError as e:
#             if not job.errors:
#                 raise
#             errors = job.errors + list(e.errors)
#             raise BulkIndexError(f"{len(errors)} document(s) failed to index.", errors) from e
#         ok = sum(1 for result in results if result[0])
#         outcomes.append(Outcome(ok, len(results) - ok, None, results))
#     job.finish()
#     return outcomes
# unasync: end


# -- scan and reindex ---------------------------------------------------------------------


async def _clear(clear: Callable[[], Any], failing: bool) -> None:
    """Clears the scroll; while another error is on its way out, a failure here is logged."""
    if not failing:
        await clear()
        return
    try:
        await clear()
    except Exception as e:
        logger.warning("Could not clear the scroll: %r", e)


async def async_scan(
    client: AsyncElasticsearch,
    query: Any | None = None,
    scroll: str = "5m",
    raise_on_error: bool = True,
    preserve_order: bool = False,
    size: int = 1000,
    request_timeout: float | None = None,
    clear_scroll: bool = True,
    scroll_kwargs: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> AsyncIterator[dict[str, Any]]:
    """Every hit of a search, page by page through the scroll API.

    Hits come in index order (``sort: _doc``) unless ``preserve_order``; extra keyword
    arguments go to the first ``search``, auth and header options to every call.
    """
    if not preserve_order:
        query = dict(query) if query else {}
        query["sort"] = "_doc"
    calls = _official.ScanCalls(client, query, scroll, size, request_timeout, scroll_kwargs, kwargs)
    body_of = _official.body_of
    try:
        resp = body_of(await calls.search())
    except TypeError:  # a query with keys search() does not take: sent as the body, where it can be
        if calls.search_body is None:
            raise
        resp = body_of(await calls.search_body())
    scroll_id = resp.get("_scroll_id")
    page = calls.pages()
    failing = True
    try:
        while scroll_id and resp["hits"]["hits"]:
            for hit in resp["hits"]["hits"]:
                yield hit
            shards_failed(resp, scroll_id, raise_on_error)
            resp = body_of(await page(scroll_id))
            scroll_id = resp.get("_scroll_id")
        failing = False
    finally:
        if scroll_id and clear_scroll:
            await _clear(lambda: calls.clear(scroll_id), failing)


async def _target_op_type(target: Any, target_index: str, op_type: str | None) -> str | None:
    # The probe only tells a data stream from an index. When it gets no usable answer (no
    # data stream API on this server: 400; no right to view the target's metadata: 403; a
    # missing target: 404; no answer at all), the target is taken for an index: should it
    # be a data stream after all, each action is refused and reported, never lost. (The
    # official 8.x/9.x helper raises any API error but 404 here, failing the whole reindex.)
    try:
        resp = await target.indices.get_data_stream(name=target_index, expand_wildcards="all")
    except _official.PROBE_ERRORS:
        return op_type
    return data_stream_op_type(_official.body_of(resp), target_index, op_type)


async def async_reindex(
    client: AsyncElasticsearch,
    source_index: str | Collection[str],
    target_index: str,
    query: Any | None = None,
    target_client: AsyncElasticsearch | None = None,
    chunk_size: int = 500,
    scroll: str = "5m",
    op_type: str | None = None,
    scan_kwargs: Mapping[str, Any] = {},  # the official default, never mutated
    bulk_kwargs: Mapping[str, Any] = {},
) -> tuple[int, int | list[dict[str, Any]]]:
    """Copies the documents a query matches (all by default) from one index to another,
    possibly through another client (cluster). Mappings are not copied."""
    target = client if target_client is None else target_client
    docs = async_scan(client, query=query, index=source_index, scroll=scroll, **scan_kwargs)
    op_type = await _target_op_type(target, target_index, op_type)

    async def actions() -> AsyncIterator[dict[str, Any]]:
        async for hit in docs:
            yield retarget(hit, target_index, op_type)

    params: dict[str, Any] = {"stats_only": True, **bulk_kwargs}
    return await async_bulk(target, actions(), chunk_size=chunk_size, **params)
