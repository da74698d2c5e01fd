"""The registry of majors (majors.json at the repository root, or the packaged copy), typed.

One file says, per major of the API, which package implements it, on which stack it runs
natively and with compatibility headers, which JDK those stacks need, and which official
release it is compared with; the cluster tools, the matrix, nox, conformance, the
benchmarks and the generator's profiles all read it, so a new major is one entry there.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .repo import data_file

_STACK_RE = re.compile(r"(\d+)(?:\.(\d+))?")


class RegistryError(ValueError):
    """majors.json is missing, malformed, or names no such major or package."""


@dataclass(frozen=True)
class JdkPolicy:
    """Feature releases a stack major accepts, and the one we prefer."""

    minimum: int
    maximum: int | None
    preferred: int


@dataclass(frozen=True)
class Major:
    """One entry of majors.json (see its ``fields`` for the meaning of each)."""

    major: int
    package: str
    spec: str
    stack: str
    compat_header: int
    jdk: JdkPolicy
    official: Mapping[str, str]
    yaml_tests: bool
    compat_stack: str | None = None
    compat_env: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    compat_note: str = ""

    @property
    def stack_alias(self) -> tuple[int, int | None]:
        """(major, minor) of the native stack alias; minor None: the newest minor."""
        match = _STACK_RE.fullmatch(self.stack)
        assert match is not None  # checked when read
        return int(match[1]), None if match[2] is None else int(match[2])


def registry_file() -> Path:
    """majors.json of the checkout, else the packaged copy (ES_MAJORS_FILE overrides it)."""
    return Path(os.environ.get("ES_MAJORS_FILE") or data_file("majors.json"))


def _major(raw: Mapping[str, Any], where: str) -> Major:
    try:
        compat = raw.get("compat") or {}
        jdk = raw["jdk"]
        entry = Major(
            major=int(raw["major"]),
            package=str(raw["package"]),
            spec=str(raw["spec"]),
            stack=str(raw["stack"]),
            compat_header=int(raw["compat_header"]),
            jdk=JdkPolicy(
                int(jdk["min"]), None if jdk.get("max") is None else int(jdk["max"]), int(jdk["preferred"])
            ),
            official=MappingProxyType({str(k): str(v) for k, v in raw.get("official", {}).items()}),
            yaml_tests=bool(raw.get("yaml_tests", False)),
            compat_stack=None if not compat else str(compat["stack"]),
            compat_env=MappingProxyType({str(k): str(v) for k, v in compat.get("env", {}).items()}),
            compat_note=str(compat.get("note", "")),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RegistryError(f"{where}: malformed entry ({exc!r})") from None
    match = _STACK_RE.fullmatch(entry.stack)
    if match is None or int(match[1]) != entry.major:
        raise RegistryError(
            f"{where}: stack {entry.stack!r} is not an alias of {entry.major}.x ('x' or 'x.y')"
        )
    return entry


def load_majors(path: Path | None = None) -> tuple[Major, ...]:
    """Every major of the registry, newest first, checked for consistency."""
    path = path or registry_file()
    try:
        data = json.loads(path.read_text())
        raws = data["majors"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RegistryError(f"cannot read the registry of majors {path}: {exc}") from exc
    majors = tuple(_major(raw, f"{path} #{i}") for i, raw in enumerate(raws))
    stacks = {m.stack for m in majors}
    for seen, key in ((set(), "major"), (set(), "package")):
        for m in majors:
            value = getattr(m, key)
            if value in seen:
                raise RegistryError(f"{path}: {key} {value!r} is listed twice")
            seen.add(value)
    for m in majors:
        if m.compat_stack is not None and m.compat_stack not in stacks:
            raise RegistryError(f"{path}: {m.package}'s compat stack {m.compat_stack!r} is no major's stack")
    return tuple(sorted(majors, key=lambda m: -m.major))


def major_of(package: str, majors: tuple[Major, ...] | None = None) -> Major:
    """The entry of an API package (import or distribution name)."""
    majors = load_majors() if majors is None else majors
    for m in majors:
        if m.package == package:
            return m
    raise RegistryError(f"unknown client {package!r}; choose one of {', '.join(m.package for m in majors)}")


def stack_aliases(majors: tuple[Major, ...] | None = None) -> dict[str, tuple[int, int | None]]:
    """Alias -> (major, minor or None for the newest minor), oldest major first."""
    majors = load_majors() if majors is None else majors
    return {m.stack: m.stack_alias for m in sorted(majors, key=lambda m: m.major)}


def jdk_policy(stack_major: int, majors: tuple[Major, ...] | None = None) -> JdkPolicy:
    """The JDK range of a stack major; majors beyond the registry take the nearest one's."""
    majors = load_majors() if majors is None else majors
    if not majors:
        raise RegistryError("the registry of majors is empty")
    return min(majors, key=lambda m: (abs(m.major - stack_major), m.major)).jdk
