"""The generic parts of the official-suite runner, on small made-up inputs."""

from __future__ import annotations

from pathlib import Path

import officialsuite
import pytest
from officialsuite import Entry, Outcome, Suite


def test_rename_module_renames_module_names_and_patch_targets_only() -> None:
    source = (
        "import elasticsearch\n"
        "from elasticsearch.helpers import bulk\n"
        "import elasticsearch._async.http_aiohttp\n"
        "@mock.patch(\n"
        '    "elasticsearch.helpers.actions._chunk",\n'
        ")\n"
        "@patch('elasticsearch.Elasticsearch.bulk')\n"
        "def test(elasticsearch_url):\n"
        '    ua = "elasticsearch-py/1.0"\n'
        '    attrs = {"db.system": "elasticsearch", "elasticsearch.node.name": "n"}\n'
        '    host = {"host": "elasticsearch.com"}\n'
        "    reload(elasticsearch)  # elasticsearch stays in comments\n"
        '    logging.getLogger("elasticsearch")\n'
    )
    assert officialsuite.rename_module(source, "elasticsearch", "elasticsearch8") == (
        "import elasticsearch8\n"
        "from elasticsearch8.helpers import bulk\n"
        "import elasticsearch8._async.http_aiohttp\n"
        "@mock.patch(\n"
        '    "elasticsearch8.helpers.actions._chunk",\n'
        ")\n"
        "@patch('elasticsearch8.Elasticsearch.bulk')\n"
        "def test(elasticsearch_url):\n"
        '    ua = "elasticsearch-py/1.0"\n'
        '    attrs = {"db.system": "elasticsearch", "elasticsearch.node.name": "n"}\n'
        '    host = {"host": "elasticsearch.com"}\n'
        "    reload(elasticsearch8)  # elasticsearch stays in comments\n"
        '    logging.getLogger("elasticsearch")\n'
    )


def test_entry_covers_the_test_its_parametrizations_or_its_file() -> None:
    test = Entry("pending", "a/test_x.py::TestC::test_y", "r", "area")
    assert test.covers("a/test_x.py::TestC::test_y")
    assert test.covers("a/test_x.py::TestC::test_y[1-2]")
    assert not test.covers("a/test_x.py::TestC::test_yz")
    file = Entry("pending", "a/test_x.py", "r", "area")
    assert file.covers("a/test_x.py") and file.covers("a/test_x.py::test_z[p]")
    assert not file.covers("a/test_xy.py::test_z")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exceptions.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_exceptions_refuses_bad_entries(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs the owning area"):
        officialsuite.load_exceptions(_write(tmp_path, '[[pending]]\nid = "t.py::x"\nreason = "r"\n'))
    with pytest.raises(ValueError, match="listed twice"):
        officialsuite.load_exceptions(
            _write(tmp_path, '[[private]]\nid = "t.py"\nreason = "r"\n' * 2),
        )
    with pytest.raises(ValueError, match="whole file"):
        officialsuite.load_exceptions(_write(tmp_path, '[[left_out]]\nfile = "t.py::x"\nreason = "r"\n'))
    with pytest.raises(ValueError, match="unknown sections"):
        officialsuite.load_exceptions(_write(tmp_path, '[[skipped]]\nid = "t.py"\n'))


def test_official_fails_entries_are_tolerated_on_their_own(tmp_path: Path) -> None:
    exceptions = officialsuite.load_exceptions(
        _write(tmp_path, '[[official_fails]]\nid = "t.py::test_x"\nreason = "checked with the official"\n')
    )
    assert exceptions.of_kind("private") == [] and len(exceptions.of_kind("official_fails")) == 1
    outcome = Outcome(failed=["t.py::test_x"])
    unexpected, stale, tolerated = officialsuite._compare(outcome, exceptions, [])
    assert (unexpected, stale, tolerated["official_fails"]) == ([], [], ["t.py::test_x"])
    # Once it passes with ours, the entry is stale like any other.
    assert officialsuite._compare(Outcome(passed=["t.py::test_x"]), exceptions, [])[1] == ["t.py::test_x"]


def _suite(tmp_path: Path, private_share: float) -> Suite:
    official = tmp_path / "official"
    (official / "tests" / "sub").mkdir(parents=True)
    (official / "tests" / "__init__.py").write_text("")
    (official / "tests" / "sub" / "__init__.py").write_text("")
    (official / "tests" / "test_one.py").write_text(
        "import json\n\n"
        "def test_pass():\n    assert json.dumps(1) == '1'\n\n"
        "def test_fail():\n    assert json.dumps(1) == '2', 'one is not two'\n\n"
        "class TestC:\n    def test_listed(self):\n        assert False\n\n"
        "    def test_stale(self):\n        pass\n"
    )
    (official / "tests" / "sub" / "test_broken.py").write_text("import not_a_module_anywhere\n")
    (official / "tests" / "test_gone.py").write_text("def test_x():\n    assert False\n")
    exceptions = _write(
        tmp_path,
        '[[pending]]\nid = "test_one.py::TestC::test_listed"\narea = "a"\nreason = "r"\n'
        '[[pending]]\nid = "test_one.py::TestC::test_stale"\narea = "a"\nreason = "r"\n'
        '[[pending]]\nid = "sub/test_broken.py"\narea = "a"\nreason = "r"\n'
        '[[left_out]]\nfile = "test_gone.py"\nreason = "r"\n',
    )
    return Suite(
        name="made-up",
        source=official,
        package="tests",
        exceptions_file=exceptions,
        private_share=private_share,
    )


def test_run_compares_the_results_with_the_exceptions_file(tmp_path: Path) -> None:
    report = officialsuite.run(_suite(tmp_path, 0.5))
    o: Outcome = report.outcome
    assert sorted(o.passed) == ["test_one.py::TestC::test_stale", "test_one.py::test_pass"]
    assert report.unexpected == ["test_one.py::test_fail"]
    assert o.messages["test_one.py::test_fail"].startswith("AssertionError: one is not two")
    assert o.messages["sub/test_broken.py"] == "ModuleNotFoundError: No module named 'not_a_module_anywhere'"
    assert report.stale == ["test_one.py::TestC::test_stale"]
    assert sorted(report.tolerated["pending"]) == ["sub/test_broken.py", "test_one.py::TestC::test_listed"]
    assert report.private_limit == 2 and not report.ok
    assert "FAILING, not in exceptions.toml (1)" in report.summary()
    assert "test_one.py: 2 / 2 / 0" in report.summary()
