"""The client's version, as ``elasticsearch._version`` had it in 7.x."""

from __future__ import annotations

from . import _profile

__versionstr__: str = _profile.CLIENT_VERSION
