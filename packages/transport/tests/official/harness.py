"""Runs the official elastic-transport unit suite against the installed ``elastic_transport``.

The official tests (``../shared/official-tests/elastic-transport-python``, read-only reference
data) are copied to a temporary folder at run time, never into the repository, and run there in
a subprocess with pytest and ``--junitxml``. Their results are compared with the one
exceptions file, ``packages/transport/official-exceptions.toml``:

- ``[[private]]``: a test that asserts private internals with no user-visible effect; it may
  fail for good (each with its reason).
- ``[[pending]]``: a test that fails today in another engineer's area (``area``); tolerated and
  reported until that area removes the entry.
- ``[[left_out]]``: a whole file not run here (network), with its reason.

An id is ``file::test`` relative to the official ``tests`` folder (``node/test_base.py::test_x``,
``test_response.py::TestCls::test_y[param]``; without ``[param]`` it covers every
parametrization); a bare file id (``node/test_http_urllib3.py``)
covers the file's collection error and every test in it. A listed test that passes is an error
too ("stale"), so the list stays honest. A ``[[pending]]`` entry with ``alias = "mod.NAME =
othermod.NAME"`` makes the name importable for the run (the suite's conftest imports it), and is
stale once the module has the name itself.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[4]
EXCEPTIONS_FILE = ROOT / "packages" / "transport" / "official-exceptions.toml"
DEFAULT_OFFICIAL = ROOT.parent / "shared" / "official-tests" / "elastic-transport-python"
PRIVATE_LIMIT = 15


def official_dir() -> Path:
    return Path(os.environ.get("ELASTIC_TRANSPORT_OFFICIAL_TESTS") or DEFAULT_OFFICIAL)


@dataclasses.dataclass(frozen=True)
class Entry:
    kind: str  # private, pending
    id: str
    reason: str
    area: str = ""
    alias: str = ""

    def covers(self, test_id: str) -> bool:
        """The test itself, every parametrization of a test id given without ``[...]``, or
        every test of a file given as a bare file id."""
        if test_id == self.id or ("::" in self.id and test_id.split("[", 1)[0] == self.id):
            return True
        return "::" not in self.id and test_id.split("::", 1)[0] == self.id


@dataclasses.dataclass
class Exceptions:
    entries: list[Entry]
    left_out: dict[str, str]  # file -> reason

    def find(self, test_id: str) -> Entry | None:
        exact = [e for e in self.entries if e.id == test_id]
        if exact:
            return exact[0]
        return next((e for e in self.entries if e.covers(test_id)), None)


def load_exceptions(path: Path = EXCEPTIONS_FILE) -> Exceptions:
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - {"private", "pending", "left_out"}
    if unknown:
        raise ValueError(f"{path.name}: unknown sections {sorted(unknown)}")
    entries: list[Entry] = []
    for kind in ("private", "pending"):
        for raw in data.get(kind, []):
            extra = set(raw) - {"id", "reason", "area", "alias"}
            if extra or not raw.get("id") or not raw.get("reason"):
                raise ValueError(f"{path.name}: bad [[{kind}]] entry {raw!r} (needs id and reason)")
            if kind == "pending" and not raw.get("area"):
                raise ValueError(f"{path.name}: [[pending]] {raw['id']!r} needs the owning area")
            entries.append(Entry(kind, raw["id"], raw["reason"], raw.get("area", ""), raw.get("alias", "")))
    ids = [e.id for e in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"{path.name}: listed twice: {duplicates}")
    left_out = {raw["file"]: raw["reason"] for raw in data.get("left_out", [])}
    return Exceptions(entries, left_out)


@dataclasses.dataclass
class Outcome:
    passed: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)  # failures and errors
    errors: list[str] = dataclasses.field(default_factory=list)  # the errors alone
    skipped: list[str] = dataclasses.field(default_factory=list)
    messages: dict[str, str] = dataclasses.field(default_factory=dict)


def _test_id(tests: Path, classname: str, name: str) -> str:
    """``tests.node.test_base.TestX`` + ``test_y`` -> ``node/test_base.py::TestX::test_y``."""
    if not classname:  # a collection error: name is the module's dotted path
        parts = name.split(".")
        return "/".join(parts[1:]) + ".py" if parts[0] == "tests" else name
    parts = classname.split(".")[1:]  # drop the leading "tests" package
    for cut in range(len(parts), 0, -1):
        file = "/".join(parts[:cut]) + ".py"
        if (tests / file).is_file():
            return "::".join([file, *parts[cut:], name])
    return "::".join([*parts, name])


def parse_junit(xml_path: Path, tests: Path) -> Outcome:
    outcome = Outcome()
    for case in ET.parse(xml_path).iter("testcase"):
        test_id = _test_id(tests, case.get("classname", ""), case.get("name", ""))
        children = {child.tag: child for child in case}
        bad = children.get("error") if "error" in children else children.get("failure")
        if bad is not None:
            outcome.failed.append(test_id)
            if bad.tag == "error":
                outcome.errors.append(test_id)
            outcome.messages[test_id] = (
                (bad.get("message") or "").splitlines()[0][:200] if bad.get("message") else ""
            )
        elif "skipped" in children:
            outcome.skipped.append(test_id)
        else:
            outcome.passed.append(test_id)
    return outcome


def _aliases_plugin(exceptions: Exceptions, workdir: Path) -> tuple[list[str], list[str]]:
    """Writes a pytest plugin that sets the pending aliases; returns (pytest args, stale ids)."""
    lines, stale = [], []
    for entry in exceptions.entries:
        if not entry.alias:
            continue
        target, _, source = (part.strip() for part in entry.alias.partition("="))
        module, _, name = target.rpartition(".")
        if hasattr(importlib.import_module(module), name):
            stale.append(entry.id)
            continue
        src_module, _, src_name = source.rpartition(".")
        lines += [
            f"import {module}, {src_module}",
            f"{module}.{name} = {src_module}.{src_name}",
        ]
    if not lines:
        return [], stale
    (workdir / "_official_aliases.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["-p", "_official_aliases"], stale


@dataclasses.dataclass
class Report:
    outcome: Outcome
    exceptions: Exceptions
    unexpected: list[str]  # failing, not listed
    stale: list[str]  # listed, not failing any more
    tolerated: dict[str, list[str]]  # kind -> failing listed ids
    returncode: int
    output: str

    def per_file(self) -> dict[str, tuple[int, int, int]]:
        counts: dict[str, list[int]] = {}
        o = self.outcome
        for slot, ids in enumerate((o.passed, [i for i in o.failed if i not in o.errors], o.errors)):
            for test_id in ids:
                counts.setdefault(test_id.split("::", 1)[0], [0, 0, 0])[slot] += 1
        return {file: (c[0], c[1], c[2]) for file, c in counts.items()}

    def summary(self) -> str:
        o, ex = self.outcome, self.exceptions
        private = [e for e in ex.entries if e.kind == "private"]
        pending = [e for e in ex.entries if e.kind == "pending"]
        lines = [
            f"official elastic-transport suite: {len(o.passed)} passed, {len(o.failed)} failed "
            f"({len(o.errors)} of them errors), {len(o.skipped)} skipped",
            f"exceptions listed: {len(private)} private (limit {PRIVATE_LIMIT}), {len(pending)} pending; "
            f"failing and tolerated: {len(self.tolerated['private'])} private, "
            f"{len(self.tolerated['pending'])} pending",
            f"left-out files: {len(ex.left_out)} ({', '.join(sorted(ex.left_out))})",
        ]
        lines.append("per file (passed / failed / errors):")
        for file, (n_pass, n_fail, n_err) in sorted(self.per_file().items()):
            lines.append(f"  {file}: {n_pass} / {n_fail} / {n_err}")
        by_area: dict[str, int] = {}
        for entry in pending:
            by_area[entry.area] = by_area.get(entry.area, 0) + 1
        if by_area:
            lines.append("pending by area: " + ", ".join(f"{a}: {n}" for a, n in sorted(by_area.items())))
        if self.unexpected:
            lines.append(f"FAILING, not in {EXCEPTIONS_FILE.name} ({len(self.unexpected)}):")
            lines += [f"  {i}  -- {o.messages.get(i, '')}" for i in self.unexpected]
        if self.stale:
            lines.append(f"LISTED in {EXCEPTIONS_FILE.name} but passing now: remove ({len(self.stale)}):")
            lines += [f"  {i}" for i in self.stale]
        return "\n".join(lines)


def run(verbose: bool = False, exceptions: Exceptions | None = None) -> Report:
    exceptions = exceptions or load_exceptions()
    source = official_dir()
    with tempfile.TemporaryDirectory(prefix="official-transport-") as tmp:
        work = Path(tmp)
        shutil.copytree(source / "tests", work / "tests", ignore=shutil.ignore_patterns("__pycache__"))
        if (source / "setup.cfg").is_file():
            shutil.copy(source / "setup.cfg", work / "setup.cfg")
        for file in exceptions.left_out:
            (work / "tests" / file).unlink()
        plugin_args, stale_aliases = _aliases_plugin(exceptions, work)
        junit = work / "junit.xml"
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "-o",
            "addopts=",
            "-p",
            "no:cacheprovider",
            *plugin_args,
            "--continue-on-collection-errors",
            f"--junitxml={junit}",
            "-rfE" if verbose else "-q",
            *(["-v"] if verbose else []),
            "tests",
        ]
        env = {**os.environ, "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("PYTEST_ADDOPTS", None)
        proc = subprocess.run(
            cmd,
            cwd=work,
            env=env,
            stdout=None if verbose else subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        if not junit.is_file():
            raise RuntimeError(
                f"the official suite wrote no junit XML (exit {proc.returncode}):\n{proc.stdout}"
            )
        outcome = parse_junit(junit, work / "tests")
    unexpected, tolerated = [], {"private": [], "pending": []}
    for test_id in outcome.failed:
        entry = exceptions.find(test_id)
        if entry is None:
            unexpected.append(test_id)
        else:
            tolerated[entry.kind].append(test_id)
    failing = set(outcome.failed)
    stale = [
        e.id for e in exceptions.entries if not e.alias and not any(e.covers(f) for f in failing)
    ] + stale_aliases
    return Report(outcome, exceptions, unexpected, stale, tolerated, proc.returncode, proc.stdout or "")


if __name__ == "__main__":
    report = run(verbose="-v" in sys.argv)
    print(report.summary())
    sys.exit(1 if report.unexpected or report.stale else 0)
