"""UrlProvider: an already running cluster given by ELASTICSEARCH_URL (nothing to stop)."""

from __future__ import annotations

import os

from . import base
from ._http import HttpError, get_json
from .majors import stack_aliases


def version_matches(requested: str, actual: str) -> bool:
    """Whether a running ``actual`` version satisfies ``requested`` (alias, x.y or x.y.z)."""
    if requested in stack_aliases() or requested.count(".") < 2:
        return actual == requested or actual.startswith(requested + ".")
    return actual == requested


class UrlProvider(base.Provider):
    """Points tests at an external cluster; start() only checks that it fits."""

    name = "url"

    def __init__(self, url: str | None = None) -> None:
        super().__init__()
        self.configured = url or os.environ.get("ELASTICSEARCH_URL", "")

    def start(self, version: str | None, nodes: int = 1) -> list[str]:
        """Check the cluster answers with a matching version (None: any) and enough nodes."""
        urls = [u.strip().rstrip("/") for u in self.configured.split(",") if u.strip()]
        if not urls:
            raise base.ClusterStartError("the url provider needs ELASTICSEARCH_URL")
        try:
            info = get_json(f"{urls[0]}/_nodes/_local?filter_path=nodes.*.version", timeout=10)
            health = get_json(f"{urls[0]}/_cluster/health?wait_for_status=yellow&timeout=30s")
        except HttpError as exc:
            raise base.ClusterStartError(f"ELASTICSEARCH_URL does not answer: {exc}") from exc
        nodes_info: dict[str, dict[str, str]] = info.get("nodes") or {}
        actual = next(iter(nodes_info.values()), {}).get("version", "")
        if version is not None and not version_matches(version, actual):
            raise base.ClusterStartError(f"ELASTICSEARCH_URL runs {actual}, but {version} was requested")
        if health.get("number_of_nodes", 0) < nodes:
            raise base.ClusterStartError(
                f"ELASTICSEARCH_URL has {health.get('number_of_nodes')} nodes, {nodes} requested"
            )
        self.version = actual
        self.urls = urls
        return list(urls)

    def stop(self, keep_logs: bool = False) -> None:
        """Nothing to stop: the cluster is not ours."""
        self.urls = []
