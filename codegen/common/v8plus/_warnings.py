"""Pointing warnings at the user's code rather than at this package's internals."""

from __future__ import annotations

import os
import sys

_PACKAGE_DIR = os.path.dirname(__file__)
_TRANSPORT_DIR = os.path.dirname(sys.modules["elastic_transport"].__file__ or "")


def warn_stacklevel() -> int:
    """The ``stacklevel`` for ``warnings.warn`` that names the first frame outside the clients."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (filename.startswith(_PACKAGE_DIR + os.sep) or filename.startswith(_TRANSPORT_DIR + os.sep)):
            return level
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level
