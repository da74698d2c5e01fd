"""``AsyncElasticsearch`` behaves like ``Elasticsearch``: the same requests, results and errors."""

from __future__ import annotations

import asyncio
import gzip
import json
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import Reply, Server

PRODUCT = {"X-Elastic-Product": "Elasticsearch"}


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_requests_and_results(es7: ModuleType, server: Server) -> None:
    async def main() -> list[Any]:
        async with es7.AsyncElasticsearch(server.url, http_auth=("u", "p")) as es:
            assert repr(es) == f"<AsyncElasticsearch([{{'host': '127.0.0.1', 'port': {server.port}}}])>"
            return [
                await es.search(index="x", query={"match_all": {}}, size=2),
                await es.exists(index="i", id="1"),
                await es.exists(index="missing", id="1"),
                await es.bulk(body=[{"index": {}}, {"a": 1}], index="i"),
                await es.index(index="i", id="1", document={"a": 1}),
            ]

    server.routes[("HEAD", "/missing/_doc/1")] = Reply(status=404, body=b"")
    assert run(main()) == [{"ok": True}, True, False, {"ok": True}, {"ok": True}]
    check, search, _exists, _missing, bulk, index = server.requests
    assert (check.method, check.target) == ("GET", "/")
    assert (search.method, search.target, json.loads(search.body)) == (
        "POST",
        "/x/_search",
        {"query": {"match_all": {}}, "size": 2},
    )
    assert search.headers["authorization"] == "Basic dTpw"
    assert search.headers["user-agent"].startswith("elasticsearch-py/7.17.0 (Python ")
    assert ",ai=" in search.headers["x-elastic-client-meta"]
    assert (bulk.headers["content-type"], bulk.body) == ("application/x-ndjson", b'{"index":{}}\n{"a":1}\n')
    assert (index.method, index.target) == ("PUT", "/i/_doc/1")


def test_errors_and_ignore(es7: ModuleType, server: Server) -> None:
    server.routes[("GET", "/x/_doc/1")] = Reply(
        status=404, body={"error": {"root_cause": [{"reason": "gone"}], "type": "not_found"}}, headers=PRODUCT
    )

    async def main() -> None:
        es = es7.AsyncElasticsearch(server.url)
        with pytest.raises(es7.NotFoundError) as e:
            await es.get(index="x", id="1")
        assert (e.value.status_code, e.value.error) == (404, "not_found")
        assert str(e.value) == "NotFoundError(404, 'not_found', 'gone')"
        assert (await es.get(index="x", id="1", ignore=404))["error"]["type"] == "not_found"
        await es.close()

    run(main())


def test_product_check_once_for_concurrent_requests(es7: ModuleType, server: Server) -> None:
    async def main() -> None:
        es = es7.AsyncElasticsearch(server.url)
        await asyncio.gather(*(es.search(index="x") for _ in range(5)))
        await es.close()

    run(main())
    assert [r.target for r in server.requests].count("/") == 1
    assert len(server.api_requests()) == 5


def test_product_check_unsupported(es7: ModuleType, server: Server) -> None:
    server.routes[("GET", "/")] = Reply(body={"version": {"number": "7.17.0"}}, headers={})

    async def main() -> None:
        es = es7.AsyncElasticsearch(server.url)
        for _ in range(2):
            with pytest.raises(es7.UnsupportedProductError):
                await es.search(index="x")
        await es.close()

    run(main())
    assert [r.target for r in server.requests] == ["/"]


