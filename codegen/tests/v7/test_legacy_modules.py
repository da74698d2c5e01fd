"""The small 7.x modules that programs and test suites import: ``utils``,
``connection.pooling`` and ``helpers.test`` (of the rendered ``elasticsearch7``)."""

from __future__ import annotations

import unittest
from typing import Any

import pytest
from fakees import FakeServer, Reply, free_port

PRODUCT = {"X-Elastic-Product": "Elasticsearch"}


def test_client_meta_version() -> None:
    from elasticsearch7.utils import _client_meta_version

    assert [_client_meta_version(v) for v in ("7.17.13", "7.17.0a1", "8.0.0rc2")] == [
        "7.17.13",
        "7.17.0p",
        "8.0.0p",
    ]


def test_pooling_connection_reuses_what_is_given_back() -> None:
    from elasticsearch7.connection.pooling import PoolingConnection

    class Pooled(PoolingConnection):
        def _make_connection(self) -> Any:
            return object()

    connection = Pooled()
    first, second = connection._get_connection(), connection._get_connection()
    assert first is not second  # none idle: a new one each time
    connection._release_connection(first)
    assert connection._get_connection() is first
    with pytest.raises(NotImplementedError):
        PoolingConnection()._get_connection()


def test_get_test_client_waits_for_a_yellow_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    import elasticsearch7.helpers.test as helpers_test

    with FakeServer() as server:
        server.respond(
            Reply(
                body={
                    "version": {"number": "7.17.0", "build_flavor": "default"},
                    "tagline": "You Know, for Search",
                },
                headers=PRODUCT,
            ),
            Reply(body={"status": "yellow"}, headers=PRODUCT),
        )
        monkeypatch.setattr(helpers_test, "ELASTICSEARCH_URL", server.url)
        client = helpers_test.get_test_client()
        assert server.requests[-1].target.startswith("/_cluster/health?wait_for_status=yellow")
        client.close()
    monkeypatch.setattr(helpers_test, "ELASTICSEARCH_URL", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(unittest.SkipTest, match="failed to start"):
        helpers_test.get_test_client(nowait=True, max_retries=0)


def test_es_version_parsing() -> None:
    from elasticsearch7.helpers.test import _get_version

    assert _get_version("7.17.3") == (7, 17, 3)
    assert _get_version("8.0.0-SNAPSHOT") == (8, 0, 999)
    assert _get_version("nonsense") == ()
