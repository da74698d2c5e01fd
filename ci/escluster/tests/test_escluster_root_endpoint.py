"""RootEndpointProxy in front of a scripted node (a real HTTP server on 127.0.0.1)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from escluster.root_endpoint import RootEndpointProxy
from fakees import FakeServer, Reply

NODES = {
    "nodes": {"abc": {"name": "node-1", "version": "9.5.4", "build_flavor": "default", "build_hash": "h"}}
}
STATE = {"cluster_name": "escluster", "metadata": {"cluster_uuid": "uuid-1"}}


def call(url: str, method: str = "GET", body: bytes | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        url, method=method, data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture
def node() -> Iterator[FakeServer]:
    server = FakeServer()
    server.route("GET", "/", Reply(status=405, body={"error": "Incorrect HTTP method for uri [/]"}))
    server.route("GET", "/_nodes/_local", Reply(body=NODES))
    server.route("GET", "/_cluster/state/metadata", Reply(body=STATE))
    server.route("DELETE", "/_data_stream/*", Reply(status=400, body={"error": "no handler found for uri"}))
    server.route("POST", "/books/_doc", Reply(status=201, body={"result": "created"}))
    yield server
    server.stop()


def test_answers_root_from_the_nodes_facts_and_relays_the_rest(node: FakeServer) -> None:
    with RootEndpointProxy(node.url) as proxy:
        status, root = call(proxy.url + "/")
        assert status == 200
        assert root["version"]["number"] == "9.5.4"
        assert (root["name"], root["cluster_name"], root["cluster_uuid"]) == ("node-1", "escluster", "uuid-1")
        assert call(proxy.url + "/books/_doc", "POST", b'{"title": "Dune"}') == (201, {"result": "created"})
        assert call(proxy.url + "/_data_stream/*", "DELETE") == (200, {"acknowledged": True})
    relayed = [r for r in node.requests if r.path == "/books/_doc"]
    assert relayed[0].json() == {"title": "Dune"}


def test_a_node_with_rest_root_answers_itself() -> None:
    server = FakeServer()
    server.route("GET", "/", Reply(body={"name": "real", "version": {"number": "8.19.21"}}))
    try:
        with RootEndpointProxy(server.url) as proxy:
            assert call(proxy.url + "/")[1]["name"] == "real"
            # Any other error of the node comes back as it is.
            server.route("GET", "/missing", Reply(status=404, body={"error": "nope"}))
            assert call(proxy.url + "/missing") == (404, {"error": "nope"})
    finally:
        server.stop()


def test_only_plain_http_upstreams() -> None:
    with pytest.raises(ValueError, match="plain http only"):
        RootEndpointProxy("https://127.0.0.1:9200")
