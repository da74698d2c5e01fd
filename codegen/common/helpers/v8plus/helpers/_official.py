"""What the helpers take from the official 8.x/9.x client: the signatures that differ from
7.x, the errors they catch, and how they call an 8.x/9.x client (keyword bodies, responses
with ``.body``, per-request options through ``client.options()``). 7.x has its own module
(``helpers/v7/helpers/_official.py``); the profile's ``common_dirs`` picks one.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from elastic_transport import ApiError as _ApiError
from elastic_transport import JsonSerializer
from elastic_transport import TransportError as _TransportError

from ._engine import _as_bytes, expand_action, from_keyword, pop_transport_options

if TYPE_CHECKING:  # the client classes the official signatures name, for type checkers only
    from .. import AsyncElasticsearch, Elasticsearch

# Connection-level errors are caught too, so that raise_on_exception=False reports the
# chunk's actions as failed instead of losing track of them; they are re-raised otherwise.
CATCH: tuple[type[BaseException], ...] = (_ApiError, _TransportError)
PRIVATE_CATCH: tuple[type[BaseException], ...] = (_ApiError,)  # connection errors propagate there
# The data stream probe of reindex: no usable answer, the target is taken for an index.
PROBE_ERRORS: tuple[type[BaseException], ...] = (_TransportError, _ApiError, KeyError)

# Keywords of ``parallel_bulk`` that are options of the bulk, not arguments of ``client.bulk``.
PARALLEL_OPTIONS = (
    "raise_on_error",
    "raise_on_exception",
    "max_retries",
    "initial_backoff",
    "max_backoff",
    "yield_ok",
    "retry_on_status",
)

BULK_BODY = "operations"  # the keyword of ``client.bulk`` that takes the NDJSON body


def body_of(response: Any) -> Any:
    return response.body


def tagged(client: Any, helper: str) -> Any:
    """A copy of the client that reports ``helper`` (``bp``, ``s``) in its client meta header."""
    client = client.options()
    client._client_meta = (("h", helper),)
    return client


def json_serializer(client: Any) -> tuple[Any, Any, bool, tuple[bool, None, None, Callable[[Any], Any]]]:
    """(serializer, its exact ``json_dumps`` if it is the stock one else None, stock
    ``default``?, the line writer for any other serializer); see ``_engine._line_dumper``."""
    serializer = client.transport.serializers.get_serializer("application/json")
    cls = type(serializer)
    if isinstance(serializer, JsonSerializer) and cls.dumps is JsonSerializer.dumps:
        stock = cls.json_dumps is JsonSerializer.json_dumps
        exact = serializer.json_dumps if stock else None
        # OrjsonSerializer, or a custom json_dumps: called as it is
        return (
            serializer,
            exact,
            cls.default is JsonSerializer.default,
            (False, None, None, serializer.json_dumps),
        )
    return serializer, None, False, (False, None, None, _as_bytes(serializer.dumps))


class ScanCalls:
    """The search, scroll and clear-scroll calls of one scan: auth and header options go to
    every call through ``client.options()``, the other keywords to the search."""

    def __init__(
        self,
        client: Any,
        query: Any,
        scroll: str,
        size: int,
        request_timeout: float | None,
        scroll_kwargs: Mapping[str, Any] | None,
        kwargs: dict[str, Any],
    ) -> None:
        self.scroll_params = dict(scroll_kwargs or {})
        self.scroll = scroll
        client = client.options(request_timeout=request_timeout, **pop_transport_options(kwargs))
        client._client_meta = (("h", "s"),)
        self.client = client
        from_keyword(kwargs)
        search_params = dict(query) if query else {}
        from_keyword(search_params)
        search_params.update(kwargs)
        search_params["scroll"] = scroll
        search_params["size"] = size
        self.search_params = search_params
        self.query = query
        self.kwargs = kwargs

    def search(self) -> Any:
        return self.client.search(**self.search_params)

    def search_body(self) -> Any:
        """The search again, the query as the body: for a query with keys ``search()`` does not take."""
        return self.client.search(
            body=self.query, **self.kwargs, scroll=self.scroll, size=self.search_params["size"]
        )

    def pages(self) -> Callable[[str], Any]:
        """The scroll call for the following pages (made once the search is answered)."""
        options = pop_transport_options(self.scroll_params)
        client = self.client.options(**options) if options else self.client
        scroll, params = self.scroll, self.scroll_params
        return lambda scroll_id: client.scroll(scroll_id=scroll_id, scroll=scroll, **params)

    def clear(self, scroll_id: str) -> Any:
        return self.client.options(ignore_status=404).clear_scroll(scroll_id=scroll_id)


# -- the official signatures: each returns its arguments (see ``_engine.official``) -------


def streaming_bulk(
    client: Elasticsearch,
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
) -> dict[str, Any]:
    return locals()


def async_streaming_bulk(
    client: AsyncElasticsearch,
    actions: Iterable[Any] | AsyncIterable[Any],
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
) -> dict[str, Any]:
    return locals()


def parallel_bulk(
    client: Elasticsearch,
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
) -> dict[str, Any]:
    return locals()


def chunk_actions(
    actions: Any, chunk_size: int, max_chunk_bytes: int, flush_after_seconds: float | None, serializer: Any
) -> dict[str, Any]:
    return locals()


def process_bulk_chunk(
    client: Any,
    bulk_actions: list[Any],
    bulk_data: list[Any],
    otel_span: Any,  # accepted and unused: this client traces nothing
    raise_on_exception: bool = True,
    raise_on_error: bool = True,
    ignore_status: int | Collection[int] = (),
    *args: Any,
    **kwargs: Any,
) -> dict[str, Any]:
    return locals()


def async_process_bulk_chunk(
    client: Any,
    bulk_actions: list[Any],
    bulk_data: list[Any],
    raise_on_exception: bool = True,
    raise_on_error: bool = True,
    ignore_status: int | Collection[int] = (),
    *args: Any,
    **kwargs: Any,
) -> dict[str, Any]:
    return locals()
