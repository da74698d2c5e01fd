"""The documentation builds without a warning (``nox -s docs`` runs the same build).

Sphinx runs with ``-W``: a broken internal link, a reference to a missing page, or a
docstring of the packages that is not valid reStructuredText fails this test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def build_command(out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sphinx",
        "-E",
        "-W",
        "--keep-going",
        "-q",
        "-b",
        "html",
        str(DOCS),
        str(out),
    ]


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    run = subprocess.run(build_command(tmp_path), capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"sphinx-build failed:\n{run.stderr[-4000:]}"
    pages = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html")}
    assert {"index.html", "upgrading.html", "reference/elasticsearch.html"} <= pages, sorted(pages)


def test_a_broken_internal_link_fails_the_build(tmp_path: Path) -> None:
    """The configuration's own promise, on a one-page site: a link to a page that does not
    exist is a warning, and -W makes it an error."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(DOCS / "conf.py", site / "conf.py")
    shutil.copytree(DOCS / "_ext", site / "_ext")
    (site / "index.md").write_text("# Home\n\nSee [the guide](no-such-page.md).\n", encoding="utf-8")
    command = build_command(tmp_path / "out")
    command[command.index(str(DOCS))] = str(site)
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    assert "no-such-page" in run.stderr, run.stderr[-2000:]
