"""Integration suite: each API package against a real Elasticsearch.

One suite serves the three packages. Which client talks to which cluster:

- ``CLIENT=<package>`` (``elasticsearch``, ``elasticsearch8``, ``elasticsearch7``) with
  ``ELASTICSEARCH_URL=<url>[,<url>...]``: one cell on that cluster (what
  ``nox -s integration`` sets after starting the cluster). ``ES_STACK`` names the stack
  for the report; without it the stack is taken from the version the server reports.
- ``ES_INTEGRATION_CELLS=native`` (``all``, or ``elasticsearch@9,elasticsearch7@8.19``):
  each cell's cluster is started here on its provider (``local`` by default), one at a
  time, and stopped after the cell's tests (what ``nox -s test`` uses in CI).
- ``CLIENT`` alone: the client's native stack, started here.
- none of these: every test here is skipped.

``ES_INTEGRATION_MULTINODE=elasticsearch@9[,...]`` adds a three-node cluster per named
client (started after the others, also one at a time) on which only the tests marked
``multinode`` run (node failures); those tests are deselected when it is unset, ``none``,
or ELASTICSEARCH_URL is set (they break the cluster they run on).

Every test is an ``async def`` run twice: with the package's ``AsyncElasticsearch`` and
with its ``Elasticsearch`` behind a thin proxy whose calls return already-finished
awaitables, so one body checks both. ``ES_INTEGRATION_RESULTS=<dir>`` writes one JSON
result per cell there (see esmatrix/collect.py in ci/esmatrix).

``ES_INTEGRATION_OFFICIAL=1``: the client imported is the official release (the matrix's
reference run, in a venv of its own): the cell's ours-only environment is left out.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from escluster import get_provider, node_features
from escluster.features import NodeFeatures
from esmatrix.cells import AUTO, Cell, MatrixError, cell_for, parse_cells, stack_table
from esmatrix.collect import Collector, server_error, short_test_id

HERE = Path(__file__).resolve().parent
PREFIX = "it-"  # every index, template, alias and pipeline the suite creates starts with it
NOT_AVAILABLE = "not available on this distribution"
OFFICIAL = os.environ.get("ES_INTEGRATION_OFFICIAL", "") in ("1", "true")

# --------------------------------------------------------------------------- cell selection


MULTINODE = 3  # nodes of the clusters ES_INTEGRATION_MULTINODE adds
_MULTINODE_ONLY: set[str] = set()  # keys of the cells that run the multinode tests alone


def cell_key(cell: Cell) -> str:
    """The cell's key, told apart from the one-node cell of the same client and stack."""
    return cell.key if cell.nodes == 1 else f"{cell.key}-{cell.nodes}nodes"


def _multinode_cells(url: str | None) -> list[Cell]:
    spec = os.environ.get("ES_INTEGRATION_MULTINODE", "").strip()
    # With ELASTICSEARCH_URL (nox -s matrix/integration) no cluster is started here.
    if url or spec.lower() in ("", "none", "off", "0"):
        return []
    cells = [replace(cell, nodes=MULTINODE) for cell in parse_cells(spec)]
    _MULTINODE_ONLY.update(cell_key(cell) for cell in cells)
    return cells


@functools.cache
def _selected() -> tuple[list[Cell], str | None, str | None]:
    """(cells, ELASTICSEARCH_URL or None, why nothing is selected), read once."""
    spec = os.environ.get("ES_INTEGRATION_CELLS", "").strip()
    url = os.environ.get("ELASTICSEARCH_URL", "").strip() or None
    client = os.environ.get("CLIENT", "").strip()
    if spec.lower() in ("none", "off", "0"):
        return [], None, "integration cells disabled (ES_INTEGRATION_CELLS=none)"
    if spec:
        cells = parse_cells(spec)
        if url and len(cells) != 1:
            raise MatrixError("ELASTICSEARCH_URL serves one cell; ES_INTEGRATION_CELLS names several")
        return cells + _multinode_cells(url), url, None
    if client:
        stack = os.environ.get("ES_STACK", "").strip() or None
        if stack is None and url:
            stack = _server_version(url.split(",")[0])
        return [cell_for(client, stack), *_multinode_cells(url)], url, None
    reason = "no cluster selected: set CLIENT (and ELASTICSEARCH_URL), or ES_INTEGRATION_CELLS=native"
    return [], None, reason


