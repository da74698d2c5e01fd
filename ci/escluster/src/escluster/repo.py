"""The monorepo checkout these tools serve (compat-matrix/, tests/integration/).

The packages are installed editable from ci/, so the checkout is found above this file;
a copy installed elsewhere finds it above the working directory instead.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

MARKER = "noxfile.py"  # at the root of the checkout, next to compat-matrix/


class NoCheckoutError(RuntimeError):
    """Neither this file nor the working directory is inside the monorepo."""


@functools.cache
def repo_root() -> Path:
    """ESCLUSTER_REPO if set, else the nearest folder holding noxfile.py and compat-matrix/
    above this file, else above the working directory."""
    configured = os.environ.get("ESCLUSTER_REPO")
    if configured:
        return Path(configured).resolve()
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for folder in (start, *start.parents):
            if (folder / MARKER).is_file() and (folder / "compat-matrix").is_dir():
                return folder
    raise NoCheckoutError(
        "cannot find the monorepo checkout (a folder with noxfile.py and compat-matrix/): "
        "install escluster editable from it, run from inside it, or set ESCLUSTER_REPO"
    )
