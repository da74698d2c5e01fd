"""Start and stop real Elasticsearch clusters for tests.

    from escluster import get_provider
    with get_provider() as cluster:
        urls = cluster.start("8.19", nodes=3)

Providers: ``local`` (integration-test zip from Maven, no Docker), ``docker``
(locally built or official images, where an engine answers) and ``url`` (ELASTICSEARCH_URL).
"""

from __future__ import annotations

import os

from .base import ClusterStartError, Provider, stop_all
from .docker_provider import DockerProvider, container_spec, engine_answers
from .features import NodeFeatures, node_features
from .local import LocalProvider
from .majors import Major, RegistryError, load_majors, major_of
from .url_provider import UrlProvider
from .versions import UnknownVersionError, load_versions, resolve_version

PROVIDERS: dict[str, type[Provider]] = {
    "local": LocalProvider,
    "docker": DockerProvider,
    "url": UrlProvider,
}

__all__ = [
    "PROVIDERS",
    "ClusterStartError",
    "DockerProvider",
    "LocalProvider",
    "Major",
    "NodeFeatures",
    "Provider",
    "RegistryError",
    "UnknownVersionError",
    "UrlProvider",
    "container_spec",
    "get_provider",
    "load_majors",
    "load_versions",
    "major_of",
    "node_features",
    "provider_name",
    "resolve_version",
    "stop_all",
]


def provider_name(name: str | None = None, nodes: int = 1) -> str:
    """Which provider to use: explicit name, else ESCLUSTER_PROVIDER, else docker if an
    engine answers, else local. (``nodes`` is kept for callers; both run 1-3 nodes.)"""
    chosen = name or os.environ.get("ESCLUSTER_PROVIDER") or None
    if chosen is None:
        chosen = "docker" if engine_answers() else "local"
    if chosen not in PROVIDERS:
        raise ValueError(f"unknown provider {chosen!r}; choose one of {sorted(PROVIDERS)}")
    return chosen


def get_provider(name: str | None = None, nodes: int = 1) -> Provider:
    """A fresh, not yet started provider instance for a cluster of ``nodes`` (see
    provider_name for the choice)."""
    return PROVIDERS[provider_name(name, nodes)]()
