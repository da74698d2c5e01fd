"""Build and reuse one venv per contender: each client runs with only its own packages.

A venv is rebuilt only when its marker (base Python, requirements, our pyproject)
changes; "ours" installs packages/transport editable, so edits need no rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
VENVS_DIR = BENCH_DIR / ".venvs"
OUR_TRANSPORT = BENCH_DIR.parent / "packages" / "transport"
MARKER = "bench-marker.json"
# One environment for every contender process: nothing inherited that changes imports,
# and bytecode caches under .venvs/, so importing packages/transport writes nothing.
_DROPPED = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONDONTWRITEBYTECODE"}
ENV = {key: value for key, value in os.environ.items() if key not in _DROPPED}
ENV["PYTHONPYCACHEPREFIX"] = str(VENVS_DIR / "pycache")

# name -> (requirements from PyPI, local project installed editable or None)
SPECS: dict[str, tuple[list[str], Path | None]] = {
    "official": (["elastic-transport==9.4.2", "elasticsearch==9.5.1", "orjson"], None),
    "ours": (["orjson"], OUR_TRANSPORT),
}


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


def _marker(requirements: list[str], editable: Path | None) -> str:
    pyproject = editable / "pyproject.toml" if editable else None
    return json.dumps(
        {
            "python": sys.version,
            "base_prefix": sys.base_prefix,
            "requirements": requirements,
            "editable": str(editable) if editable else None,
            "pyproject_sha256": hashlib.sha256(pyproject.read_bytes()).hexdigest()
            if pyproject and pyproject.exists()
            else None,
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
    requirements, editable = SPECS[name]
    root = VENVS_DIR / name
    python = root / "bin" / "python"
    marker = _marker(requirements, editable)
    marker_file = root / MARKER
    if python.exists() and marker_file.exists() and marker_file.read_text() == marker:
        return Venv(name, python)
    print(f"building venv {root} ...", flush=True)
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
    done = _pip(python, *requirements)
    if done.returncode:
        return Venv(
            name,
            None,
            f"pip install {' '.join(requirements)} failed: {tail(done.stderr)}",
        )
    if editable is not None:
        done = _pip(python, "-e", str(editable))
        if done.returncode:
            # No marker: the next run retries, e.g. once the package can be built.
            return Venv(name, None, f"pip install -e {editable} failed: {tail(done.stderr)}")
    marker_file.write_text(marker)
    return Venv(name, python)
