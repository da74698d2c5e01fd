"""Plans for the 8.x+ API style: keyword-only arguments, body fields as keywords.

``plan()`` turns one model endpoint into everything the keyword templates
print: the signature in the official order, the checks, the URL branches, and
where each argument goes.  All decisions live here; the template only spells
them out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Literal

from . import requests
from .model import Endpoint, Param, UrlPath
from .profiles import Profile

Where = Literal["path", "query", "field", "value", "body"]

# String body fields that also take a query builder of the package, sent as its text
# (``client.esql.query(query=ESQL.from_(...))``): (namespace, field) -> the builder's
# common folder, its module from the client modules, and its base class.
BUILDER_FIELDS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("esql", "query"): ("esql", "...esql", "ESQLBase"),
}


@dataclass(frozen=True)
class Arg:
    """One keyword argument of a generated method."""

    name: str
    wire: str
    hint: str  # annotation as written in the signature
    doc_hint: str  # the spec type, for the docstring
    has_default: bool
    required: bool  # by the spec (with a default when ``body=`` may carry it)
    where: Where
    sent: str = ""  # the expression sent, when not the argument itself


@dataclass(frozen=True)
class Branch:
    """``if <all given>: send to template``; the last branch may have no condition."""

    given: tuple[str, ...]  # python names of the optional parts this branch needs
    parts: tuple[tuple[str, str], ...]  # (wire name, value expression) in URL order
    path: str  # f-string source
    method: str


@dataclass(frozen=True)
class Method:
    name: str
    endpoint_id: str
    args: tuple[Arg, ...]
    required_parts: tuple[Arg, ...]
    required_query: tuple[Arg, ...]
    required_fields: tuple[Arg, ...]
    value: Arg | None  # the whole-body argument (document=, operations=, ...)
    value_required: bool
    branches: tuple[Branch, ...]
    no_route_error: bool  # some combinations of parts match no URL
    one_method: str | None  # the HTTP method when all branches share it
    query: tuple[Arg, ...]
    fields: tuple[Arg, ...]
    body_kind: str
    empty_body: bool  # a required body is sent as {} even with no field given
    accept: str | None
    content_type: str | None
    content_type_always: bool
    returns: str
    stability: str | None  # "experimental", "beta" or "private": warns on each call
    is_ping: bool
    doc: tuple[str, ...]
    type_imports: tuple[tuple[str, str], ...] = ()  # (module, name) imported for annotations only


def plan(endpoint: Endpoint, profile: Profile) -> Method:
    """Everything the keyword templates need for one endpoint."""
    paths = requests.usable_paths(endpoint, drop_deprecated=profile.drop_deprecated_paths)
    used_parts = {part for path in paths for part in path.parts}
    parts = [p for p in endpoint.path_parts if p.wire_name in used_parts]
    part_names = {p.name for p in parts}
    # A body field named like a path part is sent in the URL only; a part that
    # lived only in dropped deprecated URLs lives on as its body field (scroll_id).
    fields = (
        sorted((f for f in endpoint.body.fields if f.name not in part_names), key=lambda f: f.name)
        if endpoint.body.kind == "fields"
        else []
    )
    field_names = {f.name for f in fields}
    # Body fields win over query parameters of the same name (from, size, ...).
    query = sorted(
        (p for p in endpoint.query_params if p.name not in field_names and p.name not in part_names),
        key=lambda p: p.name,
    )
    takes_body = endpoint.body.kind != "none"

    part_args = [_arg(p, "path", default=not p.required) for p in parts]
    query_args = [_arg(p, "query", default=not p.required) for p in query]
    field_args = [_arg(f, "field", default=True) for f in fields]
    type_imports = []
    for i, arg in enumerate(field_args):
        builder = BUILDER_FIELDS.get((endpoint.namespace or "", arg.name))
        if builder and builder[0] in profile.common_dirs and arg.doc_hint == "str":
            _, module, cls = builder
            hint = _optional(f't.Union[str, "{cls}"]')
            field_args[i] = replace(arg, hint=hint, doc_hint=f"str | {cls}", sent=f"str({arg.name})")
            type_imports.append((module, cls))
    for field in fields:
        field_args.extend(
            _arg(field, "field", default=True, name=alias, wire=alias) for alias in field.aliases
        )
    value_arg = None
    raw_body: list[Arg] = []
    if endpoint.body.kind in ("value", "ndjson", "binary"):
        name = endpoint.body.value_param_name or "body"
        hint = endpoint.body.value_type_hint or "t.Any"
        value_arg = Arg(name, name, _optional(hint), hint, True, endpoint.body.required, "value")
        if name != "body":
            raw_body.append(Arg("body", "body", _optional(hint), hint, True, False, "body"))
    elif takes_body:
        raw_body.append(Arg("body", "body", "t.Optional[t.Dict[str, t.Any]]", "dict", True, False, "body"))

    required_parts = [a for a in part_args if a.required]
    others = [*query_args, *field_args] + ([value_arg] if value_arg else [])
    required_others = sorted((a for a in others if a.required), key=lambda a: a.name)
    optional = [a for a in part_args if not a.required]
    optional += sorted((a for a in others if not a.required), key=lambda a: a.name)
    args: list[Arg] = list(required_parts)
    for arg in required_others:
        args.append(arg)
        if arg is value_arg:
            args.extend(raw_body)
    for arg in optional:
        args.append(arg)
        if arg is value_arg:
            args.extend(raw_body)
    if endpoint.body.kind == "fields":
        args.extend(raw_body)

    branches, no_route_error = _branches(paths, parts, profile.part_defaults.get(endpoint.name))
    methods = {b.method for b in branches}
    stability = profile.stability_overrides.get(endpoint.name, endpoint.stability)
    if endpoint.visibility == "private":
        stability = "private"
    return Method(
        name=endpoint.method_name,
        endpoint_id=endpoint.name,
        args=tuple(args),
        required_parts=tuple(required_parts),
        required_query=tuple(a for a in query_args if a.required),
        required_fields=tuple(a for a in field_args if a.required),
        value=value_arg,
        value_required=bool(value_arg and endpoint.body.required),
        branches=branches,
        no_route_error=no_route_error,
        one_method=methods.pop() if len(methods) == 1 else None,
        query=tuple(query_args),
        fields=tuple(field_args),
        body_kind=endpoint.body.kind,
        empty_body=endpoint.body.kind == "fields" and endpoint.body.required,
        accept=requests.accept(endpoint),
        content_type=requests.content_type(endpoint),
        content_type_always=profile.content_type_without_body,
        returns=_returns(endpoint),
        stability=None if stability == "stable" else stability,
        is_ping=endpoint.name == "ping",
        doc=_doc(endpoint, paths, args),
        type_imports=tuple(type_imports),
    )


def _arg(
    param: Param,
    where: Where,
    *,
    default: bool,
    name: str | None = None,
    wire: str | None = None,
) -> Arg:
    hint = param.type_hint
    return Arg(
        name=name or param.name,
        wire=wire or param.wire_name,
        hint=_optional(hint) if default else hint,
        doc_hint=hint,
        has_default=default,
        required=param.required and name is None,
        where=where,
    )


def _optional(hint: str) -> str:
    if hint == "t.Any" or hint.startswith("t.Optional["):
        return hint
    if hint.startswith("t.Union["):
        return hint[:-1] + ", None]"
    return f"t.Optional[{hint}]"


def _branches(
    paths: tuple[UrlPath, ...], parts: list[Param], default: tuple[str, str] | None
) -> tuple[tuple[Branch, ...], bool]:
    """URL choices, most specific first; the last one without a condition ends the chain."""
    python = {p.wire_name: p.name for p in parts}
    required = {p.wire_name for p in parts if p.required}
    branches: list[Branch] = []
    for route in requests.routes(paths):
        fills: list[dict[str, str]] = [{}]
        if default and default[0] in route.parts and len(route.parts) > 1:
            fills.append({default[0]: default[1]})  # the same URL with the part filled in
        for fill in fills:
            branch = Branch(
                given=tuple(python[w] for w in route.parts if w not in required and w not in fill),
                parts=tuple(
                    (w, json.dumps(fill[w]) if w in fill else f"_quote({python[w]})") for w in route.parts
                ),
                path=requests.fstring_path(route.template, lambda wire: f'_parts["{wire}"]'),
                method=route.method,
            )
            branches.append(branch)
            if not branch.given:
                return tuple(branches), False
    return tuple(branches), True


def _returns(endpoint: Endpoint) -> str:
    """The annotation the official client gives, from the response media types."""
    if endpoint.name == "ping":
        return "bool"
    if endpoint.http_methods == ("HEAD",):
        return "HeadApiResponse"
    media = set(endpoint.response_media_types)
    if media <= {"application/json"}:
        return "ObjectApiResponse[t.Any]"
    if media == {"application/json", "text/plain"}:
        return "t.Union[ObjectApiResponse[t.Any], TextApiResponse]"
    if media == {"text/plain"}:
        return "TextApiResponse"
    return "BinaryApiResponse"


def _doc(endpoint: Endpoint, paths: tuple[UrlPath, ...], args: list[Arg]) -> tuple[str, ...]:
    """Docstring lines from structure only: URLs, arguments and their types, the reference."""
    lines = [", ".join(f"``{'|'.join(p.methods)} {p.template}``" for p in paths)]
    notes = []
    if endpoint.stability != "stable":
        notes.append(f"Stability: {endpoint.stability}.")
    if endpoint.deprecated:
        since = f" since {endpoint.deprecated.version}" if endpoint.deprecated.version else ""
        notes.append(f"Deprecated{since}.")
    if notes:
        lines += ["", " ".join(notes)]
    if endpoint.doc_url:
        lines += ["", f"Reference: `<{endpoint.doc_url}>`_"]  # reST link: a URL may hold "_."
    described = [a for a in args if a.where != "body"]
    if described or any(a.where == "body" for a in args):
        lines.append("")
    where_text = {
        "path": "path part",
        "query": "query parameter",
        "field": "body field",
        "value": "the request body",
        "body": "the whole body, for older code",
    }
    for arg in args:
        need = "required" if arg.required else "optional"
        lines.append(f":param {arg.name}: ``{arg.doc_hint}``, {need}; {where_text[arg.where]}")
    return tuple(lines)
