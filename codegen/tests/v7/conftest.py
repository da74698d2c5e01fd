"""Fixtures for the 7.x runtime tests: the runtime as an importable package, and the shared
fake HTTP server (ci/fakees, real sockets on 127.0.0.1) that records requests and answers as
scripted.

The package is assembled in a temporary directory from ``codegen/common/v7`` (with the
sync twins ``codegen/unasync.py`` writes from its async sources) plus a stand-in ``_profile.py`` and small client modules written the way the generator renders
API methods, so the runtime is exercised without the generator. It is imported under its
own name (``es7rt``), which relative imports make possible, so an installed
``elasticsearch7`` is never shadowed.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import shutil
import ssl
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import fakees
import pytest
from fakees import Request as Recorded

from codegen import unasync

RUNTIME_DIR = Path(__file__).resolve().parents[2] / "common" / "v7"
SHARED_DIR = RUNTIME_DIR.parent / "all"  # rendered into every package beside the runtime
PACKAGE = "es7rt"

PROFILE = """\
MAJOR = 7
SPEC_VERSION = "7.17"
PACKAGE = "elasticsearch7"
DIST = "elasticsearch7"
CLIENT_VERSION = "7.17.0"
COMPAT_HEADER_VERSION = 7
USER_AGENT_NAME = "elasticsearch-py"
CLIENT_META_SERVICE = "es"
"""

# The sync client in the generated style: decorated methods calling transport.perform_request.
CLIENT = """\
from ..exceptions import TransportError
from ..transport import Transport
from ._base import ElasticsearchBase
from .utils import SKIP_IN_PATH, NamespacedClient, _bulk_body, _make_path, query_params

JSON = ["application/json"]


class IndicesClient(NamespacedClient):
    @query_params("allow_no_indices", "expand_wildcards", response_mimetypes=JSON)
    def exists(self, index, params=None, headers=None):
        if index in SKIP_IN_PATH:
            raise ValueError("Empty value passed for a required argument 'index'.")
        return self.transport.perform_request("HEAD", _make_path(index), params=params, headers=headers)


class CatClient(NamespacedClient):
    @query_params("format", "h", "v", response_mimetypes=["text/plain", "application/json"])
    def indices(self, index=None, params=None, headers=None):
        return self.transport.perform_request(
            "GET", _make_path("_cat", "indices", index), params=params, headers=headers
        )


class Elasticsearch(ElasticsearchBase):
    def __init__(self, hosts=None, transport_class=Transport, **kwargs):
        super().__init__(hosts, transport_class, **kwargs)
        self.indices = IndicesClient(self)
        self.cat = CatClient(self)

    @query_params(response_mimetypes=JSON)
    def ping(self, params=None, headers=None):
        try:
            return self.transport.perform_request("HEAD", "/", params=params, headers=headers)
        except TransportError:
            return False

    @query_params(response_mimetypes=JSON)
    def info(self, params=None, headers=None):
        return self.transport.perform_request("GET", "/", params=params, headers=headers)

    @query_params(
        "_source", "allow_no_indices", "from_", "ignore_unavailable", "q", "size", "sort", "timeout",
        body_params=["_source", "aggs", "from_", "query", "size", "sort"],
        response_mimetypes=JSON, request_mimetypes=JSON,
    )
    def search(self, body=None, index=None, doc_type=None, params=None, headers=None):
        return self.transport.perform_request(
            "POST", _make_path(index, doc_type, "_search"), params=params, headers=headers, body=body
        )

    @query_params("op_type", "refresh", "routing", body_name="document", response_mimetypes=JSON, request_mimetypes=JSON)
    def index(self, index, body, doc_type=None, id=None, params=None, headers=None):
        for param in (index, body):
            if param in SKIP_IN_PATH:
                raise ValueError("Empty value passed for a required argument.")
        return self.transport.perform_request(
            "POST" if id in SKIP_IN_PATH else "PUT",
            _make_path(index, doc_type or "_doc", id),
            params=params, headers=headers, body=body,
        )

    @query_params("refresh", body_params=["doc", "doc_as_upsert", "upsert"], body_required=True,
                  response_mimetypes=JSON, request_mimetypes=JSON)
    def update(self, index, id, body=None, params=None, headers=None):
        return self.transport.perform_request(
            "POST", _make_path(index, "_update", id), params=params, headers=headers, body=body
        )

    @query_params("realtime", "routing", response_mimetypes=JSON)
    def get(self, index, id, doc_type=None, params=None, headers=None):
        return self.transport.perform_request(
            "GET", _make_path(index, doc_type or "_doc", id), params=params, headers=headers
        )

    @query_params("realtime", "routing", response_mimetypes=JSON)
    def exists(self, index, id, doc_type=None, params=None, headers=None):
        return self.transport.perform_request(
            "HEAD", _make_path(index, doc_type or "_doc", id), params=params, headers=headers
        )

    @query_params("refresh", "routing", response_mimetypes=JSON, request_mimetypes=["application/x-ndjson"])
    def bulk(self, body, index=None, doc_type=None, params=None, headers=None):
        if body in SKIP_IN_PATH:
            raise ValueError("Empty value passed for a required argument 'body'.")
        body = _bulk_body(self.transport.serializer, body)
        return self.transport.perform_request(
            "POST", _make_path(index, doc_type, "_bulk"), params=params, headers=headers, body=body
        )

    @query_params("allow_no_indices", response_mimetypes=JSON, request_mimetypes=JSON)
    def count(self, body=None, index=None, params=None, headers=None):
        return self.transport.perform_request(
            "POST" if body is not None else "GET", _make_path(index, "_count"),
            params=params, headers=headers, body=body,
        )
