"""Build the wheelhouse users install from: ``python ci/wheelhouse.py [--out wheelhouse]``.

Writes the wheels of the four packages (elastic-transport and the API packages of
majors.json) into one folder, with ``constraints.txt`` pinning each to its exact version.
Every version carries the monorepo's PEP 440 local label (``9.5.1+mono.1``), which no package
index holds, so with ``--constraint`` pip and uv can take these four only from the folder and
take everything else (urllib3, aiohttp, ...) from the index:

    pip install --find-links wheelhouse --constraint wheelhouse/constraints.txt elasticsearch

(``uv pip install`` takes the same arguments). ``nox -s build`` runs this; so does the wheel
test (ci/tests/test_wheels.py). Standard library only: it runs under any Python 3.10+.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = "constraints.txt"


def package_dirs() -> list[Path]:
    """The transport first, then the API packages, newest major first."""
    majors = json.loads((ROOT / "majors.json").read_text())["majors"]
    return [ROOT / "packages" / "transport", *(ROOT / "packages" / m["package"] for m in majors)]


def metadata(wheel: Path) -> dict[str, list[str]]:
    """The METADATA fields of a wheel (each field's values, in order)."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(archive.read(name).decode("utf-8"), headersonly=True)
    fields: dict[str, list[str]] = {}
    for key, value in message.items():
        fields.setdefault(key, []).append(value)
    return fields


def build_wheel(package: Path, out: Path) -> Path:
    """Builds one wheel into ``out`` (uv when it is on PATH, else ``python -m build``)."""
    before = set(out.glob("*.whl"))
    uv = shutil.which("uv")
    if uv:
        command = [uv, "build", "--quiet", "--wheel", "--out-dir", str(out), str(package)]
    else:
        command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(package)]
    subprocess.run(command, check=True, cwd=ROOT)
    (wheel,) = set(out.glob("*.whl")) - before
    return wheel


def build(out: Path) -> list[Path]:
    """Builds the four wheels into ``out`` (replacing earlier ones) and writes the constraints;
    returns the wheels, transport first. Fails when an API package does not pin this transport."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.whl"):
        old.unlink()
    wheels = [build_wheel(package, out) for package in package_dirs()]
    pins = [(metadata(w)["Name"][0], metadata(w)["Version"][0]) for w in wheels]
    transport = f"{pins[0][0]}=={pins[0][1]}"
    for wheel in wheels[1:]:
        if transport not in metadata(wheel).get("Requires-Dist", []):
            raise SystemExit(f"{wheel.name} does not require {transport}: run `python -m codegen`")
    lines = [
        "# The packages of this wheelhouse at their exact versions. Their local label (+...) is on",
        "# no package index, so with --constraint pip and uv take them only from this folder.",
        *(f"{name}=={version}" for name, version in pins),
    ]
    (out / CONSTRAINTS).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return wheels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "wheelhouse", help="default: wheelhouse/")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    for path in [*build(out), out / CONSTRAINTS]:
        print(path.relative_to(Path.cwd()) if Path.cwd() in path.parents else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
