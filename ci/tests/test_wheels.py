"""The wheels as users install them: built by ci/wheelhouse.py (what ``nox -s build`` runs),
installed into fresh venvs with the one documented line, then imported and used against the
fake server.

The line is ``pip install --find-links <wheelhouse> --constraint <wheelhouse>/constraints.txt
<packages>`` (and the same with ``uv pip install``): our four packages come from the
wheelhouse, their dependencies from the package index. The tests check that the official
packages never come in their place. They need the index (hatchling for the builds, urllib3
for the installs) and are skipped when it cannot be reached; everything else fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from email.parser import Parser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fakees import FakeServer, Reply, Request

ROOT = Path(__file__).resolve().parents[2]
MAJORS = json.loads((ROOT / "majors.json").read_text())["majors"]
API = {m["package"]: m for m in MAJORS}  # newest major first
TRANSPORT = "elastic-transport"
# The user-facing extras of the official releases (their METADATA, less dev/develop and docs).
EXTRAS = {
    "elasticsearch": {"async", "orjson", "pyarrow", "requests", "vectorstore-mmr"},
    "elasticsearch8": {"async", "orjson", "pyarrow", "requests", "vectorstore-mmr"},
    "elasticsearch7": {"async", "requests"},
}
PYTHONS = [f"Programming Language :: Python :: 3.{minor}" for minor in range(10, 15)]

pytestmark = pytest.mark.wheels


def _index_host() -> tuple[str, int]:
    """Host and port of the package index uv and pip use here (PyPI unless configured)."""
    url = next(
        (os.environ[v] for v in ("UV_DEFAULT_INDEX", "UV_INDEX_URL", "PIP_INDEX_URL") if os.environ.get(v)),
        "https://pypi.org/simple",
    )
    parts = urlsplit(url)
    return parts.hostname or "pypi.org", parts.port or (443 if parts.scheme == "https" else 80)


def _run(*command: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Runs a command with the environment of a user's shell: no PYTHONPATH (it would let the
    repository's sources stand in for the installed packages), no active venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def _check(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result.stdout


def _metadata(wheel: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(archive.read(name).decode("utf-8"))
    fields: dict[str, list[str]] = {}
    for key, value in message.items():
        fields.setdefault(key, []).append(value)
    fields["Description"] = [str(message.get_payload())]
    return fields


@pytest.fixture(scope="module")
def uv() -> str:
    path = shutil.which("uv")
    if path is None:
        pytest.fail("uv is needed to build and install the wheels (pip install uv)")
    return path


@pytest.fixture(scope="module")
def wheelhouse(uv: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheelhouse, built once for the module; skips when the package index is unreachable."""
    host, port = _index_host()
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as error:
        pytest.skip(f"package index {host}:{port} unreachable ({error}): the wheels cannot be built")
    out = tmp_path_factory.mktemp("wheels") / "wheelhouse"
    _check(_run(sys.executable, ROOT / "ci" / "wheelhouse.py", "--out", out))
    return out


@pytest.fixture(scope="module")
def pins(wheelhouse: Path) -> dict[str, str]:
    """Distribution name -> exact version, from the wheelhouse's constraints."""
    lines = (wheelhouse / "constraints.txt").read_text().splitlines()
    return dict(line.split("==") for line in lines if line and not line.startswith("#"))


def _wheel(wheelhouse: Path, dist: str) -> Path:
    (wheel,) = wheelhouse.glob(f"{dist.replace('-', '_')}-*.whl")
    return wheel


def test_the_wheelhouse_pins_four_local_versions(wheelhouse: Path, pins: dict[str, str]) -> None:
    assert sorted(pins) == sorted([TRANSPORT, *API])
    label = pins[TRANSPORT].partition("+")[2]
    assert label, "the transport's version has no local label"
    for name, entry in API.items():
        # the official release mirrored, plus the same label as the transport
        assert pins[name] == f"{entry['official']['elasticsearch']}+{label}"
    assert sorted(p.name for p in wheelhouse.glob("*.whl")) == sorted(
        f"{name.replace('-', '_')}-{version}-py3-none-any.whl" for name, version in pins.items()
    )


