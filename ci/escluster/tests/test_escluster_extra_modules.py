"""The modules added to 7.17 homes (extra_modules): descriptors, excluded jars, opt-out, and a
failed fetch that only logs (mvn replaced by fakes, no network)."""

from __future__ import annotations

from pathlib import Path

import pytest
from escluster import extra_modules, maven
from escluster.extra_modules import MODULES_7_17, ExtraModule, descriptor, module_jars, shipped, wanted

LIB = [
    "elasticsearch-7.17.29.jar",
    "elasticsearch-core-7.17.29.jar",
    "elasticsearch-x-content-7.17.29.jar",
    "lucene-core-8.11.3.jar",
    "log4j-api-2.17.1.jar",
    "jackson-core-2.14.2.jar",
]


def parse(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def test_descriptor_has_what_es_reads() -> None:
    module = ExtraModule("percolator", "org.elasticsearch.percolator.PercolatorPlugin", "percolate query")
    assert parse(descriptor(module, "7.17.29")) == {
        "name": "percolator",
        "description": "percolate query",
        "version": "7.17.29",
        "elasticsearch.version": "7.17.29",
        "java.version": "1.8",
        "classname": "org.elasticsearch.percolator.PercolatorPlugin",
        "extended.plugins": "",
        "has.native.controller": "false",
    }


def test_descriptor_lists_extended_modules() -> None:
    module = ExtraModule("child", "a.ChildPlugin", "child", extended=("parent", "other"))
    assert parse(descriptor(module, "7.17.1"))["extended.plugins"] == "parent,other"


def test_modules_are_named_after_their_client_artifacts() -> None:
    assert [m.artifact for m in MODULES_7_17] == [
        "reindex-client",
        "mapper-extras-client",
        "parent-join-client",
        "percolator-client",
        "rank-eval-client",
        "lang-mustache-client",
    ]
    assert all(m.classname.endswith("Plugin") for m in MODULES_7_17)


@pytest.mark.parametrize(
    ("artifact_id", "in_lib"),
    [
        ("elasticsearch-core", True),
        ("elasticsearch", True),
        ("lucene-core", True),
        ("jackson-core", True),
        ("log4j-api", True),
        ("elasticsearch-ssl-config", False),  # a prefix of a shipped jar's name is not that jar
        ("elasticsearch-x", False),
        ("log4j", False),
        ("httpclient", False),
    ],
)
def test_shipped_matches_artifact_ids_in_any_version(artifact_id: str, in_lib: bool) -> None:
    assert shipped(artifact_id, LIB) is in_lib


def test_module_jars_leave_out_what_lib_ships() -> None:
    jars = [
        ("reindex-client", Path("reindex-client-7.17.29.jar")),
        ("elasticsearch-core", Path("elasticsearch-core-7.17.29.jar")),
        ("jackson-core", Path("jackson-core-2.15.0.jar")),  # another version still clashes
        ("httpclient", Path("httpclient-4.5.14.jar")),
    ]
    assert module_jars(jars, LIB) == [Path("reindex-client-7.17.29.jar"), Path("httpclient-4.5.14.jar")]


def test_wanted_only_for_7_17_and_opt_out() -> None:
    assert wanted("7.17.29", {}) == MODULES_7_17
    assert wanted("7.17.29", {"ESCLUSTER_EXTRA_MODULES": " None "}) == ()
    assert wanted("7.16.3", {}) == ()
    assert wanted("8.19.21", {}) == ()
    assert wanted("9.5.4", {}) == ()


def fake_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / "lib").mkdir(parents=True)
    for name in LIB:
        (home / "lib" / name).write_bytes(b"")
    (home / "modules" / "transport-netty4").mkdir(parents=True)
    return home


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ESCLUSTER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("ESCLUSTER_EXTRA_MODULES", raising=False)
    return tmp_path / "cache"


def test_install_assembles_once_and_copies_into_home(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def fetch_jars(
        group: str, artifacts: list[str], version: str, dest: Path
    ) -> dict[str, list[tuple[str, Path]]]:
        calls.append(list(artifacts))
        dest.mkdir(parents=True)
        found = {}
        for artifact in artifacts:
            own, core = dest / f"{artifact}-{version}.jar", dest / f"elasticsearch-core-{version}.jar"
            own.write_bytes(b"jar")
            core.write_bytes(b"jar")
            found[artifact] = [(artifact, own), ("elasticsearch-core", core)]
        return found

    monkeypatch.setattr(maven, "fetch_jars", fetch_jars)
    home = fake_home(tmp_path)
    added = extra_modules.install(home, "7.17.29")
    assert added == [m.name for m in MODULES_7_17]
    assert sorted(p.name for p in (home / "modules" / "reindex").iterdir()) == [
        "plugin-descriptor.properties",
        "reindex-client-7.17.29.jar",
    ]
    assert (cache / "modules" / "7.17.29" / "percolator" / "plugin-descriptor.properties").is_file()
    assert extra_modules.install(fake_home(tmp_path / "again"), "7.17.29") == added
    assert len(calls) == 1  # the second home came from the cache


def test_install_skips_modules_the_distribution_has(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = fake_home(tmp_path)
    for module in MODULES_7_17:
        (home / "modules" / module.name).mkdir()
    monkeypatch.setattr(maven, "fetch_jars", lambda *a: pytest.fail("nothing to fetch"))
    assert extra_modules.install(home, "7.17.29") == []


def test_install_opt_out_leaves_home_alone(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESCLUSTER_EXTRA_MODULES", "none")
    monkeypatch.setattr(maven, "fetch_jars", lambda *a: pytest.fail("opted out"))
    home = fake_home(tmp_path)
    assert extra_modules.install(home, "7.17.29") == []
    assert [p.name for p in (home / "modules").iterdir()] == ["transport-netty4"]


def test_failed_fetch_logs_one_line_and_adds_nothing(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fetch_jars(*args: object) -> None:
        raise maven.MavenError(
            "mvn could not fetch org.elasticsearch.plugin:reindex-client:7.17.29:\n[ERROR] ..."
        )

    monkeypatch.setattr(maven, "fetch_jars", fetch_jars)
    home = fake_home(tmp_path)
    assert extra_modules.install(home, "7.17.29") == []
    assert [p.name for p in (home / "modules").iterdir()] == ["transport-netty4"]
    assert not (cache / "modules" / "7.17.29").exists()
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("escluster: starting 7.17.29 without the modules reindex, ")
    assert err[-1].endswith(": mvn could not fetch org.elasticsearch.plugin:reindex-client:7.17.29")
