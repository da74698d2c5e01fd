"""What a running node can do: its modules, plugins and x-pack features.

The integration-test distribution carries only a handful of modules, so tests must
ask the node instead of assuming a full default distribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._http import HttpError, get_json, http_status


@dataclass(frozen=True)
class NodeFeatures:
    """Capabilities reported by one node."""

    version: str
    build_flavor: str | None
    # HTTP status of GET / (200 normally; 405 where the rest-root module is missing).
    root_status: int | None
    modules: tuple[str, ...]
    plugins: tuple[str, ...]
    ingest_processors: tuple[str, ...] = ()
    # name -> {"available": bool, "enabled": bool} from GET _xpack (empty without x-pack).
    xpack_features: dict[str, dict[str, bool]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """Whether a module or plugin called ``name`` is loaded."""
        return name in self.modules or name in self.plugins

    @property
    def xpack(self) -> bool:
        """x-pack core is loaded (license, _xpack and the x-pack settings exist)."""
        return any(m.startswith("x-pack") for m in self.modules)

    @property
    def security(self) -> bool:
        return self.has("x-pack-security")

    @property
    def ml(self) -> bool:
        return self.has("x-pack-ml")

    @property
    def ingest_pipelines(self) -> bool:
        """Pipelines are only useful with processors; those live in ingest-common."""
        return self.has("ingest-common")

    @property
    def painless(self) -> bool:
        return self.has("lang-painless")

    def summary(self) -> dict[str, Any]:
        """JSON-friendly view, for reports and the CLI."""
        return {
            "version": self.version,
            "build_flavor": self.build_flavor,
            "root_endpoint": self.root_status == 200,
            "modules": list(self.modules),
            "plugins": list(self.plugins),
            "ingest_processors": list(self.ingest_processors),
            "xpack": self.xpack,
            "security": self.security,
            "ml": self.ml,
            "ingest_pipelines": self.ingest_pipelines,
            "painless": self.painless,
            "xpack_features": {k: v for k, v in self.xpack_features.items() if v.get("available")},
        }


def _first_node(doc: Any) -> dict[str, Any]:
    nodes = doc.get("nodes") or {} if isinstance(doc, dict) else {}
    return next(iter(nodes.values()), {}) if nodes else {}


def node_features(url: str, timeout: float = 10.0) -> NodeFeatures:
    """Query ``url`` (one node) for its version, modules, plugins and x-pack features."""
    url = url.rstrip("/")
    # Not GET /: the 8.x integration-test distribution has no rest-root module.
    node = _first_node(get_json(f"{url}/_nodes/_local/plugins", timeout=timeout))
    ingest = _first_node(get_json(f"{url}/_nodes/_local/ingest?filter_path=nodes.*.ingest", timeout=timeout))
    processors = tuple(
        sorted(p["type"] for p in ingest.get("ingest", {}).get("processors", []) if "type" in p)
    )
    modules = tuple(sorted(m["name"] for m in node.get("modules", [])))
    root_status = http_status(f"{url}/", timeout=timeout)
    xpack: dict[str, dict[str, bool]] = {}
    if any(m.startswith("x-pack") for m in modules):
        try:
            doc = get_json(f"{url}/_xpack?categories=features", timeout=timeout)
        except HttpError:
            doc = {}
        for name, info in (doc.get("features") or {}).items():
            xpack[name] = {
                "available": bool(info.get("available")),
                "enabled": bool(info.get("enabled")),
            }
    return NodeFeatures(
        version=str(node.get("version", "")),
        build_flavor=node.get("build_flavor"),
        modules=modules,
        plugins=tuple(sorted(p["name"] for p in node.get("plugins", []))),
        root_status=root_status,
        ingest_processors=processors,
        xpack_features=xpack,
    )
