"""Small helpers older user code imports from ``<package>.compat``."""

from __future__ import annotations

from elastic_transport.client_utils import to_bytes, to_str

from ._stacklevel import warn_stacklevel

string_types = (str, bytes)

__all__ = ["string_types", "to_bytes", "to_str", "warn_stacklevel"]
