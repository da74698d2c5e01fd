"""Normalization rules shared by both spec readers.

Keeping them in one place guarantees that an endpoint gets the same names,
body kind and response kind whichever spec format it was read from.
"""

from __future__ import annotations

import gzip
import json
import keyword
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .model import BodyKind, Deprecation, ResponseKind, UrlPath

Json = Mapping[str, Any]  # one object of raw spec JSON

_NDJSON = "application/x-ndjson"
_TEXTUAL = ("application/json", "text/plain")
_PLACEHOLDER = re.compile(r"{(\w+)}")
_NOT_IDENTIFIER = re.compile(r"\W")
# Versionless doc links ("current", "master", "{branch}") drift to other majors
# over time; pin them to the branch the spec was taken from.
_FLOATING_DOC_BRANCH = re.compile(
    r"(/guide/en/elasticsearch/(?:reference|painless)/)(?:current|master|\{branch\})/"
)


class SpecError(ValueError):
    """The spec data is inconsistent in a way the generator cannot paper over."""


class SpecMissingError(FileNotFoundError):
    """A spec file the generator needs is not where it was told to look."""


def read_json_gz(path: Path) -> Any:
    """Load one gzipped JSON spec file, naming the file when it is missing."""
    if not path.is_file():
        raise SpecMissingError(
            f"spec file not found: {path} (expected <spec-dir>/<version>/{path.name}; "
            "pass the directory that holds the per-version spec folders)"
        )
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def split_name(name: str) -> tuple[str, str]:
    """Namespace (a sub-client attribute, "" for the root) and method name.

    ``indices.create`` -> (``indices``, ``create``); ``search`` -> ("", ``search``).
    """
    namespace, _, method = name.rpartition(".")
    return namespace, python_name(method)


def python_name(wire_name: str) -> str:
    """Turn a wire name into a usable keyword argument (``from`` -> ``from_``).

    Only hard keywords are suffixed: shadowing builtins such as ``id`` or
    ``format`` is legal and those names are part of the public client API.
    """
    name = _NOT_IDENTIFIER.sub("_", wire_name)
    return f"{name}_" if keyword.iskeyword(name) else name


def param_name(
    wire_name: str,
    codegen_name: str | None,
    *,
    legacy_names: bool,
    path_part: bool = False,
) -> str:
    """Python name of a parameter under the naming of the client major.

    8.x+ clients use the spec's ``codegenName`` (``policy`` -> ``name``) and
    drop leading underscores (``_source`` -> ``source``); 7.x clients were
    generated from the rest-api-spec, which has no code names, so they keep
    the wire names and only spell a ``{type}`` path part ``doc_type``.
    """
    if legacy_names:
        return "doc_type" if path_part and wire_name == "type" else python_name(wire_name)
    return python_name((codegen_name or wire_name).lstrip("_"))


def literal_hint(values: Iterable[Any]) -> str:
    """``t.Literal[...]`` over spec values; strings keep their exact spelling."""
    rendered = (json.dumps(v) if isinstance(v, str) else repr(v) for v in values)
    return f"t.Literal[{', '.join(rendered)}]"


def open_literal_hint(values: Iterable[Any]) -> str:
    """The listed values, or any other string (what the official clients accept for enums)."""
    return f"t.Union[{literal_hint(values)}, str]"


def placeholders(template: str) -> tuple[str, ...]:
    """The ``{part}`` names of a URL template, left to right."""
    return tuple(_PLACEHOLDER.findall(template))


def part_order(paths: Iterable[UrlPath]) -> list[str]:
    """Path parts in order of first appearance, for stable signatures."""
    order: dict[str, None] = {}
    for path in paths:
        order.update(dict.fromkeys(path.parts))
    return list(order)


def part_required(part: str, paths: Iterable[UrlPath]) -> bool:
    """A part is required exactly when no URL can be built without it."""
    return all(part in path.parts for path in paths)


def choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    """Reject spec values the model has no slot for, instead of passing them on."""
    if value not in allowed:
        raise SpecError(f"unexpected {what} {value!r}; expected one of {allowed}")
    return value


def http_methods(paths: Iterable[UrlPath]) -> tuple[str, ...]:
    """All methods of all URLs, first-seen order."""
    seen: dict[str, None] = {}
    for path in paths:
        seen.update(dict.fromkeys(path.methods))
    return tuple(seen)


def deprecation(raw: Any) -> Deprecation | None:
    """Accept both spec spellings: ``{"version": ...}`` and a bare ``true``."""
    if not raw:
        return None
    if isinstance(raw, dict):
        return Deprecation(version=raw.get("version"))
    return Deprecation(version=None)


def body_kind_for_media(media_types: tuple[str, ...]) -> BodyKind:
    """Kind of a whole-value body, decided by what it is sent as."""
    if _NDJSON in media_types:
        return "ndjson"
    if not media_types or any(m in _TEXTUAL for m in media_types):
        return "value"
    return "binary"


def response_kind(methods: tuple[str, ...], media_types: tuple[str, ...], is_array: bool) -> ResponseKind:
    """What the generated method should hand back to the caller."""
    if methods == ("HEAD",):
        return "head-bool"
    if not media_types or "application/json" in media_types:
        return "list" if is_array else "object"
    return "text" if "text/plain" in media_types else "binary"


def doc_url(url: str | None, version: str) -> str | None:
    """Resolve the spec's branch placeholders so links point at this version; a placeholder
    link (``...#TODO``) is no link."""
    if not url or url.endswith("#TODO"):
        return None
    return _FLOATING_DOC_BRANCH.sub(rf"\g<1>{version}/", url)
