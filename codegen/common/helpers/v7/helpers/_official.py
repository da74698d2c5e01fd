"""What the helpers take from the official 7.x client: its signatures (before 8.x added
``flush_after_seconds``, ``retry_on_status`` and the tracing arguments), the errors they catch,
and how they call a 7.x client (``body=``, plain dict responses, per-request options as
keywords of each call). 8.x and later have their own module
(``helpers/v8plus/helpers/_official.py``); the profile's ``common_dirs`` picks one.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..exceptions import TransportError
from ..serializer import JSONSerializer
from ._engine import expand_action, from_keyword

if TYPE_CHECKING:  # the client classes the official signatures name, for type checkers only
    from .. import AsyncElasticsearch, Elasticsearch

CATCH: tuple[type[BaseException], ...] = (TransportError,)
PRIVATE_CATCH: tuple[type[BaseException], ...] = (TransportError,)  # as the official private one
# The data stream probe of reindex: no usable answer, the target is taken for an index.
PROBE_ERRORS: tuple[type[BaseException], ...] = (TransportError, KeyError)

# Keywords of ``parallel_bulk`` that are options of the bulk, not arguments of ``client.bulk``.
PARALLEL_OPTIONS = (
    "raise_on_error",
    "raise_on_exception",
    "max_retries",
    "initial_backoff",
    "max_backoff",
    "yield_ok",
)

BULK_BODY = "body"  # the keyword of ``client.bulk`` that takes the NDJSON body

_PER_CALL = ("headers", "api_key", "http_auth")  # what every call of a scan is given again


def body_of(response: Any) -> Any:
    return response  # a 7.x client returns the deserialized body itself


_META_PARAM = "__elastic_client_meta"  # taken out of the query by the 7.x transport


def with_helper_meta(kwargs: dict[str, Any], helper: str) -> dict[str, Any]:
    """``kwargs`` of a call whose ``params`` name the helper: ``h=<helper>`` in the client
    meta header, the 7.x way (``helpers.actions._add_helper_meta_to_kwargs``)."""
    return {**kwargs, "params": {**(kwargs.get("params") or {}), _META_PARAM: (("h", helper),)}}


class _Tagged:
    """A 7.x client whose ``bulk`` calls name the helper that sends them; everything else is
    the client's own."""

    def __init__(self, client: Any, helper: str) -> None:
        self._client = client
        self._helper = helper

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def bulk(self, *args: Any, **kwargs: Any) -> Any:
        return self._client.bulk(*args, **with_helper_meta(kwargs, self._helper))


def tagged(client: Any, helper: str) -> Any:
    """The client, its ``bulk`` calls sending ``h=<helper>`` in the client meta header."""
    return _Tagged(client, helper)


def json_serializer(client: Any) -> tuple[Any, Any, bool, tuple[bool, None, None, Callable[[Any], Any]]]:
    """(serializer, its exact ``dumps`` if it is the stock one else None, stock ``default``?,
    the line writer for any other serializer: text, as a 7.x body is); see
    ``_engine._line_dumper``."""
    serializer = client.transport.serializer
    cls = type(serializer)

    def as_text(obj: Any) -> str:
        out = serializer.dumps(obj)
        return out.decode("utf-8", "surrogatepass") if isinstance(out, bytes) else out  # type: ignore[no-any-return]

    exact = serializer.dumps if cls.dumps is JSONSerializer.dumps else None
    return serializer, exact, cls.default is JSONSerializer.default, (True, None, None, as_text)


class ScanCalls:
    """The search, scroll and clear-scroll calls of one scan: auth and headers go to every
    call as keywords, the query's keys and the other keywords to the search."""

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
        self.client = client
        self.scroll_params = dict(scroll_kwargs or {})
        self.scroll_params["scroll"] = scroll
        self.per_call = {k: kwargs[k] for k in _PER_CALL if k in kwargs}
        for key, value in self.per_call.items():
            self.scroll_params.setdefault(key, value)
        search_params = dict(kwargs)
        from_keyword(search_params)
        if query:
            search_params.update(query)
        from_keyword(search_params)
        search_params["scroll"] = scroll
        search_params["size"] = size
        search_params["request_timeout"] = request_timeout
        self.search_params = with_helper_meta(search_params, "s")
        self.scroll_params = with_helper_meta(self.scroll_params, "s")

    def search(self) -> Any:
        return self.client.search(**self.search_params)

    search_body = None  # a TypeError of the search is raised as it is

    def pages(self) -> Callable[[str], Any]:
        """The scroll call for the following pages."""
        client, params = self.client, self.scroll_params

        def page(scroll_id: str) -> Any:
            params["scroll_id"] = scroll_id
            return client.scroll(**params)

        return page

    def clear(self, scroll_id: str) -> Any:
        return self.client.clear_scroll(
            scroll_id=scroll_id, ignore=(404,), **with_helper_meta(self.per_call, "s")
        )


# -- the official signatures: each returns its arguments (see ``_engine.official``) -------


def streaming_bulk(
    client: Elasticsearch,
    actions: Iterable[Any] | AsyncIterable[Any],
    chunk_size: int = 500,
    max_chunk_bytes: int = 100 * 1024 * 1024,
    raise_on_error: bool = True,
    expand_action_callback: Callable[[Any], tuple[Any, Any]] = expand_action,
    raise_on_exception: bool = True,
    max_retries: int = 0,
    initial_backoff: float = 2,
    max_backoff: float = 600,
    yield_ok: bool = True,
    ignore_status: int | Collection[int] | None = (),
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
    queue_size: int = 4,
    expand_action_callback: Callable[[Any], tuple[Any, Any]] = expand_action,
    ignore_status: int | Collection[int] | None = (),
    *args: Any,
    progress: Any = None,
    **kwargs: Any,
) -> dict[str, Any]:
    return locals()


def chunk_actions(actions: Any, chunk_size: int, max_chunk_bytes: int, serializer: Any) -> dict[str, Any]:
    return locals()


def process_bulk_chunk(
    client: Any,
    bulk_actions: list[Any],
    bulk_data: list[Any],
    raise_on_exception: bool = True,
    raise_on_error: bool = True,
    ignore_status: int | Collection[int] | None = (),
    *args: Any,
    **kwargs: Any,
) -> dict[str, Any]:
    return locals()


# 7.x gives the async helpers the same arguments as the sync ones (but the client).
def async_streaming_bulk(
    client: AsyncElasticsearch,
    actions: Iterable[Any] | AsyncIterable[Any],
    chunk_size: int = 500,
    max_chunk_bytes: int = 100 * 1024 * 1024,
    raise_on_error: bool = True,
    expand_action_callback: Callable[[Any], tuple[Any, Any]] = expand_action,
    raise_on_exception: bool = True,
    max_retries: int = 0,
    initial_backoff: float = 2,
    max_backoff: float = 600,
    yield_ok: bool = True,
    ignore_status: int | Collection[int] | None = (),
    *args: Any,
    progress: Any = None,
    **kwargs: Any,
) -> dict[str, Any]:
    return locals()


async_process_bulk_chunk = process_bulk_chunk
