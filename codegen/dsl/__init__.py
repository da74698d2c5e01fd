"""The DSL modules generated from the specification's schema, per major.

The DSL's hand-written core lives in ``codegen/common/dsl`` and is copied into every package
whose profile lists it. The classes that mirror the specification (queries, aggregations,
mapping fields and the types they take) are rendered here, from the same ``schema.json`` the
API is generated from: each module of this folder listed in ``GENERATORS`` has a
``render(schema, prof) -> {path under the package: text}``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..profiles import Profile
from ..rules import read_json_gz

# The generator modules of this folder, in the order they render.
GENERATORS: tuple[str, ...] = ("types", "query", "aggs", "field")


@dataclass(frozen=True)
class Schema:
    """One version's ``schema.json``: its types by (namespace, name)."""

    version: str
    types: dict[tuple[str, str], dict[str, Any]]

    @classmethod
    def load(cls, spec_dir: Path, version: str) -> Schema:
        raw = read_json_gz(spec_dir / version / "schema.json.gz")
        return cls(version, {(t["name"]["namespace"], t["name"]["name"]): t for t in raw["types"]})

    def type(self, namespace: str, name: str) -> dict[str, Any]:
        return self.types[(namespace, name)]


def render(spec_dir: Path, prof: Profile) -> dict[str, str]:
    """The generated DSL files of one package, keyed by their path under ``src/<package>/``."""
    if not prof.dsl:
        return {}
    schema = Schema.load(spec_dir, prof.spec_version)
    files: dict[str, str] = {}
    for name in GENERATORS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:  # a generator not written yet
            if error.name != f"{__name__}.{name}":
                raise
            continue
        files.update(module.render(schema, prof))
    return files
