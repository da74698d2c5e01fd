"""Runs ``mypy --strict`` over programs that use a client package, in a scratch folder.

Used by codegen/tests/test_typing.py (against our packages) and by ``compare.py``
(``nox -s typing-compare``: the same programs against the official packages). A program
marks each deliberate mistake with an ``expect-error`` comment on its line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARK = "# expect-error"
# usage program -> the package it imports (as spelled in the program)
PROGRAMS = {"usage_v9.py": "elasticsearch", "usage_v8.py": "elasticsearch8", "usage_v7.py": "elasticsearch7"}
_ERROR = re.compile(r"^(?P<file>[^:\n]+\.py):(?P<line>\d+): error: (?P<message>.*)$", re.M)


@dataclass(frozen=True)
class Result:
    """What mypy said about one program: the marked lines, and the lines it reported."""

    program: str
    expected: frozenset[int]
    errors: Mapping[int, tuple[str, ...]]  # line -> messages

    @property
    def caught(self) -> frozenset[int]:
        return self.expected & frozenset(self.errors)

    @property
    def missed(self) -> frozenset[int]:
        return self.expected - frozenset(self.errors)

    @property
    def unexpected(self) -> dict[int, tuple[str, ...]]:
        """Errors on lines that are correct code."""
        return {line: messages for line, messages in self.errors.items() if line not in self.expected}


def expected_lines(text: str) -> frozenset[int]:
    return frozenset(i for i, line in enumerate(text.splitlines(), 1) if line.rstrip().endswith(MARK))


def rename_modules(text: str, renames: Mapping[str, str]) -> str:
    """``import x`` / ``from x...`` -> the other module name, nothing else (line numbers kept)."""
    for old, new in renames.items():
        text = re.sub(rf"^(\s*)(from|import) {re.escape(old)}\b", rf"\1\2 {new}", text, flags=re.M)
    return text


def run_mypy(
    files: Mapping[str, str],
    workdir: Path,
    *,
    python: str = sys.executable,
    timeout: float = 900,
) -> dict[str, dict[int, tuple[str, ...]]]:
    """``mypy --strict`` (of ``python``'s environment) over ``files`` (name -> text) written to
    ``workdir``, in one run, with its cache in ``workdir``; the errors, per file and line."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (workdir / name).write_text(text, encoding="utf-8")
    # An empty configuration: the repository's mypy settings must not apply to user programs.
    (workdir / "mypy.ini").write_text("[mypy]\n", encoding="utf-8")
    done = subprocess.run(
        [
            python,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            "mypy.ini",
            "--cache-dir",
            ".mypy_cache",
            "--no-error-summary",
            "--hide-error-context",
            "--no-color-output",
            *files,
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode not in (0, 1) or (done.returncode == 1 and not _ERROR.search(done.stdout)):
        raise RuntimeError(f"mypy failed to run ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    errors: dict[str, dict[int, list[str]]] = {name: {} for name in files}
    for match in _ERROR.finditer(done.stdout):
        name = Path(match["file"]).name
        errors.setdefault(name, {}).setdefault(int(match["line"]), []).append(match["message"])
    return {
        name: {line: tuple(messages) for line, messages in lines.items()} for name, lines in errors.items()
    }


def check_programs(
    programs: Iterable[str],
    workdir: Path,
    *,
    renames: Mapping[str, str] | None = None,
    python: str = sys.executable,
    extra_files: Mapping[str, str] | None = None,
) -> tuple[list[Result], dict[str, dict[int, tuple[str, ...]]]]:
    """The usage programs (with ``renames`` of their imports) and ``extra_files`` through
    one mypy run: a Result per program, and the errors of the extra files."""
    texts = {
        name: rename_modules((HERE / name).read_text(encoding="utf-8"), renames or {}) for name in programs
    }
    errors = run_mypy({**texts, **(extra_files or {})}, workdir, python=python)
    results = [Result(name, expected_lines(text), errors.get(name, {})) for name, text in texts.items()]
    extra = {name: errors.get(name, {}) for name in extra_files or {}}
    return results, extra


def clear(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
