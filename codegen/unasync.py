"""Write the synchronous twin of an asyncio source: async is the source, sync is derived.

The rewrite works on text, line by line, the way httpcore's ``scripts/unasync.py`` does:

- ``async def`` / ``async with`` / ``async for`` lose ``async``; ``await`` is dropped;
- ``Awaitable[X]`` becomes ``X``, names are mapped: ``AsyncTransport`` -> ``Transport`` (any ``Async`` + capital),
  ``async_bulk`` -> ``bulk`` (any ``async_`` prefix), ``__aenter__`` -> ``__enter__`` and the
  other entries of ``NAMES``, plus the replacements a ``Twin`` adds for its file;
- imports are sorted again (and deduplicated) the way ruff's isort wants, and the ones only
  the async flavour uses are dropped;
- when the twin sits higher in the package than its source (``v7/_async/transport.py`` ->
  ``v7/transport.py``), relative imports that leave the source's ``_async`` folder lose that
  many dots (``from ..exceptions`` -> ``from .exceptions``); the ones into the ``_async``
  folder keep theirs, as they point at the mirrored sync module (``..transport`` from
  ``_async/client/`` is ``_async/transport``, from ``client/`` it is ``transport``).

Where the two flavours really differ, the source says so in a named block::

    # unasync: async-only (why)        # dropped from the sync twin
    ...
    # unasync: end
    # unasync: sync-only (why)         # commented out here, uncommented in the sync twin
    # ...
    # unasync: end

``python -m codegen`` writes the committed twins (``COMMITTED``) and renders the ones of the
common sources (``COMMON``) straight into the packages; ``--check`` fails on drift.
"""

from __future__ import annotations

import io
import itertools
import re
import sys
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType

ROOT = Path(__file__).resolve().parent.parent

NAMES: Mapping[str, str] = MappingProxyType(
    {
        "__aenter__": "__enter__",
        "__aexit__": "__exit__",
        "__aiter__": "__iter__",
        "__anext__": "__next__",
        "aclose": "close",
        "aiter": "iter",
        "anext": "next",
        "StopAsyncIteration": "StopIteration",
        "_async": "_sync",
        "BaseAsyncNode": "BaseNode",
    }
)
# Attribute paths replaced before names: the sync call standing for the async one.
DOTTED: Mapping[str, str] = MappingProxyType({"asyncio.sleep": "time.sleep"})


@dataclass(frozen=True)
class Twin:
    """One async source and the sync file derived from it (paths from the repository root)."""

    source: str
    target: str
    # Extra name replacements for this file (identifiers, whole words). Keys made of dots
    # rebase relative imports; they are filled in from the two paths (``_import_levels``).
    names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        levels = _import_levels(self.source, self.target)
        if levels:
            object.__setattr__(self, "names", MappingProxyType({**levels, **self.names}))


def _import_levels(source: str, target: str) -> dict[str, str]:
    """Dots of a relative import that leaves the source's ``_async`` folder -> the dots that
    reach the same module from the twin's folder; empty when both sit at the same depth."""
    here, there = PurePosixPath(source).parent.parts, PurePosixPath(target).parent.parts
    shift = len(here) - len(there)
    if shift == 0 or "_async" not in here:
        return {}
    inside = len(here) - here.index("_async")  # this many dots still stay within _async/
    return {"." * n: "." * (n - shift) for n in range(inside + 1, len(here) + 1)}


_TRANSPORT = "packages/transport/src/elastic_transport"

# Twins committed next to their source (hand-written packages).
COMMITTED: tuple[Twin, ...] = (
    Twin(f"{_TRANSPORT}/_async_transport.py", f"{_TRANSPORT}/_transport.py"),
    Twin(f"{_TRANSPORT}/_async_sniff.py", f"{_TRANSPORT}/_sniff.py"),
)

# Twins inside codegen/common: rendered into each package, never written to the source tree.
COMMON: tuple[Twin, ...] = (
    Twin("codegen/common/v8plus/_async/client/_base.py", "codegen/common/v8plus/_sync/client/_base.py"),
    Twin("codegen/common/helpers/all/_async/helpers.py", "codegen/common/helpers/all/helpers/actions.py"),
    Twin("codegen/common/v7/_async/transport.py", "codegen/common/v7/transport.py"),
    Twin("codegen/common/v7/_async/client/_base.py", "codegen/common/v7/client/_base.py"),
    # The sync Connection extends ConnectionBase; the asyncio one extends the sync Connection.
    Twin(
        "codegen/common/v7/_async/_connection.py",
        "codegen/common/v7/connection/base.py",
        MappingProxyType({"Connection": "ConnectionBase"}),
    ),
)

