"""pytest plugin: the ``elasticsearch_cluster`` fixture, a real Elasticsearch for the test asking for it.

    @pytest.mark.escluster(version="8.19", nodes=1)
    def test_search(elasticsearch_cluster):
        urlopen(elasticsearch_cluster.url)

The version comes from the marker (``version``, or ``versions`` to run the test once per
version), else from ``--escluster-version`` / ``--escluster-versions``, else it is the newest
major escluster knows (with the ``url`` provider: whatever runs there). The marker wins
because it states what the test needs; the options set the default for the rest.

A cluster starts when a test first needs it, is shared by every test asking for the same
(version, nodes, provider) and stopped after the last of them (or at the end of the
session). Only one runs at a time, so tests are grouped by the cluster they need and each
cluster starts once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from . import PROVIDERS, provider_name
from .base import ClusterStartError, Provider
from .jdk import NoSuitableJdkError
from .majors import stack_aliases
from .maven import MavenError
from .url_provider import UrlProvider

FIXTURE = "elasticsearch_cluster"
MARKER_ARGS = ("version", "versions", "nodes", "provider")
# What "this version cannot run here" looks like: reported as one line, not a traceback.
# ValueError covers unknown versions and node counts; ImportError the docker provider
# without its SDK.
START_ERRORS = (ClusterStartError, MavenError, NoSuitableJdkError, ValueError, ImportError)

T = TypeVar("T")


@dataclass(frozen=True)
class ClusterKey:
    """What a test asks for; tests with equal keys share one cluster."""

    version: str | None  # as asked (alias or exact); None: whatever the url provider runs
    nodes: int
    provider: str

    def __str__(self) -> str:
        nodes = "1 node" if self.nodes == 1 else f"{self.nodes} nodes"
        return f"Elasticsearch {self.version or '(any version)'}, {nodes}, provider {self.provider}"


@dataclass(frozen=True)
class EsCluster:
    """The running cluster a test gets from the ``elasticsearch_cluster`` fixture."""

    urls: tuple[str, ...]
    version: str  # the exact version running
    nodes: int
    provider: str  # local, docker or url
    backend: Provider  # escluster's handle, e.g. for backend.features()

    @property
    def url(self) -> str:
        """The first node's URL."""
        return self.urls[0]


@dataclass(frozen=True)
class Wanted:
    """A test's request after marker and options are merged."""

    versions: tuple[str | None, ...]
    parametrize: bool  # one run per version (``versions``), versus a single version
    nodes: int
    provider: str | None  # None: escluster's automatic choice


def _split(text: str | None) -> list[str]:
    return [v.strip() for v in (text or "").split(",") if v.strip()]


def wanted(marker_kwargs: Mapping[str, Any] | None, options: Mapping[str, Any]) -> Wanted:
    """Merge a test's ``escluster`` marker arguments with the command-line options.

    Raises ValueError (with the message the user sees) for a malformed marker.
    """
    kwargs = dict(marker_kwargs or {})
    unknown = sorted(set(kwargs) - set(MARKER_ARGS))
    if unknown:
        raise ValueError(
            f"escluster marker: unknown argument(s) {', '.join(unknown)}; use {', '.join(MARKER_ARGS)}"
        )
    if "version" in kwargs and "versions" in kwargs:
        raise ValueError("escluster marker: give version or versions, not both")
    nodes = int(kwargs.get("nodes", 1))
    if not 1 <= nodes <= 3:
        raise ValueError(f"escluster marker: nodes must be 1, 2 or 3, not {nodes}")
    provider = kwargs.get("provider") or options.get("provider")
    if provider and provider not in PROVIDERS:
        raise ValueError(
            f"escluster: unknown provider {provider!r}; choose one of {', '.join(sorted(PROVIDERS))}"
        )
    if "versions" in kwargs:
        listed = kwargs["versions"]
        versions = _split(listed) if isinstance(listed, str) else [str(v) for v in listed]
        if not versions:
            raise ValueError("escluster marker: versions is empty")
        return Wanted(tuple(versions), True, nodes, provider)
    if "version" in kwargs:
        return Wanted((str(kwargs["version"]),), False, nodes, provider)
    if _split(options.get("versions")):
        return Wanted(tuple(_split(options["versions"])), True, nodes, provider)
    return Wanted((options.get("version"),), False, nodes, provider)


