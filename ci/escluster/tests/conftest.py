"""Make ``escluster`` importable from ci/ and register the ``cluster`` marker."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

CI_DIR = Path(__file__).resolve().parents[2]
if str(CI_DIR) not in sys.path:
    sys.path.insert(0, str(CI_DIR))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cluster: starts a real Elasticsearch (needs mvn and a JDK; ~30 s)")
