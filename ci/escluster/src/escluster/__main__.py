"""Entry point for ``python -m escluster ...`` (or the ``escluster`` script)."""

from __future__ import annotations

import sys

from escluster.cli import main

if __name__ == "__main__":
    sys.exit(main())
