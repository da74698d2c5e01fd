"""The ``GET /_nodes/_all/http`` sniff callback (the shared parts are in ``sniff.py``)."""

# unasync: async-only
# The source of _sniff.py, its sync twin (codegen/unasync.py).
# unasync: end

from __future__ import annotations

from typing import TYPE_CHECKING

from ._exceptions import SniffingError, TransportError
from ._models import NodeConfig, SniffOptions
from .sniff import SNIFF_HEADERS, SNIFF_TARGET, NodeCallback, configs_from_answer

if TYPE_CHECKING:
    from ._async_transport import AsyncTransport


async def async_sniff_nodes_http(
    transport: AsyncTransport, options: SniffOptions, node_callback: NodeCallback | None = None
) -> list[NodeConfig]:
    """Sniff callback: the first known node that answers decides."""
    errors: list[Exception] = []
    for node in transport.node_pool.all():
        try:
            meta, raw = await node.perform_request(  # type: ignore[misc]
                "GET", SNIFF_TARGET, headers=SNIFF_HEADERS, request_timeout=options.sniff_timeout
            )
        except TransportError as e:
            errors.append(e)
            continue
        configs = configs_from_answer(transport, node, meta, raw, node_callback, errors)
        if configs is not None:
            return configs
    raise SniffingError("No node answered the sniff request", errors=tuple(errors))
