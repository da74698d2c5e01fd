"""Provider plumbing that needs no Elasticsearch: container spec, provider choice,
unpacking, ports, the stop-everything safety net and stopping from a state file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import escluster
import pytest
from escluster import base, images, procs, state
from escluster.docker_provider import (
    _one_line,
    container_spec,
    host_nofile_limit,
    image_for,
    network_holder_spec,
    node_settings,
    published_port,
)
from escluster.local import free_ports, unpack
from escluster.url_provider import version_matches


def test_node_settings_single_node() -> None:
    env = node_settings("c1", 0, 1)
    assert env["discovery.type"] == "single-node"
    assert "discovery.seed_hosts" not in env
    assert env["xpack.security.enabled"] == "false"
    assert env["ES_JAVA_OPTS"] == "-Xms512m -Xmx512m"
    # transport on loopback keeps the node out of the production bootstrap checks
    assert env["network.host"] == "127.0.0.1" and env["http.host"] == "0.0.0.0"
    assert (env["http.port"], env["transport.port"]) == ("9200", "9300")
    assert "http.publish_port" not in env
    # what sniffing clients are told: the port published on the host
    published = node_settings("c1", 0, 1, publish_port=49153)
    assert (published["http.publish_host"], published["http.publish_port"]) == ("127.0.0.1", "49153")


def test_node_settings_three_nodes_share_loopback() -> None:
    envs = [node_settings("c3", i, 3, heap="256m") for i in range(3)]
    assert [e["node.name"] for e in envs] == ["node-0", "node-1", "node-2"]
    assert [e["http.port"] for e in envs] == ["9200", "9201", "9202"]
    assert [e["transport.port"] for e in envs] == ["9300", "9301", "9302"]
    for env in envs:
        assert "discovery.type" not in env
        assert env["discovery.seed_hosts"] == "127.0.0.1:9300,127.0.0.1:9301,127.0.0.1:9302"
        assert env["cluster.initial_master_nodes"] == "node-0,node-1,node-2"
        assert env["cluster.name"] == "c3" and env["ES_JAVA_OPTS"] == "-Xms256m -Xmx256m"


def test_network_holder_publishes_every_node_on_loopback() -> None:
    spec = network_holder_spec("img:1", "c3-net", "c3", 3, {"escluster": "1"})
    assert spec["network"] == "c3"
    assert spec["entrypoint"] == ["sleep", "infinity"]
    assert spec["ports"] == {f"{p}/tcp": ("127.0.0.1", None) for p in (9200, 9201, 9202)}
    assert spec["labels"] == {"escluster": "1"}


def test_container_spec_joins_the_holder() -> None:
    env = node_settings("c1", 0, 1)
    spec = container_spec("img:1", "c1-node-0", "abc123", env, {"escluster": "1"})
    assert spec["network_mode"] == "container:abc123"
    assert "ports" not in spec  # the holder publishes them
    assert spec["environment"] is env and spec["mem_limit"] == "1g" and spec["detach"] is True
    nofile = spec["ulimits"][0]
    assert nofile["Name"] == "nofile" and nofile["Soft"] == nofile["Hard"] == host_nofile_limit()
    assert container_spec("i", "n", "h", env, {}, mem_limit="2g", nofile=4096)["ulimits"][0]["Hard"] == 4096


def test_nofile_is_at_most_the_hosts_hard_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import resource

    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    expected = 65535 if hard == resource.RLIM_INFINITY else min(65535, hard)
    assert host_nofile_limit() == expected
    monkeypatch.setattr(resource, "getrlimit", lambda _: (1024, 20000))
    assert host_nofile_limit() == 20000


def test_docker_errors_are_one_line() -> None:
    class ApiError(Exception):
        explanation = "error setting rlimit type 7:\n  operation not permitted"

    assert _one_line(ApiError("500 Server Error")) == "error setting rlimit type 7: operation not permitted"
    assert _one_line(RuntimeError("no\nexplanation")) == "no explanation"


def test_image_is_the_local_build_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESCLUSTER_DOCKER_IMAGE", raising=False)
    assert image_for("8.19.21") == "escluster/elasticsearch:8.19.21"
    monkeypatch.setenv("ESCLUSTER_DOCKER_IMAGE", "mirror.example/es:{version}-x")
    assert image_for("9.5.3") == "mirror.example/es:9.5.3-x"


def test_published_port() -> None:
    attrs = {"NetworkSettings": {"Ports": {"9201/tcp": [{"HostIp": "127.0.0.1", "HostPort": "49153"}]}}}
    assert published_port(attrs, 9201) == 49153
    with pytest.raises(escluster.ClusterStartError):
        published_port({"NetworkSettings": {"Ports": {"9200/tcp": None}}})


def test_entrypoint_turns_dotted_variables_into_settings(tmp_path: Path) -> None:
    """The image's entrypoint, run with bash against a stand-in bin/elasticsearch."""
    (tmp_path / "bin").mkdir()
    fake = tmp_path / "bin" / "elasticsearch"
    fake.write_text('#!/bin/bash\nprintf "%s\\n" "$@"\n')
    fake.chmod(0o755)
    script = tmp_path / "entrypoint.sh"
    script.write_text(images.ENTRYPOINT.replace(images.ES_HOME, str(tmp_path)))
    env = {
        "PATH": os.environ["PATH"],
        "cluster.name": "a=b",
        "discovery.seed_hosts": "127.0.0.1:9300,127.0.0.1:9301",
        "ES_JAVA_OPTS": "-Xmx1g",
        "Not.A.Setting": "x",
    }
    out = subprocess.run(["bash", str(script), "-q"], env=env, capture_output=True, text=True, check=True)
    args = out.stdout.splitlines()
    assert sorted(args[:-1]) == ["-Ecluster.name=a=b", "-Ediscovery.seed_hosts=127.0.0.1:9300,127.0.0.1:9301"]
    assert args[-1] == "-q"


