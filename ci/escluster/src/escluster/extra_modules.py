"""Modules the 7.17 integration-test distribution lacks, added from their published jars.

The integration-test zip carries only transport-netty4 and x-pack core/security, so reindex,
scaled_float, join and percolate queries, rank_eval and search templates are missing.  7.17
publishes the jar of each of those modules to Maven as ``org.elasticsearch.plugin:<name>-client``;
with its runtime dependencies and a descriptor written here, it loads as a module.  Both
providers get them through ``local.prepare_home``, so images built for 7.17 carry them too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import maven, state

ENV = "ESCLUSTER_EXTRA_MODULES"  # "none" leaves the distribution as it is
GROUP_ID = "org.elasticsearch.plugin"
DESCRIPTOR = "plugin-descriptor.properties"


@dataclass(frozen=True)
class ExtraModule:
    """One module: the facts its descriptor needs (the class is the jar's Plugin subclass)."""

    name: str
    classname: str
    description: str
    extended: tuple[str, ...] = ()

    @property
    def artifact(self) -> str:
        return f"{self.name}-client"


# None of these extends another module; each class is the Plugin subclass in its 7.17.29 jar.
MODULES_7_17: tuple[ExtraModule, ...] = (
    ExtraModule(
        "reindex", "org.elasticsearch.reindex.ReindexPlugin", "_reindex, _update_by_query, _delete_by_query"
    ),
    ExtraModule(
        "mapper-extras",
        "org.elasticsearch.index.mapper.MapperExtrasPlugin",
        "scaled_float, rank_feature(s), search_as_you_type and token_count fields",
    ),
    ExtraModule(
        "parent-join",
        "org.elasticsearch.join.ParentJoinPlugin",
        "join field, has_child and has_parent queries",
    ),
    ExtraModule(
        "percolator", "org.elasticsearch.percolator.PercolatorPlugin", "percolator field and percolate query"
    ),
    ExtraModule("rank-eval", "org.elasticsearch.index.rankeval.RankEvalPlugin", "_rank_eval"),
    ExtraModule(
        "lang-mustache",
        "org.elasticsearch.script.mustache.MustachePlugin",
        "mustache scripts and search templates",
    ),
)


def switched_off(environ: Mapping[str, str] | None = None) -> bool:
    """``ESCLUSTER_EXTRA_MODULES=none``: no module escluster adds (these, escluster-analysis)."""
    return (os.environ if environ is None else environ).get(ENV, "").strip().lower() == "none"


def wanted(version: str, environ: Mapping[str, str] | None = None) -> tuple[ExtraModule, ...]:
    """The modules to add to ``version``: 7.17 only (the only line whose jars we checked)."""
    if switched_off(environ) or not version.startswith("7.17."):
        return ()
    return MODULES_7_17


def plugin_descriptor(
    name: str, description: str, version: str, java: str, classname: str, extended: Sequence[str] = ()
) -> str:
    """The plugin-descriptor.properties a node reads to load a module."""
    return (
        f"name={name}\n"
        f"description={description}\n"
        f"version={version}\n"
        f"elasticsearch.version={version}\n"
        f"java.version={java}\n"
        f"classname={classname}\n"
        f"extended.plugins={','.join(extended)}\n"
        "has.native.controller=false\n"
    )


def descriptor(module: ExtraModule, version: str) -> str:
    """The descriptor of ``module`` (its 7.x jar is built for Java 8)."""
    return plugin_descriptor(
        module.name, module.description, version, "1.8", module.classname, module.extended
    )


def shipped(artifact_id: str, lib_jars: Iterable[str]) -> bool:
    """Whether the server's lib/ already has ``artifact_id`` in any version.

    A second copy on the module's classpath fails ES's jar hell check at start.
    """
    pattern = re.compile(re.escape(artifact_id) + r"-\d[^/]*\.jar")
    return any(pattern.fullmatch(name) for name in lib_jars)


def module_jars(jars: Sequence[tuple[str, Path]], lib_jars: Iterable[str]) -> list[Path]:
    """The jars (artifactId, path) a module directory gets: those lib/ does not ship."""
    lib = list(lib_jars)
    return [path for artifact_id, path in jars if not shipped(artifact_id, lib)]


def _log(message: str) -> None:
    print(f"escluster: {message}", file=sys.stderr, flush=True)


def assemble(version: str, modules: Sequence[ExtraModule], lib_jars: Iterable[str], cache: Path) -> Path:
    """``cache/<version>/<name>/`` for every module, fetched with mvn on a cache miss.

    Built in a temporary directory and renamed into place, so an interrupted fetch never
    leaves half a module in the cache.
    """
    target = cache / version
    if all((target / m.name / DESCRIPTOR).is_file() for m in modules):
        return target
    cache.mkdir(parents=True, exist_ok=True)
    _log(f"fetching the modules {', '.join(m.name for m in modules)} for {version} with mvn (once)")
    lib = list(lib_jars)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".download-") as tmp:
        found = maven.fetch_jars(GROUP_ID, [m.artifact for m in modules], version, Path(tmp) / "mvn")
        built = Path(tmp) / version
        for module in modules:
            directory = built / module.name
            directory.mkdir(parents=True)
            for jar in module_jars(found[module.artifact], lib):
                shutil.copy2(jar, directory / jar.name)
            (directory / DESCRIPTOR).write_text(descriptor(module, version))
        if not all((target / m.name / DESCRIPTOR).is_file() for m in modules):  # no one was faster
            shutil.rmtree(target, ignore_errors=True)
            os.replace(built, target)
    return target


def install(home: Path, version: str) -> list[str]:
    """Copy the modules ``home`` lacks into ``home/modules``; the names added.

    They are optional: when mvn cannot fetch them, one line says so and the node starts
    without them.
    """
    modules = [m for m in wanted(version) if not (home / "modules" / m.name).exists()]
    if not modules:
        return []
    lib_jars = [p.name for p in (home / "lib").glob("*.jar")]
    try:
        source = assemble(version, modules, lib_jars, state.cache_dir() / "modules")
    except (maven.MavenError, OSError, subprocess.SubprocessError) as exc:
        _log(
            f"starting {version} without the modules {', '.join(m.name for m in modules)}: {str(exc).splitlines()[0].rstrip(':')}"
        )
        return []
    for module in modules:
        shutil.copytree(source / module.name, home / "modules" / module.name)
    return [m.name for m in modules]