@pytest.mark.parametrize("dist", [TRANSPORT, *API])
def test_wheel_metadata(wheelhouse: Path, pins: dict[str, str], dist: str) -> None:
    wheel = _wheel(wheelhouse, dist)
    meta = _metadata(wheel)
    assert meta["Name"] == [dist] and meta["Version"] == [pins[dist]]
    assert meta["License-Expression"] == ["Apache-2.0"]
    assert sorted(meta["License-File"]) == ["LICENSE", "NOTICE"]
    with zipfile.ZipFile(wheel) as archive:
        for name in ("LICENSE", "NOTICE"):
            inside = archive.read(f"{dist.replace('-', '_')}-{pins[dist]}.dist-info/licenses/{name}")
            assert inside.decode() == (ROOT / name).read_text(), name
    assert meta["Author"] and meta["Maintainer"] and meta["Keywords"]
    classifiers = meta["Classifier"]
    for expected in [
        *PYTHONS,
        "License :: OSI Approved :: Apache Software License",
        "Operating System :: OS Independent",
        "Typing :: Typed",
    ]:
        assert expected in classifiers
    assert any(c.startswith("Development Status :: ") for c in classifiers)
    assert {url.partition(", ")[0] for url in meta["Project-URL"]} == {"Homepage", "Source", "Issues"}
    assert meta["Requires-Python"] == [">=3.10"]
    description = meta["Description"][0]
    assert meta["Description-Content-Type"] == ["text/markdown"]
    assert description.startswith(f"# {dist}\n") and "Generated by codegen" not in description
    if dist == TRANSPORT:
        return
    assert f"{TRANSPORT}=={pins[TRANSPORT]}" in meta["Requires-Dist"]  # exactly ours
    assert set(meta["Provides-Extra"]) == EXTRAS[dist]
    install_line = f"--find-links wheelhouse --constraint wheelhouse/constraints.txt {dist}"
    assert install_line in description


@pytest.mark.parametrize("dist", list(API))
def test_wheel_ships_the_type_information(wheelhouse: Path, dist: str) -> None:
    """``py.typed`` in every API wheel, and every type stub of the package (7.x: one next to
    each generated client module)."""
    with zipfile.ZipFile(_wheel(wheelhouse, dist)) as archive:
        names = set(archive.namelist())
    assert f"{dist}/py.typed" in names
    src = ROOT / "packages" / dist / "src"
    stubs = {path.relative_to(src).as_posix() for path in src.rglob("*.pyi")}
    assert {name for name in names if name.endswith(".pyi")} == stubs
    assert bool(stubs) == (API[dist]["major"] == 7)


def test_an_api_wheel_alone_never_falls_back_to_the_official_transport(
    uv: str, wheelhouse: Path, pins: dict[str, str], tmp_path: Path
) -> None:
    """Without the wheelhouse, the exact pin on our transport cannot be met: the install fails
    instead of taking elastic-transport from the index."""
    _check(_run(uv, "venv", "--quiet", "--python", sys.executable, tmp_path / "venv"))
    result = _run(
        uv, "pip", "install", "--dry-run", "--python", tmp_path / "venv", _wheel(wheelhouse, "elasticsearch")
    )
    assert result.returncode != 0
    assert f"{TRANSPORT}=={pins[TRANSPORT]}" in result.stderr


# Run by the venv's Python: the installed distributions, by name.
_DISTS = "import importlib.metadata, json; print(json.dumps(sorted(d.metadata['Name'].lower() for d in importlib.metadata.distributions())))"

# Run by the venv's Python: imports and uses each package, reports what it found.
_USE = """
import importlib, importlib.metadata, json, sys
url, packages = sys.argv[1], sys.argv[2:]
import elastic_transport
report = {
    "transport": [elastic_transport.__file__, elastic_transport.__version__],
    "dists": {d.metadata["Name"].lower(): d.version for d in importlib.metadata.distributions()},
}
for name in packages:
    module = importlib.import_module(name)
    info = module.Elasticsearch(url).info()
    report[name] = [module.__file__, module.__versionstr__, list(module.__version__), info["version"]["number"]]
print(json.dumps(report))
"""


