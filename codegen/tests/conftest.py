"""Shared fixtures: the real spec data, read once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codegen.load import load_endpoints
from codegen.model import Endpoint

# Same default as the generator: ../shared/specs next to the repository.
SPEC_DIR = Path(os.environ.get("ES_SPECS_DIR", Path(__file__).resolve().parents[3] / "shared" / "specs"))
VERSIONS = ("9.5", "8.19", "7.17")


@pytest.fixture(scope="session")
def spec_dir() -> Path:
    if not SPEC_DIR.is_dir():
        pytest.skip(f"spec data not found at {SPEC_DIR} (set ES_SPECS_DIR)")
    return SPEC_DIR


@pytest.fixture(scope="session")
def endpoints(spec_dir: Path) -> dict[str, dict[str, Endpoint]]:
    """version -> endpoint name -> endpoint."""
    return {version: {e.name: e for e in load_endpoints(spec_dir, version)} for version in VERSIONS}