def group_by(items: Sequence[T], key: Callable[[T], Hashable | None]) -> list[T]:
    """Reorder the items with a key so equal keys are adjacent (groups in order of first
    appearance, items in their order within a group); items keyed None keep their places."""
    keys = [key(item) for item in items]
    slots = [i for i, k in enumerate(keys) if k is not None]
    first: dict[Hashable, int] = {}
    for i in slots:
        first.setdefault(keys[i], len(first))
    moved = sorted(slots, key=lambda i: first[keys[i]])
    ordered = list(items)
    for slot, source in zip(slots, moved, strict=True):
        ordered[slot] = items[source]
    return ordered


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class ClusterManager:
    """Starts, shares and stops the session's clusters (one at a time)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        self.current: tuple[ClusterKey, EsCluster] | None = None
        self.failed: dict[ClusterKey, str] = {}
        self.last_users: dict[ClusterKey, str] = {}  # node id of the last test needing each
        self._automatic: dict[int, str] = {}
        self._default_version: str | None = None

    def key(self, node: pytest.Item, version: str | None) -> ClusterKey:
        """The cluster ``node`` needs when run for ``version`` (one of its wanted versions)."""
        want = self.wanted(node)
        chosen = self.provider(want.provider, want.nodes)
        if version is None and chosen != "url":
            version = self.default_version()
        return ClusterKey(version, want.nodes, chosen)

    def wanted(self, node: pytest.Item) -> Wanted:
        marker = node.get_closest_marker("escluster")
        return wanted(None if marker is None else marker.kwargs, self.options)

    def provider(self, name: str | None, nodes: int) -> str:
        """An explicit provider, checked; else the automatic choice, made once per node count
        (it pings the docker engine)."""
        if name:
            return provider_name(name, nodes)
        if nodes not in self._automatic:
            self._automatic[nodes] = provider_name(None, nodes)
        return self._automatic[nodes]

    def default_version(self) -> str:
        """The newest major's alias (majors are listed oldest first)."""
        if self._default_version is None:
            self._default_version = list(stack_aliases())[-1]
        return self._default_version

    def cluster(self, key: ClusterKey) -> EsCluster:
        """The running cluster for ``key``, stopping the previous one if it differs."""
        if self.current is not None and self.current[0] == key:
            return self.current[1]
        self.stop()
        if key in self.failed:
            pytest.fail(self.failed[key], pytrace=False)
        backend = PROVIDERS[key.provider]()  # version None only with the url provider
        try:
            if isinstance(backend, UrlProvider):
                urls = backend.start(key.version, key.nodes)
            else:
                urls = backend.start(key.version or "", key.nodes)
        except START_ERRORS as exc:
            backend.stop()
            if str(exc).strip() != _first_line(exc):  # the rest, e.g. the nodes' log tail
                print(f"escluster: {exc}", file=sys.stderr)
            self.failed[key] = f"escluster: cannot start {key}: {_first_line(exc)}"
        except BaseException:
            backend.stop()
            raise
        if key in self.failed:  # failed outside the except block: no chained traceback
            pytest.fail(self.failed[key], pytrace=False)
        running = EsCluster(
            tuple(urls), backend.version or key.version or "", key.nodes, key.provider, backend
        )
        self.current = (key, running)
        return running

    def finished(self, nodeid: str) -> None:
        """Stop the current cluster once the last test needing it is done, so the rest of
        the session does not carry it."""
        if self.current is not None and self.last_users.get(self.current[0]) == nodeid:
            self.stop()

    def stop(self) -> None:
        """Stop the current cluster, if any."""
        if self.current is not None:
            backend = self.current[1].backend
            self.current = None
            backend.stop()


_MANAGER = pytest.StashKey[ClusterManager]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("escluster", "real Elasticsearch clusters (escluster)")
    group.addoption(
        "--escluster-version",
        metavar="VERSION",
        help="version for tests using elasticsearch_cluster: an alias (7.17, 8.19, 9) or x.y.z",
    )
    group.addoption(
        "--escluster-versions",
        metavar="V1,V2",
        help="run every test using elasticsearch_cluster once per version, e.g. 7.17,8.19,9",
    )
    group.addoption(
        "--escluster-provider",
        metavar="NAME",
        help="local, docker or url (ELASTICSEARCH_URL); default: ESCLUSTER_PROVIDER, "
        "else docker if an engine answers, else local",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "escluster(version=None, versions=None, nodes=1, provider=None): the Elasticsearch "
        "cluster the elasticsearch_cluster fixture gives this test (versions: one run per version)",
    )
    provider = config.getoption("escluster_provider")
    if provider and provider not in PROVIDERS:
        raise pytest.UsageError(
            f"--escluster-provider {provider}: choose one of {', '.join(sorted(PROVIDERS))}"
        )
    config.stash[_MANAGER] = ClusterManager(
        {
            "version": config.getoption("escluster_version"),
            "versions": config.getoption("escluster_versions"),
            "provider": provider,
        }
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One run per version for tests asking for several."""
    if FIXTURE not in metafunc.fixturenames:
        return
    try:
        want = metafunc.config.stash[_MANAGER].wanted(metafunc.definition)
    except ValueError as exc:
        pytest.fail(str(exc), pytrace=False)
    if want.parametrize:
        metafunc.parametrize(FIXTURE, want.versions, ids=[str(v) for v in want.versions], indirect=True)


def _key_of(manager: ClusterManager, item: pytest.Item) -> ClusterKey | None:
    if FIXTURE not in getattr(item, "fixturenames", ()):
        return None
    callspec = getattr(item, "callspec", None)
    version = callspec.params.get(FIXTURE) if callspec is not None else None
    return manager.key(item, version if version is not None else manager.wanted(item).versions[0])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group the tests by the cluster they need, so each cluster starts once."""
    manager = config.stash[_MANAGER]
    try:
        items[:] = group_by(items, lambda item: _key_of(manager, item))
    except ValueError as exc:  # an unknown ESCLUSTER_PROVIDER
        raise pytest.UsageError(str(exc)) from None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Note each cluster's last test, in the final order (after every plugin's reordering
    and deselection)."""
    manager = session.config.stash[_MANAGER]
    for item in session.items:
        key = _key_of(manager, item)
        if key is not None:
            manager.last_users[key] = item.nodeid


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, None]:
    """After the test's fixtures are torn down: they may use the cluster until then."""
    yield
    item.config.stash[_MANAGER].finished(item.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the last cluster (an interrupted run gets here too; escluster's atexit and
    signal handlers are the net beneath)."""
    manager = session.config.stash.get(_MANAGER, None)
    if manager is not None:
        manager.stop()


@pytest.fixture
def elasticsearch_cluster(request: pytest.FixtureRequest) -> EsCluster:
    """A running Elasticsearch (see the module's docstring for how it is chosen)."""
    manager = request.config.stash[_MANAGER]
    key = _key_of(manager, request.node)
    assert key is not None
    return manager.cluster(key)
