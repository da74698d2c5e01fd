"""Where 8.x programs may still import the transport classes from: deprecated, they live in
``elastic_transport`` (importing this module warns, as the official 8.x module does)."""

from __future__ import annotations

import warnings
from typing import Any

from elastic_transport import AsyncTransport, Transport

__all__ = ["AsyncTransport", "Transport", "get_host_info"]

warnings.warn(
    "Importing from the 'elasticsearch.transport' module is deprecated. Instead import from 'elastic_transport'",
    category=DeprecationWarning,
    stacklevel=2,
)


def get_host_info(node_info: dict[str, Any], host: dict[str, int | str]) -> dict[str, int | str] | None:
    """The 7.x-style sniffing filter: ``host`` as it is, or None for a master-only node.

    Deprecated: ``sniffed_node_callback`` on the client replaces it.
    """
    warnings.warn(
        "The 'get_host_info' function is deprecated. Instead use the 'sniff_node_callback' parameter on the client",
        category=DeprecationWarning,
        stacklevel=2,
    )
    if node_info.get("roles", []) == ["master"]:
        return None
    return host
