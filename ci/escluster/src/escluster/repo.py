"""The monorepo checkout these tools serve (majors.json, compat-matrix/, tests/integration/).

The packages are installed editable from ci/, so the checkout is found above this file;
a copy installed elsewhere finds it above the working directory instead.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

MARKER = "majors.json"  # the registry of majors, at the root of the checkout


class NoCheckoutError(RuntimeError):
    """Neither this file nor the working directory is inside the monorepo."""


@functools.cache
def repo_root() -> Path:
    """ESCLUSTER_REPO if set, else the nearest folder holding majors.json above this file,
    else above the working directory."""
    configured = os.environ.get("ESCLUSTER_REPO")
    if configured:
        return Path(configured).resolve()
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for folder in (start, *start.parents):
            if (folder / MARKER).is_file():
                return folder
    raise NoCheckoutError(
        "cannot find the monorepo checkout (a folder with majors.json): "
        "install escluster editable from it, run from inside it, or set ESCLUSTER_REPO"
    )
