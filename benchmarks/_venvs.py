"""Build and reuse one venv per contender: each client runs with only its own packages.

A venv is rebuilt only when its marker (base Python, requirements, our pyprojects)
changes; "ours" installs our packages editable, so edits need no rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
VENVS_DIR = BENCH_DIR / ".venvs"
REPO = BENCH_DIR.parent


def majors(repo: Path) -> list[dict[str, Any]]:
    """The registry of majors (majors.json) of a checkout of this repo."""
    registry: list[dict[str, Any]] = json.loads((repo / "majors.json").read_text())["majors"]
    return registry


def packages(repo: Path) -> list[Path]:
    """A checkout's transport and every API package, installed together so that the API
    packages' elastic-transport requirement is met by that transport, not by PyPI's."""
    return [repo / "packages" / "transport", *(repo / "packages" / m["package"] for m in majors(repo))]


# The newest major is the one measured, against its official release from PyPI
# (``official`` in majors.json, also what parity checks use).
MAJORS = majors(REPO)
REFERENCE = max(MAJORS, key=lambda m: m["major"])
OURS = packages(REPO)
# The harness itself, for bulk-es when the running Python lacks escluster (see run.py).
ESCLUSTER = REPO / "ci" / "escluster"
MARKER = "bench-marker.json"
# One environment for every contender process: nothing inherited that changes imports,
# and bytecode caches under .venvs/, so importing packages/transport writes nothing.
_DROPPED = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONDONTWRITEBYTECODE"}
ENV = {key: value for key, value in os.environ.items() if key not in _DROPPED}
ENV["PYTHONPYCACHEPREFIX"] = str(VENVS_DIR / "pycache")

# name -> (requirements from PyPI, local projects installed editable). aiohttp is in both,
# for the async suite; the official client imports it with `import elasticsearch`.
SPECS: dict[str, tuple[list[str], list[Path]]] = {
    "official": ([*sorted(f"{n}=={v}" for n, v in REFERENCE["official"].items()), "orjson", "aiohttp"], []),
    "ours": (["orjson", "aiohttp"], OURS),
    "harness": ([], [ESCLUSTER]),
}
# With --baseline: "baseline", an older checkout's packages with ours' requirements (add_baseline).
BASELINE = "baseline"


def add_baseline(checkout: Path) -> str:
    """Add venv "baseline" to SPECS: `checkout` (of an older commit of this repo) installed
    like ours, so that ours can be measured against it in the same run. Returns its commit."""
    checkout = checkout.resolve()
    if not (checkout / "majors.json").exists():
        raise SystemExit(f"--baseline {checkout}: not a checkout of this repo (no majors.json)")
    SPECS[BASELINE] = (SPECS["ours"][0], packages(checkout))
    done = subprocess.run(
        ["git", "-C", str(checkout), "log", "-1", "--format=%h"], check=False, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown commit"


@contextmanager
def worktree(ref: str) -> Iterator[Path]:
    """Check out `ref` of this repo as a git worktree for one run, then remove it.

    Always at .venvs/baseline-src: the baseline venv's marker names the place, so the venv
    is reused while that checkout's pyproject.toml files are unchanged.
    """
    path = VENVS_DIR / "baseline-src"
    git = ["git", "-C", str(REPO), "worktree"]
    # What a killed run may have left: a registered worktree, or just its folder.
    subprocess.run([*git, "remove", "--force", str(path)], check=False, capture_output=True)
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run([*git, "add", "--force", "--detach", "--quiet", str(path), ref], check=True)
    try:
        yield path
    finally:
        subprocess.run([*git, "remove", "--force", str(path)], check=False)


@dataclass(frozen=True)
class Venv:
    """A contender's interpreter, or why there is none (then python is None)."""

    name: str
    python: Path | None
    problem: str = ""

    def check(self, code: str) -> Venv:
        """Return self if `code` runs here, else an unavailable copy that says why."""
        if self.python is None:
            return self
        done = subprocess.run(
            [self.python, "-c", code],
            check=False,
            capture_output=True,
            text=True,
            env=ENV,
        )
        if done.returncode:
            return Venv(self.name, None, f"`{code}` failed: {tail(done.stderr)}")
        return self


def tail(text: str) -> str:
    """Keep the last lines of an error output: enough to say why, short for a table."""
    return " / ".join(line.strip() for line in text.strip().splitlines()[-3:])


def _marker(requirements: list[str], editables: list[Path]) -> str:
    def sha256(project: Path) -> str | None:
        pyproject = project / "pyproject.toml"
        return hashlib.sha256(pyproject.read_bytes()).hexdigest() if pyproject.exists() else None

    return json.dumps(
        {
            "python": sys.version,
            "base_prefix": sys.base_prefix,
            "requirements": requirements,
            "editable": {str(project): sha256(project) for project in editables},
        },
        indent=1,
    )


def _pip(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            *args,
        ],
        check=False,
        capture_output=True,
        text=True,
    )


def ensure(name: str) -> Venv:
    """Return venv `name` of SPECS, built if missing or stale; never raises on pip."""
    requirements, editables = SPECS[name]
    root = VENVS_DIR / name
    python = root / "bin" / "python"
    marker = _marker(requirements, editables)
    marker_file = root / MARKER
    if python.exists() and marker_file.exists() and marker_file.read_text() == marker:
        return Venv(name, python)
    print(f"building venv {root} ...", flush=True)
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
    done = _pip(python, *requirements) if requirements else None
    if done is not None and done.returncode:
        return Venv(
            name,
            None,
            f"pip install {' '.join(requirements)} failed: {tail(done.stderr)}",
        )
    if editables:
        done = _pip(python, *(arg for project in editables for arg in ("-e", str(project))))
        if done.returncode:
            # No marker: the next run retries, e.g. once the packages can be built.
            names = " ".join(project.name for project in editables)
            return Venv(name, None, f"pip install -e {names} failed: {tail(done.stderr)}")
    marker_file.write_text(marker)
    return Venv(name, python)
