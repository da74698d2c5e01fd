"""The escluster-analysis module of 8.x/9.x homes (analysis_module): which versions get it, its
descriptor, the build inputs, the cache, and a failed build that only logs (mvn replaced by
fakes; the real build runs in test_escluster_analysis_cluster.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from escluster import analysis_module, extra_modules, images, local
from escluster.analysis_module import (
    NAME,
    SOURCE,
    BuildError,
    BuildInputs,
    descriptor,
    first_error,
    inputs,
    lucene_version,
    mvn_args,
    recipe_entry,
    required_jars,
    source_files,
    source_hash,
    wanted,
)
from escluster.jdk import Jdk, NoSuitableJdkError

JDK = Jdk(Path("/opt/jdk-25"), 25)
LIB_9 = [
    "elasticsearch-9.5.4.jar",
    "elasticsearch-core-9.5.4.jar",
    "elasticsearch-x-content-9.5.4.jar",
    "elasticsearch-plugin-analysis-api-9.5.4.jar",
    "lucene-core-10.5.1.jar",
    "lucene-analysis-common-10.5.1.jar",
    "lucene-backward-codecs-10.5.1.jar",
    "log4j-api-2.26.1.jar",
]


def parse(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def fake_home(tmp_path: Path, lib: list[str] = LIB_9) -> Path:
    home = tmp_path / "home"
    (home / "lib").mkdir(parents=True)
    for name in lib:
        (home / "lib" / name).write_bytes(b"")
    (home / "modules" / "transport-netty4").mkdir(parents=True)
    return home


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ESCLUSTER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("ESCLUSTER_EXTRA_MODULES", raising=False)
    return tmp_path / "cache"


def test_wanted_for_8_and_later_unless_opted_out() -> None:
    assert wanted("8.19.21", {}) and wanted("9.5.4", {}) and wanted("10.0.0", {})
    assert not wanted("7.17.29", {})
    assert not wanted("9.5.4", {"ESCLUSTER_EXTRA_MODULES": " NONE "})
    assert not wanted("8.19.21", {"ESCLUSTER_EXTRA_MODULES": "none"})


def test_descriptor_states_the_exact_server_version() -> None:
    assert parse(descriptor("9.5.4", 21)) == {
        "name": "escluster-analysis",
        "description": analysis_module.DESCRIPTION,
        "version": "9.5.4",
        "elasticsearch.version": "9.5.4",
        "java.version": "21",
        "classname": "org.escluster.analysis.EsclusterAnalysisPlugin",
        "extended.plugins": "",
        "has.native.controller": "false",
    }


def test_the_descriptor_class_is_in_the_sources() -> None:
    path = SOURCE / "src" / "main" / "java" / Path(*analysis_module.CLASSNAME.split("."))
    text = path.with_suffix(".java").read_text()
    assert "extends Plugin implements AnalysisPlugin" in text


def test_lucene_version_from_lib() -> None:
    assert lucene_version(LIB_9) == "10.5.1"
    assert lucene_version(["lucene-core-9.12.2.jar", "lucene-analysis-common-9.12.2.jar"]) == "9.12.2"
    assert lucene_version(["elasticsearch-9.5.4.jar", "lucene-core-extras.jar"]) is None


def test_pom_compiles_against_exactly_the_required_jars() -> None:
    pom = (SOURCE / "pom.xml").read_text()
    paths = re.findall(r"<systemPath>\$\{es\.lib\}/([^<]+)</systemPath>", pom)
    as_built = [p.replace("${es.version}", "9.5.4").replace("${lucene.version}", "10.5.1") for p in paths]
    assert sorted(as_built) == sorted(required_jars("9.5.4", "10.5.1"))


@pytest.mark.parametrize(("version", "release"), [("8.19.21", 17), ("9.5.4", 21)])
def test_inputs_take_lib_and_the_oldest_java_of_the_line(tmp_path: Path, version: str, release: int) -> None:
    lib = [name.replace("9.5.4", version) for name in LIB_9]
    build = inputs(fake_home(tmp_path, lib), version, JDK)
    assert build == BuildInputs(version, tmp_path / "home" / "lib", "10.5.1", JDK, release)
    args = mvn_args(build)
    assert "package" in args
    assert f"-Des.version={version}" in args and f"-Djava.release={release}" in args
    assert f"-Des.lib={tmp_path / 'home' / 'lib'}" in args and "-Dlucene.version=10.5.1" in args


def test_inputs_name_what_lib_lacks(tmp_path: Path) -> None:
    home = fake_home(tmp_path, [n for n in LIB_9 if not n.startswith("lucene-analysis-common")])
    with pytest.raises(BuildError, match=r"lacks lucene-analysis-common-10\.5\.1\.jar"):
        inputs(home, "9.5.4", JDK)
    with pytest.raises(BuildError, match="no lucene-core jar"):
        inputs(fake_home(tmp_path / "other", ["elasticsearch-9.5.4.jar"]), "9.5.4", JDK)


def test_source_files_are_the_pom_and_java_sources() -> None:
    files = source_files()
    assert files[0] == SOURCE / "pom.xml"
    assert all(f.suffix == ".java" for f in files[1:]) and len(files) > 5
    assert not any("target" in f.relative_to(SOURCE).parts for f in files)


def test_source_hash_follows_the_sources_only(tmp_path: Path) -> None:
    copy = tmp_path / "module"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("target"))
    assert source_hash(copy) == source_hash()
    (copy / "target").mkdir()
    (copy / "target" / "x.class").write_bytes(b"build output")
    assert source_hash(copy) == source_hash()
    java = sorted((copy / "src").rglob("*.java"))[0]
    java.write_text(java.read_text() + "\n// changed\n")
    assert source_hash(copy) != source_hash()


def test_recipe_entry_changes_images_of_8_and_9_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESCLUSTER_EXTRA_MODULES", raising=False)
    assert recipe_entry("9.5.4") == [f"{NAME}-{source_hash()}"]
    assert recipe_entry("7.17.29") == []
    assert recipe_entry("9.5.4", {"ESCLUSTER_EXTRA_MODULES": "none"}) == []
    with_module = images.recipe("9.5.4", JDK.home, 25, recipe_entry("9.5.4"))
    assert with_module != images.recipe("9.5.4", JDK.home, 25, [])


def test_first_error_is_the_telling_line() -> None:
    output = (
        "[INFO] Scanning\n[ERROR] COMPILATION ERROR : \n"
        "[ERROR] /p/Tokenizers.java:[3,1] cannot find symbol\n[ERROR] -> [Help 1]\n"
    )
    assert first_error(output) == "/p/Tokenizers.java:[3,1] cannot find symbol"
    assert first_error("just one line\n") == "just one line"
    assert first_error("") == "no output"


def fake_compile(calls: list[BuildInputs]) -> object:
    def compile_module(build: BuildInputs, workdir: Path) -> Path:
        calls.append(build)
        jar = workdir / "project" / "target" / f"{NAME}.jar"
        jar.parent.mkdir(parents=True)
        jar.write_bytes(b"PK fake jar")
        return jar

    return compile_module


def test_install_builds_once_then_copies_from_the_cache(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[BuildInputs] = []
    monkeypatch.setattr(analysis_module, "compile_module", fake_compile(calls))
    monkeypatch.setattr(analysis_module, "find_jdk", lambda version: JDK)
    stale = cache / "analysis" / "9.5.4-0000000000000000" / NAME
    stale.mkdir(parents=True)
    other_version = cache / "analysis" / "8.19.21-0000000000000000"
    other_version.mkdir(parents=True)

    first = fake_home(tmp_path / "a")
    assert analysis_module.install(first, "9.5.4") is True
    module = first / "modules" / NAME
    assert sorted(p.name for p in module.iterdir()) == [f"{NAME}-9.5.4.jar", "plugin-descriptor.properties"]
    assert parse((module / "plugin-descriptor.properties").read_text())["java.version"] == "21"
    assert len(calls) == 1 and calls[0].jdk == JDK
    assert not stale.exists() and other_version.exists()  # older sources of this version only

    second = fake_home(tmp_path / "b")
    assert analysis_module.install(second, "9.5.4") is True
    assert len(calls) == 1  # from the cache
    assert analysis_module.install(second, "9.5.4") is False  # already there


def test_install_skips_7_17_and_the_opt_out(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[BuildInputs] = []
    monkeypatch.setattr(analysis_module, "compile_module", fake_compile(calls))
    assert analysis_module.install(fake_home(tmp_path / "a"), "7.17.29") is False
    monkeypatch.setenv("ESCLUSTER_EXTRA_MODULES", "none")
    home = fake_home(tmp_path / "b")
    assert analysis_module.install(home, "9.5.4") is False
    assert not calls and not (home / "modules" / NAME).exists()


@pytest.mark.parametrize(
    "failure",
    [
        BuildError("mvn failed: /p/X.java:[1,1] cannot find symbol"),
        subprocess.TimeoutExpired(["mvn"], 600),
        OSError("No space left on device"),
    ],
)
def test_failed_build_logs_one_line_and_leaves_the_home_alone(
    tmp_path: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    failure: Exception,
) -> None:
    def compile_module(build: BuildInputs, workdir: Path) -> Path:
        raise failure

    monkeypatch.setattr(analysis_module, "compile_module", compile_module)
    monkeypatch.setattr(analysis_module, "find_jdk", lambda version: JDK)
    home = fake_home(tmp_path)
    assert analysis_module.install(home, "9.5.4") is False
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("escluster: building the escluster-analysis module for 9.5.4")
    assert len(err) == 2 and err[1].startswith(
        "escluster: starting 9.5.4 without the escluster-analysis module: "
    )
    assert not (home / "modules" / NAME).exists()
    assert not list((cache / "analysis").glob("9.5.4-*"))  # nothing half-built in the cache


def test_missing_mvn_is_one_line(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ESCLUSTER_MVN", str(tmp_path / "no-mvn"))
    monkeypatch.setattr(analysis_module, "find_jdk", lambda version: JDK)
    assert analysis_module.install(fake_home(tmp_path), "9.5.4") is False
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == (
        "escluster: starting 9.5.4 without the escluster-analysis module: "
        "mvn was not found on PATH (set ESCLUSTER_MVN to its location)"
    )


def test_no_jdk_is_one_line(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_jdk(version: str) -> Jdk:
        raise NoSuitableJdkError("Elasticsearch 9.5.4 needs Java 21..any; found: none")

    monkeypatch.setattr(analysis_module, "find_jdk", no_jdk)
    assert analysis_module.install(fake_home(tmp_path), "9.5.4") is False
    assert capsys.readouterr().err.strip() == (
        "escluster: starting 9.5.4 without the escluster-analysis module: "
        "Elasticsearch 9.5.4 needs Java 21..any; found: none"
    )


def test_prepare_home_adds_the_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(local, "unpack", lambda zip_path, dest: dest)
    monkeypatch.setattr(extra_modules, "install", lambda home, version: seen.append(("extra", version)))
    monkeypatch.setattr(analysis_module, "install", lambda home, version: seen.append(("analysis", version)))
    assert local.prepare_home(tmp_path / "x.zip", tmp_path / "home", "9.5.4") == tmp_path / "home"
    assert seen == [("extra", "9.5.4"), ("analysis", "9.5.4")]
