"""Stack version aliases ("7.17", "8.19", "9") and their resolution to exact versions.

The aliases are the majors' stacks of majors.json; the exact versions they stand for
live in compat-matrix/stack-versions.json (written by ``versions --refresh``) so that
the compat matrix and the cluster providers agree on which patch release "8.19" means.
Outside the monorepo the packaged copy is read, or the table ``versions --refresh``
wrote into the cache.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from . import maven, state
from .majors import stack_aliases
from .repo import BUNDLED, data_file, find_checkout

CHECKOUT_FILE = "compat-matrix/stack-versions.json"
_EXACT_RE = re.compile(r"\d+\.\d+\.\d+(?:-[A-Za-z0-9.]+)?")


class UnknownVersionError(ValueError):
    """The requested version is neither a known alias nor an exact x.y.z version."""


def versions_file() -> Path:
    """stack-versions.json: ESCLUSTER_VERSIONS_FILE, else the checkout's, else the one
    ``versions --refresh`` wrote into the cache, else the packaged copy."""
    configured = os.environ.get("ESCLUSTER_VERSIONS_FILE")
    if configured:
        return Path(configured)
    refreshed = _refreshed_file()
    if find_checkout() is None and refreshed.is_file():
        return refreshed
    return data_file(CHECKOUT_FILE)


def _refreshed_file() -> Path:
    return state.cache_dir() / "stack-versions.json"


def load_versions(path: Path | None = None) -> dict[str, str | None]:
    """Read the alias table; a missing file yields an empty table (aliases then fail clearly)."""
    path = path or versions_file()
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of alias -> version")
    return {str(k): (None if v is None else str(v)) for k, v in data.items()}


def describe_known(table: Mapping[str, str | None]) -> str:
    """Human-readable list of aliases for error messages."""
    if not table:
        return "none (run: python -m escluster versions --refresh)"
    parts = [f"{alias} -> {exact or 'not served'}" for alias, exact in table.items()]
    return ", ".join(parts)


def resolve_version(spec: str, table: Mapping[str, str | None] | None = None) -> str:
    """Turn an alias or an exact version into an exact version.

    Exact versions (x.y.z) pass through untouched so that any published patch can be
    tried; anything else must be an alias from the table.
    """
    table = load_versions() if table is None else table
    spec = spec.strip()
    if spec in table:
        exact = table[spec]
        if exact is None:
            raise UnknownVersionError(
                f"alias {spec!r} has no version: the Maven repository serves no "
                f"matching integration-test distribution. Known: {describe_known(table)}"
            )
        return exact
    if _EXACT_RE.fullmatch(spec):
        return spec
    raise UnknownVersionError(
        f"unknown Elasticsearch version {spec!r}: use an exact x.y.z version or one of "
        f"the known aliases: {describe_known(table)}"
    )


def alias_for(version: str, table: Mapping[str, str | None] | None = None) -> str:
    """The alias naming ``version`` (used for state-file names); the version itself otherwise."""
    table = load_versions() if table is None else table
    for alias, exact in table.items():
        if exact == version or alias == version:
            return alias
    return version


def _parse(version: str) -> tuple[int, int, int] | None:
    match = _RELEASE_RE.fullmatch(version)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


_RELEASE_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def newest_served(
    major: int,
    minor: int | None,
    hints: Iterable[str],
    served: Callable[[str], bool],
    gap: int = 2,
) -> str | None:
    """Newest release of ``major.minor`` (or of the newest minor of ``major``) that is served.

    ``hints`` (from Maven metadata) may be incomplete, so: take the newest hinted
    patch that ``served`` confirms, then probe upwards until ``gap`` patches in a row
    are missing.  For "newest minor", first probe ``x.(m+1).0`` beyond the newest
    hinted minor.  Pure given ``served``, so it is unit-tested with a fake repository.
    """
    checked: dict[str, bool] = {}

    def ok(version: str) -> bool:
        if version not in checked:
            checked[version] = served(version)
        return checked[version]

    releases = [r for r in (_parse(v) for v in hints) if r is not None and r[0] == major]
    if minor is not None:
        return _newest_patch(major, minor, releases, ok, gap)
    minors = sorted({r[1] for r in releases}, reverse=True)
    top = minors[0] if minors else 0
    while ok(f"{major}.{top + 1}.0"):
        top += 1
    for candidate in [top, *[m for m in minors if m < top]]:
        found = _newest_patch(major, candidate, releases, ok, gap)
        if found is not None:
            return found
    return None


def _newest_patch(
    major: int,
    minor: int,
    releases: list[tuple[int, int, int]],
    ok: Callable[[str], bool],
    gap: int,
) -> str | None:
    patches = sorted({r[2] for r in releases if r[1] == minor}, reverse=True)
    best = next((p for p in patches if ok(f"{major}.{minor}.{p}")), None)
    if best is None:
        if not ok(f"{major}.{minor}.0"):
            return None
        best = 0
    patch, misses = best + 1, 0
    while misses < gap:
        if ok(f"{major}.{minor}.{patch}"):
            best, misses = patch, 0
        else:
            misses += 1
        patch += 1
    return f"{major}.{minor}.{best}"


def find_latest(hints: Iterable[str], served: Callable[[str], bool]) -> dict[str, str | None]:
    """Newest served version for every alias (the majors' stacks in majors.json)."""
    hints = list(hints)
    aliases = stack_aliases()
    return {alias: newest_served(major, minor, hints, served) for alias, (major, minor) in aliases.items()}


def refresh_versions(path: Path | None = None) -> dict[str, str | None]:
    """Ask mvn which versions exist, pick the newest per alias and write the table."""
    table = find_latest(maven.hint_versions(), maven.distribution_served)
    path = path or versions_file()
    if path.is_relative_to(BUNDLED):  # an installed package: never write into site-packages
        path = _refreshed_file()
    text = json.dumps(table, indent=2) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    root = find_checkout()
    if root is not None and path == root / CHECKOUT_FILE and BUNDLED.is_relative_to(root):
        (BUNDLED / path.name).write_text(text)  # keep the packaged copy equal to the checkout's
    return table
