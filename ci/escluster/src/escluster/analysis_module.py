"""escluster-analysis: our own module of common analysis components for 8.x and 9.x homes.

The integration-test zips of 8.x/9.x carry no ``analysis-common`` module, and its jars are not
published for those lines, so tokenizers such as ``keyword`` or ``path_hierarchy``, filters such
as ``snowball`` and analyzers such as ``english`` are unknown to them.  ``data/analysis-module``
is a small Maven project of our own (Java sources written for escluster on top of Lucene's
analysis classes) that registers them.  It is compiled on first use against the jars of the very
distribution it goes into (the server, Lucene core and analysis-common in its ``lib/``), with the
JDK that runs that version, and cached under ``<cache>/analysis/<version>-<source hash>/``.

Like the 7.17 extra modules it is optional: ``ESCLUSTER_EXTRA_MODULES=none`` leaves it out, and
a failed build costs one log line, never the cluster start.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import extra_modules, maven, state
from .jdk import Jdk, NoSuitableJdkError, find_jdk, policy_for

NAME = "escluster-analysis"
CLASSNAME = "org.escluster.analysis.EsclusterAnalysisPlugin"
DESCRIPTION = (
    "common tokenizers, token filters, char filters and analyzers (escluster's stand-in for analysis-common)"
)
DESCRIPTOR = extra_modules.DESCRIPTOR
SOURCE = Path(__file__).parent / "data" / "analysis-module"
BUILD_TIMEOUT = 600.0


class BuildError(RuntimeError):
    """The module could not be built (the message is one line)."""


def wanted(version: str, environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``version`` gets the module: 8.x and later, unless ESCLUSTER_EXTRA_MODULES=none."""
    major = version.split(".", 1)[0]
    return not extra_modules.switched_off(environ) and major.isdigit() and int(major) >= 8


def source_files(root: Path = SOURCE) -> list[Path]:
    """The files the module is built from: the pom and the Java sources (never a build output)."""
    files = [root / "pom.xml", *sorted((root / "src").rglob("*.java"))]
    return [f for f in files if f.is_file()]


