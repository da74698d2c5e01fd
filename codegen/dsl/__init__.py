"""The DSL modules generated from the specification's schema, per major.

The DSL's hand-written core lives in ``codegen/common/dsl`` and is copied into every package
whose profile lists it. The classes that mirror the specification (queries, aggregations,
mapping fields and the types they take) are rendered here, from the same ``schema.json`` the
API is generated from: each generator module of this folder has a
``render(schema, prof) -> {path under the package: text}``.
"""

from __future__ import annotations

from pathlib import Path

from ..profiles import Profile
from .schema import Schema

__all__ = ["Schema", "render"]


def render(spec_dir: Path, prof: Profile) -> dict[str, str]:
    """The generated DSL files of one package, keyed by their path under ``src/<package>/``."""
    if not prof.dsl:
        return {}
    # Imported here, not at the top: the generators render with codegen.generate's jinja
    # environment, and codegen.generate calls this function.
    from . import aggs, field, query, types

    schema = Schema.load(spec_dir, prof.spec_version)
    files: dict[str, str] = {}
    for generator in (types, query, aggs, field):  # the order they render in
        files.update(generator.render(schema, prof))
    return files
