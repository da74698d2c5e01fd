"""The opt-in total deadline (``request_deadline``) and close() during a retry's sleep (issue 11).

Every test talks to the fake server on 127.0.0.1 through real sockets. A trickling server
sends the body one byte every 0.25 s: each socket read ends well within a 0.5 s
``request_timeout``, so without a deadline a sync request would last as long as the trickle.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from typing import Any

import pytest
from elastic_transport import (
    AiohttpHttpNode,
    AsyncTransport,
    ConnectionError,
    ConnectionTimeout,
    HttpxAsyncHttpNode,
    HttpxHttpNode,
    NodeConfig,
    RequestsHttpNode,
    Transport,
    Urllib3HttpNode,
)
from elastic_transport._node import BaseNode
from elastic_transport.client_utils import DEFAULT, DefaultType
from fakees import FakeServer, Reply

SYNC_NODE_CLASSES = [Urllib3HttpNode, RequestsHttpNode, HttpxHttpNode]
ASYNC_NODE_CLASSES = [AiohttpHttpNode, HttpxAsyncHttpNode]
ALL_NODE_CLASSES = [*SYNC_NODE_CLASSES, *ASYNC_NODE_CLASSES]

# 200 bytes, one every 0.25 s: 50 s for a whole answer, far past any bound asserted below.
SLOW_BODY = b'{"a": "' + b"x" * 190 + b'"}'
TRICKLE = 0.25
# Generous for a loaded 2-core CI machine; a request the deadline doesn't stop takes far longer.
BOUND = 4.0


def _config(server: FakeServer, request_timeout: float | None = 0.5) -> NodeConfig:
    return NodeConfig("http", "127.0.0.1", server.port, request_timeout=request_timeout)


def _perform(
    cls: type[BaseNode],
    server: FakeServer,
    transport_kwargs: Mapping[str, Any],
    times: int = 1,
    **request_kwargs: Any,
) -> Any:
    """perform_request("GET", "/") ``times`` times through one (sync or async) transport of
    ``cls`` nodes, closed afterwards; the last response."""
    config = transport_kwargs.get("node_config") or _config(server)
    kwargs = {k: v for k, v in transport_kwargs.items() if k != "node_config"}
    if not cls.is_async:
        transport = Transport([config], node_class=cls, **kwargs)
        try:
            for _ in range(times):
                response = transport.perform_request("GET", "/", **request_kwargs)
            return response
        finally:
            transport.close()

    async def run() -> Any:
        transport = AsyncTransport([config], node_class=cls, **kwargs)
        try:
            for _ in range(times):
                response = await transport.perform_request("GET", "/", **request_kwargs)
            return response
        finally:
            await transport.close()

    return asyncio.run(run())


# --- the deadline bounds a trickling answer, on every node class ----------------------


@pytest.mark.parametrize("cls", ALL_NODE_CLASSES, ids=lambda c: c.__name__)
def test_deadline_stops_a_trickling_answer(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    fake_server.respond(Reply(body=SLOW_BODY, trickle=TRICKLE))
    # retry_on_timeout with many retries: without the deadline even the aiohttp node (whose
    # request_timeout bounds a whole attempt) would go on for 11 x 0.5 s.
    options = {"retry_on_timeout": True, "max_retries": 10, "request_deadline": 1.0}
    start = time.monotonic()
    with pytest.raises(ConnectionTimeout, match="deadline of 1s was reached") as error:
        _perform(cls, fake_server, options)
    elapsed = time.monotonic() - start
    assert elapsed < BOUND
    assert any(isinstance(e, ConnectionTimeout) for e in error.value.errors)  # the attempt's own
    assert 1 <= len(fake_server.requests) <= 3


@pytest.mark.parametrize("cls", ALL_NODE_CLASSES, ids=lambda c: c.__name__)
def test_per_request_deadline(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    fake_server.respond(Reply(body=SLOW_BODY, trickle=TRICKLE))
    start = time.monotonic()
    # No request_timeout: the attempt is bounded by the deadline alone.
    with pytest.raises(ConnectionTimeout, match=r"deadline of 0\.8s"):
        _perform(
            cls,
            fake_server,
            {"max_retries": 0, "node_config": _config(fake_server, None)},
            request_deadline=0.8,
        )
    assert time.monotonic() - start < BOUND


@pytest.mark.parametrize("cls", ALL_NODE_CLASSES, ids=lambda c: c.__name__)
def test_answer_within_the_deadline(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    fake_server.respond(Reply(body=b'{"a":1}', trickle=0.05))
    meta, body = _perform(cls, fake_server, {"request_deadline": 10.0}, times=3)
    assert (meta.status, body) == (200, {"a": 1})
    # The connection went back to the pool after each answer, and was used again.
    assert len(fake_server.requests) == 3
    assert fake_server.connections_opened == 1


@pytest.mark.parametrize("cls", [*SYNC_NODE_CLASSES, HttpxAsyncHttpNode], ids=lambda c: c.__name__)
def test_no_deadline_keeps_per_read_timeouts(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    # 8 bytes, one every 0.25 s: 2 s in all, each read within the 0.5 s request_timeout. As in
    # the official client these nodes' request_timeout bounds each read, not the request.
    fake_server.respond(Reply(body=b'{"a":12}', trickle=TRICKLE))
    meta, body = _perform(cls, fake_server, {"max_retries": 0})
    assert (meta.status, body) == (200, {"a": 12})  # 2 s of trickle: no total bound applied


def test_no_deadline_aiohttp_request_timeout_is_total(fake_server: FakeServer) -> None:
    fake_server.respond(Reply(body=b'{"a":12}', trickle=TRICKLE))
    with pytest.raises(ConnectionTimeout) as error:
        _perform(AiohttpHttpNode, fake_server, {"max_retries": 0})
    assert "deadline" not in str(error.value)


def test_deadline_none_per_request_overrides_the_transport(fake_server: FakeServer) -> None:
    fake_server.respond(Reply(body=b'{"a":12}', trickle=TRICKLE))
    _meta, body = _perform(
        Urllib3HttpNode, fake_server, {"request_deadline": 0.5, "max_retries": 0}, request_deadline=None
    )
    assert body == {"a": 12}


# --- retries and backoff stop at the deadline -----------------------------------------


@pytest.mark.parametrize("cls", [Urllib3HttpNode, AiohttpHttpNode], ids=lambda c: c.__name__)
def test_retries_stop_at_the_deadline(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    fake_server.respond(Reply(action="close"))  # a connection error every time
    # Without the deadline: 50 retries with backoff sleeps of 0.15 to 0.3 s, about 10 s.
    options = {
        "max_retries": 50,
        "retry_backoff_base": 0.3,
        "retry_backoff_cap": 0.3,
        "request_deadline": 1.0,
    }
    start = time.monotonic()
    with pytest.raises(ConnectionTimeout, match="deadline of 1s was reached") as error:
        _perform(cls, fake_server, options)
    assert time.monotonic() - start < BOUND
    assert 2 <= len(fake_server.requests) < 20
    assert all(isinstance(e, ConnectionError) for e in error.value.errors)


@pytest.mark.parametrize("cls", [Urllib3HttpNode, AiohttpHttpNode], ids=lambda c: c.__name__)
def test_no_sleep_past_the_deadline(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    fake_server.respond(Reply(action="close"))
    # The first backoff (15 to 30 s) would end after the deadline: no sleep, no retry.
    options = {"max_retries": 3, "retry_backoff_base": 30, "retry_backoff_cap": 30, "request_deadline": 2.0}
    start = time.monotonic()
    with pytest.raises(ConnectionTimeout, match="the next retry would start") as error:
        _perform(cls, fake_server, options)
    assert time.monotonic() - start < BOUND
    assert len(fake_server.requests) in (1, 2)  # aiohttp resends once on a dropped connection
    assert isinstance(error.value.errors[0], ConnectionError)


@pytest.mark.parametrize("cls", [Urllib3HttpNode, AiohttpHttpNode], ids=lambda c: c.__name__)
def test_retried_status_returned_at_the_deadline(fake_server: FakeServer, cls: type[BaseNode]) -> None:
    # 503 with Retry-After: 5, every time: the deadline ends the retries as running out of
    # them would, with the last answer.
    fake_server.respond(Reply(status=503, headers={"Retry-After": "5"}, body={"error": "busy"}))
    start = time.monotonic()
    meta, body = _perform(cls, fake_server, {"max_retries": 5, "request_deadline": 2.0})
    assert time.monotonic() - start < BOUND
    assert (meta.status, body) == (503, {"error": "busy"})
    assert len(fake_server.requests) == 1


# --- nodes that don't know the deadline, and bad values ------------------------------


class _OldStyleNode(Urllib3HttpNode):
    """A user's node written for the official package: perform_request without ``deadline``."""

    timeouts: list[Any] = []

    def perform_request(  # type: ignore[override]
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        request_timeout: float | None | DefaultType = DEFAULT,
    ) -> Any:
        self.timeouts.append(request_timeout)
        return super().perform_request(
            method, target, body=body, headers=headers, request_timeout=request_timeout
        )