def test_dockerfile_runs_unprivileged_on_the_local_base() -> None:
    text = images.dockerfile("9.5.4", 25)
    assert text.startswith(f"FROM {images.BASE_IMAGE}\n")
    assert "USER 1000:1000" in text and "ENV ES_JAVA_HOME=/opt/jdk" in text
    assert 'escluster.version="9.5.4"' in text and 'escluster.java="25"' in text


def test_debian_mirror_from_apt_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESCLUSTER_DEBIAN_MIRROR", raising=False)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.test/debian\nSuites: bookworm\n"
    )
    assert images.debian_mirror((tmp_path / "d",)) == "http://mirror.test/debian"
    legacy = tmp_path / "sources.list"
    legacy.write_text("deb [arch=amd64] http://old.test/debian bookworm main\n")
    assert images.debian_mirror((tmp_path / "none", legacy)) == "http://old.test/debian"
    assert images.debian_mirror((tmp_path / "none",)) == images.DEFAULT_MIRROR
    monkeypatch.setenv("ESCLUSTER_DEBIAN_MIRROR", "http://forced.test/debian")
    assert images.debian_mirror((tmp_path / "d",)) == "http://forced.test/debian"


def test_provider_name_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESCLUSTER_PROVIDER", raising=False)
    monkeypatch.setattr(escluster, "engine_answers", lambda: False)
    assert escluster.provider_name() == "local"
    monkeypatch.setattr(escluster, "engine_answers", lambda: True)
    assert escluster.provider_name() == "docker"
    assert escluster.provider_name(nodes=3) == "docker"
    monkeypatch.setenv("ESCLUSTER_PROVIDER", "url")
    assert escluster.provider_name() == "url"
    assert escluster.provider_name("local") == "local"
    assert isinstance(escluster.get_provider("local"), escluster.LocalProvider)
    with pytest.raises(ValueError, match="unknown provider"):
        escluster.provider_name("podman")


def test_no_engine_here_means_local(monkeypatch: pytest.MonkeyPatch) -> None:
    """On this machine the docker CLI exists but no engine: the choice must be local."""
    monkeypatch.delenv("ESCLUSTER_PROVIDER", raising=False)
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    assert escluster.provider_name() == "local"


@pytest.mark.parametrize(
    ("requested", "actual", "ok"),
    [
        ("8.19", "8.19.21", True),
        ("9", "9.5.3", True),
        ("9", "19.0.0", False),
        ("8.19", "8.1.9", False),
        ("8.19.21", "8.19.21", True),
        ("8.19.4", "8.19.21", False),
    ],
)
def test_url_provider_version_match(requested: str, actual: str, ok: bool) -> None:
    assert version_matches(requested, actual) is ok


def test_unpack_strips_top_dir_and_keeps_exec_bit(tmp_path: Path) -> None:
    archive = tmp_path / "d.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        script = zipfile.ZipInfo("elasticsearch-1.2.3/bin/elasticsearch")
        script.external_attr = (stat.S_IFREG | 0o755) << 16
        zf.writestr(script, "#!/bin/sh\necho hi\n")
        zf.writestr("elasticsearch-1.2.3/config/jvm.options", "-Xss1m\n")
    home = unpack(archive, tmp_path / "home")
    assert os.access(home / "bin" / "elasticsearch", os.X_OK)
    assert (home / "config" / "jvm.options").read_text() == "-Xss1m\n"


