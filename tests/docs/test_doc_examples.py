"""Every ``python`` code block of the user documentation (``docs/*.md``), run on a real cluster.

A page reads as one program: its blocks run in order in one namespace. Blocks run on the
page's stack (``<!-- examples: stack=9 -->`` near the top, 9 by default); a comment
``<!-- example: stack=8.19 -->`` right before a block moves that block to another stack, and
the blocks of one stack share their own namespace. ``<!-- example: needs=x-pack-esql -->``
puts a block in a group that runs only where the node has that module, and is skipped with
that reason elsewhere (the page says so next to the block). Pages write ``http://localhost:9200``;
that text is replaced by the cluster's URL here, and ``/path/to/http_ca.crt`` by a CA bundle
that exists (certifi's: the clusters here serve plain HTTP, so no request uses it). Indices a
page creates are deleted after it.

The clusters come from escluster's pytest plugin (one at a time). The 8.x/9.x
integration-test distributions have no ``GET /``, which the 7.x client's product check and
``client.info()`` examples need, so the pages talk to them through escluster's
``RootEndpointProxy``, which answers it from the node's own facts.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import certifi
import pytest
from escluster.root_endpoint import RootEndpointProxy

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
PLACEHOLDER = "http://localhost:9200"
CA_PLACEHOLDER = "/path/to/http_ca.crt"
DEFAULT_STACK = "9"
_PAGE_STACK = re.compile(r"<!--\s*examples:\s*stack=(\S+)\s*-->")
_BLOCK = re.compile(r"<!--\s*example:\s*(.*?)\s*-->\s*$")
_FENCE = re.compile(r"^(```+|~~~+)\s*python\s*$")


@dataclass
class Group:
    """The blocks of one page that run on one stack (and need the same module), in page order."""

    page: str
    stack: str
    needs: str | None = None  # a module the cluster must have, else the group is skipped
    blocks: list[tuple[int, str]] = field(default_factory=list)  # (first line, source)

    @property
    def id(self) -> str:
        return f"{self.page}@{self.stack}" + (f"+{self.needs}" if self.needs else "")

    @property
    def path(self) -> str:
        """The page's path in the repository, for tracebacks."""
        return self.page if self.page == README.name else f"docs/{self.page}"


def page_groups(path: Path) -> list[Group]:
    """The page's python blocks grouped by stack (a page's order is kept in each group)."""
    text = path.read_text(encoding="utf-8")
    page_stack = (_PAGE_STACK.search(text) or [None, DEFAULT_STACK])[1]
    lines = text.splitlines()
    groups: dict[str, Group] = {}
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i].strip())
        if not fence:
            i += 1
            continue
        comment = _BLOCK.search(lines[i - 1]) if i else None
        options = dict(item.split("=", 1) for item in comment[1].split()) if comment else {}
        unknown = set(options) - {"stack", "needs"}
        if unknown:
            raise ValueError(f"{path.name}:{i}: unknown example option(s) {sorted(unknown)}")
        stack, needs = options.get("stack", page_stack), options.get("needs")
        end = i + 1
        while end < len(lines) and lines[end].strip() != fence[1]:
            end += 1
        if end == len(lines):
            raise ValueError(f"{path.name}:{i + 1}: a python block is never closed")
        rel = path.relative_to(DOCS if path.is_relative_to(DOCS) else ROOT).as_posix()
        group = groups.setdefault(f"{stack}+{needs}", Group(rel, stack, needs))
        group.blocks.append((i + 2, "\n".join(lines[i + 1 : end])))
        i = end + 1
    return list(groups.values())


def all_groups() -> list[Group]:
    """The groups of every page, and of the repository's README (its quickstart example)."""
    pages = [*sorted(DOCS.rglob("*.md")), README]
    return [g for page in pages for g in page_groups(page)]


def _params() -> list[Any]:
    return [
        pytest.param(g, id=g.id, marks=[pytest.mark.escluster(version=g.stack), pytest.mark.cluster])
        for g in all_groups()
    ]


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def _indices(url: str) -> set[str]:
    _, rows = _get(f"{url}/_cat/indices?format=json&h=index&expand_wildcards=open,closed")
    return {row["index"] for row in rows or ()}


def _delete_index(url: str, name: str) -> None:
    request = urllib.request.Request(f"{url}/{name}", method="DELETE")
    try:
        urllib.request.urlopen(request, timeout=30).close()
    except urllib.error.HTTPError:
        pass


def test_every_page_has_examples_found() -> None:
    """The collector sees the pages' blocks (a broken fence pattern would run nothing)."""
    groups = all_groups()
    assert len({g.page for g in groups}) >= 8, [g.id for g in groups]
    assert sum(len(g.blocks) for g in groups) >= 40


@pytest.mark.parametrize("group", _params())
def test_page_examples(group: Group, elasticsearch_cluster: Any) -> None:
    url = elasticsearch_cluster.url
    if group.needs and group.needs not in elasticsearch_cluster.backend.features().modules:
        pytest.skip(f"not available on this distribution: no {group.needs} module")
    before = _indices(url)
    status, _ = _get(url + "/")
    proxy = RootEndpointProxy(url) if status != 200 else None
    namespace: dict[str, Any] = {"__name__": f"docs_{group.page.replace('/', '_')}"}
    try:
        for line, source in group.blocks:
            source = source.replace(PLACEHOLDER, proxy.url if proxy else url).replace(
                CA_PLACEHOLDER, certifi.where()
            )
            # Blank lines in front, so a traceback's line numbers are the page's.
            code = compile("\n" * (line - 1) + source, group.path, "exec")
            exec(code, namespace)
    finally:  # the pages close their own clients, as they tell readers to
        if proxy:
            proxy.close()
        for index in sorted(_indices(url) - before):
            _delete_index(url, index)
