"""The official client's venv: requirements from majors.json, and a real build from the package
index (marked ``package_index``: skipped when the index is unreachable)."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from esmatrix import official
from esmatrix.cells import ROOT


def test_requirements_pin_the_official_releases_of_majors_json() -> None:
    assert official.requirements("elasticsearch") == [
        "elasticsearch[async]==9.5.1",
        "elastic-transport==9.4.2",
        *official.TEST_REQUIREMENTS,
    ]
    assert official.requirements("elasticsearch7")[0] == "elasticsearch7[async]==7.17.13"


def test_a_venv_that_imports_ours_is_refused() -> None:
    """This interpreter has our packages (editable, ``+mono``): the check names what it found."""
    with pytest.raises(
        official.OfficialEnvError,
        match=r"the official venv imports ours: elasticsearch8 \S+ from \S*packages/elasticsearch8/",
    ):
        official.check("elasticsearch8", Path(sys.executable))


def _index_reachable() -> str | None:
    url = next(
        (os.environ[v] for v in ("UV_DEFAULT_INDEX", "UV_INDEX_URL", "PIP_INDEX_URL") if os.environ.get(v)),
        "https://pypi.org/simple",
    )
    parts = urlsplit(url)
    host, port = parts.hostname or "pypi.org", parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as error:
        return f"package index {host}:{port} unreachable ({error})"
    return None


@pytest.mark.package_index
def test_the_venv_has_the_official_release_and_not_ours(tmp_path: Path) -> None:
    unreachable = _index_reachable()
    if unreachable:
        pytest.skip(unreachable)
    if shutil.which("uv") is None:
        pytest.fail("uv is needed to build the official venvs (pip install uv)")
    env = official.build("elasticsearch8", tmp_path)
    assert env.versions["elasticsearch8"] == "8.19.3"
    assert "+" not in env.versions["elastic_transport"]
    site = env.python.parent.parent
    assert site.is_relative_to(tmp_path)
    # reused while its requirements are the same; rebuilt when they change
    stamp = site / official.STAMP
    before = stamp.stat().st_mtime_ns
    assert official.build("elasticsearch8", tmp_path).versions == env.versions
    assert stamp.stat().st_mtime_ns == before
    # nothing of ours inside: the suite's helpers only
    listing = " ".join(p.name for p in site.glob("lib/python*/site-packages/*"))
    assert "esmatrix" in listing and "escluster" in listing
    assert str(ROOT / "packages") not in " ".join(
        p.read_text() for p in site.glob("lib/python*/site-packages/*.pth")
    )
