"""The package version where code written for the official client imports it from."""

from __future__ import annotations

from . import _profile
from ._dispatch import SERVERLESS_API_VERSION as _SERVERLESS_API_VERSION

__versionstr__: str = _profile.CLIENT_VERSION

__all__ = ["_SERVERLESS_API_VERSION", "__versionstr__"]
