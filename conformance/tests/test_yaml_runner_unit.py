"""The runner against a fake client and a fake node: do/catch, warnings, skips, flow."""

from __future__ import annotations

import warnings
from types import SimpleNamespace
from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch.exceptions import HTTP_EXCEPTIONS, ApiError, ElasticsearchWarning

from conformance.yaml_api import ApiCatalog, ApiInfo
from conformance.yaml_distribution import Distribution
from conformance.yaml_model import load_text
from conformance.yaml_runner import Runner, file_skip_reason, step_skip_reason, version_in_ranges


def _meta(status: int) -> ApiResponseMeta:
    return ApiResponseMeta(status, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "localhost", 9200))


def error(status: int, body: Any) -> ApiError:
    cls = HTTP_EXCEPTIONS.get(status, ApiError)
    return cls(str(body), _meta(status), body)


class FakeClient:
    """Namespaces of callables; each API answers from ``handlers`` and records its call."""

    def __init__(
        self,
        handlers: dict[str, Any],
        calls: list[tuple[str, dict[str, Any], dict[str, Any]]] | None = None,
        opts: dict[str, Any] | None = None,
    ) -> None:
        self.handlers = handlers
        self.calls = calls if calls is not None else []
        self.opts = opts or {}
        for name in handlers:
            namespace, _, method = name.rpartition(".")
            target = self
            if namespace:
                if not hasattr(self, namespace):
                    setattr(self, namespace, SimpleNamespace())
                target = getattr(self, namespace)
            setattr(target, method, self._api(name))

    def _api(self, name: str) -> Any:
        def call(**kwargs: Any) -> Any:
            self.calls.append((name, kwargs, self.opts))
            result = self.handlers[name]
            result = result(**kwargs) if callable(result) else result
            if isinstance(result, Exception):
                raise result
            return SimpleNamespace(body=result)

        return call

    def options(self, **opts: Any) -> FakeClient:
        return FakeClient(self.handlers, self.calls, {**self.opts, **opts})


class FakeHttp:
    """Answers OPTIONS probes from a table of path -> allowed methods."""

    def __init__(self, routes: dict[str, str]) -> None:
        self.routes = routes

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, str], Any]:
        assert method == "OPTIONS", (method, path)
        return 200, {"allow": self.routes.get(path, "")}, None


def info(name: str, template: str, methods: tuple[str, ...] = ("GET",), **kw: Any) -> ApiInfo:
    namespace, _, method = name.rpartition(".")
    return ApiInfo(
        name=name,
        namespace=namespace,
        method_name=method,
        http_paths=((template, methods),),
        body_kind=kw.pop("body_kind", "none"),
        value_name=kw.pop("value_name", None),
        **kw,
    )


APIS = {
    "indices.create": info(
        "indices.create",
        "/{index}",
        ("PUT",),
        body_kind="fields",
        path_names={"index": "index"},
        field_names={"settings": "settings"},
    ),
    "get": info(
        "get",
        "/{index}/_doc/{id}",
        path_names={"index": "index", "id": "id"},
        query_names={"_source": "source"},
    ),
    "search": info(
        "search",
        "/{index}/_search",
        ("POST",),
        body_kind="fields",
        path_names={"index": "index"},
        field_names={"from": "from_", "query": "query"},
    ),
    "ml.info": info("ml.info", "/_ml/info"),
    "gone.api": info("gone.api", "/_gone", availability={"serverless": {}}),
}
ROUTES = {
    "/yaml-probe": "PUT,GET,DELETE,HEAD",
    "/yaml-probe/_doc/yaml-probe": "GET,PUT",
    "/yaml-probe/_search": "GET,POST",
}


def make_runner(handlers: dict[str, Any], **kw: Any) -> tuple[Runner, FakeClient]:
    client = FakeClient(handlers)
    dist = Distribution(
        http=FakeHttp(ROUTES), version="9.5.4", modules=(), plugins=(), security_enabled=False
    )  # type: ignore[arg-type]
    return Runner(client, ApiCatalog(APIS, "9.5", "elasticsearch"), dist, **kw), client