def _server_version(url: str) -> str:
    doc = _raw("GET", url, "/_nodes/_local?filter_path=nodes.*.version")[1]
    return str(next(iter(doc["nodes"].values()))["version"])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "integration: runs against a real Elasticsearch (tests/integration)")
    config.addinivalue_line(
        "markers", "majors(*majors): only for clients of these API majors (7, 8, 9); deselected otherwise"
    )
    config.addinivalue_line(
        "markers",
        "ours_only(reason): checks behaviour our client adds; skipped in the official reference run",
    )
    config.addinivalue_line(
        "markers",
        "multinode: breaks a cluster of 3 nodes, run on the ones ES_INTEGRATION_MULTINODE adds; deselected otherwise",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "es_cluster" not in metafunc.fixturenames:
        return
    cells, _, nothing = _selected()
    if not cells:
        skipped = pytest.param(None, marks=pytest.mark.skip(reason=nothing or "no cells"), id="none")
        metafunc.parametrize("es_cluster", [skipped], indirect=True, scope="session")
        return
    ids = [cell_key(c) for c in cells]
    metafunc.parametrize("es_cluster", cells, indirect=True, scope="session", ids=ids)


_ITEM_CELLS: dict[str, str] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept, dropped = [], []
    for item in items:
        if not Path(item.path).is_relative_to(HERE):
            kept.append(item)
            continue
        item.add_marker(pytest.mark.integration)
        # The suite uses each major's classic calling conventions on purpose (7.x body=),
        # which the clients themselves flag as deprecated: keep those out of the log.
        item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning"))
        cell = getattr(item, "callspec", None) and item.callspec.params.get("es_cluster")
        if not isinstance(cell, Cell):
            kept.append(item)
            continue
        marker = item.get_closest_marker("majors")
        if marker is not None and cell.client_major not in marker.args:
            dropped.append(item)
            continue
        ours_only = item.get_closest_marker("ours_only")
        if OFFICIAL and ours_only is not None:
            item.add_marker(pytest.mark.skip(reason=f"ours only: {ours_only.args[0]}"))
        # The multinode tests break their cluster: they get clusters of their own, which
        # run nothing else.
        if (item.get_closest_marker("multinode") is not None) != (cell_key(cell) in _MULTINODE_ONLY):
            dropped.append(item)
            continue
        _ITEM_CELLS[item.nodeid] = cell_key(cell)
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


# --------------------------------------------------------------------------- results

COLLECTOR = Collector()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failure on an HTTP error carries what the server answered into the cell's result."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    found = server_error(call.excinfo.value) if report.failed and call.excinfo is not None else None
    if found:
        report.user_properties.append(("server_error", found))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    key = _ITEM_CELLS.get(report.nodeid)
    if key is not None:
        COLLECTOR.cell(key).add(short_test_id(report.nodeid, key), report)


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = os.environ.get("ES_INTEGRATION_RESULTS")
    if out and COLLECTOR.cells:
        for path in COLLECTOR.write(Path(out)):
            print(f"\nintegration result: {path}")


# --------------------------------------------------------------------------- raw HTTP (setup/cleanup only)

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _raw(method: str, url: str, path: str, body: Any = None) -> tuple[int, Any]:
    """A plain JSON request, never through a proxy; errors come back as (status, body)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url.rstrip("/") + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with _OPENER.open(request, timeout=60) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def _delete_leftovers(url: str) -> None:
    """Remove whatever an earlier (maybe aborted) run left behind: everything named it-*."""
    status, rows = _raw("GET", url, f"/_cat/indices/{PREFIX}*?format=json&h=index&expand_wildcards=all")
    for row in rows if status == 200 and isinstance(rows, list) else []:
        _raw("DELETE", url, f"/{row['index']}")
    status, doc = _raw("GET", url, f"/_index_template/{PREFIX}*")
    for template in doc.get("index_templates", []) if status == 200 else []:
        _raw("DELETE", url, f"/_index_template/{template['name']}")
    for listing, path in (("/_template/", "/_template/"), ("/_ingest/pipeline/", "/_ingest/pipeline/")):
        status, doc = _raw("GET", url, f"{listing}{PREFIX}*")
        for name in doc if status == 200 and isinstance(doc, dict) else []:
            _raw("DELETE", url, f"{path}{name}")
    status, doc = _raw("GET", url, f"/_component_template/{PREFIX}*")
    for template in doc.get("component_templates", []) if status == 200 else []:
        _raw("DELETE", url, f"/_component_template/{template['name']}")


# --------------------------------------------------------------------------- the cluster of a cell


@dataclass
class ClusterInfo:
    """The running cluster of a cell, as the server itself describes it."""

    cell: Cell
    urls: list[str]
    features: NodeFeatures
    nodes: int
    expected_version: str | None
    notes: list[str] = field(default_factory=list)
    provider: Any = None  # the escluster provider that started it; None for ELASTICSEARCH_URL

    def live_url(self) -> str:
        """The first URL whose node answers (a test may have stopped some of them)."""
        for url in self.urls:
            try:
                _raw("GET", url, "/_cluster/health?timeout=5s")
            except OSError:
                continue
            return url
        return self.urls[0]

    @property
    def version(self) -> str:
        return self.features.version

    @property
    def server_major(self) -> int:
        return int(self.version.split(".")[0])

    @property
    def root_endpoint(self) -> bool:
        """GET / answers (the integration-test zip of 8.x/9.x has no rest-root module)."""
        return self.features.root_status == 200

    def has(self, module: str) -> bool:
        return self.features.has(module)

    def require(self, module: str, what: str) -> None:
        """Skip with a precise reason when ``module`` is not loaded."""
        if not self.has(module):
            pytest.skip(f"{NOT_AVAILABLE}: no {module} module ({what})")

    def summary(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "expected_version": self.expected_version,
            "build_flavor": self.features.build_flavor,
            "nodes": self.nodes,
            "root_endpoint": self.root_endpoint,
            "modules": list(self.features.modules),
            "plugins": list(self.features.plugins),
            "ingest_processors": list(self.features.ingest_processors),
        }


PRODUCT_CHECK_NOTE = (
    "product check bypassed: the distribution lacks rest-root, so GET / (which the 7.x client "
    "sends before its first request) answers 405; the fixture sets _verified_elasticsearch = True"
)


@pytest.fixture(scope="session")
def es_cluster(request: pytest.FixtureRequest) -> Iterator[ClusterInfo]:
    """Start (or adopt, with ELASTICSEARCH_URL) the cluster of the current cell."""
    cell: Cell = request.param
    record = COLLECTOR.cell(cell_key(cell))
    record.info = {"cell": cell.to_json(), "client": cell.client, "stack": cell.stack}
    expected = stack_table().get(cell.stack) or (cell.stack if cell.stack[:1].isdigit() else None)
    env = cell.env_for(official=OFFICIAL)
    saved_env = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    provider = None
    failed_before = request.session.testsfailed
    url = _selected()[1]
    try:
        if url:
            urls = url.split(",")
            provider_name, start_s = "url", 0.0
        else:
            provider = get_provider(None if cell.provider == AUTO else cell.provider, cell.nodes)
            began = time.monotonic()
            try:
                urls = provider.start(cell.stack, nodes=cell.nodes)
            except Exception as exc:
                record.info["cluster_error"] = str(exc)[-4000:]
                raise
            provider_name, start_s = provider.name, round(time.monotonic() - began, 1)
        features = node_features(urls[0])
        status, doc = _raw("GET", urls[0], "/_nodes?filter_path=nodes.*.version")
        nodes = len(doc.get("nodes", {})) if status == 200 else len(urls)
        info = ClusterInfo(cell, urls, features, nodes, expected, provider=provider)
        if env:
            info.notes.append(" ".join(f"{k}={v}" for k, v in env.items()) + " set for this cell")
        if cell.compat_header:
            info.notes.append(f"requests carry {cell.compat_header}")
        if cell.client_major == 7 and not info.root_endpoint:
            info.notes.append(PRODUCT_CHECK_NOTE)
        record.info.update(
            {
                "client_version": importlib.import_module(cell.client).__versionstr__,
                "transport_version": _transport_version(),
                "official": OFFICIAL,
                "stack_version": expected,
                "server": info.summary(),
                "provider": provider_name,
                "cluster_start_s": start_s,
                "notes": info.notes,
            }
        )
        _delete_leftovers(urls[0])
        yield info
        _delete_leftovers(info.live_url())
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if provider is not None:
            provider.stop(keep_logs=request.session.testsfailed > failed_before)


@pytest.fixture
def cell_record(es_cluster: ClusterInfo) -> dict[str, Any]:
    """The running cell's entry in its result file: a test may add a section of its own."""
    return COLLECTOR.cell(cell_key(es_cluster.cell)).info


def _transport_version() -> str | None:
    """elastic_transport's version (the official 7.x client has none)."""
    try:
        return str(importlib.import_module("elastic_transport").__version__)
    except ImportError:
        return None


# --------------------------------------------------------------------------- clients


class SyncAsAsync:
    """A sync client whose API calls return finished awaitables.

    The call itself runs synchronously (so errors are raised by the call, inside any
    ``pytest.raises`` around the ``await``); namespaces (``es.indices``) and
    ``es.options(...)`` come back wrapped again.
    """

    def __init__(self, target: Any) -> None:
        self._target = target

    @property
    def unwrapped(self) -> Any:
        return self._target

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return SyncAsAsync(attr) if type(attr).__name__.endswith("Client") else attr

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            if type(result) is type(self._target) or type(result).__name__.endswith("Client"):
                return SyncAsAsync(result)  # es.options(...) returns a client

            async def done() -> Any:
                return result

            return done()

        return call


def _client_kwargs(major: int) -> dict[str, Any]:
    return {"timeout": 60} if major == 7 else {"request_timeout": 60}


def new_client(cluster: ClusterInfo, mode: str, urls: list[str] | None = None, **kwargs: Any) -> Any:
    """A new ``Elasticsearch`` (``mode="sync"``) or ``AsyncElasticsearch`` of the cell's
    package for the cell's cluster (or ``urls``), as the ``es`` fixture makes them; the
    caller closes it. ``kwargs`` go to the constructor."""
    module = importlib.import_module(cluster.cell.client)
    major = cluster.cell.client_major
    cls = module.Elasticsearch if mode == "sync" else module.AsyncElasticsearch
    client = cls(list(urls or cluster.urls), **{**_client_kwargs(major), **kwargs})
    if major == 7 and not cluster.root_endpoint:
        # Recorded in the cell's notes (PRODUCT_CHECK_NOTE).
        client.transport._verified_elasticsearch = True
    return client


@pytest.fixture(params=["sync", "async"])
async def es(request: pytest.FixtureRequest, es_cluster: ClusterInfo) -> AsyncIterator[Any]:
    """The cell's client, sync (behind SyncAsAsync) or async."""
    client = new_client(es_cluster, request.param)
    try:
        yield SyncAsAsync(client) if request.param == "sync" else client
    finally:
        if request.param == "sync":
            client.close()
        else:
            await client.close()


@pytest.fixture(scope="session")
def client_factory() -> Any:
    """``new_client`` itself, for fixtures of a wider scope than ``make_client``."""
    return new_client


@pytest.fixture
async def make_client(es_cluster: ClusterInfo) -> AsyncIterator[Any]:
    """``make_client(mode, urls=None, **kwargs)``: more clients like ``es`` (see new_client),
    closed after the test."""
    made: list[tuple[str, Any]] = []

    def make(mode: str, urls: list[str] | None = None, **kwargs: Any) -> Any:
        client = new_client(es_cluster, mode, urls, **kwargs)
        made.append((mode, client))
        return client

    try:
        yield make
    finally:
        for mode, client in made:
            if mode == "sync":
                client.close()
            else:
                await client.close()


@pytest.fixture
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params.get("es", "sync"))


