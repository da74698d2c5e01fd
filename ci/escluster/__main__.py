"""Entry point for ``python ci/escluster ...`` and ``python -m escluster ...``."""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:
    # Run as a directory (python ci/escluster): make the package importable by name.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from escluster.cli import main

if __name__ == "__main__":
    sys.exit(main())
