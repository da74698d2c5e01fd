"""Wiping the cluster back to the state it had before the first test file.

A baseline of what the distribution installs by itself (built-in templates, pipelines,
system indices, reserved users...) is taken once; between files everything else that
the tests may have created is removed, for each kind the node serves: data streams,
indices (and with them aliases), composable/component/legacy templates, ingest
pipelines, snapshots and repositories, synonym sets, stored scripts, cluster settings,
and with security on, users, roles, role mappings, application privileges and API keys.

This talks plain HTTP (``Http``), not through the client under test, so a client bug
cannot leave the next file with a dirty cluster.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .yaml_distribution import Distribution, Http


def _q(name: str) -> str:
    return quote(name, safe="")


@dataclass
class Cleaner:
    http: Http
    dist: Distribution
    baseline: dict[str, set[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    # -- listing what exists ------------------------------------------------------

    def _get(self, path: str) -> Any:
        status, _, body = self.http.request("GET", path)
        return body if status == 200 else None

    def _served(self, path: str, method: str = "GET") -> bool:
        return method in self.dist.allowed_methods(path)

    def _indices(self) -> set[str]:
        doc = self._get("/_cluster/state/metadata?expand_wildcards=all&filter_path=metadata.indices.*.system")
        indices = ((doc or {}).get("metadata") or {}).get("indices") or {}
        # System indices (.security, .tasks, .synonyms...) belong to the node, not the tests.
        return {name for name, meta in indices.items() if not (meta or {}).get("system")}

    def _names(self, path: str, key: str, name_key: str = "name") -> set[str]:
        doc = self._get(path) or {}
        return {item[name_key] for item in doc.get(key) or []}

    def _keys(self, path: str) -> set[str]:
        doc = self._get(path)
        return set(doc) if isinstance(doc, dict) else set()

    def _settings(self) -> set[str]:
        doc = self._get("/_cluster/settings?flat_settings=true") or {}
        return {f"{scope}:{key}" for scope in ("persistent", "transient") for key in doc.get(scope) or {}}

    def _scripts(self) -> set[str]:
        doc = self._get("/_cluster/state/metadata?filter_path=metadata.stored_scripts") or {}
        return set((doc.get("metadata") or {}).get("stored_scripts") or {})

    def _security(self, path: str) -> set[str]:
        doc = self._get(path)
        if not isinstance(doc, dict):
            return set()
        return {k for k, v in doc.items() if not ((v or {}).get("metadata") or {}).get("_reserved")}

    def listers(self) -> dict[str, Callable[[], set[str]]]:
        kinds: dict[str, Callable[[], set[str]]] = {
            "indices": self._indices,
            "index_templates": lambda: self._names("/_index_template", "index_templates"),
            "component_templates": lambda: self._names("/_component_template", "component_templates"),
            "legacy_templates": lambda: self._keys("/_template"),
            "pipelines": lambda: self._keys("/_ingest/pipeline"),
            "repositories": lambda: self._keys("/_snapshot"),
            "settings": self._settings,
            "scripts": self._scripts,
        }
        if self._served("/_data_stream"):
            kinds["data_streams"] = lambda: self._names("/_data_stream?expand_wildcards=all", "data_streams")
        if self._served("/_synonyms"):
            kinds["synonyms"] = lambda: self._names("/_synonyms?size=1000", "results", "id")
        if self.dist.security_enabled:
            kinds["users"] = lambda: self._security("/_security/user")
            kinds["roles"] = lambda: self._security("/_security/role")
            kinds["role_mappings"] = lambda: self._keys("/_security/role_mapping")
            kinds["privileges"] = lambda: self._keys("/_security/privilege")
        return kinds

    def snapshot(self) -> dict[str, set[str]]:
        return {kind: lister() for kind, lister in self.listers().items()}

    def take_baseline(self) -> None:
        self.baseline = self.snapshot()

    # -- removing what the tests left -----------------------------------------------

    def _delete(self, path: str, body: Any = None, method: str = "DELETE") -> None:
        status, _, answer = self.http.request(method, path, body)
        if status >= 300 and status != 404:
            self.errors.append(f"{method} {path} -> {status}: {str(answer)[:300]}")

    def _new(self, kind: str, current: set[str]) -> list[str]:
        return sorted(current - self.baseline.get(kind, set()))

    def wipe(self) -> list[str]:
        """Remove everything not in the baseline; returns the problems met (also kept in errors)."""
        self.errors = []
        listers = self.listers()
        for kind in (
            "data_streams",
            "indices",
            "index_templates",
            "component_templates",
            "legacy_templates",
            "pipelines",
            "repositories",
            "synonyms",
            "scripts",
            "settings",
            "users",
            "roles",
            "role_mappings",
            "privileges",
        ):
            if kind not in listers:
                continue
            names = self._new(kind, listers[kind]())
            if names:
                getattr(self, f"_wipe_{kind}")(names)
        if self.dist.security_enabled:
            self._delete("/_security/api_key", {"name": "*"})
        return list(self.errors)

    def _wipe_data_streams(self, names: list[str]) -> None:
        for name in names:
            self._delete(f"/_data_stream/{_q(name)}?expand_wildcards=all")

    def _wipe_indices(self, names: list[str]) -> None:
        for name in names:
            self._delete(f"/{_q(name)}?expand_wildcards=all&ignore_unavailable=true")

    def _wipe_index_templates(self, names: list[str]) -> None:
        for name in names:
            self._delete(f"/_index_template/{_q(name)}")

    def _wipe_component_templates(self, names: list[str]) -> None:
        for name in names:
            self._delete(f"/_component_template/{_q(name)}")

    def _wipe_legacy_templates(self, names: list[str]) -> None:
        for name in names:
            self._delete(f"/_template/{_q(name)}")

    def _wipe_pipelines(self, names: list[str]) -> None:
        for name in names:
            self._delete(f"/_ingest/pipeline/{_q(name)}")

    def _wipe_repositories(self, names: list[str]) -> None:
        for repo in names:
            doc = self._get(f"/_snapshot/{_q(repo)}/_all") or {}
            for snap in doc.get("snapshots") or []:
                self._delete(f"/_snapshot/{_q(repo)}/{_q(snap['snapshot'])}")
            self._delete(f"/_snapshot/{_q(repo)}")

    def _wipe_synonyms(self, names: list[str]) -> None:
        for name in names:
            self._delete(f"/_synonyms/{_q(name)}")

    def _wipe_scripts(self, names: list[str]) -> None:
        for name in names:
            self._delete(f"/_scripts/{_q(name)}")

    def _wipe_settings(self, names: list[str]) -> None:
        body: dict[str, dict[str, None]] = {"persistent": {}, "transient": {}}
        for item in names:
            scope, _, key = item.partition(":")
            body[scope][key] = None
        self._delete("/_cluster/settings", body, method="PUT")

    def _wipe_users(self, names: list[str]) -> None:
        for name in names:
            self._delete(f"/_security/user/{_q(name)}")

    def _wipe_roles(self, names: list[str]) -> None:
        for name in names:
            self._delete(f"/_security/role/{_q(name)}")

    def _wipe_role_mappings(self, names: list[str]) -> None:
        for name in names:
            self._delete(f"/_security/role_mapping/{_q(name)}")

    def _wipe_privileges(self, names: list[str]) -> None:
        for app in names:
            doc = self._get(f"/_security/privilege/{_q(app)}") or {}
            for privilege in doc.get(app) or {}:
                self._delete(f"/_security/privilege/{_q(app)}/{_q(privilege)}")
