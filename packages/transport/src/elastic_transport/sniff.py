"""Sniff callbacks that discover an Elasticsearch cluster's HTTP nodes.

They ask ``GET /_nodes/_all/http`` on the nodes already known (directly, without going
through the transport's retries, so sniffing never recurses) and build one NodeConfig per
node that publishes an HTTP address, copying TLS and other settings from a known node.
Dedicated master nodes are skipped: they should not receive client traffic.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._exceptions import SniffingError
from ._models import ApiResponseMeta, NodeConfig

if TYPE_CHECKING:
    from ._async_transport import AsyncTransport
    from ._node._base import BaseNode
    from ._transport import Transport

__all__ = [
    "async_sniff_nodes_http",
    "node_configs_from_nodes_info",
    "parse_publish_address",
    "sniff_nodes_http",
]

logger = logging.getLogger("elastic_transport.transport")

SNIFF_TARGET = "/_nodes/_all/http"
SNIFF_HEADERS = {"accept": "application/json"}


def parse_publish_address(address: str) -> tuple[str, int]:
    """``"es1.local/10.0.0.1:9200"`` -> ``("es1.local", 9200)``; ``"[::1]:9200"`` -> ``("::1", 9200)``."""
    hostname, _, rest = address.rpartition("/")
    host_port = rest if rest else address
    host, _, port = host_port.rpartition(":")
    if not host or not port.isdigit():
        raise SniffingError(f"Can't parse publish_address {address!r}")
    return (hostname or host).strip("[]"), int(port)


NodeCallback = Callable[[dict[str, Any], NodeConfig], "NodeConfig | None"]


def node_configs_from_nodes_info(
    body: Any, template: NodeConfig, node_callback: NodeCallback | None = None
) -> list[NodeConfig]:
    """NodeConfigs for every non-dedicated-master node with an HTTP publish address.

    ``node_callback(node_info, config)`` may adjust each config or drop it by returning None.
    """
    nodes = body.get("nodes") if isinstance(body, dict) else None
    if not isinstance(nodes, dict):
        raise SniffingError("The nodes info answer has no 'nodes' object")
    configs: list[NodeConfig] = []
    for info in nodes.values():
        roles = info.get("roles")
        if roles == ["master"]:
            continue
        address = (info.get("http") or {}).get("publish_address")
        if not address:
            continue
        host, port = parse_publish_address(address)
        config: NodeConfig | None = template.replace(host=host, port=port)
        if node_callback is not None:
            config = node_callback(info, config)  # type: ignore[arg-type]
        if config is not None:
            configs.append(config)
    return configs


def configs_from_answer(
    transport: Transport | AsyncTransport,
    node: BaseNode,
    meta: ApiResponseMeta,
    raw: bytes,
    node_callback: NodeCallback | None,
    errors: list[Exception],
) -> list[NodeConfig] | None:
    """The nodes a sniff answer lists, or None (with the reason added to ``errors``) if it failed."""
    if not 200 <= meta.status < 300:
        errors.append(SniffingError(f"Sniffing {node!r} returned status {meta.status}"))
        return None
    return node_configs_from_nodes_info(
        transport.serializers.loads(raw, meta.mimetype), node.config, node_callback
    )


# The callbacks: the async one is the source, the sync one its twin (codegen/unasync.py).
from ._async_sniff import async_sniff_nodes_http  # noqa: E402
from ._sniff import sniff_nodes_http  # noqa: E402
