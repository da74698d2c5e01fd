"""``python -m codegen``: render (or ``--check``) the generated API packages."""

from __future__ import annotations

import sys

from .generate import main

sys.exit(main())
