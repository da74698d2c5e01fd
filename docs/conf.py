"""Sphinx configuration of the user documentation (``nox -s docs``).

The pages are Markdown (MyST); the API reference is read from the installed packages by
autodoc. The build runs with ``-W``: a warning, such as a broken internal link or a
reference to a page that does not exist, fails it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "Elasticsearch clients for Python"
author = "the monorepo's authors"
copyright = "2026, the authors of this monorepo; Elasticsearch is a trademark of Elasticsearch B.V."
extensions = ["myst_parser", "sphinx.ext.autodoc", "apiref"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_ext"]
myst_heading_anchors = 3
html_theme = "furo"
html_title = "Elasticsearch clients for Python"
# The generated signatures carry the spec's long types: the parameter lists say them in words.
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}
