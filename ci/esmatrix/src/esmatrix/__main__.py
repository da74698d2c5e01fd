"""``python -m esmatrix ...``: list cells, run cells with this interpreter, write the report.

python -m esmatrix cells [native|all]
python -m esmatrix run elasticsearch7 8.19 [--url URL] [-- pytest args]
python -m esmatrix run all                     # every cell of the matrix, then the report
python -m esmatrix report [--readme]

``run`` needs the API packages importable by this interpreter (nox sessions install
them; see ``nox -s integration`` and ``nox -s matrix``).
"""

from __future__ import annotations

import sys

from esmatrix.cli import main

if __name__ == "__main__":
    sys.exit(main())
