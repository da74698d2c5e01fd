"""Mimetypes on the wire: REST API compatibility mode and response mimetype lookup.

Compatibility mode (``ELASTIC_CLIENT_APIVERSIONING=1`` or ``true``) lets this 7.x client
talk to an 8.x cluster: JSON mimetypes in ``Accept``/``Content-Type`` become
``application/vnd.elasticsearch+json;compatible-with=7``. The variable is read on every
request, as 7.17 does, so it can be switched on after import.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from . import _profile

# The REST API version this client asks a newer server to emulate (7 for the 7.x client).
COMPAT_VERSION: int = _profile.COMPAT_HEADER_VERSION
_VND_PREFIX = "application/vnd.elasticsearch+"
_COMPAT_SUFFIX = f";compatible-with={COMPAT_VERSION}"
_COMPAT_MIMETYPES = {
    "application/json": f"{_VND_PREFIX}json{_COMPAT_SUFFIX}",
    "application/x-ndjson": f"{_VND_PREFIX}x-ndjson{_COMPAT_SUFFIX}",
}
# Mimetypes whose bodies are handed back as bytes instead of being decoded as text.
BINARY_MIMETYPES = frozenset({"application/vnd.mapbox-vector-tile"})


def compat_mode() -> bool:
    """Whether REST API compatibility headers are on (read from the environment each time)."""
    return os.environ.get("ELASTIC_CLIENT_APIVERSIONING") in ("1", "true")


def compat_mimetype(mimetype: str) -> str:
    """``application/json`` -> its ``compatible-with=7`` form; other mimetypes unchanged."""
    return _COMPAT_MIMETYPES.get(mimetype.partition(";")[0].strip().lower(), mimetype)


def mimetype_header(mimetypes: Iterable[str]) -> str:
    """The value of an ``Accept``/``Content-Type`` header for these mimetypes (7.17 joins with ``,``)."""
    if compat_mode():
        return ",".join(compat_mimetype(m) for m in mimetypes)
    return ",".join(mimetypes)


def base_mimetype(content_type: str | None) -> str | None:
    """``application/vnd.elasticsearch+json; compatible-with=7`` -> ``application/json``."""
    if not content_type:
        return None
    base = content_type.partition(";")[0].strip().lower()
    if base.startswith(_VND_PREFIX):
        base = "application/" + base[len(_VND_PREFIX) :]
    return base or None