"""


def _to_async(source: str) -> str:
    """The async client from the sync one, as the generator derives it."""
    return (
        source.replace("from ..exceptions", "from ...exceptions")
        .replace("from ..transport import Transport", "from ..transport import AsyncTransport as Transport")
        .replace(
            "from ._base import ElasticsearchBase",
            "from ._base import AsyncElasticsearchBase as ElasticsearchBase",
        )
        .replace("from .utils", "from ...client.utils")
        .replace("class Elasticsearch(", "class AsyncElasticsearch(")
        .replace("    def ", "    async def ")
        .replace("    async def __init__", "    def __init__")
        .replace("return self.transport.perform_request(", "return await self.transport.perform_request(")
    )


@pytest.fixture(scope="session")
def es7(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The runtime package with stand-in generated modules, imported as ``es7rt``."""
    root = tmp_path_factory.mktemp("es7pkg")
    target = root / PACKAGE
    shutil.copytree(SHARED_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(RUNTIME_DIR, target, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    for source, twin in unasync.common_twins().items():
        if source.startswith("v7/"):
            text = unasync.unasync_text((RUNTIME_DIR.parent / source).read_text(), twin.names)
            (target / Path(twin.target).relative_to("codegen/common/v7")).write_text(text)
    (target / "_profile.py").write_text(PROFILE)
    (target / "client" / "__init__.py").write_text(CLIENT)
    (target / "_async" / "client" / "__init__.py").write_text(_to_async(CLIENT))
    # Imported from its folder by location: its relative imports then resolve inside it.
    spec = importlib.util.spec_from_file_location(
        PACKAGE, target / "__init__.py", submodule_search_locations=[str(target)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[PACKAGE]
        raise
    return module


ROOT_BODY = {
    "name": "node-1",
    "cluster_name": "test",
    "version": {"number": "7.17.0", "build_flavor": "default"},
    "tagline": "You Know, for Search",
}


@dataclass
class Reply(fakees.Reply):
    """A scripted answer in the 7.x tests' terms: ``headers`` replaces the default product
    header (``headers={}`` answers like a server that is not Elasticsearch), and bytes go out
    without a Content-Type."""

    body: Any = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=lambda: {"X-Elastic-Product": "Elasticsearch"})

    def encode(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if isinstance(self.body, (dict, list)):
            headers.setdefault("Content-Type", "application/json; charset=UTF-8")
            return json.dumps(self.body).encode(), headers
        if isinstance(self.body, str):
            headers.setdefault("Content-Type", "text/plain; charset=UTF-8")
            return self.body.encode(), headers
        return bytes(self.body), headers


class Server(fakees.FakeServer):
    """The shared fake server (ci/fakees) answering ``GET /`` like a 7.17 node and anything
    else with ``Reply()``; ``routes[(method, path)]`` script the rest."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(ssl_context)
        self.routes[("GET", "/")] = Reply(body=ROOT_BODY)
        self.default = Reply()

    def api_requests(self) -> list[Recorded]:
        """Requests other than the product check's ``GET /``."""
        return [r for r in self.requests if not (r.method == "GET" and r.target == "/")]


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[Server, str]]:
    """An HTTPS server with a certificate from a throwaway CA; yields it and the CA's PEM path."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    ca_path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    srv = Server(context)
    try:
        yield srv, str(ca_path)
    finally:
        srv.close()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compatibility mode is off unless a test turns it on."""
    monkeypatch.delenv("ELASTIC_CLIENT_APIVERSIONING", raising=False)
