"""Rendering of elasticsearch.yml and jvm.options for single and multi-node clusters."""

from __future__ import annotations

import json
from pathlib import Path

from escluster.config import (
    NodeConfig,
    java_opts,
    render_elasticsearch_yml,
    rewrite_jvm_options,
    settings_for,
)


def node(**overrides: object) -> NodeConfig:
    values: dict[str, object] = {
        "cluster_name": "c1",
        "node_name": "node-0",
        "http_port": 9201,
        "transport_port": 9301,
        "data_dir": Path("/run/node-0/data"),
        "logs_dir": Path("/run/node-0/logs"),
    }
    values.update(overrides)
    return NodeConfig(**values)  # type: ignore[arg-type]


def parse(yml: str) -> dict[str, object]:
    """Every value we write is JSON, so the YAML can be read back without a YAML library."""
    result = {}
    for line in yml.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition(": ")
            result[key] = json.loads(value)
    return result


def test_single_node_settings() -> None:
    settings = parse(render_elasticsearch_yml(node()))
    assert settings["discovery.type"] == "single-node"
    assert "discovery.seed_hosts" not in settings
    assert "cluster.initial_master_nodes" not in settings
    assert settings["network.host"] == "127.0.0.1"
    assert settings["http.port"] == 9201 and settings["transport.port"] == 9301
    assert settings["path.data"] == "/run/node-0/data"
    assert settings["path.logs"] == "/run/node-0/logs"
    assert settings["cluster.routing.allocation.disk.threshold_enabled"] is False
    assert settings["xpack.security.enabled"] is False


def test_three_nodes_share_seeds_and_initial_masters() -> None:
    seeds = ["127.0.0.1:9301", "127.0.0.1:9302", "127.0.0.1:9303"]
    names = ["node-0", "node-1", "node-2"]
    rendered = [
        parse(render_elasticsearch_yml(node(node_name=n, seed_hosts=seeds, initial_master_nodes=names)))
        for n in names
    ]
    for settings in rendered:
        assert "discovery.type" not in settings
        assert settings["discovery.seed_hosts"] == seeds
        assert settings["cluster.initial_master_nodes"] == names
        assert settings["cluster.name"] == "c1"
    assert [s["node.name"] for s in rendered] == names


def test_security_setting_only_where_the_module_exists() -> None:
    assert "xpack.security.enabled" not in settings_for(node(security_module=False))


def test_paths_with_special_characters_are_quoted() -> None:
    settings = parse(render_elasticsearch_yml(node(data_dir=Path("/tmp/a b: c#d"))))
    assert settings["path.data"] == "/tmp/a b: c#d"


def test_jvm_options_paths_move_into_node_dirs() -> None:
    stock = "\n".join(
        [
            "-XX:HeapDumpPath=data",
            "-XX:ErrorFile=logs/hs_err_pid%p.log",
            "-XX:ErrorFile=hs_err_pid%p.log",
            "9-:-Xlog:gc*,gc+age=trace,safepoint:file=logs/gc.log:utctime,pid,tags:filecount=32",
            "-Xlog:gc*,gc+age=trace,safepoint:file=gc.log:utctime,level,pid,tags:filecount=32",
            "8:-Xloggc:logs/gc.log",
            "-XX:ErrorFile=/already/absolute.log",
            "-XX:+UseG1GC",
        ]
    )
    out = rewrite_jvm_options(stock, Path("/n/logs"), Path("/n/data")).splitlines()
    assert out == [
        "-XX:HeapDumpPath=/n/data",
        "-XX:ErrorFile=/n/logs/hs_err_pid%p.log",
        "-XX:ErrorFile=/n/logs/hs_err_pid%p.log",
        "9-:-Xlog:gc*,gc+age=trace,safepoint:file=/n/logs/gc.log:utctime,pid,tags:filecount=32",
        "-Xlog:gc*,gc+age=trace,safepoint:file=/n/logs/gc.log:utctime,level,pid,tags:filecount=32",
        "8:-Xloggc:/n/logs/gc.log",
        "-XX:ErrorFile=/already/absolute.log",
        "-XX:+UseG1GC",
    ]


def test_heap_options() -> None:
    assert java_opts() == "-Xms512m -Xmx512m"
