"""``.. api-namespaces:: <package>``: an autodoc entry for every namespace class of a package's
client (``client.indices``, ``client.ml``, ...), found in the package itself so the reference
follows what the generator wrote."""

from __future__ import annotations

import importlib
import warnings
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective


def namespace_classes(package: str) -> list[type]:
    """The package's namespace client classes, by name (``<package>.client`` lists them all)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 8.x/9.x call that import path an older one
        module = importlib.import_module(f"{package}.client")
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    found = [getattr(module, name) for name in names]
    return sorted(
        (c for c in found if isinstance(c, type) and c.__name__.endswith("Client")), key=lambda c: c.__name__
    )


class ApiNamespaces(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[Any]:
        lines = []
        for cls in namespace_classes(self.arguments[0]):
            lines += [f".. autoclass:: {cls.__module__}.{cls.__qualname__}", "   :members:", ""]
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]), 0, container)
        return container.children


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("api-namespaces", ApiNamespaces)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