def test_custom_node_gets_the_shortened_request_timeout(fake_server: FakeServer) -> None:
    _OldStyleNode.timeouts = []
    config = _config(fake_server, request_timeout=30)
    assert _perform(_OldStyleNode, fake_server, {"node_config": config}).body == {}
    assert _OldStyleNode.timeouts == [DEFAULT]  # no deadline: the call is the official one
    assert _perform(_OldStyleNode, fake_server, {"node_config": config, "request_deadline": 2.0}).body == {}
    assert 0 < _OldStyleNode.timeouts[1] <= 2.0
    # With no request_timeout of its own, what is left of the deadline becomes its timeout.
    config = _config(fake_server, request_timeout=None)
    assert _perform(_OldStyleNode, fake_server, {"node_config": config}, request_deadline=3.0).body == {}
    assert 0 < _OldStyleNode.timeouts[2] <= 3.0


@pytest.mark.parametrize("value", [-1, float("nan"), float("inf"), "1", True])
def test_bad_deadlines(value: Any) -> None:
    config = NodeConfig("http", "127.0.0.1", 9200)
    with pytest.raises(ValueError, match="'request_deadline' must be a number of seconds"):
        Transport([config], request_deadline=value)
    transport = Transport([config])
    with pytest.raises(ValueError, match="'request_deadline'"):
        transport.perform_request("GET", "/", request_deadline=value)


