"""Everything that talks to Maven: fetching distributions and listing versions.

Only the ``mvn`` client is used (never a hard-coded repository address), so the
user's Maven settings, mirrors and proxies apply unchanged.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path

GROUP_ID = "org.elasticsearch.distribution.integ-test-zip"
ARTIFACT_ID = "elasticsearch"
# Pinned so behaviour does not depend on whatever plugin version Maven defaults to
# (the 2.x default lacks -Dartifact for copy).
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

# Artifacts released with every Elasticsearch version; their maven-metadata.xml
# files are only hints (they can miss releases), so every candidate is then probed.
HINT_ARTIFACTS: tuple[tuple[str, str, str], ...] = (
    (GROUP_ID, ARTIFACT_ID, "zip"),
    ("org.elasticsearch", "elasticsearch", "jar"),
    ("org.elasticsearch.client", "elasticsearch-rest-client", "jar"),
)

_PROBE_DEPENDENCY = """    <dependency>
      <groupId>{group}</groupId>
      <artifactId>{artifact}</artifactId>
      <version>[0,)</version>
      <type>{type}</type>
      <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>
    </dependency>
"""

_PROBE_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.escluster</groupId>
  <artifactId>version-probe</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
{dependencies}  </dependencies>
</project>
"""


class MavenError(RuntimeError):
    """mvn is missing or could not deliver what was asked for."""


def local_repository() -> Path:
    """The local Maven repository we pass to every mvn call (so we know where files land)."""
    configured = os.environ.get("ESCLUSTER_M2_REPO")
    return Path(configured) if configured else Path.home() / ".m2" / "repository"


def _mvn_command(args: list[str], quiet: bool = True) -> list[str]:
    """mvn in batch mode against our local repository (``quiet``: without transfer lines)."""
    mvn = shutil.which(os.environ.get("ESCLUSTER_MVN", "mvn"))
    if mvn is None:
        raise MavenError("mvn was not found on PATH (set ESCLUSTER_MVN to its location)")
    return [mvn, "-B", *(["-ntp"] if quiet else []), f"-Dmaven.repo.local={local_repository()}", *args]


def _mvn(args: list[str], cwd: Path, timeout: float = 900.0) -> subprocess.CompletedProcess[str]:
    """Run mvn and capture its output."""
    cmd = _mvn_command(args)
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.splitlines()[-lines:])


def local_zip(version: str) -> Path:
    """Where mvn keeps the distribution zip of ``version`` in the local repository."""
    directory = local_repository().joinpath(*GROUP_ID.split("."), ARTIFACT_ID, version)
    return directory / f"{ARTIFACT_ID}-{version}.zip"


def artifact_coordinates(version: str) -> str:
    """The G:A:V:type string for the integration-test distribution of ``version``."""
    return f"{GROUP_ID}:{ARTIFACT_ID}:{version}:zip"


def fetch_distribution(version: str, cache_dir: Path, report: Callable[[str], None] | None = None) -> Path:
    """Return the cached zip for ``version``, downloading it with mvn on a cache miss.

    The copy goes to a temporary directory first and is renamed into place, so an
    interrupted download never leaves a truncated zip in the cache. A download takes
    minutes (about 300 MB), so its progress goes to ``report`` (default: stderr).
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"elasticsearch-{version}.zip"
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".download-") as tmp:
        returncode, output = _run_watching(
            _mvn_command(
                [
                    f"{DEPENDENCY_PLUGIN}:copy",
                    f"-Dartifact={artifact_coordinates(version)}",
                    f"-DoutputDirectory={tmp}",
                    "-Dmdep.overWriteReleases=true",
                ],
                quiet=False,  # its "Downloading from <repository>: <url>" line names the source
            ),
            Path(tmp),
            version,
            report or _to_stderr,
        )
        produced = Path(tmp) / target.name
        if returncode != 0 or not produced.is_file():
            raise MavenError(f"mvn could not fetch {artifact_coordinates(version)}:\n{_tail(output)}")
        os.replace(produced, target)
    return target


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


_DOWNLOADING_RE = re.compile(r"Downloading from ([^:\s]+): (\S+\.zip)\s*$", re.MULTILINE)


def format_progress(version: str, source: str, done: int, total: int | None) -> str:
    """One progress line; sizes in MB as Maven prints them (10**6 bytes)."""
    size = f"{done / 1e6:.0f}/{total / 1e6:.0f} MB" if total else f"{done / 1e6:.0f} MB"
    where = "Maven Central" if source == "central" else f"Maven repository {source!r}"
    return f"escluster: downloading elasticsearch {version} (integ-test zip) from {where}: {size}"


class ProgressPacer:
    """When to print: at every further tenth of a known size, else every ``interval`` seconds."""

    def __init__(self, interval: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self.tenths = -1
        self.last = clock()

    def due(self, done: int, total: int | None) -> bool:
        if total:
            tenths = min(10, done * 10 // total)
            if tenths > self.tenths:
                self.tenths = tenths
                return True
            return False
        if self.clock() - self.last >= self.interval:
            self.last = self.clock()
            return True
        return False


def _remote_size(url: str) -> int | None:
    """Content-Length of the zip mvn is downloading (None if the repository will not say,
    e.g. one that needs the credentials only Maven has)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10) as response:
            length = response.headers.get("Content-Length")
    except (OSError, ValueError):
        return None
    return int(length) if length and length.isdigit() else None