class Api:
    """What differs between the majors, so one test body serves the three packages.

    7.x takes request bodies as ``body=``; 8.x/9.x take body fields as keywords
    (``document=``, ``operations=``, ``searches=`` for whole-body values).
    """

    def __init__(self, cluster: ClusterInfo) -> None:
        self.cluster = cluster
        self.major = cluster.cell.client_major
        self.module = importlib.import_module(cluster.cell.client)
        exc = importlib.import_module(f"{cluster.cell.client}.exceptions")
        self.errors = SimpleNamespace(
            NotFound=exc.NotFoundError,
            Conflict=exc.ConflictError,
            BadRequest=exc.RequestError if self.major == 7 else exc.BadRequestError,
            Api=exc.TransportError if self.major == 7 else exc.ApiError,
        )

    @property
    def v7(self) -> bool:
        return self.major == 7

    def body(self, **fields: Any) -> dict[str, Any]:
        """Body fields: ``body={...}`` on 7.x (``from_`` spelled ``from``), keywords on 8.x/9.x."""
        if not self.v7:
            return fields
        return {"body": {key.rstrip("_"): value for key, value in fields.items()}}

    def document(self, doc: Any) -> dict[str, Any]:
        return {"body": doc} if self.v7 else {"document": doc}

    def operations(self, ops: list[Any]) -> dict[str, Any]:
        return {"body": ops} if self.v7 else {"operations": ops}

    def searches(self, searches: list[Any]) -> dict[str, Any]:
        return {"body": searches} if self.v7 else {"searches": searches}

    def data(self, response: Any) -> Any:
        """The decoded body: 7.x returns it directly, 8.x/9.x wrap it in an ApiResponse."""
        return response if self.v7 else response.body

    def text(self, response: Any) -> str:
        return response if self.v7 else response.body

    def assert_head(self, response: Any, expected: bool) -> None:
        """HEAD APIs: a real bool on 7.x, a HeadApiResponse (truthy on 2xx) on 8.x/9.x."""
        if self.v7:
            assert response is expected
        else:
            assert type(response).__name__ == "HeadApiResponse"
            assert bool(response) is expected
            assert response.meta.status == (200 if expected else 404)

    def status(self, error: Exception) -> int:
        return int(error.status_code)  # type: ignore[attr-defined]

    def error_body(self, error: Exception) -> Any:
        """The decoded error body the server sent."""
        return error.info if self.v7 else error.body  # type: ignore[attr-defined]

    def error_type(self, error: Exception) -> str:
        """The Elasticsearch error type (``index_not_found_exception``...)."""
        info = self.error_body(error)
        if isinstance(info, dict) and isinstance(info.get("error"), dict):
            return str(info["error"].get("type"))
        return str(error.error)  # type: ignore[attr-defined]


