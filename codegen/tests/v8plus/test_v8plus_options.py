"""``client.options(...)``: a new client on the same transport, with its own per-request options.

For every argument: the copy sends what it says (checked on the wire), the original keeps
sending what it did, and the copy's namespaces (``copy.indices``) use the copy's options,
also when the original had built its namespace before the copy was made.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import elastic_transport
import pytest

from .v8plus_servers import RecordingServer, Reply, resolve, sequence

NOT_FOUND = {
    "error": {
        "root_cause": [{"type": "index_not_found_exception", "reason": "no such index [x]"}],
        "type": "index_not_found_exception",
        "reason": "no such index [x]",
    },
    "status": 404,
}

# options() argument -> value -> the request header it must produce.
HEADER_OPTIONS = [
    ("opaque_id", "op-1", "x-opaque-id", "op-1"),
    ("headers", {"X-Custom": "yes"}, "x-custom", "yes"),
    ("api_key", "c2VjcmV0", "authorization", "ApiKey c2VjcmV0"),
    ("api_key", ("id", "key"), "authorization", "ApiKey aWQ6a2V5"),
    ("basic_auth", ("user", "pass"), "authorization", "Basic dXNlcjpwYXNz"),
    ("bearer_auth", "token", "authorization", "Bearer token"),
]

ALL_OPTIONS: dict[str, Any] = {
    "request_timeout": 3.5,
    "ignore_status": 404,
    "max_retries": 7,
    "retry_on_status": (500, 503),
    "retry_on_timeout": True,
    "request_deadline": 30.0,
    "headers": {"X-Custom": "yes"},
    "opaque_id": "op-1",
    "api_key": ("id", "key"),
    "basic_auth": ("user", "pass"),
    "bearer_auth": "token",
}


def _state(client: Any) -> dict[str, Any]:
    """A client's own settings, namespaces left out (they are rebuilt on first use)."""
    return {
        k: (dict(v) if k == "_headers" else v) for k, v in vars(client).items() if not hasattr(v, "_client")
    }


@pytest.mark.parametrize("name", sorted(ALL_OPTIONS))
async def test_copy_shares_the_transport_and_leaves_the_original_alone(es: Any, name: str) -> None:
    """Each argument gives a new client of the same class on the same transport."""
    before = _state(es)
    copy = es.options(**{name: ALL_OPTIONS[name]})
    assert copy is not es
    assert type(copy) is type(es)
    assert copy.transport is es.transport
    assert _state(es) == before
    assert _state(copy) != before


@pytest.mark.parametrize(("name", "value", "header", "expected"), HEADER_OPTIONS)
async def test_header_options_reach_the_wire(
    es: Any, server: RecordingServer, name: str, value: Any, header: str, expected: str
) -> None:
    """The copy and its namespaces send the header; the original does not."""
    namespace_before = es.indices  # built before the copy: must not leak into it, nor it into the copy
    copy = es.options(**{name: value})
    await resolve(copy.info())
    assert server.last.headers[header] == expected
    await resolve(copy.indices.exists(index="logs"))
    assert (server.last.method, server.last.path, server.last.headers[header]) == ("HEAD", "/logs", expected)
    await resolve(es.info())
    await resolve(namespace_before.exists(index="logs"))
    assert all(header not in r.headers for r in server.requests[-2:])


async def test_auth_options_replace_the_client_auth(
    make_client: Callable[..., Any], server: RecordingServer
) -> None:
    """A client made with api_key and copied with other credentials sends only the copy's."""
    es = make_client(api_key="a2V5")
    await resolve(es.options(bearer_auth="token").options(basic_auth=("u", "p")).info())
    assert server.last.headers["authorization"] == "Basic dTpw"
    await resolve(es.info())
    assert server.last.headers["authorization"] == "ApiKey a2V5"


