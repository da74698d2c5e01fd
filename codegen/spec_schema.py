"""Reader for the compiled elasticsearch-specification (``schema.json``).

This is the primary source: it knows parameter types, body fields and the
code names the 8.x+ clients expose.  Endpoints it cannot describe (no request
type) are reported as ``None`` so the loader can take them from the
rest-api-spec instead.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from dataclasses import dataclass

from . import rules
from .model import (
    NO_BODY,
    Body,
    Endpoint,
    Param,
    Stability,
    UrlPath,
    Visibility,
)
from .rules import Json

_BUILTINS = {
    "string": "str",
    "boolean": "bool",
    "number": "float",
    "null": "None",
    "void": "None",
    "binary": "bytes",
}
# The schema spells every numeric width as an alias of a single "number"
# builtin; Python only needs to know integral or not.
_NUMBER_ALIASES = {
    "byte": "int",
    "short": "int",
    "integer": "int",
    "long": "int",
    "uint": "int",
    "ulong": "int",
    "float": "float",
    "double": "float",
}
_ANY = "t.Any"
_OBJECT = "t.Mapping[str, t.Any]"
_STABILITIES = t.get_args(Stability)
_VISIBILITIES = t.get_args(Visibility)


@dataclass(frozen=True)
class _Literal:
    """Literal values kept apart so a union can merge them into one Literal."""

    values: tuple[t.Any, ...]


_Member = str | _Literal


class TypeHints:
    """Turns schema type references into Python type-hint strings."""

    def __init__(self, types: Mapping[tuple[str, str], Json]) -> None:
        self._types = types

    def hint(self, ref: Json) -> str:
        """The hint for one type reference, e.g. ``t.Union[str, t.Sequence[str]]``."""
        return _render(self._members(ref, {}, frozenset()))

    def accepts_sequence(self, ref: Json, *, through_unions: bool = True) -> bool:
        """Whether an array is (one of) the accepted shapes, looking through aliases."""
        kind = ref["kind"]
        if kind == "array_of":
            return True
        if kind == "union_of" and through_unions:
            return any(self.accepts_sequence(item) for item in ref["items"])
        if kind == "instance_of":
            target = self._types.get(_key(ref))
            if target is not None and target["kind"] == "type_alias":
                return self.accepts_sequence(target["type"], through_unions=through_unions)
        return False

    def _members(
        self, ref: Json, bindings: Mapping[str, list[_Member]], seen: frozenset[str]
    ) -> list[_Member]:
        kind = ref["kind"]
        if kind == "instance_of":
            return self._instance(ref, bindings, seen)
        if kind == "array_of":
            return [f"t.Sequence[{_render(self._members(ref['value'], bindings, seen))}]"]
        if kind == "dictionary_of":
            key = _render(self._members(ref["key"], bindings, seen))
            value = _render(self._members(ref["value"], bindings, seen))
            return [f"t.Mapping[{key}, {value}]"]
        if kind == "union_of":
            return [m for item in ref["items"] for m in self._members(item, bindings, seen)]
        if kind == "literal_value":
            return [_Literal((ref["value"],))]
        if kind == "user_defined_value":
            return [_ANY]
        raise rules.SpecError(f"unknown type kind {kind!r} in {ref}")

    def _instance(
        self, ref: Json, bindings: Mapping[str, list[_Member]], seen: frozenset[str]
    ) -> list[_Member]:
        namespace, name = _key(ref)
        dotted = f"{namespace}.{name}"
        if namespace == "_builtins":
            if name not in _BUILTINS:
                raise rules.SpecError(f"unknown builtin type {name!r}")
            return [_BUILTINS[name]]
        if namespace == "_types" and name in _NUMBER_ALIASES:
            return [_NUMBER_ALIASES[name]]
        if dotted in bindings:
            return bindings[dotted]
        target = self._types.get((namespace, name))
        # Unbound generic parameters (a request's TDocument) and recursive
        # aliases have no finite Python spelling.
        if target is None or dotted in seen:
            return [_ANY]
        if target["kind"] == "enum":
            return _enum_members(target)
        if target["kind"] == "type_alias":
            # Bind the alias's own generic parameters (EpochTime<Unit>); any
            # the reference leaves out stay unbound and become t.Any.
            inner = {
                f"{param['namespace']}.{param['name']}": self._members(arg, bindings, seen)
                for param, arg in zip(target.get("generics", ()), ref.get("generics", ()), strict=False)
            }
            return self._members(target["type"], inner, seen | {dotted})
        return [_OBJECT]


class SchemaReader:
    """Builds model endpoints from one version's ``schema.json``."""

    def __init__(self, raw: Json, version: str, *, legacy_names: bool) -> None:
        self.raw_endpoints: list[Json] = raw["endpoints"]
        self._types = {(ty["name"]["namespace"], ty["name"]["name"]): ty for ty in raw["types"]}
        self._hints = TypeHints(self._types)
        self._version = version
        self._legacy_names = legacy_names

    def endpoint(self, raw: Json) -> Endpoint | None:
        """The endpoint, or None when the schema lacks its request type."""
        request = self._types.get(_name_key(raw["request"])) if raw["request"] else None
        if request is None:
            return None
        paths = tuple(
            UrlPath(
                template=url["path"],
                parts=rules.placeholders(url["path"]),
                methods=tuple(url["methods"]),
                deprecated=rules.deprecation(url.get("deprecation")),
            )
            for url in raw["urls"]
        )
        media = tuple(raw.get("requestMediaType") or ())
        body = self._body(raw, request, media)
        if body.kind == "none":
            media = ()
        elif not media:
            media = ("application/json",)
        methods = rules.http_methods(paths)
        responses = tuple(raw["responseMediaType"])
        namespace, method_name = rules.split_name(raw["name"])
        stability, visibility = _availability(raw)
        return Endpoint(
            name=raw["name"],
            namespace=namespace,
            method_name=method_name,
            paths=paths,
            http_methods=methods,
            path_parts=self._path_parts(raw["name"], request, paths),
            query_params=self._query_params(request),
            body=body,
            stability=stability,
            visibility=visibility,
            deprecated=rules.deprecation(raw.get("deprecation") or request.get("deprecation")),
            doc_url=rules.doc_url(raw.get("docUrl"), self._version),
            request_media_types=media,
            response_media_types=responses,
            response_kind=rules.response_kind(methods, responses, self._returns_array(raw)),
        )

    def _path_parts(self, name: str, request: Json, paths: tuple[UrlPath, ...]) -> tuple[Param, ...]:
        declared = {p["name"]: p for p in request["path"]}
        order = rules.part_order(paths)
        if set(order) != set(declared):
            raise rules.SpecError(
                f"{name}: URL placeholders {sorted(order)} do not match "
                f"the request's path parameters {sorted(declared)}"
            )
        # Requiredness comes from the URLs, not the flag: several 7.17 request
        # types mark a part required that one of their URLs does without.
        return tuple(
            self._param(declared[part], rules.part_required(part, paths), path_part=True) for part in order
        )

    def _query_params(self, request: Json) -> tuple[Param, ...]:
        """The request's own query parameters, then those of its behaviors.

        Behaviors carry the parameters every endpoint (``pretty``,
        ``filter_path``...) or every cat endpoint (``format``, ``v``...) accepts.
        """
        raw_params: dict[str, Json] = {}
        for raw in request["query"]:
            raw_params.setdefault(raw["name"], raw)
        for behavior in request.get("attachedBehaviors", ()):
            interface = self._types.get(("_spec_utils", behavior))
            if interface is None:
                raise rules.SpecError(f"behavior {behavior!r} is not defined in _spec_utils")
            for raw in interface["properties"]:
                raw_params.setdefault(raw["name"], raw)
        return tuple(self._param(raw, raw["required"]) for raw in raw_params.values())

    def _body(self, endpoint: Json, request: Json, media: tuple[str, ...]) -> Body:
        body = request["body"]
        required = bool(endpoint.get("requestBodyRequired"))
        if body["kind"] == "no_body":
            return NO_BODY
        if body["kind"] == "properties":
            fields = tuple(self._param(raw, raw["required"], listable=False) for raw in body["properties"])
            return Body(kind="fields", required=required, fields=fields)
        if body["kind"] == "value":
            return Body(
                kind=rules.body_kind_for_media(media),
                required=required,
                value_param_name=rules.python_name(body.get("codegenName") or "body"),
                value_type_hint=self._hints.hint(body["value"]),
            )
        raise rules.SpecError(f"{endpoint['name']}: unknown body kind {body['kind']!r}")

    def _param(
        self,
        raw: Json,
        required: bool,
        *,
        path_part: bool = False,
        listable: bool = True,
    ) -> Param:
        return Param(
            name=rules.param_name(
                raw["name"],
                raw.get("codegenName"),
                legacy_names=self._legacy_names,
                path_part=path_part,
            ),
            wire_name=raw["name"],
            type_hint=self._hints.hint(raw["type"]),
            required=required,
            deprecated=rules.deprecation(raw.get("deprecation")),
            is_list=listable and self._hints.accepts_sequence(raw["type"]),
            aliases=tuple(raw.get("aliases", ())),
        )

    def _returns_array(self, endpoint: Json) -> bool:
        response = self._types.get(_name_key(endpoint["response"]))
        if response is None or response["body"]["kind"] != "value":
            return False
        return self._hints.accepts_sequence(response["body"]["value"], through_unions=False)