def _answer_root(request: Request) -> Reply:
    """``GET /`` as a server of the caller's major (from its User-Agent) would answer it."""
    major = request.headers.get("user-agent", "elasticsearch-py/9").partition("/")[2][:1]
    number = {"9": "9.5.0", "8": "8.19.0", "7": "7.17.0"}.get(major, "9.5.0")
    return Reply(
        body={"version": {"number": number, "build_flavor": "default"}, "tagline": "You Know, for Search"}
    )


@pytest.fixture
def server(fake_server: FakeServer) -> Iterator[FakeServer]:
    fake_server.route("GET", "/", _answer_root)
    yield fake_server


@pytest.mark.parametrize(
    ("installer", "packages"),
    [
        *(("uv", [name]) for name in API),
        ("uv", list(API)),
        ("pip", list(API)),
    ],
    ids=[*(f"uv-{name}" for name in API), "uv-all", "pip-all"],
)
def test_installed_with_the_documented_line(
    uv: str,
    wheelhouse: Path,
    pins: dict[str, str],
    server: FakeServer,
    tmp_path: Path,
    installer: str,
    packages: list[str],
) -> None:
    venv = tmp_path / "venv"
    _check(
        _run(
            uv,
            "venv",
            "--quiet",
            *(["--seed"] if installer == "pip" else []),
            "--python",
            sys.executable,
            venv,
        )
    )
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    seeded = json.loads(_check(_run(python, "-c", _DISTS, cwd=tmp_path)))  # pip's own, with --seed
    line = ["--find-links", "wheelhouse", "--constraint", "wheelhouse/constraints.txt", *packages]
    if installer == "pip":
        _check(_run(python, "-m", "pip", "install", "--quiet", *line, cwd=wheelhouse.parent))
    else:
        _check(_run(uv, "pip", "install", "--quiet", "--python", python, *line, cwd=wheelhouse.parent))

    report = json.loads(_check(_run(python, "-c", _USE, server.url, *packages, cwd=tmp_path)))
    assert Path(report["transport"][0]).resolve().is_relative_to(venv.resolve())
    assert report["transport"][1] == pins[TRANSPORT].partition("+")[0]
    # ours at their exact versions, urllib3, what the DSL of the 8.x/9.x packages needs (as the
    # official packages do: python-dateutil, with what that version pulls in, six or tzdata,
    # and typing-extensions), and nothing else
    ours = {TRANSPORT: pins[TRANSPORT], **{name: pins[name] for name in packages}}
    dists = {k.lower().replace("_", "-"): v for k, v in report["dists"].items() if k not in seeded}
    dsl = {"python-dateutil", "typing-extensions"} if any(API[n]["major"] >= 8 for n in packages) else set()
    assert {*ours, "urllib3", *dsl} <= set(dists) <= {*ours, "urllib3", *dsl, "six", "tzdata"}, sorted(dists)
    assert {name: dists[name] for name in ours} == ours
    for name in packages:
        file, versionstr, version, server_version = report[name]
        assert Path(file).resolve().is_relative_to(venv.resolve())
        official = API[name]["official"]["elasticsearch"]
        assert versionstr == official and version == [int(x) for x in official.split(".")]
        assert server_version.startswith(str(API[name]["major"]))
    agents = {r.headers["user-agent"].split(" ")[0] for r in server.requests}
    assert agents == {f"elasticsearch-py/{API[name]['official']['elasticsearch']}" for name in packages}


def test_the_transport_copies_of_license_and_notice_are_the_roots() -> None:
    for name in ("LICENSE", "NOTICE"):
        assert (ROOT / "packages" / "transport" / name).read_text() == (ROOT / name).read_text(), name


def _urls(pyproject: Path) -> dict[str, str]:
    section = pyproject.read_text().partition("[project.urls]")[2].partition("\n[")[0]
    return dict(re.findall(r'^(\w+) = "(\w+://[^"]+)"$', section, re.M))


def test_the_transport_urls_share_the_generated_packages_base() -> None:
    """packages/transport/pyproject.toml spells REPOSITORY_URL of codegen/profiles.py again."""
    base = _urls(ROOT / "packages" / "elasticsearch" / "pyproject.toml")["Homepage"]
    urls = _urls(ROOT / "packages" / "transport" / "pyproject.toml")
    assert sorted(urls) == ["Homepage", "Issues", "Source"]
    assert urls["Homepage"] == base and all(url.startswith(base) for url in urls.values())