@pytest.mark.parametrize("auth", [{"api_key": "k"}, {"basic_auth": ("u", "p")}, {"bearer_auth": "t"}])
@pytest.mark.parametrize("name", ["Authorization", "authorization"])
async def test_authorization_header_with_auth_option_is_refused(
    make_client: Callable[..., Any], server: RecordingServer, auth: dict[str, Any], name: str
) -> None:
    """An Authorization header and an auth option in one options() call is ambiguous: refused,
    and nothing is sent; either one alone replaces the client's credentials on the wire."""
    es = make_client(api_key="a2V5")
    with pytest.raises(
        ValueError, match="Can't set 'Authorization' HTTP header with other authentication options"
    ):
        es.options(headers={name: "Custom x"}, **auth)
    assert server.requests == []
    await resolve(es.options(headers={name: "Custom x"}).info())
    assert server.last.headers["authorization"] == "Custom x"
    await resolve(es.options(**auth).info())
    assert server.last.headers["authorization"].split()[0] in ("ApiKey", "Basic", "Bearer")
    assert server.last.headers["authorization"] != "ApiKey a2V5"


async def test_headers_option_merges_with_client_headers(
    make_client: Callable[..., Any], server: RecordingServer
) -> None:
    es = make_client(headers={"X-One": "1"}, opaque_id="client-op")
    await resolve(es.options(headers={"X-Two": "2"}, opaque_id="call-op").search(index="i"))
    assert (server.last.headers["x-one"], server.last.headers["x-two"]) == ("1", "2")
    assert server.last.headers["x-opaque-id"] == "call-op"
    await resolve(es.search(index="i"))
    assert "x-two" not in server.last.headers
    assert server.last.headers["x-opaque-id"] == "client-op"


async def test_request_timeout(es: Any, es_module: ModuleType, server: RecordingServer) -> None:
    """A short request_timeout on the copy times out; the original waits as configured."""
    server.route("GET", "/slow/_doc/1", Reply(body={"found": True}, delay=0.4))
    server.route("GET", "/slow", Reply(body={"slow": {}}, delay=0.4))
    with pytest.raises(es_module.ConnectionTimeout):
        await resolve(es.options(request_timeout=0.05).get(index="slow", id="1"))
    with pytest.raises(es_module.ConnectionTimeout):
        await resolve(es.options(request_timeout=0.05).indices.get(index="slow"))
    # retry_on_timeout is off by default: one request each. The server may record the
    # second one after the client gave up on it, so give its thread a moment.
    deadline = time.monotonic() + 5
    while len(server.requests) < 2 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    assert len(server.requests) == 2
    assert (await resolve(es.get(index="slow", id="1"))).body == {"found": True}


# About 30 s for the whole body, each byte well within a 0.5 s request_timeout.
_TRICKLED = Reply(body={"found": True, "pad": "x" * 100}, trickle=0.25)


@pytest.mark.parametrize("where", ["options", "constructor"])
async def test_request_deadline(
    make_client: Callable[..., Any], es_module: ModuleType, server: RecordingServer, where: str
) -> None:
    """request_deadline bounds the whole request, retries included, where request_timeout
    bounds each read (and retry_on_timeout would start over 10 times)."""
    server.route("GET", "/slow/_doc/1", _TRICKLED)
    options = {"request_timeout": 0.5, "retry_on_timeout": True, "max_retries": 10}
    if where == "constructor":
        es = make_client(request_deadline=1.0, **options)
    else:
        es = make_client(**options).options(request_deadline=1.0)
    start = time.monotonic()
    with pytest.raises(es_module.ConnectionTimeout, match="request deadline of 1s"):
        await resolve(es.get(index="slow", id="1"))
    assert time.monotonic() - start < 4.0  # generous; without the deadline: 30 s
    assert (await resolve(es.info())).body["cluster_name"] == "recording"


async def test_retry_on_timeout(es: Any, es_module: ModuleType, server: RecordingServer) -> None:
    server.route("GET", "/slow/_doc/1", sequence(Reply(delay=0.4), Reply(body={"found": True})))
    quick = es.options(request_timeout=0.05, max_retries=1)
    with pytest.raises(es_module.ConnectionTimeout):
        await resolve(quick.get(index="slow", id="1"))
    assert len(server.requests) == 1
    server.requests.clear()
    server.route("GET", "/slow/_doc/1", sequence(Reply(delay=0.4), Reply(body={"found": True})))
    response = await resolve(quick.options(retry_on_timeout=True).get(index="slow", id="1"))
    assert response.body == {"found": True}
    assert len(server.requests) == 2


