"""Fixtures for the helpers' tests: each test runs once per package (9.x, 8.x, 7.x)
against its own fake Elasticsearch (``helpers_fake_es``) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from .helpers_fake_es import PACKAGES, VERSIONS, Server, make_client


@pytest.fixture(params=PACKAGES)
def package(request: pytest.FixtureRequest) -> ModuleType:
    return importlib.import_module(request.param)


@pytest.fixture
def helpers(package: ModuleType) -> ModuleType:
    return importlib.import_module(package.__name__ + ".helpers")


@pytest.fixture
def server(package: ModuleType) -> Iterator[Server]:
    s = Server(VERSIONS[package.__name__])
    yield s
    s.close()


@pytest.fixture
def client(package: ModuleType, server: Server) -> Iterator[Any]:
    c = make_client(package, server.url)
    yield c
    c.close()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff delays the helpers asked for (sync and async); nobody actually waits."""
    delays: list[float] = []
    real_async_sleep = asyncio.sleep

    def fake_sleep(seconds: float) -> None:
        if seconds > 0:
            delays.append(seconds)

    async def fake_async_sleep(seconds: float, result: Any = None) -> Any:
        if seconds > 0:
            delays.append(seconds)
        return await real_async_sleep(0, result)

    monkeypatch.setattr(time, "sleep", fake_sleep)
    monkeypatch.setattr(asyncio, "sleep", fake_async_sleep)
    return delays
