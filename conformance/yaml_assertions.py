"""Response paths and the assertion steps of the YAML test format.

A path is dot-separated (``hits.hits.0._source``); ``\\.`` is a literal dot, numeric
components index lists, ``$name`` components are stashed values, and ``""`` or ``$body``
is the whole body; an ``_arbitrary_key_`` component picks any key of an object.
An expected string written ``/.../`` is a regular expression
(verbose syntax: whitespace and ``#`` comments are ignored), searched in the text of
the actual value.
"""

from __future__ import annotations

import functools
import json
import math
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from elastic_transport.client_utils import _encode_credentials

from .yaml_stash import Stash


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()
ARBITRARY_KEY = "_arbitrary_key_"


class AssertionFailure(AssertionError):
    """An assertion step did not hold; the message says where and why."""


def split_path(path: str) -> list[str]:
    """``a.b\\.c.0`` -> ``["a", "b.c", "0"]``."""
    if path in ("", "$body"):
        return []
    if path.startswith("$body."):
        path = path[len("$body.") :]
    parts: list[str] = []
    current = ""
    i = 0
    while i < len(path):
        char = path[i]
        if char == "\\" and i + 1 < len(path) and path[i + 1] == ".":
            current += "."
            i += 2
            continue
        if char == ".":
            parts.append(current)
            current = ""
        else:
            current += char
        i += 1
    parts.append(current)
    return parts


def lookup(body: Any, path: str, stash: Stash | None = None) -> Any:
    """The value at ``path`` in ``body``, or MISSING."""
    value = body
    parts = split_path(path)
    for position, part in enumerate(parts):
        if stash is not None and stash.is_reference(part):
            part = stash.resolve(part)
            part = part if isinstance(part, str) else json.dumps(part)
        if part == ARBITRARY_KEY and isinstance(value, Mapping):
            # Any key of the object: the key itself when last, else its value.
            if not value:
                return MISSING
            key = next(iter(value))
            if position == len(parts) - 1:
                return key
            value = value[key]
        elif isinstance(value, Mapping):
            if part not in value:
                return MISSING
            value = value[part]
        elif isinstance(value, list):
            try:
                index = int(part)
            except ValueError:
                return MISSING
            if not -len(value) <= index < len(value):
                return MISSING
            value = value[index]
        else:
            return MISSING
    return value


def is_regex(expected: Any) -> bool:
    if not isinstance(expected, str):
        return False
    text = expected.strip()
    return len(text) >= 2 and text.startswith("/") and text.endswith("/")


def compile_regex(expected: str) -> re.Pattern[str]:
    return re.compile(expected.strip()[1:-1], re.VERBOSE)


