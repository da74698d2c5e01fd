"""``elasticsearch8.transport``: the deprecated 8.x module (the 9.x package has none)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings

import elastic_transport
import pytest


def test_importing_it_warns_and_gives_the_shared_transport_classes() -> None:
    sys.modules.pop("elasticsearch8.transport", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module("elasticsearch8.transport")
    assert [w.category for w in caught] == [DeprecationWarning]
    assert "'elastic_transport'" in str(caught[0].message)
    assert module.Transport is elastic_transport.Transport
    assert module.AsyncTransport is elastic_transport.AsyncTransport


def test_get_host_info_drops_master_only_nodes() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from elasticsearch8.transport import get_host_info
    host = {"host": "10.0.0.1", "port": 9200}
    with pytest.warns(DeprecationWarning, match="get_host_info"):
        assert get_host_info({"roles": ["master"]}, host) is None
    with pytest.warns(DeprecationWarning):
        assert get_host_info({"roles": ["master", "data"]}, host) is host
    with pytest.warns(DeprecationWarning):
        assert get_host_info({}, host) is host


def test_the_9x_package_has_no_transport_module() -> None:
    code = "import importlib.util, sys; sys.exit(importlib.util.find_spec('elasticsearch.transport') is not None)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
