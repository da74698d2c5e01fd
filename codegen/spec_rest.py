"""Reader for the legacy REST API JSON spec (``rest-api-spec.json``).

It describes every endpoint, but only with coarse parameter types and an
opaque body.  It fills what ``schema.json`` lacks: 7.17 endpoints without a
request type, and parameters or bodies a request type forgot.
"""

from __future__ import annotations

import typing as t

from . import rules
from .model import NO_BODY, Body, Endpoint, Param, Stability, UrlPath, Visibility
from .rules import Json

# "list" and "enum" depend on the options and are handled in _hint().
_TYPES = {
    "boolean": "bool",
    "string": "str",
    "time": "str",
    "date": "t.Union[str, int]",
    "int": "int",
    "integer": "int",
    "long": "int",
    "number": "float",
    "double": "float",
    "boolean|long": "t.Union[bool, int]",
    "number|string": "t.Union[float, str]",
}
_STABILITIES = t.get_args(Stability)
_VISIBILITIES = t.get_args(Visibility)


class RestSpecReader:
    """Builds model endpoints from one version's ``rest-api-spec.json``."""

    def __init__(self, raw: Json, version: str, *, legacy_names: bool) -> None:
        self._raw = raw
        self._version = version
        self._legacy_names = legacy_names

    def endpoint(self, name: str) -> Endpoint:
        """The endpoint as this spec alone describes it."""
        if name not in self._raw:
            raise rules.SpecError(f"{name} is not in the rest-api-spec for {self._version}")
        raw = self._raw[name]
        paths = tuple(
            UrlPath(
                template=url["path"],
                parts=rules.placeholders(url["path"]),
                methods=tuple(url["methods"]),
                deprecated=rules.deprecation(url.get("deprecated")),
            )
            for url in raw["url"]["paths"]
        )
        headers = raw["headers"]
        media = tuple(headers.get("content_type") or ("application/json",))
        body = _body(raw, media)
        methods = rules.http_methods(paths)
        responses = tuple(headers.get("accept", ()))
        namespace, method_name = rules.split_name(name)
        return Endpoint(
            name=name,
            namespace=namespace,
            method_name=method_name,
            paths=paths,
            http_methods=methods,
            path_parts=self._path_parts(raw, paths),
            query_params=tuple(
                self._param(wire, spec, required=bool(spec.get("required")))
                for wire, spec in raw.get("params", {}).items()
            ),
            body=body,
            stability=t.cast(Stability, rules.choice(raw["stability"], _STABILITIES, "stability")),
            visibility=t.cast(Visibility, rules.choice(raw["visibility"], _VISIBILITIES, "visibility")),
            deprecated=rules.deprecation(raw.get("deprecated")),
            doc_url=rules.doc_url(raw["documentation"].get("url"), self._version),
            request_media_types=() if body.kind == "none" else media,
            response_media_types=responses,
            # This spec has no response shapes; arrays only come from cat APIs,
            # which schema.json always describes.
            response_kind=rules.response_kind(methods, responses, is_array=False),
        )

    def _path_parts(self, raw: Json, paths: tuple[UrlPath, ...]) -> tuple[Param, ...]:
        specs: dict[str, Json] = {}
        for url in raw["url"]["paths"]:
            for part, spec in url.get("parts", {}).items():
                specs.setdefault(part, spec)
        return tuple(
            self._param(
                part,
                specs[part],
                required=rules.part_required(part, paths),
                path_part=True,
            )
            for part in rules.part_order(paths)
        )

    def _param(self, wire_name: str, spec: Json, *, required: bool, path_part: bool = False) -> Param:
        return Param(
            name=rules.param_name(wire_name, None, legacy_names=self._legacy_names, path_part=path_part),
            wire_name=wire_name,
            type_hint=_hint(spec),
            required=required,
            deprecated=rules.deprecation(spec.get("deprecated")),
            is_list=spec["type"] == "list",
        )


def _body(raw: Json, media: tuple[str, ...]) -> Body:
    """An opaque body: this spec only says whether one is accepted or required."""
    if raw.get("body") is None:
        return NO_BODY
    return Body(
        kind=rules.body_kind_for_media(media),
        required=bool(raw["body"].get("required")),
        value_param_name="body",
        value_type_hint="t.Any",
    )


def _hint(spec: Json) -> str:
    kind = spec["type"]
    options = spec.get("options")
    if kind == "enum":
        if not options:
            raise rules.SpecError(f"enum parameter without options: {spec}")
        return rules.open_literal_hint(options)
    if kind == "list":
        item = rules.open_literal_hint(options) if options else "str"
        return f"t.Union[{item}, t.Sequence[{item}]]"
    if kind not in _TYPES:
        raise rules.SpecError(f"unknown rest-api-spec parameter type {kind!r}")
    return _TYPES[kind]