@pytest.fixture
def api(es_cluster: ClusterInfo) -> Api:
    return Api(es_cluster)


class Names:
    """Unique ``it-`` names for one test, removed again at teardown (404s ignored)."""

    def __init__(self, url: str, test: str, mode: str) -> None:
        self.url = url
        self.base = f"{PREFIX}{mode}-{re.sub(r'[^a-z0-9]+', '-', test.lower()).strip('-')}"[:120]
        self.created: list[str] = []

    def _name(self, suffix: str, path: str) -> str:
        name = f"{self.base}-{suffix}" if suffix else self.base
        self.created.append(f"{path}{name}")
        return name

    def index(self, suffix: str = "") -> str:
        return self._name(suffix, "/")

    def alias(self, suffix: str = "alias") -> str:
        return f"{self.base}-{suffix}"  # removed with its indices

    def index_template(self, suffix: str = "tpl") -> str:
        return self._name(suffix, "/_index_template/")

    def component_template(self, suffix: str = "comp") -> str:
        return self._name(suffix, "/_component_template/")

    def legacy_template(self, suffix: str = "legacy") -> str:
        return self._name(suffix, "/_template/")

    def pipeline(self, suffix: str = "pipeline") -> str:
        return self._name(suffix, "/_ingest/pipeline/")

    def cleanup(self) -> None:
        # component templates last: index templates that use them must go first
        for path in sorted(self.created, key=lambda p: p.startswith("/_component_template/")):
            _raw("DELETE", self.url, path)


