"""Register the ``cluster`` marker (escluster itself is installed: pip install -e ci/escluster)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cluster: starts a real Elasticsearch (needs mvn and a JDK; ~30 s)")
