"""The official client of a major, from PyPI, in a virtualenv of its own: the reference run of
each cell (the official packages have our import names, so they cannot share our venv).

The venv holds the release majors.json names under ``official`` (with its own
``elastic-transport``), pytest, and the suite's local helpers (ci/escluster, ci/esmatrix);
never packages/transport nor packages/elasticsearch*. It is built with ``uv`` under
ESMATRIX_OFFICIAL_VENVS (default ~/.cache/esmatrix/official) and reused while its
requirements and the checkout of its local helpers are unchanged; every use checks that it
imports the official release.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from escluster.majors import major_of

from .cells import ROOT

# pytest, and what the official DSL suite (tests/integration/official_dsl.py) imports besides
# the client: anyio, pydantic, pytz, numpy.
TEST_REQUIREMENTS = ("pytest>=8", "pytest-asyncio>=0.24", "anyio>=4", "pydantic>=2", "pytz", "numpy")
# What the suite imports, besides the client: its conftest's cluster helpers, and the runner
# of the official suites (official_dsl.py reads junit XML with it).
LOCAL = ("ci/escluster", "ci/esmatrix", "ci/officialsuite")
STAMP = "esmatrix-requirements.json"

# Run in the venv: where the client and elastic_transport come from, their versions, and the
# versions of their distributions (ours carry a ``+mono`` local label there).
_PROBE = """
import importlib, importlib.metadata, json, sys
out = {}
for name in sys.argv[1:]:
    try:
        module = importlib.import_module(name)
    except ImportError:
        continue
    out[name] = {"version": getattr(module, "__versionstr__", None) or module.__version__,
                 "dist": importlib.metadata.version(name.replace("_", "-")),
                 "file": module.__file__}
print(json.dumps(out))
"""


class OfficialEnvError(RuntimeError):
    """The official client's venv could not be built, or does not import the official release."""


@dataclass(frozen=True)
class OfficialEnv:
    client: str
    python: Path
    versions: dict[str, str]  # import name -> version it reports ("elasticsearch", "elastic_transport")


def venvs_dir() -> Path:
    configured = os.environ.get("ESMATRIX_OFFICIAL_VENVS")
    return Path(configured) if configured else Path.home() / ".cache" / "esmatrix" / "official"


def requirements(client: str) -> list[str]:
    """The official release of ``client`` (with its async extra) and what majors.json pins
    next to it, then pytest."""
    official = dict(major_of(client).official)
    release = official.pop("elasticsearch", None)
    if release is None:
        raise OfficialEnvError(f"majors.json names no official release for {client}")
    pins = [f"{client}[async]=={release}"] + [f"{name}=={version}" for name, version in official.items()]
    return [*pins, *TEST_REQUIREMENTS]


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=900, check=False)


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = (result.stderr or result.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit status {result.returncode}"


def build(client: str, directory: Path | None = None, uv: str | None = None) -> OfficialEnv:
    """The venv of ``client``'s official release, built when missing or out of date, checked."""
    uv = uv or shutil.which("uv")
    if uv is None:
        raise OfficialEnvError("uv is needed to build the official clients' venvs (pip install uv)")
    wanted = requirements(client)
    local = [str(ROOT / path) for path in LOCAL]
    venv = (directory or venvs_dir()) / client
    stamp = venv / STAMP
    python = _python(venv)
    try:
        current = json.loads(stamp.read_text())
    except (OSError, ValueError):
        current = None
    # The local helpers are editable installs of this checkout: a venv made for another
    # checkout (a worktree, an older clone) would run that one's conftest helpers.
    if current != [*wanted, *local] or not python.exists():
        shutil.rmtree(venv, ignore_errors=True)
        for command in (
            [uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
            [uv, "pip", "install", "--quiet", "--python", str(python), *wanted]
            + [arg for path in local for arg in ("-e", path)],
        ):
            result = _run(command)
            if result.returncode:
                raise OfficialEnvError(f"{client}: {' '.join(command[:3])} failed: {_last_line(result)}")
        stamp.write_text(json.dumps([*wanted, *local]) + "\n")
    return OfficialEnv(client, python, check(client, python))


def check(client: str, python: Path) -> dict[str, str]:
    """The versions the venv imports; fails unless they are the official releases majors.json
    names, installed in the venv (not our packages: no ``+mono`` label, not under packages/)."""
    result = _run([str(python), "-c", _PROBE, client, "elastic_transport"])
    if result.returncode:
        raise OfficialEnvError(f"{client}: the official venv does not run: {_last_line(result)}")
    found: dict[str, dict[str, str]] = json.loads(result.stdout)
    if client not in found:
        raise OfficialEnvError(f"{client}: the official venv {python.parent.parent} cannot import {client}")
    packages = ROOT / "packages"
    for name, info in found.items():
        if "+" in info["dist"] or Path(info["file"]).resolve().is_relative_to(packages):
            raise OfficialEnvError(
                f"{client}: the official venv imports ours: {name} {info['dist']} from {info['file']}"
            )
    release = major_of(client).official["elasticsearch"]
    if found[client]["version"] != release:
        raise OfficialEnvError(
            f"{client}: the official venv has {found[client]['version']}, majors.json names {release}"
        )
    return {name: info["version"] for name, info in found.items()}
