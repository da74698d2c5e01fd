"""Stashed values: ``set`` stores a response value under a name, later steps use it.

- a string that is exactly ``$name`` becomes the stashed value itself (any type);
- ``${name}`` inside a longer string is replaced by the value's text;
- ``$body`` is the body of the last response (``$body.a.b`` a value inside it);
- mapping keys and path components are substituted the same way.
"""

from __future__ import annotations

import json
import re
from typing import Any

_WHOLE = re.compile(r"^\$(\{)?([A-Za-z_][\w.]*)(?(1)\})$")
_INLINE = re.compile(r"\$\{([A-Za-z_][\w.]*)\}")


class StashError(KeyError):
    """A step refers to a stashed value that was never set."""

    def __str__(self) -> str:
        return str(self.args[0])


def _text(value: Any) -> str:
    """How a stashed value reads inside a string (JSON spelling for non-strings)."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


class Stash:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.body: Any = None  # body of the last response (or error) seen

    def clear(self) -> None:
        self.values.clear()
        self.body = None

    def set(self, name: str, value: Any) -> None:
        self.values[name] = value

    def get(self, name: str) -> Any:
        """The value of ``name`` (``body`` and ``body.path`` read the last response)."""
        if name == "body" or name.startswith("body."):
            from .yaml_assertions import MISSING, lookup  # late: assertions import the stash

            value = self.body if name == "body" else lookup(self.body, name[5:], self)
            if value is MISSING:
                raise StashError(f"the last response has no value at {name[5:]!r}")
            return value
        if name in self.values:
            return self.values[name]
        raise StashError(f"nothing was stashed as {name!r} (stashed: {sorted(self.values)})")

    def is_reference(self, value: Any) -> bool:
        return isinstance(value, str) and _WHOLE.match(value) is not None

    def resolve(self, value: Any) -> Any:
        """``value`` with every stashed reference replaced, recursively."""
        if isinstance(value, str):
            whole = _WHOLE.match(value)
            if whole:
                return self.get(whole.group(2))
            if "${" in value:
                return _INLINE.sub(lambda m: _text(self.get(m.group(1))), value)
            return value
        if isinstance(value, dict):
            return {self._key(k): self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def _key(self, key: Any) -> Any:
        if isinstance(key, str) and ("$" in key):
            resolved = self.resolve(key)
            return resolved if isinstance(resolved, str) else _text(resolved)
        return key
