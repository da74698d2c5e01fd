"""The names of ``_sync.client.utils``, where code written for the official async client
imports them from."""

from __future__ import annotations

from ..._sync.client.utils import SKIP_IN_PATH, USER_AGENT, _base64_auth_header, _quote

__all__ = ["SKIP_IN_PATH", "USER_AGENT", "_base64_auth_header", "_quote"]
