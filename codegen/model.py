"""The one normalized endpoint model that every template renders from.

Both spec formats (the compiled schema.json and the legacy rest-api-spec) are
read into these classes, so templates never look at raw spec JSON and never
need to know which format an endpoint came from.  Everything is frozen and
built from tuples so models can be compared, hashed and cached safely.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

BodyKind = Literal["none", "fields", "value", "ndjson", "binary"]
Stability = Literal["stable", "beta", "experimental"]
Visibility = Literal["public", "private", "feature_flag"]
ResponseKind = Literal["object", "list", "text", "binary", "head-bool"]


@dataclass(frozen=True)
class Deprecation:
    """Marks something deprecated; the version is None when the spec gives none."""

    version: str | None


@dataclass(frozen=True)
class Param:
    """One path part, query parameter or body field.

    ``name`` is the Python keyword argument, ``wire_name`` what goes into the
    URL, query string or JSON body; they differ for Python keywords (``from_``),
    names that are not identifiers, and spec-chosen code names.
    """

    name: str
    wire_name: str
    type_hint: str
    required: bool
    deprecated: Deprecation | None = None
    # True when a sequence is accepted and must be comma-joined on the wire
    # (path parts and query parameters only; JSON body fields stay arrays).
    is_list: bool = False
    # Other wire names the server accepts for a body field (e.g. "aggs").
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class UrlPath:
    """One URL template; ``parts`` are its ``{placeholders}`` in order."""

    template: str
    parts: tuple[str, ...]
    methods: tuple[str, ...]
    deprecated: Deprecation | None = None


@dataclass(frozen=True)
class Body:
    """How the request body is passed.

    ``fields``: each top-level JSON key is its own keyword argument.
    ``value``/``ndjson``/``binary``: the whole body is one argument named
    ``value_param_name`` (e.g. ``document``, ``operations``, ``body``).
    """

    kind: BodyKind
    required: bool = False
    fields: tuple[Param, ...] = ()
    value_param_name: str | None = None
    value_type_hint: str | None = None


NO_BODY = Body(kind="none")


@dataclass(frozen=True)
class Endpoint:
    """One API method, e.g. ``indices.create`` -> ``client.indices.create()``."""

    name: str
    namespace: str  # "" for methods on the client itself
    method_name: str
    paths: tuple[UrlPath, ...]
    http_methods: tuple[str, ...]
    path_parts: tuple[Param, ...]
    query_params: tuple[Param, ...]
    body: Body
    stability: Stability
    visibility: Visibility
    deprecated: Deprecation | None
    doc_url: str | None
    request_media_types: tuple[str, ...]
    response_media_types: tuple[str, ...]
    response_kind: ResponseKind