_MARKER = re.compile(r"^\s*# unasync: (async-only|sync-only|end)\b")
_WORD = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_KEYWORDS = re.compile(r"\basync (def|with|for)\b")
_AWAIT = re.compile(r"\bawait\s+")
_RELATIVE = re.compile(r"^(\s*from )(\.+)")


def generated_header(source: str) -> str:
    return f"# Generated by codegen/unasync.py from {source}: do not edit."


def isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then the rest; case-insensitive within each (ruff's order)."""
    bare = name.split(" as ")[0]
    kind = 0 if bare.isupper() and len(bare) > 1 else 1 if bare[:1].isupper() else 2
    return kind, bare.lower()


def _rename(word: str, names: Mapping[str, str]) -> str:
    if word in names:
        return names[word]
    if word in NAMES:
        return NAMES[word]
    if word.startswith("Async") and word[5:6].isupper():
        return word[5:]
    if word.startswith("async_") and len(word) > 6:
        return word[6:]
    if word.startswith("_async_") and len(word) > 7:
        return "_" + word[7:]
    return word


def _unwrap(line: str, generic: str) -> str:
    """``Awaitable[X]`` -> ``X`` (brackets matched)."""
    while (start := line.find(generic + "[")) >= 0:
        depth, end = 0, start + len(generic)
        for end in range(start + len(generic), len(line)):
            depth += {"[": 1, "]": -1}.get(line[end], 0)
            if depth == 0:
                break
        line = line[:start] + line[start + len(generic) + 1 : end] + line[end + 1 :]
    return line


def _rewrite_line(line: str, names: Mapping[str, str]) -> str:
    relative = _RELATIVE.match(line)
    if relative and relative.group(2) in names:
        line = relative.group(1) + names[relative.group(2)] + line[relative.end() :]
    line = _unwrap(line, "Awaitable")
    line = _KEYWORDS.sub(r"\1", line)
    line = _AWAIT.sub("", line)
    for old, new in DOTTED.items():
        line = line.replace(old, new)
    return _WORD.sub(lambda m: _rename(m.group(0), names), line)


def _uncomment(line: str) -> str:
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped == "#":
        return ""
    if not stripped.startswith("# "):
        raise ValueError(f"sync-only lines must be comments: {line!r}")
    return indent + stripped[2:]


def _import_statements(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line index of every top-level or indented ``import``/``from`` statement."""
    spans = []
    i = 0
    while i < len(lines):
        stripped = lines[i].lstrip()
        if (stripped.startswith(("import ", "from ")) and " import " in stripped) or stripped.startswith(
            "import "
        ):
            end = i
            if stripped.split("#")[0].rstrip().endswith("("):
                while lines[end].strip() != ")":
                    end += 1
            spans.append((i, end))
            i = end + 1
        else:
            i += 1
    return spans


def _names_used(code: str) -> set[str]:
    """Names the code refers to: its identifiers and the words of its one-line strings
    (string annotations, ``__all__``), not its comments or docstrings."""
    used: set[str] = set()
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.NAME:
            used.add(token.string)
        elif token.type == tokenize.STRING and not token.string.endswith(('"""', "'''")):
            used.update(_WORD.findall(token.string))
    return used


def _bound(name: str) -> str:
    """The name an import binds: ``a as b`` -> ``b``; ``a.b`` -> ``a``."""
    return name.split(" as ")[-1].strip().split(".")[0]


def _section(statement: str) -> str:
    """The isort section of an import line: future, stdlib, third-party or local."""
    words = statement.split()
    module = words[1] if len(words) > 1 else ""
    if module.startswith("."):
        return "local"
    top = module.split(".")[0]
    if top == "__future__":
        return "future"
    return "stdlib" if top in sys.stdlib_module_names else "third-party"


def _join_sections(lines: list[str]) -> list[str]:
    """Drops a blank line between two top-level imports of one section: a sync-only import
    block sits behind one in the source, where it is a comment."""
    starts = [i for i, line in enumerate(lines) if line.startswith(("import ", "from "))]
    ends = dict(_import_statements(lines))
    drop: set[int] = set()
    for first, second in itertools.pairwise(starts):
        between = range(ends.get(first, first) + 1, second)
        blank = all(not lines[i].strip() for i in between)
        if between and blank and _section(lines[first]) == _section(lines[second]):
            drop.update(between)
    return [line for i, line in enumerate(lines) if i not in drop]


def _tidy_imports(lines: list[str]) -> list[str]:
    """Sort and deduplicate the names of every import, and drop the ones the twin no longer
    uses (an import the source marks ``noqa: F401``, a re-export, is kept whole)."""
    spans = _import_statements(lines)
    inside = {i for first, last in spans for i in range(first, last + 1)}
    used = _names_used("\n".join(line for i, line in enumerate(lines) if i not in inside))
    replaced: dict[int, list[str]] = {}
    for first, last in spans:
        statement = lines[first : last + 1]
        if "noqa: F401" in statement[0] or statement[0].lstrip().startswith("from __future__"):
            continue
        head = statement[0]
        comment = ""
        if len(statement) == 1 and "#" in head:
            head, comment = head.split("#", 1)
            head, comment = head.rstrip(), "  #" + comment
        if len(statement) > 1:
            names = [line.strip().rstrip(",") for line in statement[1:-1]]
            prefix = head.split("(")[0] + "("
        elif head.lstrip().startswith("from "):
            prefix, _, rest = head.partition(" import ")
            prefix += " import "
            names = [n.strip() for n in rest.split(",")]
        else:
            indent = head[: len(head) - len(head.lstrip())]
            names = [n.strip() for n in head.lstrip()[len("import ") :].split(",")]
            prefix = indent + "import "
        kept = sorted(dict.fromkeys(n for n in names if n and _bound(n) in used), key=isort_key)
        if not kept:
            replaced[first] = []
            if (
                first > 0
                and last + 1 < len(lines)
                and not lines[first - 1].strip()
                and not lines[last + 1].strip()
            ):
                replaced[last + 1] = []  # a dropped import group leaves one blank line, not two
        elif len(statement) > 1:
            indent = statement[1][: len(statement[1]) - len(statement[1].lstrip())]
            replaced[first] = [prefix, *(f"{indent}{n}," for n in kept), statement[-1]]
        else:
            replaced[first] = [prefix + ", ".join(kept) + comment]
        for i in range(first + 1, last + 1):
            replaced[i] = []
    out: list[str] = []
    for i, line in enumerate(lines):
        out.extend(replaced.get(i, [line]))
    return out


def unasync_text(text: str, names: Mapping[str, str] | None = None) -> str:
    """The sync twin of ``text`` (without a header line)."""
    extra = names or {}
    out: list[str] = []
    mode = "both"
    dropped = False  # a block was just left out: a blank line after it would be one too many
    for number, line in enumerate(text.splitlines(), 1):
        marker = _MARKER.match(line)
        if marker:
            kind = marker.group(1)
            if (kind == "end") == (mode == "both"):
                raise ValueError(f"line {number}: unbalanced '# unasync: {kind}'")
            dropped = mode == "async-only"
            mode = "both" if kind == "end" else kind
            continue
        if mode == "async-only":
            continue
        if dropped:
            dropped = False
            if not line.strip() and (not out or not out[-1].strip()):
                continue
        if mode == "sync-only":
            line = _uncomment(line)
        out.append(_rewrite_line(line, extra))
    if mode != "both":
        raise ValueError(f"'# unasync: {mode}' is never closed")
    text = "\n".join(_join_sections(_tidy_imports(out))) + "\n"
    return re.sub(r"\n{4,}", "\n\n\n", text)  # what dropped blocks leave: at most two blank lines


def render(twin: Twin) -> str:
    """The whole sync file of a committed twin, header included."""
    source = (ROOT / twin.source).read_text(encoding="utf-8")
    body = unasync_text(source, twin.names)
    return generated_header(Path(twin.source).name) + "\n" + body


def committed_files() -> dict[Path, str]:
    return {ROOT / twin.target: render(twin) for twin in COMMITTED}


# Folders of the common sources whose every module is async and has a twin, in the
# sibling ``_sync`` folder (the DSL's document, index, search... classes).
COMMON_ASYNC_FOLDERS: tuple[str, ...] = (
    "codegen/common/dsl/dsl/_async",
    "codegen/common/helpers/v8plus/helpers/vectorstore/_async",
)


def common_twins() -> dict[str, Twin]:
    """Async source path (under codegen/common) -> its twin."""
    prefix = "codegen/common/"
    twins = list(COMMON)
    for folder in COMMON_ASYNC_FOLDERS:
        for path in sorted((ROOT / folder).glob("*.py")):
            if path.name != "__init__.py":
                source = f"{folder}/{path.name}"
                twins.append(Twin(source, source.replace("/_async/", "/_sync/")))
    return {twin.source[len(prefix) :]: twin for twin in twins}


def check(files: Mapping[Path, str]) -> list[str]:
    """Drift of the committed twins, one line each (``python -m codegen --check``)."""
    problems = []
    for path, text in files.items():
        name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        if not path.is_file():
            problems.append(f"missing: {name}")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"changed: {name}  (edit its async source and run `python -m codegen`)")
    return problems


def write(files: Mapping[Path, str]) -> int:
    changed = 0
    for path, text in files.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed += 1
    return changed