def run(text: str, handlers: dict[str, Any], **kw: Any) -> tuple[list[Any], FakeClient]:
    runner, client = make_runner(handlers, **kw)
    result = runner.run_file(load_text(text, "t.yml"))
    return result.tests, client


def test_dispatch_maps_wire_names_to_keywords() -> None:
    text = """
"t":
  - do:
      get: { index: i, id: "1", _source: false }
  - match: { found: true }
  - do:
      search: { index: i, from: 2, body: { query: { match_all: {} } } }
  - do:
      search: { index: i, body: { query: {}, unknown_field: 1 } }
"""
    results, client = run(text, {"get": {"found": True}, "search": {}})
    assert results[0].status == "passed", results[0].message
    assert client.calls[0][:2] == ("get", {"index": "i", "id": "1", "source": False})
    assert client.calls[1][1] == {"index": "i", "from_": 2, "query": {"match_all": {}}}  # fields as keywords
    assert client.calls[2][1] == {"index": "i", "body": {"query": {}, "unknown_field": 1}}  # else body=


def test_setup_teardown_order_and_stash_reset() -> None:
    order: list[str] = []
    text = """
setup:
  - do: { indices.create: { index: i } }
teardown:
  - do: { ml.info: {} }
---
"a":
  - do: { get: { index: i, id: "1" } }
  - set: { _id: id }
---
"b":
  - match: { _id: $id }
"""
    handlers = {
        "indices.create": lambda **kw: order.append("setup") or {},
        "get": lambda **kw: order.append("get") or {"_id": "1"},
        "ml.info": lambda **kw: order.append("teardown") or {},
    }
    runner, _ = make_runner(handlers)
    runner.dist.allowed_methods("/_ml/info")
    runner.dist._allowed["/_ml/info"] = frozenset({"GET"})
    results = runner.run_file(load_text(text, "t.yml")).tests
    assert order == ["setup", "get", "teardown", "setup", "teardown"]
    assert results[0].status == "passed"
    assert results[1].status == "failed" and "nothing was stashed as 'id'" in results[1].message


@pytest.mark.parametrize(
    ("catch", "status", "body", "ok"),
    [
        ("missing", 404, {"error": "x"}, True),
        ("missing", 400, {"error": "x"}, False),
        ("bad_request", 400, {}, True),
        ("conflict", 409, {}, True),
        ("unauthorized", 401, {}, True),
        ("forbidden", 403, {}, True),
        ("request", 500, {}, True),
        ("request", 404, {}, False),
        ("/index_not_found/", 404, {"error": {"type": "index_not_found_exception"}}, True),
        ("/index_not_found/", 404, {"error": {"type": "other"}}, False),
        ("resource_not_found_exception", 404, {"error": {"type": "resource_not_found_exception"}}, True),
    ],
)
def test_catch(catch: str, status: int, body: Any, ok: bool) -> None:
    text = f"""
"t":
  - do:
      catch: {catch!r}
      get: {{ index: i, id: "1" }}
"""
    results, _ = run(text, {"get": error(status, body)})
    assert (results[0].status == "passed") is ok, results[0].message


def test_catch_keeps_error_body_and_success_is_a_failure() -> None:
    text = """
"t":
  - do:
      catch: missing
      get: { index: i, id: "1" }
  - match: { error.type: index_not_found_exception }
  - match: { status: 404 }
"""
    results, _ = run(
        text, {"get": error(404, {"error": {"type": "index_not_found_exception"}, "status": 404})}
    )
    assert results[0].status == "passed", results[0].message
    results, _ = run(text, {"get": {"found": True}})
    assert results[0].status == "failed" and "but the call succeeded" in results[0].message