async def test_ignore_status(es: Any, es_module: ModuleType, server: RecordingServer) -> None:
    """Ignored statuses return the response; others still raise, and the original still raises."""
    server.route("GET", "/x/_doc/1", Reply(status=404, body=NOT_FOUND))
    server.route("GET", "/x", Reply(status=404, body=NOT_FOUND))
    response = await resolve(es.options(ignore_status=404).get(index="x", id="1"))
    assert type(response).__name__ == "ObjectApiResponse"
    assert (response.meta.status, response.body) == (404, NOT_FOUND)
    assert (await resolve(es.options(ignore_status=[400, 404]).indices.get(index="x"))).meta.status == 404
    with pytest.raises(es_module.NotFoundError):
        await resolve(es.options(ignore_status=(400, 409)).get(index="x", id="1"))
    with pytest.raises(es_module.NotFoundError):
        await resolve(es.get(index="x", id="1"))


async def test_max_retries_and_retry_on_status(
    es: Any, es_module: ModuleType, server: RecordingServer
) -> None:
    """500 is not retried unless asked for; max_retries bounds the attempts."""

    def flaky() -> Callable[..., Reply]:
        return sequence(
            Reply(status=500, body={"error": "busy"}), Reply(status=500, body={"error": "busy"}), Reply()
        )

    server.route("GET", "/r/_doc/1", flaky())
    with pytest.raises(es_module.ApiError):
        await resolve(es.get(index="r", id="1"))
    assert len(server.requests) == 1

    server.requests.clear()
    server.route("GET", "/r/_doc/1", flaky())
    with pytest.raises(es_module.ApiError):
        await resolve(es.options(retry_on_status=500, max_retries=1).get(index="r", id="1"))
    assert len(server.requests) == 2

    server.requests.clear()
    server.route("GET", "/r", flaky())
    copy = es.options(retry_on_status=[500], max_retries=2)
    assert (await resolve(copy.indices.get(index="r"))).meta.status == 200
    assert len(server.requests) == 3

    server.requests.clear()
    server.route("GET", "/r/_doc/1", sequence(Reply(status=429, body={"error": "busy"}), Reply()))
    with pytest.raises(es_module.ApiError) as info:
        await resolve(es.options(max_retries=0).get(index="r", id="1"))
    assert info.value.meta.status == 429
    assert len(server.requests) == 1


async def test_bad_options(es: Any) -> None:
    with pytest.raises(ValueError, match="only set one of 'api_key', 'basic_auth', and 'bearer_auth'"):
        es.options(api_key="a", basic_auth=("u", "p"))
    with pytest.raises(TypeError, match="max_retries"):
        es.options(max_retries="3")
    with pytest.raises(TypeError, match="unexpected keyword argument 'timeout'"):
        es.options(timeout=3)


def test_constructor_transport_options_go_with_every_request(
    es_module: ModuleType, server: RecordingServer
) -> None:
    """request_timeout, max_retries, retry_on_status and retry_on_timeout given to the
    constructor reach the transport's perform_request with every call (as the official
    client sends them), so a transport_class that reads them per request sees them; options()
    still overrides them. The requests go out on a real socket."""
    seen: list[dict[str, Any]] = []

    class RecordingTransport(elastic_transport.Transport):
        def perform_request(self, method: str, target: str, **kwargs: Any) -> Any:  # type: ignore[override]
            seen.append(
                {k: v for k, v in kwargs.items() if k not in ("headers", "body", "otel_span", "client_meta")}
            )
            return super().perform_request(method, target, **kwargs)

    client = es_module.Elasticsearch(
        server.url,
        transport_class=RecordingTransport,
        request_timeout=3,
        max_retries=1,
        retry_on_status=502,
        retry_on_timeout=True,
    )
    try:
        client.info()
        client.options(request_timeout=5, max_retries=0).info()
    finally:
        client.close()
    default = elastic_transport.client_utils.DEFAULT
    common: dict[str, Any] = {"retry_on_status": (502,)}
    if es_module.__name__ == "elasticsearch":  # the 8.x client passes the backoff options only once set
        common.update(retry_backoff_base=default, retry_backoff_cap=default)
    assert seen == [
        {**common, "request_timeout": 3, "max_retries": 1, "retry_on_timeout": True},
        {**common, "request_timeout": 5, "max_retries": 0, "retry_on_timeout": True},
    ]
    assert [r.path for r in server.requests] == ["/", "/"]
