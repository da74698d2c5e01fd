"""What the cluster under test serves, and the reason a test cannot run on it.

The integration-test distribution carries only a few modules, so before a test runs
every API it calls is checked against the node:

- ``OPTIONS <path>`` (no side effects) answers with the methods routed for that path; an
  API whose spec URLs have no route for its methods is not served by this distribution;
- a few served APIs fail on this distribution anyway (``GET _xpack`` answers 500 because
  actions of absent x-pack modules are missing): those are called once, read-only.

During a test, only server errors that name something missing from the distribution (an
ingest processor, a script language, a mapping type, an analyzer, an action) turn the test
into a skip; anything else is a failure.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from elastic_transport.client_utils import _auth_header

from .yaml_api import ApiInfo

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_PLACEHOLDER = re.compile(r"{(\w+)}")
PROBE_VALUE = "yaml-probe"

# Where an API lives when it is not in the server itself (for skip reasons only).
NAMESPACE_MODULES = {
    "async_search": "x-pack-async-search",
    "autoscaling": "x-pack-autoscaling",
    "ccr": "x-pack-ccr",
    "connector": "x-pack-ent-search",
    "enrich": "x-pack-enrich",
    "eql": "x-pack-eql",
    "esql": "x-pack-esql",
    "fleet": "x-pack-fleet",
    "graph": "x-pack-graph",
    "ilm": "x-pack-ilm",
    "inference": "x-pack-inference",
    "logstash": "x-pack-logstash",
    "migration": "x-pack-deprecation",
    "ml": "x-pack-ml",
    "monitoring": "x-pack-monitoring",
    "profiling": "x-pack-profiling",
    "query_rules": "x-pack-ent-search",
    "rollup": "x-pack-rollup",
    "search_application": "x-pack-ent-search",
    "searchable_snapshots": "x-pack-searchable-snapshots",
    "security": "x-pack-security",
    "shutdown": "x-pack-shutdown",
    "slm": "x-pack-slm",
    "sql": "x-pack-sql",
    "ssl": "x-pack-security",
    "text_structure": "x-pack-text-structure",
    "transform": "x-pack-transform",
    "watcher": "x-pack-watcher",
    "xpack": "x-pack-core",
}
API_MODULES: dict[str, str | None] = {
    "info": "rest-root",
    "ping": "rest-root",
    "reindex": "reindex",
    "reindex_rethrottle": "reindex",
    "update_by_query": "reindex",
    "update_by_query_rethrottle": "reindex",
    "delete_by_query": "reindex",
    "delete_by_query_rethrottle": "reindex",
    "search_template": "lang-mustache",
    "msearch_template": "lang-mustache",
    "render_search_template": "lang-mustache",
    "scripts_painless_execute": "lang-painless",
    "rank_eval": "rank-eval",
    "search_mvt": "x-pack-vector-tile",
    "terms_enum": "x-pack-core",
    "cat.ml_data_frame_analytics": "x-pack-ml",
    "cat.ml_datafeeds": "x-pack-ml",
    "cat.ml_jobs": "x-pack-ml",
    "cat.ml_trained_models": "x-pack-ml",
    "cat.transforms": "x-pack-transform",
    "ingest.delete_geoip_database": "ingest-geoip",
    "ingest.get_geoip_database": "ingest-geoip",
    "ingest.put_geoip_database": "ingest-geoip",
    "ingest.delete_ip_location_database": "ingest-geoip",
    "ingest.get_ip_location_database": "ingest-geoip",
    "ingest.put_ip_location_database": "ingest-geoip",
    "ingest.geo_ip_stats": "ingest-geoip",
    "ingest.processor_grok": "ingest-common",
    "indices.downsample": "x-pack-downsample",
    "indices.migrate_reindex": "x-pack-migrate",
    "indices.cancel_migrate_reindex": "x-pack-migrate",
    "indices.get_migrate_reindex_status": "x-pack-migrate",
    "indices.create_from": "x-pack-migrate",
    "snapshot.repository_analyze": "x-pack-snapshot-repo-test-kit",
    "nodes.clear_repositories_metering_archive": "x-pack-repositories-metering-api",
    "nodes.get_repositories_metering_info": "x-pack-repositories-metering-api",
    # The system-feature upgrade APIs: no module named with confidence.
    "migration.get_feature_upgrade_status": None,
    "migration.post_feature_upgrade": None,
    "snapshot.repository_verify_integrity": "x-pack-snapshot-repo-test-kit",
}
_DATA_STREAM_APIS = re.compile(
    r"^indices\.(\w*data_stream\w*|\w*data_lifecycle\w*|\w*data_stream_options\w*)$"
)

# Mapping field types of modules the integration-test distribution lacks.
FIELD_TYPE_MODULES = {
    "rank_feature": "mapper-extras",
    "rank_features": "mapper-extras",
    "scaled_float": "mapper-extras",
    "search_as_you_type": "mapper-extras",
    "token_count": "mapper-extras",
    "match_only_text": "mapper-extras",
    "constant_keyword": "x-pack-constant-keyword",
    "wildcard": "x-pack-wildcard",
    "version": "x-pack-version-field",
    "unsigned_long": "x-pack-unsigned-long",
    "aggregate_metric_double": "x-pack-aggregate-metric",
    "semantic_text": "x-pack-inference",
    "sparse_vector": "x-pack-core",
    "histogram": "x-pack-analytics",
    "counted_keyword": "x-pack-counted-keyword",
    "join": "parent-join",
    "percolator": "percolator",
}


def _action_module(action: str) -> str:
    """`` (module X)`` for a transport action name, where it is known."""
    if action.startswith(
        (
            "indices:data/write/delete/byquery",
            "indices:data/write/update/byquery",
            "indices:data/write/reindex",
        )
    ):
        return " (module reindex)"
    feature = re.match(r"cluster:monitor/xpack/(?:info|usage)/(\w+)$", action)
    if feature:
        return f" (module x-pack-{feature[1].replace('_', '-')})"
    return ""


# Server error texts that name a capability this distribution lacks -> skip reason.
_GAPS: tuple[tuple[re.Pattern[str], Any], ...] = (
    (
        re.compile(r"No processor type exists with name \[(\w+)\]"),
        lambda m: f"not available on this distribution: no ingest processor '{m[1]}' (module ingest-common)",
    ),
    (
        re.compile(r"failed to find action \[([^\]]+)\] to execute"),
        lambda m: (
            f"not available on this distribution: action {m[1]} is not registered{_action_module(m[1])}"
        ),
    ),
    (
        re.compile(
            r"(?:script_lang not supported|unsupported lang) \[(\w+)\]|lang \[(\w+)\] (?:is )?not supported"
        ),
        lambda m: (
            f"not available on this distribution: no script language '{m[1] or m[2]}' (module lang-{m[1] or m[2]})"
        ),
    ),
    (
        re.compile(r"No handler for type \[(\w+)\] declared on field"),
        lambda m: (
            f"not available on this distribution: no mapping type '{m[1]}' (module {FIELD_TYPE_MODULES.get(m[1], 'not in the server')})"
        ),
    ),
    (
        re.compile(
            r"failed to find (?:global )?(analyzer|tokenizer|filter|char_filter|normalizer)(?: under)? \[(\w+)\]"
            r"|Unknown (tokenizer|filter|char_filter) type \[(\w+)\]"
        ),
        lambda m: (
            f"not available on this distribution: no {m[1] or m[3]} '{m[2] or m[4]}' (module analysis-common)"
        ),
    ),
    (
        re.compile(r"the \[\.security\] index is not in use on this system yet"),
        lambda m: (
            "not available on this distribution: the .security index does not exist (its mappings need "
            "module analysis-common, so native users, roles and API keys cannot be stored)"
        ),
    ),
    (
        re.compile(r"unknown setting \[(index\.lifecycle\.[^\]]*)\]"),
        lambda m: f"not available on this distribution: index setting {m[1]} (module x-pack-ilm)",
    ),
    (
        re.compile(r"setting \[(xpack\.(\w+)\.[^\]]*)\], not recognized"),
        lambda m: f"not available on this distribution: setting {m[1]} (module x-pack-{m[2]})",
    ),
    (
        re.compile(r"unknown query \[(\w+)\]"),
        lambda m: f"not available on this distribution: no query type '{m[1]}'",
    ),
    (
        re.compile(r"Unknown aggregation type \[(\w+)\]"),
        lambda m: (
            f"not available on this distribution: no aggregation '{m[1]}' (module aggregations or an x-pack module)"
        ),
    ),
)


_NO_HANDLER = re.compile(r"no handler found for uri \[([^\]]*)\] and method \[(\w+)\]")
_WRONG_METHOD = re.compile(r"Incorrect HTTP method for uri \[([^\]]*)\] and method \[(\w+)\]")
_UNDERSCORE_NAME = re.compile(r"Invalid (\w+) name \[(_[^\]]*)\], must not start with '_'")


def template_regex(template: str) -> re.Pattern[str]:
    """A spec URL template as a regex over concrete paths (a part is one path segment)."""
    pieces = re.split(r"({\w+})", template)
    return re.compile("".join("[^/]+" if _PLACEHOLDER.fullmatch(p) else re.escape(p) for p in pieces) + "$")


def route_gap(name: str, info: ApiInfo | None, body: Any) -> str | None:
    """The skip reason when the server has no route for a spec URL of the API.

    Checked against the spec's URL templates, so a URL our client built wrongly is never
    taken for a missing module: only a spec-conform request the server cannot route is.
    Two answers mean "no route": ``no handler found`` (or a 405 naming the other methods),
    and an invalid index/snapshot/... name equal to a fixed ``_segment`` of a spec URL (the
    request fell through to a route with a placeholder there, such as ``/{index}/_stats``).
    """
    if info is None:
        return None
    text = body if isinstance(body, str) else json.dumps(body, default=str)
    module = module_of(name)
    where = f" (module {module})" if module else ""
    for pattern in (_NO_HANDLER, _WRONG_METHOD):
        match = pattern.search(text)
        if match:
            path, method = match[1].split("?")[0], match[2].upper()
            for template, methods in info.http_paths:
                if method in methods and template_regex(template).match(path):
                    return f"not available on this distribution: {name}{where}; no handler for {method} {template}"
    match = _UNDERSCORE_NAME.search(text)
    if match:
        for template, methods in info.http_paths:
            if match[2] in template.strip("/").split("/"):
                return (
                    f"not available on this distribution: {name}{where}; "
                    f"{methods[0]} {template} fell through to a route taking {match[2]} as a {match[1]} name"
                )
    return None


def module_of(name: str) -> str | None:
    """The module an API comes from, when it is not the server itself (best effort)."""
    if name in API_MODULES:
        return API_MODULES[name]
    if _DATA_STREAM_APIS.match(name):
        return "data-streams"
    namespace = name.rpartition(".")[0]
    return NAMESPACE_MODULES.get(namespace)


def classify_error(body: Any) -> str | None:
    """The skip reason when an error body names a capability the distribution lacks."""
    text = body if isinstance(body, str) else json.dumps(body, default=str)
    for pattern, reason in _GAPS:
        match = pattern.search(text)
        if match:
            return str(reason(match))
    return None


def probe_path(template: str) -> str:
    """A concrete URL for a spec URL template (placeholders filled with a dummy name)."""
    return _PLACEHOLDER.sub(PROBE_VALUE, template)


@dataclass
class Http:
    """Plain HTTP to the node, outside the client under test (probes and cleanup checks)."""

    url: str
    auth: tuple[str, str] | None = None
    timeout: float = 30.0
    # Major of the REST API compatibility headers the client under test sends (None: plain JSON).
    compat: int | None = None

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, str], Any]:
        mimetype = (
            f"application/vnd.elasticsearch+json; compatible-with={self.compat}"
            if self.compat
            else "application/json"
        )
        headers = {"Accept": mimetype}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = mimetype
        if self.auth:
            headers["Authorization"] = _auth_header("Basic", f"{self.auth[0]}:{self.auth[1]}")
        request = urllib.request.Request(
            self.url.rstrip("/") + path, data=data, method=method, headers=headers
        )
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                status, raw, head = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            status, raw, head = exc.code, exc.read(), dict(exc.headers)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        return int(status), {k.lower(): v for k, v in head.items()}, parsed


def _empty(http: Http, path: str, key: str | None = None) -> bool:
    status, _, body = http.request("GET", path)
    if status == 404:
        return True
    items = body.get(key) if key and isinstance(body, dict) else body
    return status == 200 and not items


@dataclass(frozen=True)
class ContentAssumption:
    """A test that reads content a default distribution creates by itself.

    ``lacking`` checks the live cluster just before the test: only when the content is
    really absent is the test skipped, with ``reason``.
    """

    file: str
    lacking: Callable[[Distribution], bool]
    reason: str


def _no_shards(dist: Distribution) -> bool:
    status, _, body = dist.http.request("GET", "/_cluster/health")
    return status == 200 and not body.get("active_shards")


_NO_STACK_TEMPLATES = (
    "test assumes the built-in templates of the default distribution (module x-pack-stack), "
    "absent from this distribution"
)
CONTENT_ASSUMPTIONS = (
    ContentAssumption(
        "cat/allocation.yml",
        _no_shards,
        "test assumes shards on a fresh cluster (system indices and data streams of the default "
        "distribution); this distribution starts with none",
    ),
    ContentAssumption(
        "cat/shards.yml",
        _no_shards,
        "test assumes shards on a fresh cluster (system indices and data streams of the default "
        "distribution); this distribution starts with none",
    ),
    ContentAssumption(
        "indices/stats.yml",
        lambda dist: _empty(dist.http, "/_cat/indices?format=json"),
        "test assumes a visible index exists before it runs; the cleaned cluster has none",
    ),
    ContentAssumption(
        "cat/templates.yml",
        lambda dist: (
            _empty(dist.http, "/_index_template", "index_templates") and _empty(dist.http, "/_template")
        ),
        _NO_STACK_TEMPLATES,
    ),
    ContentAssumption(
        "cat/component_templates.yml",
        lambda dist: _empty(dist.http, "/_component_template", "component_templates"),
        _NO_STACK_TEMPLATES,
    ),
    ContentAssumption(
        "ssl.yml",
        lambda dist: _empty(dist.http, "/_ssl/certificates"),
        "test assumes TLS certificates configured on the node; the test cluster serves plain HTTP",
    ),
    ContentAssumption(
        "license/10_stack.yml",
        lambda dist: "SNAPSHOT" not in dist.version.upper(),
        "test assumes a snapshot build: its licenses are signed with the development key, which "
        "release builds answer with license_status 'invalid'",
    ),
)


@dataclass(frozen=True)
class ServerChange:
    """An assertion of older tests that a newer server no longer satisfies, by design.

    Matched exactly (file, step kind, step argument) and only from ``since_major`` on; the
    test is then skipped with ``reason`` instead of failing (a compatibility run of the 8.x
    tests against 9.x meets these).
    """

    file: str
    kind: str
    arg: Any
    since_major: int
    reason: str


SERVER_CHANGES = (
    ServerChange(
        "security/90_service_accounts.yml",
        "is_true",
        "elastic/enterprise-search-server",
        9,
        "server change: Elasticsearch 9 removed the elastic/enterprise-search-server service account "
        "(the 9.5 tests dropped this assertion)",
    ),
)


@dataclass
class Distribution:
    """Modules and served APIs of the node under test."""

    http: Http
    version: str
    modules: tuple[str, ...]
    plugins: tuple[str, ...]
    security_enabled: bool
    spec_names: set[str] | None = None  # endpoint names of the server's own spec version
    _allowed: dict[str, frozenset[str]] = field(default_factory=dict)
    _broken: dict[str, str] = field(default_factory=dict)

    @classmethod
    def discover(cls, http: Http, spec_names: set[str] | None = None) -> Distribution:
        status, _, doc = http.request("GET", "/_nodes/_local/plugins,settings")
        if status != 200:
            raise RuntimeError(f"GET _nodes/_local/plugins answered {status}: {doc}")
        node = next(iter((doc.get("nodes") or {}).values()))
        settings = node.get("settings", {})
        security = str(settings.get("xpack", {}).get("security", {}).get("enabled", "true")).lower() == "true"
        modules = tuple(sorted(m["name"] for m in node.get("modules", [])))
        dist = cls(
            http=http,
            version=str(node.get("version", "")),
            modules=modules,
            plugins=tuple(sorted(p["name"] for p in node.get("plugins", []))),
            security_enabled=security and "x-pack-security" in modules,
            spec_names=spec_names,
        )
        dist._check_broken()
        return dist

    def _check_broken(self) -> None:
        """Served endpoints that fail on this distribution whatever the request (read-only GETs)."""
        for name, path in (("xpack.info", "/_xpack"), ("xpack.usage", "/_xpack/usage")):
            if not self._routed(path, "GET"):
                continue
            status, _, body = self.http.request("GET", path)
            if status >= 500:
                reason = classify_error(body) or f"{name} answers HTTP {status} on this distribution"
                self._broken[name] = reason

    def allowed_methods(self, path: str) -> frozenset[str]:
        if path not in self._allowed:
            status, headers, _ = self.http.request("OPTIONS", path)
            allow = headers.get("allow", "") if status == 200 else ""
            self._allowed[path] = frozenset(m.strip().upper() for m in allow.split(",") if m.strip())
        return self._allowed[path]

    def _routed(self, path: str, method: str) -> bool:
        return method in self.allowed_methods(path)

    def serves(self, info: ApiInfo) -> bool:
        """Whether any spec URL of the API is routed for one of its methods."""
        return any(
            self._routed(probe_path(template), method)
            for template, methods in info.http_paths
            for method in methods
        )

    def unavailable(self, name: str, info: ApiInfo | None) -> str | None:
        """Why API ``name`` cannot be tested on this cluster (None when it can)."""
        if info is None:
            return None  # unknown to the client: the call fails and says so
        stack = info.stack
        if stack is None:
            return f"serverless-only API: {name}"
        if info.feature_flag:
            return f"feature flag {info.feature_flag}: {name} is behind it"
        if stack.get("visibility") == "private" and not self.serves(info):
            return f"private API not served by this distribution: {name}"
        if name in self._broken:
            return self._broken[name]
        if not self.serves(info):
            if self.spec_names is not None and name not in self.spec_names:
                major = self.version.split(".")[0]
                return f"not in the Elasticsearch {major}.x API: {name} (removed, and not kept for compatibility)"
            module = module_of(name)
            if (
                module == "x-pack-security"
                and "x-pack-security" in self.modules
                and not self.security_enabled
            ):
                return "security is disabled on this test cluster (xpack.security.enabled=false)"
            template, methods = info.http_paths[0]
            where = f" (module {module})" if module else ""
            return f"not available on this distribution: {name}{where}; no route for {methods[0]} {template}"
        return None

    def server_change(self, file_name: str, kind: str, arg: Any) -> str | None:
        """The reason an assertion fails on this server by design (None: a real failure)."""
        major = int(self.version.split(".")[0] or 0)
        for change in SERVER_CHANGES:
            if (change.file, change.kind, change.arg) == (
                file_name,
                kind,
                arg,
            ) and major >= change.since_major:
                return change.reason
        return None

    def content_lacking(self, file_name: str) -> str | None:
        """Why a test of ``file_name`` cannot hold on this cluster's content (None: it can)."""
        for assumption in CONTENT_ASSUMPTIONS:
            if assumption.file == file_name and assumption.lacking(self):
                return assumption.reason
        return None

    def first_unavailable(self, names: Iterable[str], infos: dict[str, ApiInfo | None]) -> str | None:
        for name in names:
            reason = self.unavailable(name, infos.get(name))
            if reason:
                return reason
        return None
