"""Entry point of the spec side: one call gives all endpoints of one version."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from .model import Endpoint, Param
from .rules import SpecError, SpecMissingError, read_json_gz
from .spec_rest import RestSpecReader
from .spec_schema import SchemaReader

SCHEMA_FILE = "schema.json.gz"
REST_FILE = "rest-api-spec.json.gz"
# Endpoints an official 7.x client had that neither spec of its version lists any more
# (``deprecation.info``, ``remote.info``), in the rest-api-spec format: generated for
# legacy-style packages so that their namespaces exist as they did.
EXTRA_DIR = Path(__file__).resolve().parent / "extra_endpoints"


def load_endpoints(spec_dir: Path, version: str, *, legacy: bool | None = None) -> list[Endpoint]:
    """All generated endpoints of ``version``, sorted by (namespace, name).

    schema.json is authoritative; where a rest-api-spec sits next to it, it
    fills what schema.json lacks.  Endpoints flagged ``codegenExclude`` (an
    endpoint-level key) are internal and never generated.

    ``legacy`` (default: true before 8.0; the generator passes its profile's
    choice) selects how 7.x clients were made: from the rest-api-spec, so with
    its parameter names and every query parameter it lists.
    """
    version_dir = spec_dir / version
    legacy_names = int(version.split(".")[0]) < 8 if legacy is None else legacy
    schema = SchemaReader(read_json_gz(version_dir / SCHEMA_FILE), version, legacy_names=legacy_names)
    rest_path = version_dir / REST_FILE
    rest = (
        RestSpecReader(read_json_gz(rest_path), version, legacy_names=legacy_names)
        if rest_path.is_file()
        else None
    )
    endpoints = []
    for raw in schema.raw_endpoints:
        if raw.get("codegenExclude"):
            continue
        endpoint = schema.endpoint(raw)
        if rest is not None:
            fallback = rest.endpoint(raw["name"])
            endpoint = (
                fallback if endpoint is None else fill_gaps(endpoint, fallback, extra_query=legacy_names)
            )
        elif endpoint is None:
            raise SpecMissingError(
                f"{raw['name']} has no request type in {version_dir / SCHEMA_FILE} "
                f"and {rest_path} to take it from is missing"
            )
        endpoint = drop_shadowed_query_params(endpoint)
        check_unique_names(endpoint)
        endpoints.append(endpoint)
    extra_path = EXTRA_DIR / f"{version}.json"
    if legacy_names and extra_path.is_file():
        extra = json.loads(extra_path.read_text(encoding="utf-8"))
        known = {endpoint.name for endpoint in endpoints}
        reader = RestSpecReader(extra, version, legacy_names=True)
        endpoints += [reader.endpoint(name) for name in extra if name not in known]
    return sorted(endpoints, key=lambda e: (e.namespace, e.name))


def fill_gaps(endpoint: Endpoint, fallback: Endpoint, *, extra_query: bool = True) -> Endpoint:
    """Add what the rest-api-spec knows and the schema's request type misses.

    With ``extra_query``, missing query parameters are appended (7.x clients
    accepted them, so dropping them would break callers; 8.x+ clients never
    had them).  Missing deprecation marks are copied (7.17 marks its
    ``{type}`` parts only there), and a body is taken only when the schema
    has none.
    """
    known = {p.wire_name for p in endpoint.query_params}
    extra = tuple(p for p in fallback.query_params if extra_query and p.wire_name not in known)
    if endpoint.body.kind == "none" and fallback.body.kind != "none":
        endpoint = dataclasses.replace(
            endpoint,
            body=fallback.body,
            request_media_types=fallback.request_media_types,
        )
    return dataclasses.replace(
        endpoint,
        path_parts=_with_deprecations(endpoint.path_parts, fallback.path_parts),
        query_params=_with_deprecations(endpoint.query_params, fallback.query_params) + extra,
    )


def _with_deprecations(params: tuple[Param, ...], marked: tuple[Param, ...]) -> tuple[Param, ...]:
    deprecations = {p.wire_name: p.deprecated for p in marked if p.deprecated}
    return tuple(
        p if p.deprecated else dataclasses.replace(p, deprecated=deprecations.get(p.wire_name))
        for p in params
    )


def drop_shadowed_query_params(endpoint: Endpoint) -> Endpoint:
    """Drop query parameters that repeat a path part (``scroll_id``, ``index``...).

    The server reads the value from either place, and one keyword argument
    cannot be two parameters; the URL form is the one every client used.
    """
    parts = {p.name for p in endpoint.path_parts}
    query = tuple(p for p in endpoint.query_params if p.name not in parts)
    return dataclasses.replace(endpoint, query_params=query)


def check_unique_names(endpoint: Endpoint) -> None:
    """Path parts and query parameters share one signature: names must not clash.

    Body fields may repeat a query name (``from`` in search); which one wins
    is a per-API-style template decision.
    """
    seen: set[str] = set()
    for param in endpoint.path_parts + endpoint.query_params:
        if param.name in seen:
            raise SpecError(f"{endpoint.name}: two parameters are both named {param.name!r}")
        seen.add(param.name)
