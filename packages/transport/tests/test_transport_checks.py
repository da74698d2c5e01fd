"""Issue 11: logging in unconfigured programs, argument checks, backoff overflow, custom async
nodes and closing under trio."""

from __future__ import annotations

import math
import ssl
import subprocess
import sys
import textwrap
import warnings
from typing import Any

import pytest
from elastic_transport import (
    ApiResponseMeta,
    AsyncTransport,
    BaseNode,
    HttpHeaders,
    NodeConfig,
    NodePool,
    Transport,
    TransportWarning,
    Urllib3HttpNode,
)
from elastic_transport._models import NodeApiResponse
from fakees import FakeServer, Reply, free_port


def node(port: int, **kwargs: Any) -> NodeConfig:
    return NodeConfig("http", "127.0.0.1", port, **kwargs)


# -- logging ----------------------------------------------------------------------------------

_FAILING_PROGRAM = """
import sys
{setup}
from elastic_transport import ConnectionError, NodeConfig, Transport
t = Transport([NodeConfig("http", "127.0.0.1", {dead}), NodeConfig("http", "127.0.0.1", {busy})],
              randomize_nodes_in_pool=False, max_retries=2)
try:
    t.perform_request("GET", "/")
except ConnectionError:
    pass
"""


def run_program(setup: str, dead: int, busy: int) -> str:
    code = textwrap.dedent(_FAILING_PROGRAM.format(setup=setup, dead=dead, busy=busy))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_unconfigured_program_prints_nothing(fake_server: FakeServer) -> None:
    fake_server.respond(Reply(503), Reply(503), Reply(503))
    assert run_program("", free_port(), fake_server.port) == ""


def test_configured_logging_still_gets_the_warnings(fake_server: FakeServer) -> None:
    fake_server.respond(Reply(503), Reply(503), Reply(503))
    stderr = run_program("import logging; logging.basicConfig()", free_port(), fake_server.port)
    assert "has failed for 1 times in a row" in stderr
    assert "Retrying GET / after status 503" in stderr


# -- argument checks --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["x", b"429", [429, "x"], [True], 429.0, None])
def test_retry_on_status_must_be_ints(value: Any) -> None:
    with pytest.raises(ValueError, match="'retry_on_status' must be a collection of HTTP status codes"):
        Transport([node(9200)], retry_on_status=value)


def test_retry_on_status_accepts_a_single_int_or_a_collection() -> None:
    assert Transport([node(9200)], retry_on_status=429).retry_on_status == frozenset({429})
    assert Transport([node(9200)], retry_on_status=[500, 502]).retry_on_status == frozenset({500, 502})
    assert Transport([node(9200)], retry_on_status=()).retry_on_status == frozenset()


BAD_SECONDS = [-1, math.nan, math.inf, 1e300, "1", True]


@pytest.mark.parametrize("value", BAD_SECONDS)
@pytest.mark.parametrize(
    "name",
    ["sniff_timeout", "min_delay_between_sniffing", "dead_node_backoff_factor", "max_dead_node_backoff"],
)
def test_seconds_checked_at_construction(name: str, value: Any) -> None:
    if name == "dead_node_backoff_factor" or name == "max_dead_node_backoff":
        if value is math.inf:
            pytest.skip("an infinite dead-node backoff is allowed (the node waits for a forced retry)")
        if value == 1e300:
            pytest.skip("no upper bound: the pool only adds it to a clock, never sleeps on it")
        if not isinstance(value, (int, float)):
            pytest.skip("a value that is not a number is kept as given, as the official pool keeps it")
    with pytest.raises(ValueError, match=f"'{name}' must be a number of seconds"):
        Transport([node(9200)], **{name: value})


@pytest.mark.parametrize("value", BAD_SECONDS)
def test_request_timeout_checked_before_any_io(fake_server: FakeServer, value: Any) -> None:
    transport = Transport([node(fake_server.port)])
    with pytest.raises(ValueError, match="'request_timeout' must be a number of seconds"):
        transport.perform_request("GET", "/", request_timeout=value)
    assert fake_server.requests == []
    with pytest.raises(ValueError, match=r"'NodeConfig\.request_timeout' must be a number of seconds"):
        Transport([node(fake_server.port, request_timeout=value)])


def test_valid_timeouts_pass(fake_server: FakeServer) -> None:
    transport = Transport([node(fake_server.port)], sniff_timeout=None, dead_node_backoff_factor=0)
    assert transport.perform_request("GET", "/", request_timeout=None).meta.status == 200
    assert transport.perform_request("GET", "/", request_timeout=2).meta.status == 200
    assert transport.node_pool.dead_node_backoff_factor == 0


def test_backoff_values_are_passed_to_the_pool_as_given() -> None:
    factor, cap = 0.25, 7
    transport = Transport([node(9200)], dead_node_backoff_factor=factor, max_dead_node_backoff=cap)
    assert transport.node_pool.dead_node_backoff_factor is factor
    assert transport.node_pool.max_dead_node_backoff is cap


def test_thousands_of_failures_do_not_overflow() -> None:
    pool = NodePool([node(9200)], Urllib3HttpNode, dead_node_backoff_factor=0.5, max_dead_node_backoff=3.5)
    (n,) = pool.all()
    pool._dead_consecutive_failures[n.config] = 13292
    pool.mark_dead(n, _now=0)
    assert pool._dead_nodes.queue == [(3.5, n)]


def test_duplicate_node_configs_are_refused() -> None:
    with pytest.raises(ValueError, match="Cannot use duplicate NodeConfigs within a NodePool"):
        Transport([node(9200), node(9200)])


def test_heterogeneous_configs_warn_only_when_sniffing() -> None:
    context = ssl.create_default_context()
    configs = [
        NodeConfig("https", "localhost", 9200, path_prefix="/a", ssl_context=context),
        NodeConfig("https", "localhost", 9201, path_prefix="/b", ssl_context=context),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Transport(configs)
        assert caught == []
        Transport(configs, sniff_on_node_failure=True, sniff_callback=lambda *_: [])
    assert [w.category for w in caught] == [TransportWarning]
    assert "different options" in str(caught[0].message)
    assert caught[0].filename == __file__  # points at the caller


# -- custom async node classes, trio ----------------------------------------------------------


class PlainAsyncNode(BaseNode):
    """An async node that subclasses BaseNode, not BaseAsyncNode, as some programs' do."""

    closed = 0

    async def perform_request(self, method: str, target: str, **kwargs: Any) -> NodeApiResponse:  # type: ignore[override]
        meta = ApiResponseMeta(
            status=200, http_version="1.1", headers=HttpHeaders({}), duration=0.0, node=self.config
        )
        return NodeApiResponse(meta, b"{}")

    async def close(self) -> None:  # type: ignore[override]
        type(self).closed += 1


def test_async_node_subclassing_base_node_is_accepted_by_async_transport_only() -> None:
    AsyncTransport([node(9200)], node_class=PlainAsyncNode)
    with pytest.raises(ValueError, match="Specified 'node_class' is async, should be sync instead"):
        Transport([node(9200)], node_class=PlainAsyncNode)


def test_close_under_trio() -> None:
    import trio  # in the develop extra: the test runs, never skips

    PlainAsyncNode.closed = 0

    async def main() -> int:
        transport = AsyncTransport([node(9200), node(9201)], node_class=PlainAsyncNode)
        meta, _ = await transport.perform_request("GET", "/")
        await transport.close()
        return meta.status

    assert trio.run(main) == 200
    assert PlainAsyncNode.closed == 2
