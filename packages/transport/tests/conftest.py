"""Fixtures: real HTTP servers on 127.0.0.1, the shared scripted fake server of ci/fakees."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fakees import FakeServer


@pytest.fixture
def http_server(fake_server: FakeServer) -> FakeServer:
    return fake_server


@pytest.fixture
def http_servers(fake_server_factory: Callable[..., FakeServer]) -> list[FakeServer]:
    return [fake_server_factory() for _ in range(3)]