def test_unpack_rejects_path_traversal(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("top/../../escape.txt", "x")
    with pytest.raises(ValueError, match="unsafe path"):
        unpack(archive, tmp_path / "home")


def test_free_ports_are_distinct() -> None:
    ports = free_ports(6)
    assert len(set(ports)) == 6 and all(p > 0 for p in ports)


class Dummy(base.Provider):
    name = "dummy"

    def __init__(self) -> None:
        super().__init__()
        self.stopped = 0

    def start(self, version: str, nodes: int = 1) -> list[str]:
        base.register(self)
        return []

    def stop(self, keep_logs: bool = False) -> None:
        self.stopped += 1
        base.unregister(self)


def test_stop_all_stops_registered_providers() -> None:
    first, second = Dummy(), Dummy()
    first.start("x")
    second.start("x")
    base.stop_all()
    assert (first.stopped, second.stopped) == (1, 1)
    base.stop_all()  # nothing registered any more
    assert (first.stopped, second.stopped) == (1, 1)


def test_context_manager_keeps_logs_on_error() -> None:
    seen: list[bool] = []

    class Recorder(Dummy):
        def stop(self, keep_logs: bool = False) -> None:
            seen.append(keep_logs)

    with pytest.raises(RuntimeError):
        with Recorder():
            raise RuntimeError("test failed")
    with Recorder():
        pass
    assert seen == [True, False]


def test_stop_from_state_kills_the_whole_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real process tree (parent + child in one session) is stopped via its state file."""
    monkeypatch.setenv("ESCLUSTER_CACHE", str(tmp_path / "cache"))
    run_dir = tmp_path / "run-xyz"
    run_dir.mkdir()
    code = (
        "import subprocess, sys, time;"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', sys.argv[1]]);"
        "time.sleep(300)"
    )
    parent = subprocess.Popen([sys.executable, "-c", code, str(run_dir)], start_new_session=True)
    deadline = time.monotonic() + 10
    while len(procs.group_members(parent.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(procs.group_members(parent.pid)) == 2
    data = {"provider": "local", "run_dir": str(run_dir), "nodes": [{"pgid": parent.pid}]}
    state.write_state("t", data)
    assert sorted(state.live_pids(data)) == sorted(procs.group_members(parent.pid))
    assert state.stop_local_from_state("t", data) == []
    parent.wait(timeout=10)
    assert procs.group_members(parent.pid) == []
    assert not run_dir.exists()
    assert not state.state_path("t").exists()


def test_foreign_group_is_not_signalled(tmp_path: Path) -> None:
    """A pid reused by an unrelated process (no run dir on its command line) is left alone."""
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True)
    try:
        data = {"run_dir": str(tmp_path / "gone"), "nodes": [{"pgid": other.pid}]}
        assert state.live_pids(data) == []
        assert state.stop_local_from_state("foreign", data) == []
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_local_extra_settings_and_config_files(tmp_path: Path) -> None:
    from escluster.local import LocalProvider, Node

    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "jvm.options").write_text("-Xlog:gc*:file=logs/gc.log\n")
    provider = LocalProvider(
        settings={"xpack.security.enabled": True, "path.repo": ["repo"]},
        config_files={"users": "u:hash\n", "roles.yml": "r:\n  cluster: [monitor]\n"},
    )
    provider.home = home
    provider.cluster_name = "c"
    node = Node(name="node-0", http_port=9200, transport_port=9300, directory=tmp_path / "node-0")
    provider._configure(node, ["127.0.0.1:9300"], ["node-0"], security=True)
    yml = (node.directory / "config" / "elasticsearch.yml").read_text()
    assert "xpack.security.enabled: true" in yml and "xpack.security.enabled: false" not in yml
    assert 'path.repo: ["repo"]' in yml
    assert (node.directory / "config" / "users").read_text() == "u:hash\n"
    assert (node.directory / "config" / "roles.yml").read_text().startswith("r:")
    provider.config_files = {"../escape": "x"}
    with pytest.raises(ValueError):
        provider._configure(
            Node(name="n", http_port=1, transport_port=2, directory=tmp_path / "n"), [], [], security=True
        )


def test_image_recipe_changes_with_what_goes_in() -> None:
    home = Path("/usr/lib/jvm/jdk-17")
    same = images.recipe("7.17.29", home, 17, ["reindex", "percolator"])
    assert same == images.recipe("7.17.29", home, 17, ["percolator", "reindex"])  # order does not matter
    assert same != images.recipe("7.17.29", home, 17, [])  # modules added or left out
    assert same != images.recipe("7.17.29", Path("/usr/lib/jvm/jdk-21"), 21, ["reindex", "percolator"])
    assert same != images.recipe("7.17.28", home, 17, ["reindex", "percolator"])