@pytest.fixture
def names(request: pytest.FixtureRequest, es_cluster: ClusterInfo, mode: str) -> Iterator[Names]:
    test = request.node.originalname.removeprefix("test_")
    found = Names(es_cluster.urls[0], test, mode)
    try:
        yield found
    finally:
        found.cleanup()


@pytest.fixture
def index(names: Names) -> str:
    """A unique index name (not created), deleted after the test."""
    return names.index()


SHARDS = {"number_of_shards": 1, "number_of_replicas": 0}


@pytest.fixture
async def library(es: Any, api: Api, names: Names) -> str:
    """An index of 12 small documents with text, keyword, numeric and date fields."""
    name = names.index("library")
    mappings = {
        "properties": {
            "title": {"type": "text"},
            "tag": {"type": "keyword"},
            "n": {"type": "integer"},
            "price": {"type": "double"},
            "date": {"type": "date"},
        }
    }
    await es.indices.create(index=name, **api.body(settings=SHARDS, mappings=mappings))
    ops: list[Any] = []
    for i in range(12):
        ops.append({"index": {"_index": name, "_id": str(i)}})
        ops.append(
            {
                "title": f"book {i} about {'search' if i % 3 == 0 else 'storage'}",
                "tag": ["red", "green", "blue"][i % 3],
                "n": i,
                "price": float(i) * 2.5,
                "date": f"2024-01-{1 + i // 4:02d}T12:00:00Z",
            }
        )
    response = await es.bulk(refresh=True, **api.operations(ops))
    assert api.data(response)["errors"] is False
    return name