def _availability(endpoint: Json) -> tuple[Stability, Visibility]:
    """Stack stability/visibility; 8.x+ nest them under ``availability``.

    Serverless-only endpoints have no stack entry, so theirs is used instead.
    """
    info: Json = endpoint
    if "availability" in endpoint:
        availability = endpoint["availability"]
        info = availability.get("stack", availability.get("serverless", {}))
    stability = rules.choice(info.get("stability", "stable"), _STABILITIES, "stability")
    visibility = rules.choice(info.get("visibility", "public"), _VISIBILITIES, "visibility")
    return t.cast(Stability, stability), t.cast(Visibility, visibility)


def _key(ref: Json) -> tuple[str, str]:
    return _name_key(ref["type"])


def _name_key(name: Json) -> tuple[str, str]:
    return name["namespace"], name["name"]


def _enum_members(enum: Json) -> list[_Member]:
    names = tuple(member["name"] for member in enum["members"])
    members: list[_Member] = []
    # Enums grown out of booleans (refresh) still accept the plain booleans.
    if {"true", "false"} <= set(names):
        members.append("bool")
    members.append(_Literal(names))
    # Any string too, open enum or not, as the official clients accept: a value a newer
    # server knows (or a spelling the spec lacks) must not need a cast.
    members.append("str")
    return members


def _render(members: list[_Member]) -> str:
    """One hint for a union: duplicates dropped, literals merged, Any absorbs all."""
    out: list[str] = []
    literals: dict[tuple[type, t.Any], None] = {}
    literal_at: int | None = None
    for member in members:
        if isinstance(member, _Literal):
            if literal_at is None:
                literal_at = len(out)
                out.append("")
            # Keyed by type too: True == 1 would otherwise swallow one of them.
            literals.update(dict.fromkeys((type(v), v) for v in member.values))
        elif member not in out:
            out.append(member)
    if literal_at is not None:
        out[literal_at] = rules.literal_hint(v for _, v in literals)
    if _ANY in out:
        return _ANY
    return out[0] if len(out) == 1 else f"t.Union[{', '.join(out)}]"
