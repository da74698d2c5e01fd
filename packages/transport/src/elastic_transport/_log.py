"""The ``debug_logging()`` switch: every request and response on stderr, credentials masked."""

from __future__ import annotations

import logging
import sys


def debug_logging() -> None:
    """Sends all ``elastic_transport.*`` log records, down to DEBUG, to stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[%(asctime)s] %(name)s %(levelname)s: %(message)s"))
    for name in ("elastic_transport", "elasticsearch"):
        log = logging.getLogger(name)
        log.setLevel(logging.DEBUG)
        if not any(getattr(h, "_elastic_debug", False) for h in log.handlers):
            handler._elastic_debug = True  # type: ignore[attr-defined]
            log.addHandler(handler)
