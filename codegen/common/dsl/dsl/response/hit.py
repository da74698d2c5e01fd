"""One search hit: its ``_source`` (and ``fields``) as attributes, its metadata in ``meta``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..utils import AttrDict, HitMeta, _mirror

__all__ = ["Hit", "HitMeta"]


class Hit(AttrDict[Any]):
    """A hit when the search has no document class; ``meta`` holds ``id``, ``index``, ``score``..."""

    meta: HitMeta
    _mirrors = True
    _own_attrs = frozenset(("meta",))  # a key "meta" is read as ``hit["meta"]``

    def __init__(self, document: Mapping[str, Any]):
        source: dict[str, Any] = document.get("_source", {})
        fields = document.get("fields")
        data = {**source, **fields} if fields else source
        # ``AttrDict.__init__`` inlined: one Hit is built per hit of every answer.
        attrs = self.__dict__
        attrs["_d_"] = data
        attrs["meta"] = HitMeta(document)  # an attribute, not a key
        skip = self._unmirrored
        if skip is not None:  # (None: a subclass reading keys its own way)
            _mirror(attrs, data, skip)

    def __getstate__(self) -> tuple[Any, ...]:
        return self._d_, self.meta

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        object.__setattr__(self, "_d_", state[0])
        object.__setattr__(self, "meta", state[1])
        self._remirror()

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), "meta"]

    def __repr__(self) -> str:
        where = "/".join(str(self.meta[key]) for key in ("index", "id") if key in self.meta)
        return f"<Hit({where}): {super().__repr__()}>"