def test_catch_param_and_unexpected_client_refusal() -> None:
    def refuse(**kwargs: Any) -> Any:
        raise ValueError("Empty value passed for parameter 'index'")

    text = '"t":\n  - do:\n      catch: param\n      get: { id: "1" }\n'
    assert run(text, {"get": refuse})[0][0].status == "passed"
    text = '"t":\n  - do:\n      get: { id: "1" }\n'
    results = run(text, {"get": refuse})[0]
    assert results[0].status == "failed" and "the client refused the call" in results[0].message
    text = '"t":\n  - do:\n      catch: param\n      get: { id: "1" }\n'
    assert run(text, {"get": {}})[0][0].status == "failed"


def test_unexpected_error_fails_and_distribution_gaps_skip() -> None:
    text = '"t":\n  - do:\n      get: { index: i, id: "1" }\n'
    results = run(text, {"get": error(500, {"error": {"reason": "boom"}})})[0]
    assert results[0].status == "failed" and "HTTP 500" in results[0].message
    body = {"error": {"reason": "No processor type exists with name [set]"}}
    results = run(text, {"get": error(400, body)})[0]
    assert results[0].status == "skipped" and "no ingest processor 'set'" in results[0].reason


def test_no_handler_is_a_gap_only_for_spec_urls() -> None:
    text = '"t":\n  - do:\n      get: { index: i, id: "1" }\n'
    spec_url = {"error": "no handler found for uri [/i/_doc/1?pretty] and method [GET]"}
    results = run(text, {"get": error(400, spec_url)})[0]
    assert results[0].status == "skipped" and "no handler for GET /{index}/_doc/{id}" in results[0].reason
    wrong_url = {"error": "no handler found for uri [/i/_dco/1] and method [GET]"}
    results = run(text, {"get": error(400, wrong_url)})[0]
    assert results[0].status == "failed"  # a URL the client built wrongly is our bug


def test_headers_and_ignore_become_client_options() -> None:
    text = """
"t":
  - do:
      headers: { Authorization: "Basic abc" }
      get: { index: i, id: "1", ignore: 404 }
"""
    results, client = run(text, {"get": {}})
    assert results[0].status == "passed", results[0].message
    _, kwargs, opts = client.calls[0]
    assert "ignore" not in kwargs
    assert opts == {"headers": {"Authorization": "Basic abc"}, "ignore_status": [404]}


def warn_then(body: Any, *messages: str) -> Any:
    def call(**kwargs: Any) -> Any:
        for message in messages:
            warnings.warn(message, ElasticsearchWarning, stacklevel=2)
        return body

    return call


def test_warnings() -> None:
    expect = '"t":\n  - do:\n      warnings: ["deprecated x"]\n      get: { index: i, id: "1" }\n'
    assert run(expect, {"get": warn_then({}, "deprecated x")})[0][0].status == "passed"
    results = run(expect, {"get": warn_then({})})[0]
    assert results[0].status == "failed" and "not received" in results[0].message
    results = run(expect, {"get": warn_then({}, "deprecated x", "other")})[0]
    assert results[0].status == "failed" and "unexpected warning" in results[0].message
    allowed = '"t":\n  - do:\n      allowed_warnings: ["maybe"]\n      get: { index: i, id: "1" }\n'
    assert run(allowed, {"get": warn_then({}, "maybe")})[0][0].status == "passed"
    assert run(allowed, {"get": warn_then({})})[0][0].status == "passed"
    regex = '"t":\n  - do:\n      warnings_regex: ["dep.*x"]\n      get: { index: i, id: "1" }\n'
    assert run(regex, {"get": warn_then({}, "deprecated x")})[0][0].status == "passed"
    # Undeclared warnings are recorded, and fail only in strict mode.
    plain = '"t":\n  - do:\n      get: { index: i, id: "1" }\n'
    results = run(plain, {"get": warn_then({}, "legacy")})[0]
    assert results[0].status == "passed" and results[0].warnings == ["legacy"]
    assert run(plain, {"get": warn_then({}, "legacy")}, strict_warnings=True)[0][0].status == "failed"