# --- close() wakes a request sleeping before a retry -----------------------------------

# A backoff of 15 to 30 s before the first retry: only close() can end it within the test.
_LONG_BACKOFF = {"max_retries": 3, "retry_backoff_base": 30, "retry_backoff_cap": 30}


def test_close_wakes_a_sleeping_retry(fake_server: FakeServer) -> None:
    fake_server.respond(Reply(action="close"))
    transport = Transport([_config(fake_server)], **_LONG_BACKOFF)  # type: ignore[arg-type]
    outcome: list[BaseException] = []

    def request() -> None:
        try:
            transport.perform_request("GET", "/")
        except BaseException as e:
            outcome.append(e)

    thread = threading.Thread(target=request)
    thread.start()
    for _ in range(1000):  # until the request sleeps before its first retry
        if transport._sleepers:
            break
        time.sleep(0.01)
    assert transport._sleepers and thread.is_alive()
    start = time.monotonic()
    transport.close()
    thread.join(BOUND)
    assert not thread.is_alive()
    assert time.monotonic() - start < BOUND
    assert len(outcome) == 1 and isinstance(outcome[0], ConnectionError)
    assert "closed while the request was waiting to retry" in str(outcome[0])
    assert len(fake_server.requests) == 1
    # A request after close() that would sleep fails at once too.
    with pytest.raises(ConnectionError, match="closed"):
        transport.perform_request("GET", "/")


def test_close_wakes_a_sleeping_async_retry(fake_server: FakeServer) -> None:
    fake_server.respond(Reply(action="close"))

    async def run() -> BaseException | None:
        transport = AsyncTransport([_config(fake_server)], **_LONG_BACKOFF)  # type: ignore[arg-type]
        task = asyncio.get_running_loop().create_task(transport.perform_request("GET", "/"))
        for _ in range(1000):  # until the request sleeps before its first retry
            if transport._sleepers:
                break
            await asyncio.sleep(0.01)
        assert transport._sleepers and not task.done()
        await transport.close()
        done, _ = await asyncio.wait([task], timeout=BOUND)
        assert done
        return task.exception()

    start = time.monotonic()
    error = asyncio.run(run())
    assert time.monotonic() - start < BOUND + 2
    assert isinstance(error, ConnectionError)
    assert "closed while the request was waiting to retry" in str(error)
    assert len(fake_server.requests) in (1, 2)  # aiohttp resends once on a dropped connection


def test_cancelling_the_request_still_cancels_its_sleep(fake_server: FakeServer) -> None:
    fake_server.respond(Reply(action="close"))

    async def run() -> None:
        transport = AsyncTransport([_config(fake_server)], **_LONG_BACKOFF)  # type: ignore[arg-type]
        task = asyncio.get_running_loop().create_task(transport.perform_request("GET", "/"))
        for _ in range(1000):
            if transport._sleepers:
                break
            await asyncio.sleep(0.01)
        assert transport._sleepers
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert transport._sleepers == set()
        await transport.close()

    asyncio.run(run())
