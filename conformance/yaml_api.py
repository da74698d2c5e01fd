"""The endpoints of one API package, and how a ``do`` step becomes a method call.

The catalog comes from the same spec model and per-major profile the generator renders
from (``codegen``), so the keyword names are those of the generated methods: a ``do``
step's wire names (``from``, ``_source``, ``policy``...) are mapped to the Python
keywords (``from_``, ``source``, ``name``), and its ``body`` goes in as separate body-field
keywords where every key is a known field, as the value keyword (``document=``,
``operations=``) for whole-value bodies, and as ``body=`` otherwise. The call then goes
through the generated method, so each test also checks the generated code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.keyword_style import plan
from codegen.load import SCHEMA_FILE, load_endpoints
from codegen.model import Endpoint
from codegen.profiles import Profile, profile
from codegen.rules import python_name, read_json_gz


@dataclass
class ApiInfo:
    """One endpoint as the YAML runner needs it."""

    name: str
    namespace: str
    method_name: str
    http_paths: tuple[tuple[str, tuple[str, ...]], ...]  # (template, methods) of the spec
    body_kind: str
    value_name: str | None
    path_names: dict[str, str] = field(default_factory=dict)  # wire -> keyword
    query_names: dict[str, str] = field(default_factory=dict)
    field_names: dict[str, str] = field(default_factory=dict)
    availability: dict[str, Any] = field(default_factory=dict)

    @property
    def stack(self) -> dict[str, Any] | None:
        """The stack availability, or None for a serverless-only endpoint."""
        if not self.availability:
            return {}
        value = self.availability.get("stack")
        return value if isinstance(value, dict) else None

    @property
    def feature_flag(self) -> str | None:
        stack = self.stack or {}
        flag = stack.get("featureFlag")
        return str(flag) if flag else None


def _availability(spec_dir: Path, version: str) -> dict[str, dict[str, Any]]:
    raw = read_json_gz(spec_dir / version / SCHEMA_FILE)
    return {e["name"]: e.get("availability") or {} for e in raw.get("endpoints", [])}


def _info(endpoint: Endpoint, prof: Profile, availability: dict[str, Any]) -> ApiInfo:
    method = plan(endpoint, prof)
    info = ApiInfo(
        name=endpoint.name,
        namespace=endpoint.namespace,
        method_name=method.name,
        http_paths=tuple((p.template, tuple(p.methods)) for p in endpoint.paths),
        body_kind=endpoint.body.kind,
        value_name=method.value.name if method.value is not None else None,
        availability=availability,
    )
    for arg in method.args:
        if arg.where == "path":
            info.path_names[arg.wire] = arg.name
        elif arg.where == "query":
            info.query_names[arg.wire] = arg.name
        elif arg.where == "field":
            info.field_names[arg.wire] = arg.name
    return info


class ApiCatalog:
    """All endpoints of one spec version, under the names of one generated package."""

    def __init__(self, apis: Mapping[str, ApiInfo], version: str, package: str) -> None:
        self.apis = dict(apis)
        self.version = version
        self.package = package

    @classmethod
    def for_package(cls, package: str, spec_dir: Path) -> ApiCatalog:
        prof = profile(package)
        if prof.legacy:
            raise ValueError(
                f"{package} uses the 7.x body=/params= style; the YAML runner drives 8.x+ clients"
            )
        availability = _availability(spec_dir, prof.spec_version)
        endpoints = load_endpoints(spec_dir, prof.spec_version, legacy=prof.legacy)
        apis = {e.name: _info(e, prof, availability.get(e.name, {})) for e in endpoints}
        return cls(apis, prof.spec_version, prof.package)

    @classmethod
    def names_of(cls, spec_dir: Path, version: str) -> set[str]:
        """Endpoint names of a spec version (the server side of a compatibility run)."""
        raw = read_json_gz(spec_dir / version / SCHEMA_FILE)
        return {e["name"] for e in raw.get("endpoints", [])}

    def get(self, name: str) -> ApiInfo | None:
        return self.apis.get(name)


def resolve_method(client: Any, info: ApiInfo | None, name: str) -> Any:
    """The bound client method for API ``name`` (``indices.create`` -> client.indices.create)."""
    if info is not None:
        target = getattr(client, info.namespace) if info.namespace else client
        return getattr(target, info.method_name)
    target = client
    *namespaces, method = name.split(".")
    for namespace in namespaces:
        target = getattr(target, namespace)
    return getattr(target, python_name(method))


def _json_text(value: Any) -> Any:
    """A body written as JSON text becomes the value it spells (else stays text)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def build_kwargs(info: ApiInfo | None, args: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments of the generated method for the wire-named ``args`` of a ``do``."""
    kwargs: dict[str, Any] = {}
    body_given = "body" in args
    body = args.get("body")
    for wire, value in args.items():
        if wire == "body":
            continue
        if info is None:
            kwargs[python_name(wire)] = value
            continue
        name = (
            info.path_names.get(wire)
            or info.query_names.get(wire)
            or info.field_names.get(wire)
            or python_name(wire)
        )
        kwargs[name] = value
    if not body_given:
        return kwargs
    kind = info.body_kind if info is not None else "fields"
    if kind == "ndjson":
        # NDJSON written as text is already serialized; lists are one object per line.
        kwargs[info.value_name or "body"] = body  # type: ignore[union-attr]
        return kwargs
    if kind != "binary":
        body = _json_text(body)
    if kind in ("value", "binary") and info is not None:
        kwargs[info.value_name or "body"] = body
        return kwargs
    if kind == "fields" and info is not None and isinstance(body, Mapping) and body:
        names = {key: info.field_names.get(str(key)) for key in body}
        if all(names.values()) and not set(names.values()) & set(kwargs):
            for key, value in body.items():
                kwargs[names[key]] = value  # type: ignore[index]
            return kwargs
    kwargs["body"] = body
    return kwargs
