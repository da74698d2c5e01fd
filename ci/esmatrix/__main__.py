"""``python ci/esmatrix ...``: list cells, run cells with this interpreter, write the report.

python ci/esmatrix cells [native|all]
python ci/esmatrix run elasticsearch7 8.19 [--url URL] [-- pytest args]
python ci/esmatrix run all                     # every cell of the matrix, then the report
python ci/esmatrix report [--readme]

``run`` needs the API packages importable by this interpreter (nox sessions install
them; see ``nox -s integration`` and ``nox -s matrix``).
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from esmatrix.cli import main

if __name__ == "__main__":
    sys.exit(main())
