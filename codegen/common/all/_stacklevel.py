"""Pointing warnings at the user's code rather than at this package's or the transport's."""

from __future__ import annotations

import os
import sys

import elastic_transport

_PACKAGE_DIR = os.path.dirname(__file__) + os.sep
_TRANSPORT_DIR = os.path.dirname(elastic_transport.__file__ or "") + os.sep


def warn_stacklevel() -> int:
    """The ``stacklevel`` for the caller's ``warnings.warn`` that names the first frame
    outside this package and the shared transport (the user's line, also through ``await``
    chains)."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (filename.startswith(_PACKAGE_DIR) or filename.startswith(_TRANSPORT_DIR)):
            return level
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level
