"""``Retry-After`` on 429 and 503: the transport waits as long as the server asks, within the
backoff cap (a real server on 127.0.0.1 sends the header; the sleeps are recorded)."""

from __future__ import annotations

import asyncio
import email.utils
import time
from typing import Any

import pytest
from elastic_transport import AsyncTransport, NodeConfig, Transport
from elastic_transport import _async_transport as async_module
from elastic_transport import _transport as sync_module
from elastic_transport._transport_base import retry_after_seconds
from fakees import FakeServer, Reply


def node(server: FakeServer) -> NodeConfig:
    return NodeConfig("http", "127.0.0.1", server.port)


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []
    monkeypatch.setattr(sync_module.time, "sleep", recorded.append)

    async def record(delay: float) -> None:
        recorded.append(delay)

    monkeypatch.setattr(async_module.asyncio, "sleep", record)
    return recorded


def send(server: FakeServer, flavour: str, **options: Any) -> int:
    if flavour == "sync":
        transport = Transport([node(server)], **options)
        try:
            return transport.perform_request("GET", "/").meta.status
        finally:
            transport.close()

    async def main() -> int:
        transport = AsyncTransport([node(server)], node_class="httpxasync", **options)
        try:
            return (await transport.perform_request("GET", "/")).meta.status
        finally:
            await transport.close()

    return asyncio.run(main())


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("status", [429, 503])
def test_retry_waits_as_the_server_asks(
    fake_server: FakeServer, slept: list[float], flavour: str, status: int
) -> None:
    fake_server.respond(Reply(status, headers={"Retry-After": "3"}), Reply(200))
    assert send(fake_server, flavour, max_retries=1) == 200
    assert slept == [3.0]
    assert len(fake_server.requests) == 2


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_retry_after_is_capped(fake_server: FakeServer, slept: list[float], flavour: str) -> None:
    fake_server.respond(Reply(429, headers={"Retry-After": "3600"}), Reply(200))
    assert send(fake_server, flavour, max_retries=1, retry_backoff_cap=2.5) == 200
    assert slept == [2.5]


def test_other_statuses_and_bad_values_keep_the_backoff(fake_server: FakeServer, slept: list[float]) -> None:
    fake_server.respond(
        Reply(502, headers={"Retry-After": "5"}), Reply(429, headers={"Retry-After": "x"}), Reply(200)
    )
    assert send(fake_server, "sync", max_retries=2) == 200
    assert slept == []  # no backoff configured, and no usable Retry-After on a 429 or 503


def test_retry_after_values() -> None:
    assert retry_after_seconds(None) == 0.0
    assert retry_after_seconds(" 7 ") == 7.0
    assert retry_after_seconds("soon") == 0.0
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 < retry_after_seconds(later) <= 30
    earlier = email.utils.formatdate(time.time() - 30, usegmt=True)
    assert retry_after_seconds(earlier) == 0.0
