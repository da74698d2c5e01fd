"""Names that code written for the official client imports from ``_sync.client.utils``: the
user agent, path-part quoting and the credentials encoding, each the one this package uses."""

from __future__ import annotations

from collections.abc import Sequence

from elastic_transport.client_utils import _encode_credentials

from ..._config import USER_AGENT
from ..._utils import SKIP_IN_PATH, _quote


def _base64_auth_header(credentials: str | Sequence[str]) -> str:
    """An ``(id, secret)`` pair as the base64 token of a Basic or ApiKey header; a string is
    taken as the token already."""
    if isinstance(credentials, str):
        return credentials
    return _encode_credentials(credentials)


__all__ = ["SKIP_IN_PATH", "USER_AGENT", "_base64_auth_header", "_quote"]
