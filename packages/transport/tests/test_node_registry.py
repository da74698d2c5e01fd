"""``_node.NODE_CLASSES`` is the one registry of node classes: every other place reads it."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import elastic_transport
import pytest
from elastic_transport import BaseNode
from elastic_transport._node import NODE_CLASSES, node_class_for

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


@pytest.mark.parametrize("entry", NODE_CLASSES, ids=lambda entry: entry.name)
def test_entry_describes_its_class(entry: elastic_transport._node.NodeClassEntry) -> None:
    module = importlib.import_module(entry.module, "elastic_transport._node")
    node_class = getattr(module, entry.class_name)
    assert issubclass(node_class, BaseNode)
    assert node_class.is_async is entry.is_async
    assert node_class_for(entry.name) is node_class
    assert getattr(elastic_transport, entry.class_name) is node_class  # the lazy top-level name
    assert entry.class_name in elastic_transport.__all__


def test_extras_exist() -> None:
    text = PYPROJECT.read_text(encoding="utf-8")
    section = text.split("[project.optional-dependencies]", 1)[1].split("\n[", 1)[0]
    extras = re.findall(r"^([\w-]+) = \[", section, re.MULTILINE)
    assert "requests" in extras
    for entry in NODE_CLASSES:
        assert entry.extra is None or entry.extra in extras, entry


def test_unknown_name_lists_the_registry() -> None:
    with pytest.raises(ValueError, match="'urllib3', 'requests', 'httpx', 'aiohttp', 'httpxasync'"):
        node_class_for("curl")
