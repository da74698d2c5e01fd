"""The ES|QL builder's generated module, per major: ``esql/functions.py`` from the facts table
``functions.toml`` of this folder. The builder itself is hand-written (codegen/common/esql)."""

from __future__ import annotations

from ..profiles import Profile


def render(prof: Profile) -> dict[str, str]:
    """The generated ES|QL files of one package, keyed by their path under ``src/<package>/``."""
    if "esql" not in prof.common_dirs:
        return {}
    from . import functions  # uses codegen.generate's jinja environment, which imports this

    return functions.render(prof)