def test_skips_before_running() -> None:
    text = """
"needs ml":
  - do: { ml.info: {} }
---
"serverless api":
  - do: { gone.api: {} }
---
"unsupported feature":
  - skip: { features: [headers, teleport] }
  - do: { get: { index: i, id: "1" } }
---
"supported feature":
  - skip: { features: allowed_warnings }
  - do: { get: { index: i, id: "1" } }
"""
    results, client = run(text, {"get": {}, "ml.info": {}, "gone.api": {}})
    reasons = {r.name: r.reason for r in results}
    assert results[0].status == "skipped" and "ml.info" in reasons["needs ml"]
    assert reasons["serverless api"] == "serverless-only API: gone.api"
    assert reasons["unsupported feature"] == "runner does not support test feature(s): teleport"
    assert results[3].status == "passed"
    assert [c[0] for c in client.calls] == ["get"]


def test_file_and_step_skip_reasons() -> None:
    assert (
        file_skip_reason({"stack": False, "serverless": True})
        == "serverless-only test file (requires stack: false)"
    )
    assert file_skip_reason({"stack": True, "serverless": False}) is None
    assert file_skip_reason({}) is None
    assert step_skip_reason("skip", {"version": "all", "reason": "r"}, "9.5.4").startswith(
        "skipped for versions all"
    )
    assert step_skip_reason("skip", {"version": " - 8.99.99", "reason": "r"}, "9.5.4") is None
    assert step_skip_reason("skip", {"awaits_fix": "issue"}, "9.5.4") == "awaits fix: issue"
    assert step_skip_reason("requires", {"test_runner_features": ["contains"]}, "9.5.4") is None
    assert "cluster_features" in step_skip_reason("requires", {"cluster_features": ["x"]}, "9.5.4")


@pytest.mark.parametrize(
    ("version", "ranges", "inside"),
    [
        ("9.5.4", "all", True),
        ("9.5.4", "9.0.0 - 9.9.99", True),
        ("9.5.4", " - 8.19.99", False),
        ("9.5.4", "9.6.0 - ", False),
        ("8.19.21", "7.0.0 - 7.99.99, 8.19.0 - 8.19.99", True),
        ("9.5.4", "9.5.4", True),
    ],
)
def test_version_ranges(version: str, ranges: str, inside: bool) -> None:
    assert version_in_ranges(version, ranges) is inside


def test_empty_body_is_true_is_a_test_defect() -> None:
    text = '"t":\n  - do: { get: { index: i, id: "1" } }\n  - is_true: $body\n'
    results = run(text, {"get": ""})[0]
    assert results[0].status == "skipped" and results[0].reason.startswith("test defect")


def test_async_client_calls_are_awaited() -> None:
    class AsyncFake:
        def __init__(self) -> None:
            self.closed = False
            self.indices = SimpleNamespace(create=self._create)

        async def _create(self, **kwargs: Any) -> Any:
            return SimpleNamespace(body={"acknowledged": True, "index": kwargs["index"]})

        async def get(self, **kwargs: Any) -> Any:
            raise error(404, {"error": {"type": "index_not_found_exception"}})

        async def close(self) -> None:
            self.closed = True

    client = AsyncFake()
    dist = Distribution(
        http=FakeHttp(ROUTES), version="9.5.4", modules=(), plugins=(), security_enabled=False
    )  # type: ignore[arg-type]
    runner = Runner(client, ApiCatalog(APIS, "9.5", "elasticsearch"), dist)
    text = """
"t":
  - do: { indices.create: { index: i } }
  - match: { index: i }
  - do:
      catch: missing
      get: { index: i, id: "1" }
"""
    results = runner.run_file(load_text(text, "t.yml")).tests
    assert results[0].status == "passed", results[0].message
    runner.close()
    assert client.closed