def _run_watching(
    cmd: list[str], cwd: Path, version: str, report: Callable[[str], None], timeout: float = 1800.0
) -> tuple[int, str]:
    """Run mvn, reporting the size of the zip it is writing into the local repository
    (Maven downloads to ``<zip>.part`` there); return its exit code and output."""
    part = local_zip(version).with_name(local_zip(version).name + ".part")
    log_path = cwd / "mvn.log"
    source: str | None = None
    total: int | None = None
    pacer = ProgressPacer()
    with log_path.open("w") as log:
        process = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while process.poll() is None:
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                break
            time.sleep(0.5)
            if source is None and (match := _DOWNLOADING_RE.search(log_path.read_text(errors="replace"))):
                source, total = match[1], _remote_size(match[2])
            try:
                done = part.stat().st_size
            except OSError:
                continue
            if source is not None and done and pacer.due(done, total):
                report(format_progress(version, source, done, total))
    output = log_path.read_text(errors="replace")
    if source is not None and process.returncode == 0 and pacer.tenths < 10:
        report(format_progress(version, source, total or local_zip(version).stat().st_size, total))
    return process.returncode, output


def _metadata_versions(directory: Path) -> set[str]:
    """Union of the <version> entries of every maven-metadata-*.xml in ``directory``."""
    found: set[str] = set()
    for path in directory.glob("maven-metadata-*.xml"):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError:
            continue
        found.update(v.text.strip() for v in root.iter("version") if v.text)
    return found


def hint_versions() -> set[str]:
    """Versions listed in the maven-metadata.xml of the hint artifacts.

    Maven downloads an artifact's metadata when it resolves a version range;
    collecting the dependency tree of a throw-away pom with ranges ``[0,)`` (and no
    transitive dependencies) does that without downloading any zip.  The metadata
    is then read from the local repository.
    """
    dependencies = "".join(
        _PROBE_DEPENDENCY.format(group=g, artifact=a, type=t) for g, a, t in HINT_ARTIFACTS
    )
    with tempfile.TemporaryDirectory(prefix="escluster-probe-") as tmp:
        (Path(tmp) / "pom.xml").write_text(_PROBE_POM.format(dependencies=dependencies))
        result = _mvn(["-U", f"{DEPENDENCY_PLUGIN}:tree"], cwd=Path(tmp), timeout=300)
    versions: set[str] = set()
    for group, artifact, _ in HINT_ARTIFACTS:
        versions |= _metadata_versions(local_repository().joinpath(*group.split("."), artifact))
    if not versions:
        raise MavenError(f"mvn produced no version metadata:\n{_tail(result.stdout + result.stderr)}")
    return versions


def distribution_served(version: str) -> bool:
    """Whether the repository serves the distribution zip of ``version``.

    The zip itself is asked for: the repository may serve it without a pom or
    checksums and without listing it in maven-metadata.xml.  A hit lands in the
    local repository, so the later fetch_distribution() copies it from there (and a
    zip already there counts as served without asking again).
    """
    if local_zip(version).is_file():
        return True
    with tempfile.TemporaryDirectory(prefix="escluster-probe-") as tmp:
        result = _mvn(
            [
                "-U",  # do not trust a cached "not found" from an earlier probe
                f"{DEPENDENCY_PLUGIN}:get",
                f"-Dartifact={artifact_coordinates(version)}",
                "-Dtransitive=false",
            ],
            cwd=Path(tmp),
            timeout=900,
        )
    return result.returncode == 0


_REACTOR_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.escluster</groupId>
  <artifactId>jars</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <modules>
{modules}  </modules>
</project>
"""

_CHILD_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.escluster</groupId>
  <artifactId>jars-{artifact}</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>{group}</groupId>
      <artifactId>{artifact}</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""


def fetch_jars(
    group: str, artifacts: Sequence[str], version: str, dest: Path
) -> dict[str, list[tuple[str, Path]]]:
    """Each artifact's jar with its runtime dependencies, as (artifactId, jar) pairs under ``dest``.

    One mvn run over a reactor of one throw-away pom per artifact keeps every artifact's
    dependencies apart (each becomes its own module directory) at the cost of a single
    Maven start; the repository layout of the copies tells each jar's artifactId.
    """
    dest.mkdir(parents=True, exist_ok=True)
    modules = "".join(f"    <module>{a}</module>\n" for a in artifacts)
    (dest / "pom.xml").write_text(_REACTOR_POM.format(modules=modules))
    for artifact in artifacts:
        (dest / artifact).mkdir(parents=True, exist_ok=True)
        (dest / artifact / "pom.xml").write_text(
            _CHILD_POM.format(group=group, artifact=artifact, version=version)
        )
    result = _mvn(
        [
            f"{DEPENDENCY_PLUGIN}:copy-dependencies",
            "-DincludeScope=runtime",
            "-Dmdep.useRepositoryLayout=true",
            "-DoutputDirectory=jars",
        ],
        cwd=dest,
    )
    found: dict[str, list[tuple[str, Path]]] = {}
    for artifact in artifacts:
        # repository layout: <group dirs>/<artifactId>/<version>/<artifactId>-<version>.jar
        jars = sorted((dest / artifact / "jars").rglob("*.jar"))
        found[artifact] = [(jar.parent.parent.name, jar) for jar in jars]
        if result.returncode != 0 or not any(a == artifact for a, _ in found[artifact]):
            raise MavenError(
                f"mvn could not fetch {group}:{artifact}:{version}:\n{_tail(result.stdout + result.stderr)}"
            )
    return found


_VERSION_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def version_key(version: str) -> tuple[int, int, int, str]:
    """Sort key for release versions; qualifiers (e.g. -rc1) sort before the release."""
    match = _VERSION_RE.match(version)
    if match is None:
        return (-1, -1, -1, version)
    rest = version[match.end() :]
    major, minor, patch = (int(g) for g in match.groups())
    # "~" sorts after every qualifier, so the plain release wins over its pre-releases.
    return (major, minor, patch, rest or "~")
