"""Command line: start clusters in the background, stop them, show their status.

python -m escluster start 8.19 [--nodes 3] [--provider local]
python -m escluster stop [8.19 | --all]
python -m escluster status
python -m escluster features 8.19
python -m escluster versions [--refresh]
python -m escluster images [7.17 8.19 9] [--rebuild]
python -m escluster engine start|stop|status
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from typing import Any

from . import engine, images, procs, provider_name, state
from ._http import HttpError, get_json
from .base import ClusterStartError
from .docker_provider import DockerProvider, engine_answers, stop_detached, sweep_orphans
from .features import node_features
from .local import LocalProvider
from .maven import MavenError
from .procs import rss_bytes
from .url_provider import UrlProvider
from .versions import (
    UnknownVersionError,
    alias_for,
    describe_known,
    load_versions,
    refresh_versions,
    resolve_version,
    versions_file,
)


def _err(message: str) -> None:
    print(f"escluster: {message}", file=sys.stderr)


def _is_running(data: dict[str, Any]) -> bool:
    if data.get("provider") == "local":
        return bool(state.live_pids(data))
    return data.get("provider") == "docker"


def cmd_start(args: argparse.Namespace) -> int:
    """Start a cluster, wait until it is healthy, detach it and print its URLs."""
    table = load_versions()
    exact = resolve_version(args.version, table)
    name = args.name or (args.version if args.version in table else alias_for(exact, table))
    existing = state.read_state(state.state_path(name))
    if existing and _is_running(existing):
        if len(existing.get("urls", [])) == args.nodes:
            _err(f"{name} is already running")
            print("\n".join(existing["urls"]))
            return 0
        _err(f"{name} is already running with other settings; stop it first")
        return 1
    chosen = provider_name(args.provider, args.nodes)
    if chosen == "url":
        print("\n".join(UrlProvider().start(args.version, args.nodes)))
        return 0
    if chosen == "docker":
        docker = DockerProvider()
        urls = docker.start(args.version, args.nodes)
        state.write_state(name, docker.detach())
        print("\n".join(urls))
        return 0
    local = LocalProvider(state_name=name)
    urls = local.start(args.version, args.nodes)
    rss = local.memory_rss()
    data = local.detach()
    t = local.timings
    _err(
        f"started {name} ({exact}, {args.nodes} node(s), Java {local.jdk.feature if local.jdk else '?'})"
        f": download {t.download:.1f}s, unpack {t.unpack:.1f}s, start {t.start:.1f}s,"
        f" RSS {rss / 2**20:.0f} MiB; run dir {data['run_dir']}"
    )
    print("\n".join(urls))
    return 0


def _select(names: list[str], wanted: str | None, states: dict[str, dict[str, Any]]) -> list[str]:
    if wanted is None:
        return names
    return [n for n in names if n == wanted or states[n].get("version") == wanted]


def cmd_stop(args: argparse.Namespace) -> int:
    """Stop one cluster (by name/alias/version), the only one, or --all."""
    states = state.all_states()
    names = sorted(states)
    if not args.all:
        if args.name is None and len(names) > 1:
            _err(f"several clusters run ({', '.join(names)}); name one or use --all")
            return 1
        names = _select(names, args.name, states)
        if not names:
            _err(f"no cluster called {args.name!r} (known: {', '.join(sorted(states)) or 'none'})")
            return 1
    failed = False
    for name in names:
        data = states[name]
        if data.get("provider") == "docker":
            problems: list[str] = stop_detached(data)
            state.state_path(name).unlink(missing_ok=True)
        else:
            problems = state.stop_local_from_state(name, data, keep_logs=args.keep)
        for problem in problems:
            _err(f"{name}: {problem}")
        failed = failed or bool(problems)
        print(f"stopped {name}")
    if args.all and engine_answers():
        for leftover in sweep_orphans():
            print(f"removed {leftover}, left by a run that is gone")
    return 1 if failed else 0


def cmd_status(args: argparse.Namespace) -> int:
    """One line per known cluster: name, provider, version, health, memory, URLs."""
    states = state.all_states()
    if not states:
        print("no clusters")
        return 0
    for name, data in states.items():
        health = "down"
        if _is_running(data) and data.get("urls"):
            try:
                doc = get_json(f"{data['urls'][0]}/_cluster/health", timeout=3)
                health = f"{doc.get('status')} ({doc.get('number_of_nodes')} nodes)"
            except HttpError:
                health = "not answering"
        memory = ""
        if data.get("provider") == "local":
            memory = f" rss={rss_bytes(state.live_pids(data)) / 2**20:.0f}MiB"
            if not data.get("detached") and not procs.pid_alive(int(data.get("owner_pid", 0))):
                memory += " (owner process gone: stop it)"
        print(
            f"{name}: {data.get('provider')} {data.get('version')} {health}{memory} "
            f"{' '.join(data.get('urls', []))}"
        )
    return 0


def cmd_features(args: argparse.Namespace) -> int:
    """Print modules, plugins and x-pack features of a running cluster as JSON."""
    states = state.all_states()
    names = _select(sorted(states), args.name, states)
    if len(names) != 1:
        _err(f"name one running cluster (known: {', '.join(sorted(states)) or 'none'})")
        return 1
    print(json.dumps(node_features(states[names[0]]["urls"][0]).summary(), indent=2))
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    """Show (or refresh from Maven) the alias -> version table."""
    table = refresh_versions() if args.refresh else load_versions()
    print(f"# {versions_file()}")
    print(describe_known(table))
    return 0


def cmd_images(args: argparse.Namespace) -> int:
    """Build (or reuse) the local docker image of each version; print their tags."""
    client = _docker_client()
    try:
        for version in args.versions:
            print(images.ensure_image(client, version, rebuild=args.rebuild))
    finally:
        client.close()
    return 0


def _docker_client() -> Any:
    if not engine_answers():
        raise ClusterStartError(
            "no Docker engine answers (DOCKER_HOST="
            f"{os.environ.get('DOCKER_HOST', 'unset')}); start one, or `escluster engine start` as root"
        )
    return importlib.import_module("docker").from_env()


def cmd_engine(args: argparse.Namespace) -> int:
    return engine.main([args.action])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="escluster", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="start a cluster in the background")
    start.add_argument("version", help="alias (7.17, 8.19, 9) or exact x.y.z version")
    start.add_argument("--nodes", type=int, default=1, choices=(1, 2, 3))
    start.add_argument("--provider", choices=("local", "docker", "url"))
    start.add_argument("--name", help="state name (default: the alias)")
    start.set_defaults(func=cmd_start)
    stop = sub.add_parser("stop", help="stop a cluster started with 'start'")
    stop.add_argument("name", nargs="?", help="alias, name or version")
    stop.add_argument("--all", action="store_true")
    stop.add_argument("--keep", action="store_true", help="keep the run directory")
    stop.set_defaults(func=cmd_stop)
    status = sub.add_parser("status", help="list clusters started with 'start'")
    status.set_defaults(func=cmd_status)
    features = sub.add_parser("features", help="modules/plugins of a running cluster")
    features.add_argument("name", nargs="?")
    features.set_defaults(func=cmd_features)
    versions = sub.add_parser("versions", help="show the version aliases")
    versions.add_argument("--refresh", action="store_true", help="ask Maven for new versions")
    versions.set_defaults(func=cmd_versions)
    build = sub.add_parser("images", help="build or reuse the local docker images")
    build.add_argument("versions", nargs="*", default=["7.17", "8.19", "9"], help="aliases or versions")
    build.add_argument("--rebuild", action="store_true", help="build again even when present")
    build.set_defaults(func=cmd_images)
    daemon = sub.add_parser(
        "engine", help="a private Docker engine where dockerd is installed but not running"
    )
    daemon.add_argument("action", choices=("start", "stop", "status"))
    daemon.set_defaults(func=cmd_engine)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except (UnknownVersionError, ClusterStartError, MavenError, ValueError) as exc:
        _err(str(exc))
        return 2
    return result
