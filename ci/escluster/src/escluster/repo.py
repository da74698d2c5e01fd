"""Where escluster's data lives: the monorepo checkout, else the copies shipped in the package.

In the monorepo (installed editable, or run from inside it) majors.json and
compat-matrix/stack-versions.json are read from the checkout, so an edit there takes
effect at once; an installed wheel outside it reads the copies under escluster/data/,
which a test keeps equal to the checkout's.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

MARKER = "majors.json"  # the registry of majors, at the root of the checkout
BUNDLED = Path(__file__).resolve().parent / "data"


class NoCheckoutError(RuntimeError):
    """Neither this file nor the working directory is inside the monorepo."""


@functools.cache
def find_checkout() -> Path | None:
    """ESCLUSTER_REPO if set, else the nearest folder holding majors.json above this file,
    else above the working directory, else None."""
    configured = os.environ.get("ESCLUSTER_REPO")
    if configured:
        return Path(configured).resolve()
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for folder in (start, *start.parents):
            if (folder / MARKER).is_file():
                return folder
    return None


def repo_root() -> Path:
    """The checkout, for tools that only make sense inside it (the compat matrix)."""
    root = find_checkout()
    if root is None:
        raise NoCheckoutError(
            "cannot find the monorepo checkout (a folder with majors.json): "
            "install escluster editable from it, run from inside it, or set ESCLUSTER_REPO"
        )
    return root


def data_file(checkout_path: str) -> Path:
    """``checkout_path`` (relative to the checkout) if there is a checkout, else the copy
    of the same name shipped in the package."""
    root = find_checkout()
    if root is not None:
        return root / checkout_path
    return BUNDLED / Path(checkout_path).name
