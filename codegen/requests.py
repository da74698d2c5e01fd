"""Request-building decisions both API styles share: URL choice, HTTP method, headers.

These are the rules a generated method follows at run time, decided once per
endpoint here so that templates only spell them out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .model import Endpoint, UrlPath

# When a URL allows several methods, the one the official clients send.
_METHOD_PREFERENCE = ("PUT", "POST", "GET", "DELETE", "HEAD")
_JSON = "application/json"
_PLACEHOLDER = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Route:
    """One URL a method can send to: taken when all of its ``parts`` are given."""

    template: str
    parts: tuple[str, ...]  # wire names, in URL order
    method: str
    deprecated: bool


def usable_paths(endpoint: Endpoint, *, drop_deprecated: bool) -> tuple[UrlPath, ...]:
    """The URLs a client sends to; deprecated ones only where nothing else exists."""
    paths = endpoint.paths
    if drop_deprecated:
        current = tuple(p for p in paths if p.deprecated is None)
        if current:
            return current
    return paths


def routes(paths: tuple[UrlPath, ...], *, prefer_post_for_body: bool = False) -> tuple[Route, ...]:
    """URLs most specific first: more given parts win, spec order breaks ties.

    Of several URLs with the same parts only the first is reachable, so only
    it is kept.  The method is the official clients' pick among those allowed:
    8.x+ prefer PUT, then POST; 7.x took the first listed, or POST over GET for
    an endpoint with a body.
    """
    ranked = sorted(enumerate(paths), key=lambda item: (-len(item[1].parts), item[0]))
    seen: set[frozenset[str]] = set()
    out = []
    for _, path in ranked:
        if frozenset(path.parts) in seen:
            continue
        seen.add(frozenset(path.parts))
        if prefer_post_for_body:  # a GET that takes a body goes as POST
            method = path.methods[0]
            if method == "GET" and "POST" in path.methods:
                method = "POST"
        else:
            method = min(path.methods, key=_METHOD_PREFERENCE.index)
        out.append(Route(path.template, path.parts, method, path.deprecated is not None))
    return tuple(out)


def fstring_path(template: str, expression: Callable[[str], str]) -> str:
    """``/{index}/_doc`` -> source of an f-string; ``expression(part)`` reads one part."""
    if "{" not in template:
        return f'"{template}"'
    return "f'" + _PLACEHOLDER.sub(lambda m: "{" + expression(m.group(1)) + "}", template) + "'"


def accept(endpoint: Endpoint) -> str | None:
    """The Accept header: every response type in spec order (the base makes them compatible)."""
    return ",".join(endpoint.response_media_types) or None


def content_type(endpoint: Endpoint) -> str | None:
    """JSON where the endpoint takes it (its body then goes through the JSON serializer)."""
    media = endpoint.request_media_types
    if endpoint.body.kind == "none" or not media:
        return None
    return _JSON if _JSON in media else media[0]
