"""The 7.x ``utils`` module: the client meta header's version format."""

from __future__ import annotations

from elastic_transport.client_utils import client_meta_version

__all__: list[str] = []

_client_meta_version = client_meta_version  # the private name 7.x had here, which some programs import