def test_compat_headers(es7: ModuleType, server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELASTIC_CLIENT_APIVERSIONING", "1")

    async def main() -> None:
        async with es7.AsyncElasticsearch(server.url) as es:
            await es.search(index="x", query={})

    run(main())
    compat = "application/vnd.elasticsearch+json;compatible-with=7"
    assert server.last.headers["accept"] == compat
    assert server.last.headers["content-type"] == compat


def test_timeouts(es7: ModuleType, server: Server) -> None:
    server.routes[("GET", "/slow/_doc/1")] = Reply(delay=0.5, headers=PRODUCT)

    async def main() -> None:
        async with es7.AsyncElasticsearch(server.url, timeout=0.1, max_retries=0) as es:
            await es.info()
            with pytest.raises(es7.ConnectionTimeout) as e:
                await es.get(index="slow", id="1")
            assert e.value.status_code == "TIMEOUT"
            assert await es.get(index="slow", id="1", request_timeout=5) == {"ok": True}

    run(main())


def test_server_warnings_point_at_the_caller(es7: ModuleType, server: Server) -> None:
    server.routes[("POST", "/x/_search")] = Reply(
        headers={**PRODUCT, "Warning": '299 Elasticsearch-7.17.0 "careful"'}
    )

    async def main() -> None:
        async with es7.AsyncElasticsearch(server.url) as es:
            with warnings.catch_warnings(record=True) as record:
                warnings.simplefilter("always")
                await es.search(index="x")
        assert [(w.category, str(w.message), w.filename) for w in record] == [
            (es7.ElasticsearchWarning, "careful", __file__)
        ]

    run(main())


def test_connection_classes(es7: ModuleType, server: Server) -> None:
    async def main() -> None:
        es = es7.AsyncElasticsearch(server.url, connection_class=es7.AIOHttpConnection)
        connection = es.transport.get_connection()
        assert type(connection) is es7.AIOHttpConnection
        assert type(connection._node).__name__ == "AiohttpHttpNode"
        assert connection._node is es.transport.connection_pool.all()[0]
        assert isinstance(es.transport, es7.AsyncTransport)
        assert await es.search(index="x") == {"ok": True}
        await es.close()
        with pytest.raises(es7.ImproperlyConfigured, match="is not async, should be async instead"):
            es7.AsyncElasticsearch(server.url, connection_class=es7.Urllib3HttpConnection)

    run(main())


def test_standalone_aiohttp_connection(es7: ModuleType, server: Server) -> None:
    async def main() -> Any:
        connection = es7.AIOHttpConnection("127.0.0.1", server.port)
        try:
            return await connection.perform_request("GET", "/x", params={"a": "1"})
        finally:
            await connection.close()

    status, _, data = run(main())
    assert (status, json.loads(data), server.last.target) == (200, {"ok": True}, "/x?a=1")


def test_standalone_aiohttp_connection_compression(es7: ModuleType, server: Server) -> None:
    """With http_compress and http_auth: the body goes gzipped with the connection's headers,
    a gzipped answer comes back inflated, an error status raises the 7.x error."""
    server.routes[("POST", "/z")] = Reply(
        body=gzip.compress(b'{"answer": 42}'),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json", **PRODUCT},
    )
    server.routes[("GET", "/nf")] = Reply(status=404, body={"found": False})

    async def main() -> Any:
        connection = es7.AIOHttpConnection("127.0.0.1", server.port, http_auth=("u", "p"), http_compress=True)
        try:
            answer = await connection.perform_request("POST", "/z", body=b'{"q": 1}', timeout=5)
            with pytest.raises(es7.NotFoundError):
                await connection.perform_request("GET", "/nf")
            assert (await connection.perform_request("GET", "/nf", ignore=404))[0] == 404
            return answer
        finally:
            await connection.close()

    status, headers, data = run(main())
    assert (status, json.loads(data), headers["content-encoding"]) == (200, {"answer": 42}, "gzip")
    assert headers["Content-Type"] == headers["content-type"] == "application/json"  # any spelling
    sent = next(r for r in server.requests if r.target == "/z")
    assert gzip.decompress(sent.body) == b'{"q": 1}'
    assert (sent.headers["content-encoding"], sent.headers["accept-encoding"]) == ("gzip", "gzip,deflate")
    assert sent.headers["authorization"] == "Basic dTpw"


def test_sniff_on_start_happens_before_the_first_request(es7: ModuleType, server: Server) -> None:
    nodes = {"nodes": {"a": {"roles": ["data"], "http": {"publish_address": f"127.0.0.1:{server.port}"}}}}
    server.routes[("GET", "/_nodes/_all/http")] = Reply(body=nodes, headers=PRODUCT)

    async def main() -> None:
        es = es7.AsyncElasticsearch(f"http://localhost:{server.port}", sniff_on_start=True)
        await es.search(index="x")
        assert [n.config.host for n in es.transport.connection_pool.all()] == ["127.0.0.1"]
        await es.close()

    run(main())
    assert [r.target for r in server.requests] == ["/_nodes/_all/http", "/", "/x/_search"]


def test_async_call_runs_the_initial_sniff(es7: ModuleType, server: Server) -> None:
    """``AsyncTransport._async_call()`` (7.x): the deferred initial sniff, once, in the running loop."""
    nodes = {"nodes": {"a": {"roles": ["data"], "http": {"publish_address": f"127.0.0.1:{server.port}"}}}}
    server.routes[("GET", "/_nodes/_all/http")] = Reply(body=nodes, headers=PRODUCT)

    async def main() -> list[str]:
        transport = es7.AsyncTransport([{"host": "localhost", "port": server.port}], sniff_on_start=True)
        await transport._async_call()
        await transport._async_call()
        hosts = [n.config.host for n in transport.connection_pool.all()]
        await transport.close()
        return hosts

    assert run(main()) == ["127.0.0.1"]
    assert [r.target for r in server.requests] == ["/_nodes/_all/http"]


def test_import_is_lazy(es7: ModuleType) -> None:
    """``import <package>`` loads neither aiohttp nor the async modules; the names still resolve."""
    package_parent = str(Path(str(es7.__file__)).parents[1])
    code = (
        "import sys, es7rt\n"
        "print(sorted(m for m in ('aiohttp', 'requests', 'es7rt._async.transport') if m in sys.modules))\n"
        "es7rt.AsyncElasticsearch, es7rt.AIOHttpConnection\n"
        "print('es7rt._async.transport' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": package_parent},
    ).stdout.split()
    assert out == ["[]", "True"]
