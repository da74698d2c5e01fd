"""Reading YAML REST test files into plain objects.

A file is a stream of YAML documents. Each document is a one-key mapping:

- ``requires``: which products the file targets (``stack``/``serverless`` booleans),
- ``setup`` / ``teardown``: steps run before / after every test of the file,
- anything else: one test, its name mapped to its list of steps.

A step is a one-key mapping too (``do``, ``match``, ``set``, ``skip``, ...); steps are kept
as ``(kind, argument)`` pairs and interpreted by the runner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class TestFormatError(ValueError):
    """The file does not follow the YAML test format."""

    __test__ = False  # not a pytest test class


class _Loader(yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader that reads scalars the way JSON-minded YAML readers do.

    Unquoted dates and times stay strings (``2021-01-01`` is sent as written), and only
    ``true``/``false`` are booleans (YAML 1.1's ``yes``/``no``/``on``/``off`` stay strings).
    """


_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", _BOOL)]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass(frozen=True)
class Step:
    kind: str
    arg: Any
    index: int  # position in its section, for messages


@dataclass
class TestCase:
    name: str
    steps: list[Step]


@dataclass
class TestFile:
    path: Path
    name: str  # path relative to the tests directory, with forward slashes
    requires: dict[str, Any] = field(default_factory=dict)
    setup: list[Step] = field(default_factory=list)
    teardown: list[Step] = field(default_factory=list)
    tests: list[TestCase] = field(default_factory=list)


def _steps(raw: Any, where: str) -> list[Step]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise TestFormatError(f"{where}: expected a list of steps, got {type(raw).__name__}")
    steps = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or len(item) != 1:
            raise TestFormatError(f"{where}: step {index} is not a one-key mapping: {item!r}")
        ((kind, arg),) = item.items()
        steps.append(Step(str(kind), arg, index))
    return steps


def parse_documents(text: str) -> list[Any]:
    """All YAML documents of ``text`` (empty documents dropped)."""
    return [doc for doc in yaml.load_all(text, Loader=_Loader) if doc is not None]


def load_text(text: str, name: str = "<string>", path: Path | None = None) -> TestFile:
    """Parse one test file given as text."""
    result = TestFile(path=path or Path(name), name=name)
    for doc in parse_documents(text):
        if not isinstance(doc, dict):
            raise TestFormatError(f"{name}: a document is not a mapping: {doc!r}")
        for key, value in doc.items():
            key = str(key)
            if key == "requires":
                if not isinstance(value, dict):
                    raise TestFormatError(f"{name}: 'requires' must be a mapping")
                result.requires.update(value)
            elif key == "setup":
                result.setup.extend(_steps(value, f"{name} setup"))
            elif key == "teardown":
                result.teardown.extend(_steps(value, f"{name} teardown"))
            else:
                result.tests.append(TestCase(key, _steps(value, f"{name} [{key}]")))
    return result


def load_file(path: Path, root: Path) -> TestFile:
    """Parse one test file; its name is its path relative to ``root``."""
    name = path.relative_to(root).as_posix()
    return load_text(path.read_text(encoding="utf-8"), name=name, path=path)


def discover(root: Path, pattern: str | None = None) -> list[Path]:
    """Test files under ``root`` in a stable order; ``pattern`` is a regex on the relative name."""
    files = sorted(p for p in root.rglob("*.yml") if p.is_file())
    files += sorted(p for p in root.rglob("*.yaml") if p.is_file())
    if pattern:
        regex = re.compile(pattern)
        files = [p for p in files if regex.search(p.relative_to(root).as_posix())]
    return files