def as_text(value: Any) -> str:
    """Text of a value the way a JSON reader would print it (``true``, ``null``, ``1.5``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, bool)) or value is None:
        return json.dumps(value)
    return str(value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def equal(actual: Any, expected: Any) -> bool:
    """Deep equality where 1 and 1.0 are equal but True and 1 are not."""
    if _number(actual) and _number(expected):
        if isinstance(actual, float) or isinstance(expected, float):
            return math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=0.0)
        return bool(actual == expected)
    if isinstance(expected, Mapping):
        return (
            isinstance(actual, Mapping)
            and set(actual) == set(expected)
            and all(equal(actual[k], expected[k]) for k in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(equal(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if type(actual) is not type(expected) and not (isinstance(actual, str) and isinstance(expected, str)):
        return False
    return bool(actual == expected)


def _show(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, _Missing) else "<missing>"
    return text if len(text) <= 400 else text[:400] + "..."


def _items(arg: Any, kind: str) -> list[tuple[str, Any]]:
    if not isinstance(arg, Mapping) or not arg:
        raise AssertionFailure(f"{kind}: expected a mapping of path -> value, got {arg!r}")
    return [(str(k), v) for k, v in arg.items()]


def check_match(body: Any, arg: Any, stash: Stash) -> None:
    for path, expected in _items(arg, "match"):
        actual = lookup(body, path, stash)
        expected = stash.resolve(expected)
        if is_regex(expected):
            if actual is MISSING or not compile_regex(expected).search(as_text(actual)):
                raise AssertionFailure(f"match {path!r}: {_show(actual)} does not match {expected.strip()}")
        elif not equal(actual, expected):
            raise AssertionFailure(f"match {path!r}: expected {_show(expected)}, got {_show(actual)}")


def truthy(value: Any) -> bool:
    """is_true holds for a present value that is not null, false, "", "false", 0 or "0".

    Empty lists and objects count as true: they are present.
    """
    if value is MISSING or value is None or value is False:
        return False
    if _number(value) and value == 0:
        return False
    return not (isinstance(value, str) and value.strip().lower() in ("", "false", "0"))


def _paths(arg: Any, kind: str) -> list[str]:
    if isinstance(arg, str) or arg is None:
        return [arg or ""]
    if isinstance(arg, list) and all(isinstance(a, str) for a in arg):
        return list(arg)
    raise AssertionFailure(f"{kind}: expected a path, got {arg!r}")


def check_is_true(body: Any, arg: Any, stash: Stash) -> None:
    for path in _paths(arg, "is_true"):
        value = lookup(body, path, stash)
        if not truthy(value):
            raise AssertionFailure(f"is_true {path!r}: got {_show(value)}")


def check_is_false(body: Any, arg: Any, stash: Stash) -> None:
    for path in _paths(arg, "is_false"):
        value = lookup(body, path, stash)
        if truthy(value):
            raise AssertionFailure(f"is_false {path!r}: got {_show(value)}")


def check_exists(body: Any, arg: Any, stash: Stash) -> None:
    for path in _paths(arg, "exists"):
        value = lookup(body, path, stash)
        if value is MISSING or value is None:
            raise AssertionFailure(f"exists {path!r}: no value")


def check_length(body: Any, arg: Any, stash: Stash) -> None:
    for path, expected in _items(arg, "length"):
        actual = lookup(body, path, stash)
        expected = stash.resolve(expected)
        if not isinstance(actual, (list, dict, str)):
            raise AssertionFailure(f"length {path!r}: {_show(actual)} has no length")
        if len(actual) != int(expected):
            raise AssertionFailure(
                f"length {path!r}: expected {expected}, got {len(actual)}: {_show(actual)}"
            )


def _as_number(value: Any, path: str, kind: str) -> float:
    if _number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise AssertionFailure(f"{kind} {path!r}: {_show(value)} is not a number")


_COMPARISONS: dict[str, tuple[Callable[[float, float], bool], str]] = {
    "gt": (operator.gt, ">"),
    "gte": (operator.ge, ">="),
    "lt": (operator.lt, "<"),
    "lte": (operator.le, "<="),
}


def check_compare(kind: str, body: Any, arg: Any, stash: Stash) -> None:
    test, symbol = _COMPARISONS[kind]
    for path, expected in _items(arg, kind):
        actual = lookup(body, path, stash)
        expected = stash.resolve(expected)
        if actual is MISSING:
            raise AssertionFailure(f"{kind} {path!r}: no value")
        if not test(_as_number(actual, path, kind), _as_number(expected, path, kind)):
            raise AssertionFailure(f"{kind} {path!r}: expected {symbol} {expected}, got {_show(actual)}")


def _contains_one(actual: Any, expected: Any) -> bool:
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            k in actual and _contains_one(actual[k], v) for k, v in expected.items()
        )
    return equal(actual, expected)


def check_contains(body: Any, arg: Any, stash: Stash) -> None:
    """The list at the path has an element equal to the value (for a mapping: with those keys)."""
    for path, expected in _items(arg, "contains"):
        actual = lookup(body, path, stash)
        expected = stash.resolve(expected)
        if isinstance(actual, str) and isinstance(expected, str):
            found = expected in actual
        elif isinstance(actual, list):
            found = any(_contains_one(item, expected) for item in actual)
        elif isinstance(actual, Mapping) and isinstance(expected, Mapping):
            found = _contains_one(actual, expected)
        else:
            raise AssertionFailure(f"contains {path!r}: {_show(actual)} is not a list")
        if not found:
            raise AssertionFailure(f"contains {path!r}: {_show(expected)} not found in {_show(actual)}")


def do_set(body: Any, arg: Any, stash: Stash) -> None:
    for path, name in _items(arg, "set"):
        value = lookup(body, path, stash)
        if value is MISSING:
            raise AssertionFailure(f"set {path!r}: the response has no value there")
        stash.set(str(name), value)


_TRANSFORM = re.compile(r"^#(\w+)\((.*)\)$")


def _base64_credentials(body: Any, stash: Stash, *paths: str) -> str:
    if len(paths) != 2:
        raise AssertionFailure(f"base64EncodeCredentials takes two paths, got {paths}")
    values = [lookup(body, p, stash) for p in paths]
    for path, value in zip(paths, values, strict=True):
        if value is MISSING:
            raise AssertionFailure(f"transform_and_set: the response has no value at {path!r}")
    return _encode_credentials(f"{values[0]}:{values[1]}")


TRANSFORMS = {"base64EncodeCredentials": _base64_credentials}


def do_transform_and_set(body: Any, arg: Any, stash: Stash) -> None:
    """``{name: "#fn(path, ...)"}``: stash ``fn`` applied to the values at those paths."""
    for name, spec in _items(arg, "transform_and_set"):
        match = _TRANSFORM.match(str(spec).strip())
        if not match or match.group(1) not in TRANSFORMS:
            raise AssertionFailure(f"transform_and_set {name!r}: unknown transformation {spec!r}")
        args = [a.strip() for a in match.group(2).split(",") if a.strip()]
        stash.set(name, TRANSFORMS[match.group(1)](body, stash, *args))


CHECKS: dict[str, Callable[[Any, Any, Stash], None]] = {
    "match": check_match,
    "is_true": check_is_true,
    "is_false": check_is_false,
    "exists": check_exists,
    "length": check_length,
    "contains": check_contains,
    "set": do_set,
    "transform_and_set": do_transform_and_set,
}
for _kind in _COMPARISONS:
    CHECKS[_kind] = functools.partial(check_compare, _kind)


def run_check(kind: str, body: Any, arg: Any, stash: Stash) -> None:
    CHECKS[kind](body, arg, stash)
