"""Plans for the 7.x API style: ``body=``, ``params=``, ``headers=`` and positional parts.

7.x methods take the path parts and the body as (deprecated) positional
arguments, in the order the 7.17 client has them, and every query parameter
as a keyword that the runtime's ``query_params`` decorator moves into
``params``.  ``plan()`` decides all of that for one endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import requests
from .model import Endpoint, Param, UrlPath
from .profiles import Profile

# Query parameters the runtime adds to every method by itself.
GLOBAL_QUERY = frozenset({"pretty", "human", "error_trace", "format", "filter_path"})
# The keywords every method takes in the type stubs, after its own: the global query
# parameters, the per-request transport options and the raw ``params``/``headers``.
STUB_GLOBALS = (
    ("pretty", "bool"),
    ("human", "bool"),
    ("error_trace", "bool"),
    ("format", "str"),
    ("filter_path", "t.Union[str, t.Collection[str]]"),
    ("request_timeout", "t.Union[int, float]"),
    ("ignore", "t.Union[int, t.Collection[int]]"),
    ("opaque_id", "str"),
    ("http_auth", "t.Union[str, bytes, t.Tuple[str, str], t.List[str]]"),
    ("api_key", "t.Union[str, bytes, t.Tuple[str, str], t.List[str]]"),
    ("params", "t.Mapping[str, t.Any]"),
    ("headers", "t.Mapping[str, str]"),
)
# What a method hands back, by response kind (a cat API answers a list or text by format).
STUB_RETURNS = {
    "head-bool": "bool",
    "object": "t.Dict[str, t.Any]",
    "list": "t.Any",
    "text": "str",
    "binary": "bytes",
}
_NDJSON_BODY = "t.Union[t.Mapping[str, t.Any], t.Sequence[t.Any], bytes, str]"


@dataclass(frozen=True)
class Positional:
    name: str
    required: bool
    doc: str  # "path part ``index``: ``str``", for the docstring


@dataclass(frozen=True)
class Branch:
    given: tuple[str, ...]  # optional parts that must all be set
    segments: tuple[str, ...]  # _make_path() arguments: part names or quoted literals
    method: str


@dataclass(frozen=True)
class StubArg:
    name: str
    hint: str
    default: bool  # "= ..." in the stub


@dataclass(frozen=True)
class Stub:
    """The signature type checkers see (``.pyi``): what the ``query_params`` decorator lets
    callers pass, which the runtime signature (``params``, ``headers``) does not show."""

    positional: tuple[StubArg, ...]  # the required arguments, positional or keyword as at run time
    keywords: tuple[StubArg, ...]  # the rest, keyword-only, all optional
    returns: str


@dataclass(frozen=True)
class Method:
    name: str
    endpoint_id: str
    args: tuple[Positional, ...]
    required: tuple[str, ...]  # checked before sending
    query: tuple[str, ...]  # query_params() names
    body_keywords: tuple[str, ...]
    body_name: str | None
    body_required: bool
    accept: str | None
    content_type: str | None
    ndjson: bool
    takes_body: bool
    branches: tuple[Branch, ...]
    no_route_error: bool
    # The part 7.x let callers leave out (it warned and sent ``without_part_path``).
    optional_part: str | None
    warn_without_part: bool
    without_part_segments: tuple[str, ...]
    doc: tuple[str, ...]
    stub: Stub


def plan(endpoint: Endpoint, profile: Profile) -> Method:
    """Everything the legacy templates need for one endpoint."""
    paths = requests.usable_paths(endpoint, drop_deprecated=profile.drop_deprecated_paths)
    optional_part = profile.optional_parts.get(endpoint.name)
    parts = _ordered_parts(endpoint.path_parts, paths)
    required = [p for p in parts if p.required and p.name != optional_part]
    takes_body = endpoint.body.kind != "none"
    args = [Positional(p.name, True, f"path part ``{p.wire_name}``: ``{p.type_hint}``") for p in required]
    if takes_body:
        args.append(Positional("body", endpoint.body.required, f"request body ({endpoint.body.kind})"))
    args += [
        Positional(p.name, False, f"path part ``{p.wire_name}``: ``{p.type_hint}``")
        for p in parts
        if p not in required
    ]
    checks = [p.name for p in required] + (["body"] if takes_body and endpoint.body.required else [])
    branches, no_route_error = _branches(
        paths, parts, profile.part_defaults.get(endpoint.name), optional_part, takes_body
    )
    without: tuple[str, ...] = ()
    if optional_part:
        wire = next(p.wire_name for p in parts if p.name == optional_part)
        without = _segments(paths[0].template.replace("/{" + wire + "}", ""), {}, {})
        no_route_error = False
    query = [p.name for p in endpoint.query_params if p.wire_name not in GLOBAL_QUERY]
    body_keywords = profile.body_keywords.get(endpoint.name, ())
    body_name = profile.body_names.get(endpoint.name)
    return Method(
        name=endpoint.method_name,
        endpoint_id=endpoint.name,
        args=tuple(args),
        required=tuple(checks),
        query=tuple(query),
        body_keywords=body_keywords,
        body_name=body_name,
        body_required=takes_body and endpoint.body.required,
        accept=requests.accept(endpoint),
        content_type=(
            "application/x-ndjson" if endpoint.body.kind == "ndjson" else requests.content_type(endpoint)
        ),
        ndjson=endpoint.body.kind == "ndjson",
        takes_body=takes_body,
        branches=branches,
        no_route_error=no_route_error,
        optional_part=optional_part,
        warn_without_part=endpoint.name not in profile.quiet_optional_parts,
        without_part_segments=without,
        doc=_doc(endpoint, paths, args),
        stub=_stub(endpoint, profile, parts, required, body_keywords, body_name),
    )


def _stub(
    endpoint: Endpoint,
    profile: Profile,
    parts: list[Param],
    required: list[Param],
    body_keywords: tuple[str, ...],
    body_name: str | None,
) -> Stub:
    """The stub signature: required parts (and a required body) first, as at run time; then,
    keyword-only, the optional parts, the body and its keywords, the query parameters and
    the keywords of every method.

    Only the endpoints the profile lists keep the spec's types for their parts and query
    parameters; elsewhere these take anything but booleans, so no call the official stubs
    accept is rejected. A body that ``document=`` or body-field keywords can stand for is
    optional.
    """
    typed = endpoint.name in profile.typed_stub_endpoints
    # The deprecated data frame APIs, kept under their 7.x names, were untyped throughout.
    untyped = endpoint.name in profile.renames

    def hint(param: Param) -> str:
        if untyped:
            return "t.Any"
        return param.type_hint if typed or param.type_hint == "bool" else "t.Any"

    positional = [StubArg(p.name, hint(p), False) for p in required]
    # name -> hints; a name that is both a body field and a query parameter takes either.
    keywords: dict[str, list[str]] = {}

    def add(name: str, hint: str) -> None:
        keywords.setdefault(name, [])
        if hint not in keywords[name]:
            keywords[name].append(hint)

    body = _stub_body(endpoint)
    takes_body = endpoint.body.kind != "none"
    if takes_body and endpoint.body.required:
        if body_name or body_keywords:  # may be left out
            positional.append(StubArg("body", _optional(body), True))
        else:
            positional.append(StubArg("body", body, False))
    elif takes_body:
        add("body", body)
    for part in parts:
        if part not in required:
            add(part.name, hint(part))
    if body_name:
        add(body_name, body)
    fields = {f.name: f for f in endpoint.body.fields}
    for name in body_keywords:
        field = fields.get(name)
        add(name, field.type_hint if field is not None else "t.Any")
    own_format = False
    for param in endpoint.query_params:
        if param.wire_name not in GLOBAL_QUERY:
            add(param.name, hint(param))
        elif param.wire_name == "format":  # the endpoint's own (cat, sql): as typed as the rest
            own_format = True
            add(param.name, hint(param))
    for name, global_hint in STUB_GLOBALS:
        if name not in keywords and not (name == "format" and own_format):
            add(name, global_hint)
    taken = {arg.name for arg in positional}
    return Stub(
        positional=tuple(positional),
        keywords=tuple(
            StubArg(name, _optional(_union(hints)), True)
            for name, hints in keywords.items()
            if name not in taken
        ),
        returns="t.Any" if untyped else STUB_RETURNS[endpoint.response_kind],
    )


def _union(hints: list[str]) -> str:
    if "t.Any" in hints:
        return "t.Any"
    return hints[0] if len(hints) == 1 else f"t.Union[{', '.join(hints)}]"


def _stub_body(endpoint: Endpoint) -> str:
    """A JSON object for a body of fields (or one the spec types as an object), a list of
    actions or lines for NDJSON, anything where the spec does not say."""
    body = endpoint.body
    if body.kind == "fields" or (
        body.kind == "value" and (body.value_type_hint or "").startswith("t.Mapping")
    ):
        return "t.Mapping[str, t.Any]"
    if body.kind == "ndjson":
        return _NDJSON_BODY
    return "t.Any"


def _optional(hint: str) -> str:
    return hint if hint == "t.Any" else f"t.Optional[{hint}]"


def _ordered_parts(parts: tuple[Param, ...], paths: tuple[UrlPath, ...]) -> list[Param]:
    """Parts in the order of the URL with the most of them (the 7.17 argument order)."""
    longest = max(paths, key=lambda p: len(p.parts))
    rank = {wire: i for i, wire in enumerate(longest.parts)}
    return sorted(parts, key=lambda p: rank.get(p.wire_name, len(rank)))


def _segments(template: str, python: dict[str, str], fill: dict[str, str]) -> tuple[str, ...]:
    """``/{index}/_cat/x`` -> ``("index", '"_cat"', '"x"')``: one argument per URL segment."""
    out = []
    for segment in template.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            wire = segment[1:-1]
            out.append(f'"{fill[wire]}"' if wire in fill else python[wire])
        elif segment:
            out.append(f'"{segment}"')
    return tuple(out)


def _branches(
    paths: tuple[UrlPath, ...],
    parts: list[Param],
    default: tuple[str, str] | None,
    optional_part: str | None,
    takes_body: bool,
) -> tuple[tuple[Branch, ...], bool]:
    python = {p.wire_name: p.name for p in parts}
    required = {p.wire_name for p in parts if p.required and p.name != optional_part}
    branches: list[Branch] = []
    for route in requests.routes(paths, prefer_post_for_body=takes_body):
        fills: list[dict[str, str]] = [{}]
        if default and default[0] in route.parts and len(route.parts) > 1:
            fills.append({default[0]: default[1]})
        for fill in fills:
            given = tuple(python[w] for w in route.parts if w not in required and w not in fill)
            if any(set(b.given) == set(given) for b in branches):
                continue  # an earlier URL takes the same parts: this one would never be reached
            branches.append(Branch(given, _segments(route.template, python, fill), route.method))
            if not given:
                return tuple(branches), False
    return tuple(branches), True


def _doc(endpoint: Endpoint, paths: tuple[UrlPath, ...], args: list[Positional]) -> tuple[str, ...]:
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
    lines.append("")
    for arg in args:
        lines.append(f":arg {arg.name}: {arg.doc}, {'required' if arg.required else 'optional'}")
    for param in endpoint.query_params:
        if param.wire_name not in GLOBAL_QUERY:
            need = "required" if param.required else "optional"
            lines.append(
                f":arg {param.name}: query parameter ``{param.wire_name}``: ``{param.type_hint}``, {need}"
            )
    return tuple(lines)
