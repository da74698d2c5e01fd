"""The 7.x runtime's async sources and the sync twins codegen/unasync.py writes from them."""

from __future__ import annotations

from pathlib import Path

from codegen import unasync

COMMON = Path(unasync.ROOT) / "codegen" / "common"


def v7_twins() -> dict[str, unasync.Twin]:
    return {source: twin for source, twin in unasync.common_twins().items() if source.startswith("v7/")}


def test_sync_twins_are_not_hand_written() -> None:
    twins = v7_twins()
    assert {"v7/_async/transport.py", "v7/_async/client/_base.py", "v7/_async/_connection.py"} <= set(twins)
    for twin in twins.values():
        assert not (unasync.ROOT / twin.target).exists(), f"{twin.target} is written from {twin.source}"


def test_relative_imports_are_rebased_when_the_twin_sits_higher() -> None:
    """Imports that leave ``_async/`` lose a dot; the ones into ``_async/`` keep theirs."""
    source = (
        "from ..exceptions import TransportError\n"
        "from ...client.utils import _normalize_hosts\n"
        "from ..transport import AsyncTransport\n"
        "x = (TransportError, _normalize_hosts, AsyncTransport)\n"
    )
    twin = unasync.Twin("codegen/common/v7/_async/client/_base.py", "codegen/common/v7/client/_base.py")
    assert unasync.unasync_text(source, twin.names).splitlines()[:3] == [
        "from ..exceptions import TransportError",
        "from ..client.utils import _normalize_hosts",
        "from ..transport import Transport",
    ]
    top = unasync.Twin("codegen/common/v7/_async/transport.py", "codegen/common/v7/transport.py")
    assert dict(top.names) == {"..": ".", "...": "..", "....": "..."}
    same_depth = unasync.Twin(
        "codegen/common/v8plus/_async/client/_base.py", "codegen/common/v8plus/_sync/client/_base.py"
    )
    assert dict(same_depth.names) == {}


def test_sync_transport_does_not_await() -> None:
    twin = v7_twins()["v7/_async/transport.py"]
    text = unasync.unasync_text((COMMON / "v7/_async/transport.py").read_text(encoding="utf-8"), twin.names)
    assert "class Transport(TransportBase)" in text
    assert "threading.Lock()" in text
    for word in ("await ", "async ", "asyncio.", "import asyncio", "AIOHttpConnection", "_removed_nodes"):
        assert word not in text
