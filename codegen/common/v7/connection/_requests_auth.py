"""A requests node that lets a requests auth object sign each request (imports requests).

The shared transport's requests node sends prepared requests itself, so a session-level
``auth`` would never be applied; this node's session applies it just before sending.
"""

from __future__ import annotations

from typing import Any

import requests
from elastic_transport import NodeConfig, RequestsHttpNode

from .base import REQUESTS_AUTH_EXTRA


class _SigningSession(requests.Session):
    def __init__(self, auth: Any) -> None:
        super().__init__()
        self.trust_env = False
        self._signer = auth

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        return super().send(self._signer(request), **kwargs)


class RequestsAuthHttpNode(RequestsHttpNode):  # type: ignore[misc]  # loaded lazily, typed Any
    """``RequestsHttpNode`` whose requests pass through ``NodeConfig._extras['requests.session.auth']``."""

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)
        auth = config._extras.get(REQUESTS_AUTH_EXTRA)
        if auth is not None:
            session = _SigningSession(auth)
            node_session: requests.Session = self.session  # type: ignore[has-type]
            session.adapters = node_session.adapters  # keep the node's TLS-configured pools
            self.session = session