def source_hash(root: Path = SOURCE) -> str:
    """A short hash of the sources: a change of any of them builds the module again."""
    digest = hashlib.sha256()
    for path in source_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def recipe_entry(version: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """What the module adds to an image's recipe (so a changed module rebuilds the images)."""
    return [f"{NAME}-{source_hash()}"] if wanted(version, environ) else []


_LUCENE_RE = re.compile(r"lucene-core-(\d[^/]*)\.jar")


@dataclass(frozen=True)
class BuildInputs:
    """What one build needs: the version, its lib/ directory and Lucene version, and the JDK."""

    version: str
    lib: Path
    lucene: str
    jdk: Jdk
    release: int


def lucene_version(lib_jars: Iterable[str]) -> str | None:
    """The Lucene version the server's lib/ ships (from its lucene-core jar)."""
    for name in lib_jars:
        match = _LUCENE_RE.fullmatch(name)
        if match:
            return match.group(1)
    return None


def required_jars(version: str, lucene: str) -> list[str]:
    """The lib/ jars the pom compiles against."""
    return [
        f"elasticsearch-{version}.jar",
        f"elasticsearch-core-{version}.jar",
        f"elasticsearch-x-content-{version}.jar",
        f"lucene-core-{lucene}.jar",
        f"lucene-analysis-common-{lucene}.jar",
    ]


def inputs(home: Path, version: str, jdk: Jdk | None = None) -> BuildInputs:
    """Check that ``home``'s lib/ has what the build compiles against, and choose the JDK."""
    lib = home / "lib"
    names = sorted(p.name for p in lib.glob("*.jar"))
    lucene = lucene_version(names)
    if lucene is None:
        raise BuildError(f"{lib} has no lucene-core jar")
    missing = [jar for jar in required_jars(version, lucene) if jar not in names]
    if missing:
        raise BuildError(f"{lib} lacks {', '.join(missing)}")
    release = policy_for(version).minimum  # the oldest Java the version runs on: 17 for 8.x, 21 for 9.x
    return BuildInputs(version, lib, lucene, jdk or find_jdk(version), release)


def descriptor(version: str, release: int) -> str:
    """The plugin-descriptor.properties the node reads to load the module."""
    return extra_modules.plugin_descriptor(NAME, DESCRIPTION, version, str(release), CLASSNAME)


def mvn_args(build: BuildInputs) -> list[str]:
    """The mvn goals and properties of one build (see the pom)."""
    return [
        "-q",
        "package",
        f"-Des.lib={build.lib}",
        f"-Des.version={build.version}",
        f"-Dlucene.version={build.lucene}",
        f"-Djava.release={build.release}",
    ]


def first_error(output: str) -> str:
    """The first telling ``[ERROR]`` line of mvn's output (or its last line), for a one-line log."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("[ERROR]"):
            text = line.removeprefix("[ERROR]").strip()
            if text and not text.startswith("COMPILATION ERROR"):
                return text[:300]
    return lines[-1][:300] if lines else "no output"


def compile_module(build: BuildInputs, workdir: Path) -> Path:
    """Copy the sources to ``workdir``, run mvn there and return the jar it made."""
    project = workdir / "project"
    shutil.copytree(SOURCE, project, ignore=shutil.ignore_patterns("target", ".*"))
    env = dict(os.environ)
    env["JAVA_HOME"] = str(build.jdk.home)
    env.pop("MAVEN_OPTS", None)
    done = subprocess.run(
        maven._mvn_command(mvn_args(build)),
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    jar = project / "target" / f"{NAME}.jar"
    if done.returncode != 0 or not jar.is_file():
        raise BuildError(f"mvn failed: {first_error(done.stdout + done.stderr)}")
    return jar


def build(home: Path, version: str, cache: Path, jdk: Jdk | None = None) -> Path:
    """The module directory for ``version`` from ``cache``, built on a miss.

    Built in a temporary directory and renamed into place, so an interrupted build never leaves
    half a module in the cache, and two concurrent builds both end with a complete one.
    """
    target = cache / f"{version}-{source_hash()}"
    if (target / NAME / DESCRIPTOR).is_file():
        return target / NAME
    build_inputs = inputs(home, version, jdk)
    cache.mkdir(parents=True, exist_ok=True)
    _log(f"building the {NAME} module for {version} with mvn and Java {build_inputs.jdk.feature} (once)")
    with tempfile.TemporaryDirectory(dir=cache, prefix=".build-") as tmp:
        jar = compile_module(build_inputs, Path(tmp))
        out = Path(tmp) / "out"
        module = out / NAME
        module.mkdir(parents=True)
        shutil.copy2(jar, module / f"{NAME}-{version}.jar")
        (module / DESCRIPTOR).write_text(descriptor(version, build_inputs.release))
        if not (target / NAME / DESCRIPTOR).is_file():  # no one was faster
            shutil.rmtree(target, ignore_errors=True)
            os.replace(out, target)
    for stale in cache.glob(f"{version}-*"):  # builds of older sources
        if stale != target and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    return target / NAME


def _log(message: str) -> None:
    print(f"escluster: {message}", file=sys.stderr, flush=True)


def install(home: Path, version: str) -> bool:
    """Add the module to ``home/modules`` (built or taken from the cache); whether it was added.

    Optional: when it cannot be built, one line says why and the node starts without it.
    """
    if not wanted(version) or (home / "modules" / NAME).exists():
        return False
    try:
        source = build(home, version, state.cache_dir() / "analysis")
        shutil.copytree(source, home / "modules" / NAME)
    except (BuildError, maven.MavenError, NoSuitableJdkError, OSError, subprocess.SubprocessError) as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0]
        _log(f"starting {version} without the {NAME} module: {reason}")
        shutil.rmtree(home / "modules" / NAME, ignore_errors=True)
        return False
    return True
