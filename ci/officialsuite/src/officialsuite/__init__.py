"""Runs an official unit suite against our installed packages and holds it to an exceptions file.

The official tests (``../shared/official-tests``, read-only reference data) are copied to a
temporary folder at run time, never into the repository, optionally with one module renamed
(``elasticsearch`` -> ``elasticsearch8``), and run there in a subprocess with pytest and
``--junitxml``. Their results are compared with the suite's exceptions file (TOML):

- ``[[private]]``: a test that asserts private internals with no user-visible effect; it may
  fail for good (each with its reason).
- ``[[pending]]``: a test that fails today, to be fixed in ``area`` (the file that has to
  change); tolerated and reported until the fix removes the entry.
- ``[[official_fails]]``: a test the official package fails too, on this machine kind; the
  reason says how that was checked. Not ours to fix, and not counted as private.
- ``[[left_out]]``: a whole file (or a folder, ``dir/``) not run here, with its reason.

An id is ``file::test`` relative to the copied test package (``node/test_base.py::test_x``,
``test_response.py::TestCls::test_y[param]``; without ``[param]`` it covers every
parametrization); a bare file id (``node/test_http_urllib3.py``) covers the file's collection
error and every test in it. A listed test that passes is an error too ("stale"), so the list
stays honest. A ``[[pending]]`` entry with ``alias = "mod.NAME = othermod.NAME"`` makes the
name importable for the run (a pytest plugin sets it before collection), and is stale once the
module has the name itself.

Used by packages/transport/tests/official (elastic-transport) and conformance/official (the
three elasticsearch-py majors); ``Suite`` is all that differs between them.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import tokenize
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "Entry",
    "Exceptions",
    "Outcome",
    "Report",
    "Suite",
    "load_exceptions",
    "parse_junit",
    "rename_module",
    "run",
]


@dataclasses.dataclass(frozen=True)
class Suite:
    """One official suite: where it is, how to prepare the copy, which exceptions file holds it."""

    name: str  # for the summary: "elastic-transport", "elasticsearch 9.5"
    source: Path  # the folder holding ``package`` (and ``extra_files``)
    package: str  # the test folder copied and run: "tests", "test_elasticsearch"
    exceptions_file: Path
    private_limit: int | None = None  # at most this many private entries...
    private_share: float | None = None  # ...or at most this share of the tests run
    extra_files: tuple[str, ...] = ()  # beside the package, copied when present (setup.cfg)
    rename: tuple[str, str] | None = None  # (official module, ours) in the copy's .py files
    ini: str = ""  # a pytest.ini written beside the copy, when the suite brings no config
    env: tuple[tuple[str, str], ...] = ()  # set for the run (switches of opt-in tests)

    def available(self) -> bool:
        return (self.source / self.package).is_dir()


@dataclasses.dataclass(frozen=True)
class Entry:
    kind: str  # one of KINDS
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
    left_out: dict[str, str]  # file, or folder ending in "/" -> reason
    name: str = "official-exceptions.toml"

    def find(self, test_id: str) -> Entry | None:
        exact = [e for e in self.entries if e.id == test_id]
        if exact:
            return exact[0]
        return next((e for e in self.entries if e.covers(test_id)), None)

    def of_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]


KINDS = ("private", "pending", "official_fails")


def load_exceptions(path: Path) -> Exceptions:
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - {*KINDS, "left_out"}
    if unknown:
        raise ValueError(f"{path.name}: unknown sections {sorted(unknown)}")
    entries: list[Entry] = []
    for kind in KINDS:
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
    left_out: dict[str, str] = {}
    for raw in data.get("left_out", []):
        if set(raw) != {"file", "reason"} or "::" in raw["file"]:
            raise ValueError(f"{path.name}: bad [[left_out]] entry {raw!r} (a whole file and a reason)")
        left_out[raw["file"]] = raw["reason"]
    return Exceptions(entries, left_out, path.name)


# --------------------------------------------------------------------------- the copy


def rename_module(text: str, old: str, new: str) -> str:
    """``old`` -> ``new`` where it is the module: every Python name ``old`` (imports,
    ``old.attr``, ``reload(old)``) and the leading ``old.`` of a string given to ``patch(...)``.
    Other strings stay as they are (URLs, user agents, logger names, span attributes)."""
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, int, str]] = []  # row, start col, end col, replacement
    recent: list[str] = []  # the last two significant tokens
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.NAME and tok.string == old:
            edits.append((tok.start[0], tok.start[1], tok.end[1], new))
        elif tok.type == tokenize.STRING and recent == ["patch", "("]:
            quote_at = next(i for i, ch in enumerate(tok.string) if ch in "'\"")
            body = tok.string[quote_at + 1 :]
            if body.startswith(old + ".") and tok.start[0] == tok.end[0]:
                col = tok.start[1] + quote_at + 1
                edits.append((tok.start[0], col, col + len(old), new))
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT):
            recent = [*recent[-1:], tok.string]
    for row, start, end, replacement in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:start] + replacement + line[end:]
    return "".join(lines)


def _copy(suite: Suite, exceptions: Exceptions, work: Path) -> Path:
    tests = work / suite.package
    shutil.copytree(suite.source / suite.package, tests, ignore=shutil.ignore_patterns("__pycache__"))
    for name in suite.extra_files:
        if (suite.source / name).is_file():
            shutil.copy(suite.source / name, work / name)
    if suite.ini:
        (work / "pytest.ini").write_text(suite.ini, encoding="utf-8")
    for file in exceptions.left_out:
        target = tests / file.rstrip("/")
        if not target.exists():
            raise ValueError(f"{exceptions.name}: left_out {file!r} is not in the official suite")
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    if suite.rename:
        old, new = suite.rename
        for path in tests.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            renamed = rename_module(text, old, new)
            if renamed != text:
                path.write_text(renamed, encoding="utf-8")
    return tests


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


# --------------------------------------------------------------------------- results


@dataclasses.dataclass
class Outcome:
    passed: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)  # failures and errors
    errors: list[str] = dataclasses.field(default_factory=list)  # the errors alone
    skipped: list[str] = dataclasses.field(default_factory=list)
    messages: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.passed) + len(self.failed) + len(self.skipped)


def _test_id(tests: Path, classname: str, name: str) -> str:
    """``tests.node.test_base.TestX`` + ``test_y`` -> ``node/test_base.py::TestX::test_y``
    (``tests`` being the copied package's folder)."""
    if not classname:  # a collection error: name is the module's dotted path
        parts = name.split(".")
        return "/".join(parts[1:]) + ".py" if parts[0] == tests.name else name
    parts = classname.split(".")[1:]  # drop the leading package
    for cut in range(len(parts), 0, -1):
        file = "/".join(parts[:cut]) + ".py"
        if (tests / file).is_file():
            return "::".join([file, *parts[cut:], name])
    return "::".join([*parts, name])


def _first_line(bad: ET.Element) -> str:
    """The failure's message; for a collection error (pytest's message is just "collection
    failure") the exception line of its traceback."""
    message = bad.get("message") or ""
    raised = [line[1:].strip() for line in (bad.text or "").splitlines() if line.startswith("E ")]
    if raised and (not message or message.startswith("collection failure")):
        message = raised[-1]
    return message.splitlines()[0][:200] if message else ""


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
            outcome.messages[test_id] = _first_line(bad)
        elif "skipped" in children:
            outcome.skipped.append(test_id)
        else:
            outcome.passed.append(test_id)
    return outcome


@dataclasses.dataclass
class Report:
    suite: Suite
    outcome: Outcome
    exceptions: Exceptions
    unexpected: list[str]  # failing, not listed
    stale: list[str]  # listed, not failing any more
    tolerated: dict[str, list[str]]  # kind -> failing listed ids
    returncode: int
    output: str

    @property
    def private_limit(self) -> int:
        if self.suite.private_limit is not None:
            return self.suite.private_limit
        if self.suite.private_share is not None:
            return int(self.suite.private_share * self.outcome.total)
        return sys.maxsize

    @property
    def ok(self) -> bool:
        return not self.unexpected and not self.stale

    def per_file(self) -> dict[str, tuple[int, int, int]]:
        counts: dict[str, list[int]] = {}
        o = self.outcome
        for slot, ids in enumerate((o.passed, [i for i in o.failed if i not in o.errors], o.errors)):
            for test_id in ids:
                counts.setdefault(test_id.split("::", 1)[0], [0, 0, 0])[slot] += 1
        return {file: (c[0], c[1], c[2]) for file, c in counts.items()}

    def summary(self) -> str:
        o, ex, name = self.outcome, self.exceptions, self.exceptions.name
        private, pending = ex.of_kind("private"), ex.of_kind("pending")
        lines = [
            f"official {self.suite.name} suite: {len(o.passed)} passed, {len(o.failed)} failed "
            f"({len(o.errors)} of them errors), {len(o.skipped)} skipped, of {o.total}",
            f"exceptions listed: {len(private)} private (limit {self.private_limit}), {len(pending)} pending, "
            f"{len(ex.of_kind('official_fails'))} failing with the official package too; "
            f"failing and tolerated: {len(self.tolerated['private'])} private, "
            f"{len(self.tolerated['pending'])} pending, {len(self.tolerated['official_fails'])} official_fails",
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
            lines.append(f"FAILING, not in {name} ({len(self.unexpected)}):")
            lines += [f"  {i}  -- {o.messages.get(i, '')}" for i in self.unexpected]
        if self.stale:
            lines.append(f"LISTED in {name} but passing now: remove ({len(self.stale)}):")
            lines += [f"  {i}" for i in self.stale]
        return "\n".join(lines)


def _pytest_command(package: str, plugin_args: list[str], junit: Path, verbose: bool) -> list[str]:
    return [
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
        package,
    ]


def _compare(
    outcome: Outcome, exceptions: Exceptions, stale_aliases: list[str]
) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """(failing and not listed, listed and not failing, kind -> failing and listed)."""
    unexpected: list[str] = []
    tolerated: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for test_id in outcome.failed:
        entry = exceptions.find(test_id)
        if entry is None:
            unexpected.append(test_id)
        else:
            tolerated[entry.kind].append(test_id)
    failing = set(outcome.failed)
    stale = [e.id for e in exceptions.entries if not e.alias and not any(e.covers(f) for f in failing)]
    return unexpected, stale + stale_aliases, tolerated


def run(suite: Suite, verbose: bool = False, exceptions: Exceptions | None = None) -> Report:
    """Copies the suite to a temp dir, runs it with pytest in a subprocess, compares."""
    exceptions = exceptions or load_exceptions(suite.exceptions_file)
    with tempfile.TemporaryDirectory(prefix=f"official-{suite.package}-") as tmp:
        work = Path(tmp)
        tests = _copy(suite, exceptions, work)
        plugin_args, stale_aliases = _aliases_plugin(exceptions, work)
        junit = work / "junit.xml"
        env = {**os.environ, **dict(suite.env), "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("PYTEST_ADDOPTS", None)
        proc = subprocess.run(
            _pytest_command(suite.package, plugin_args, junit, verbose),
            cwd=work,
            env=env,
            stdout=None if verbose else subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        if not junit.is_file():
            raise RuntimeError(
                f"the official {suite.name} suite wrote no junit XML (exit {proc.returncode}):\n{proc.stdout}"
            )
        outcome = parse_junit(junit, tests)
    unexpected, stale, tolerated = _compare(outcome, exceptions, stale_aliases)
    return Report(
        suite, outcome, exceptions, unexpected, stale, tolerated, proc.returncode, proc.stdout or ""
    )
