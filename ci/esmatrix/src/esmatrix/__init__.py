"""The compat matrix: API packages x Elasticsearch stacks, run on real clusters.

- ``cells``: the definition (from the registry of majors, majors.json) and cell selection
- ``collect``: per-cell outcomes of the integration suite (written by its conftest)
- ``runner``: one cell end to end: start the cluster, run the suite, stop, result file
- ``report``: REPORT.md, report.json, matrix.svg and README's "Compat matrix" table

Stdlib only (besides ``escluster`` next to it), so nox and CI can import it anywhere.
"""

from __future__ import annotations

from .cells import CLIENT_MAJORS, Cell, Matrix, MatrixError, cell_for, load_matrix, make_cell, parse_cells

__all__ = [
    "CLIENT_MAJORS",
    "Cell",
    "Matrix",
    "MatrixError",
    "cell_for",
    "load_matrix",
    "make_cell",
    "parse_cells",
]
