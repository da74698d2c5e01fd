"""The asyncio helpers: ``async_bulk``, ``async_streaming_bulk``, ``async_scan``, ``async_reindex``.

They share the bulk machinery of the synchronous helpers (``helpers/_engine.py``): only
sending, sleeping and iterating are awaited here. Actions may be an iterable or an
async iterable.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Collection,
    Iterable,
    MutableMapping,
    Sequence,
)
from typing import Any, TypeVar

from elastic_transport import ApiError as _ApiError
from elastic_transport import TransportError as _TransportError

from ..helpers._engine import (
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
    pop_transport_options,
    retarget,
    shards_failed,
)
from ..helpers.actions import _chunk_answered, _chunk_failed, _PairChunker
from ..helpers.errors import BulkIndexError, ScanError

__all__ = [
    "BulkIndexError",
    "ScanError",
    "aiter",
    "async_bulk",
    "async_reindex",
    "async_scan",
    "async_streaming_bulk",
    "azip",
    "expand_action",
]

T = TypeVar("T")
_TICK = object()  # flush_after_seconds passed without a new action
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


# -- the bulk loop ------------------------------------------------------------------------


def _sender(client: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Callable[[Any], Any]:
    api = client.bulk
    if LEGACY:

        async def send_legacy(payload: Any) -> Any:
            return await api(*args, body=payload, **kwargs)

        return send_legacy

    async def send(payload: Any) -> Any:
        return (await api(*args, operations=payload, **kwargs)).body

    return send


async def _outcomes(
    send: Callable[[Any], Any], chunk: Chunk, options: Options, writer: LineWriter, want_ok: bool
) -> AsyncIterator[Outcome]:
    job = Sending(chunk, options, writer, want_ok)
    outcome = job.refused()
    if outcome is not None:
        yield outcome
    while job.pending is not None:
        try:
            body = await send(job.payload())
        except _CATCH as e:
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


async def _timed(actions: Iterable[Any] | AsyncIterable[Any], seconds: float) -> AsyncIterator[Any]:
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


async def _chunks(
    actions: Iterable[Any] | AsyncIterable[Any], batcher: Batcher, flush_after: float | None
) -> AsyncIterator[Chunk]:
    add = batcher.add
    if flush_after is not None:
        async for data in _timed(actions, flush_after):
            done = batcher.flush() if data is _TICK else add(data)
            if done is not None:
                yield done
    elif hasattr(actions, "__aiter__") or hasattr(actions, "__anext__"):
        async for data in aiter(actions):
            done = add(data)
            if done is not None:
                yield done
    else:
        for chunk in batcher.feed(actions):  # type: ignore[arg-type]
            yield chunk
    last = batcher.flush()
    if last is not None:
        yield last


async def _run(
    client: Any,
    actions: Iterable[Any] | AsyncIterable[Any],
    options: Options,
    args: Sequence[Any],
    kwargs: dict[str, Any],
    progress: Any,
    want_ok: bool,
) -> AsyncIterator[Outcome]:
    tracker = Progress(progress, actions)
    if not LEGACY:
        client = client.options()
        client._client_meta = (("h", "bp"),)
    batcher = options.batcher(client, kwargs)
    send = _sender(client, args, kwargs)
    try:
        async for chunk in _chunks(actions, batcher, options.flush_after_seconds):
            async for outcome in _outcomes(send, chunk, options, batcher.writer, want_ok):
                if tracker.active:
                    waiting = tracker.update(outcome, batcher.taken)
                    if inspect.isawaitable(waiting):
                        await waiting
                yield outcome
    finally:
        tracker.close()


_OPTION_NAMES = frozenset(inspect.signature(Options).parameters)


def _options(params: dict[str, Any]) -> Options:
    return Options(**{k: v for k, v in params.items() if k in _OPTION_NAMES})


Actions = Iterable[Any] | AsyncIterable[Any]

# -- public helpers -----------------------------------------------------------------------

if LEGACY:

    async def async_streaming_bulk(
        client: Any,
        actions: Actions,
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
    ) -> AsyncIterator[tuple[bool, dict[str, Any]]]:
        """Sends the actions in chunks and yields ``(ok, item)`` for every one of them."""
        options = _options(dict(locals()))
        async for outcome in _run(client, actions, options, args, kwargs, progress, yield_ok):
            for result in outcome.pairs():
                yield result

else:

    async def async_streaming_bulk(  # type: ignore[misc]
        client: Any,
        actions: Actions,
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
        *args: Any,
        progress: Any = None,
        **kwargs: Any,
    ) -> AsyncIterator[tuple[bool, dict[str, Any]]]:
        """Sends the actions in chunks and yields ``(ok, item)`` for every one of them."""
        options = _options(dict(locals()))
        async for outcome in _run(client, actions, options, args, kwargs, progress, yield_ok):
            for result in outcome.pairs():
                yield result


async def async_bulk(
    client: Any,
    actions: Actions,
    stats_only: bool = False,
    ignore_status: int | Collection[int] = (),
    *args: Any,
    progress: Any = None,
    **kwargs: Any,
) -> tuple[int, int | list[dict[str, Any]]]:
    """Sends every action and returns ``(ok count, errors)``: the failed items, or their
    count with ``stats_only``. Arguments are those of ``async_streaming_bulk``."""
    kwargs.pop("yield_ok", None)
    kwargs.pop("span_name", None)
    bound = inspect.signature(async_streaming_bulk).bind(
        client, actions, *args, ignore_status=ignore_status, **kwargs
    )
    params = dict(bound.arguments)
    options = _options(params)
    success = failed = 0
    errors: list[dict[str, Any]] = []
    async for outcome in _run(
        client, actions, options, params.get("args", ()), params.get("kwargs", {}), progress, False
    ):
        success += outcome.ok
        failed += outcome.failed
        if not stats_only:
            errors.extend(item for ok, item in outcome.results if not ok)
    return success, failed if stats_only else errors


# -- the official async helpers' private building blocks ----------------------------------


async def _chunked(
    actions: Iterable[Any] | AsyncIterable[Any],
    chunk_size: int,
    max_chunk_bytes: int,
    flush_after_seconds: float | None,
    serializer: Any,
) -> AsyncIterator[tuple[list[Any], list[Any]]]:
    chunker = _PairChunker(chunk_size, max_chunk_bytes, serializer)
    pairs = aiter(actions) if not flush_after_seconds else _timed(actions, flush_after_seconds)
    async for pair in pairs:
        done = chunker.flush() if pair is _TICK else chunker.add(pair)
        if done is not None:
            yield done
    last = chunker.flush()
    if last is not None:
        yield last


if LEGACY:

    def _chunk_actions(
        actions: AsyncIterable[Any], chunk_size: int, max_chunk_bytes: int, serializer: Any
    ) -> AsyncIterator[tuple[list[Any], list[Any]]]:
        """``helpers._chunk_actions`` over an async iterable of ``expand_action`` results."""
        return _chunked(actions, chunk_size, max_chunk_bytes, None, serializer)

else:

    def _chunk_actions(  # type: ignore[misc]
        actions: AsyncIterable[Any],
        chunk_size: int,
        max_chunk_bytes: int,
        flush_after_seconds: float | None,
        serializer: Any,
    ) -> AsyncIterator[tuple[list[Any], list[Any]]]:
        """``helpers._chunk_actions`` over an async iterable of ``expand_action`` results."""
        return _chunked(actions, chunk_size, max_chunk_bytes, flush_after_seconds, serializer)


async def _process_bulk_chunk(
    client: Any,
    bulk_actions: list[Any],
    bulk_data: list[Any],
    raise_on_exception: bool = True,
    raise_on_error: bool = True,
    ignore_status: int | Collection[int] = (),
    *args: Any,
    **kwargs: Any,
) -> AsyncIterator[tuple[bool, dict[str, Any]]]:
    """Sends one chunk made by ``_chunk_actions``; ``(ok, item)`` per action, as the sync one."""
    ignored = _statuses(ignore_status)
    try:
        if LEGACY:
            body = await client.bulk(*args, body=bulk_actions, **kwargs)
        else:
            body = (await client.bulk(*args, operations=bulk_actions, **kwargs)).body
    except PRIVATE_CATCH as error:
        results = _chunk_failed(error, bulk_data, raise_on_exception, raise_on_error, ignored)
    else:
        results = _chunk_answered(body, bulk_data, raise_on_error, ignored)
    for result in results:
        yield result


async def _clear(clear: Callable[[], Any], failing: bool) -> None:
    if not failing:
        await clear()
        return
    try:
        await clear()
    except Exception as e:
        logger.warning("Could not clear the scroll: %r", e)


if LEGACY:

    async def async_scan(
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
    ) -> AsyncIterator[dict[str, Any]]:
        """Every hit of a search, page by page through the scroll API (see ``scan``)."""
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
        resp = await client.search(**search_params)
        scroll_id = resp.get("_scroll_id")
        failing = True
        try:
            while scroll_id and resp["hits"]["hits"]:
                for hit in resp["hits"]["hits"]:
                    yield hit
                shards_failed(resp, scroll_id, raise_on_error)
                scroll_params["scroll_id"] = scroll_id
                resp = await client.scroll(**scroll_params)
                scroll_id = resp.get("_scroll_id")
            failing = False
        finally:
            if scroll_id and clear_scroll:
                await _clear(
                    lambda: client.clear_scroll(scroll_id=scroll_id, ignore=(404,), **per_call), failing
                )

else:

    async def async_scan(  # type: ignore[misc]
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
    ) -> AsyncIterator[dict[str, Any]]:
        """Every hit of a search, page by page through the scroll API (see ``scan``)."""
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
            resp = body_of(await client.search(**search_params))
        except TypeError:  # a query with keys search() does not take: send it as the body
            search_params = dict(kwargs)
            search_params["scroll"] = scroll
            search_params["size"] = size
            resp = body_of(await client.search(body=query, **search_params))
        scroll_id = resp.get("_scroll_id")
        scroll_options = pop_transport_options(scroll_params)
        scroll_client = client.options(**scroll_options) if scroll_options else client
        failing = True
        try:
            while scroll_id and resp["hits"]["hits"]:
                for hit in resp["hits"]["hits"]:
                    yield hit
                shards_failed(resp, scroll_id, raise_on_error)
                resp = body_of(
                    await scroll_client.scroll(scroll_id=scroll_id, scroll=scroll, **scroll_params)
                )
                scroll_id = resp.get("_scroll_id")
            failing = False
        finally:
            if scroll_id and clear_scroll:
                await _clear(
                    lambda: client.options(ignore_status=404).clear_scroll(scroll_id=scroll_id), failing
                )


async def _target_op_type(target: Any, target_index: str, op_type: str | None) -> str | None:
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
        resp = await target.indices.get_data_stream(name=target_index, expand_wildcards="all")
    except failed:
        return op_type
    return data_stream_op_type(resp, target_index, op_type)


async def async_reindex(
    client: Any,
    source_index: str | Collection[str],
    target_index: str,
    query: Any = None,
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
    docs = async_scan(client, query=query, index=source_index, scroll=scroll, **scan_kwargs)
    op_type = await _target_op_type(target, target_index, op_type)

    async def actions() -> AsyncIterator[dict[str, Any]]:
        async for hit in docs:
            yield retarget(hit, target_index, op_type)

    params: dict[str, Any] = {"stats_only": True, **bulk_kwargs}
    return await async_bulk(target, actions(), chunk_size=chunk_size, **params)
