"""``nox -s typing-compare``: the typed-usage programs against the official packages and ours.

For each major, the official package (the version majors.json names) goes into a scratch
virtual environment with mypy; the program of that major runs through ``mypy --strict``
there (its imports renamed to ``elasticsearch``) and in this environment, against ours.
Prints, per major, how many of the marked mistakes each one reports, and the correct lines
each one rejects. Needs the network (PyPI); not part of CI.

    python -m codegen.tests.typed_usage.compare [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from codegen.tests.typed_usage import check

ROOT = check.HERE.parents[2]


def official_versions() -> dict[str, str]:
    """package of ours -> the official ``elasticsearch`` release of its major."""
    majors = json.loads((ROOT / "majors.json").read_text(encoding="utf-8"))["majors"]
    return {m["package"]: m["official"]["elasticsearch"] for m in majors}


def scratch_env(folder: Path, requirement: str) -> str:
    """A virtual environment in ``folder`` (kept from an earlier run with ``--keep``) with
    ``requirement`` and mypy; its python."""
    python = folder / "bin" / "python"
    uv = shutil.which("uv")
    if uv:
        if not python.exists():
            subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(folder)], check=True)
        install = [uv, "pip", "install", "-q", "--python", str(python)]
    else:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        install = [str(python), "-m", "pip", "install", "-q"]
    subprocess.run([*install, requirement, "mypy"], check=True)
    return str(python)


def compare(workdir: Path) -> list[tuple[str, str, check.Result, check.Result]]:
    versions = official_versions()

    def run(program: str, package: str) -> tuple[str, str, check.Result, check.Result]:
        version = versions[package]
        python = scratch_env(workdir / f"venv-{package}", f"elasticsearch[async]=={version}")
        official, _ = check.check_programs(
            [program], workdir / f"official-{package}", renames={package: "elasticsearch"}, python=python
        )
        ours, _ = check.check_programs([program], workdir / f"ours-{package}")
        return package, version, official[0], ours[0]

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(run, program, package) for program, package in check.PROGRAMS.items()]
        return [future.result() for future in futures]


def report(rows: list[tuple[str, str, check.Result, check.Result]]) -> str:
    lines = ["mistakes caught (mypy --strict):", ""]
    lines.append(f"{'major':<16} {'official':>10} {'ours':>6}   of")
    for package, version, official, ours in rows:
        total = len(ours.expected)
        lines.append(
            f"{package:<16} {len(official.caught):>10} {len(ours.caught):>6}   {total}   (official {version})"
        )
    for _, _, official, ours in rows:
        program = ours.program
        for who, result in (("official", official), ("ours", ours)):
            for line in sorted(result.missed):
                lines.append(f"  {program}:{line}: {who} misses this mistake")
            for line, messages in sorted(result.unexpected.items()):
                lines.append(f"  {program}:{line}: {who} rejects correct code: {messages[0]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen.tests.typed_usage.compare")
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        rows = compare(args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="typing-compare-") as folder:
            rows = compare(Path(folder))
    print(report(rows))
    return 0 if all(ours.caught >= official.caught for _, _, official, ours in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
