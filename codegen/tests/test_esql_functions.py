"""The generator of ``esql/functions.py`` (codegen/esql): the table's keys turn into the calls
they describe, and a table that does not make sense is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codegen.esql import functions as generator
from codegen.profiles import profile


def _compile(source: str) -> dict[str, Any]:
    """Run generated functions with stand-ins for the builder's ``_literal`` and expression."""

    class Expression(str):
        pass

    namespace: dict[str, Any] = {
        "InstrumentedExpression": Expression,
        "ExpressionType": object,
        "_literal": lambda value: "null" if value is None else repr(value),
    }
    exec(compile(source, "<generated>", "exec"), namespace)
    return namespace


def _table(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "functions.toml"
    path.write_text(text)
    return path


def test_the_rules_of_the_table(tmp_path: Path) -> None:
    table = _table(
        tmp_path,
        """
[plain]
params = "a, b?"

[spread]
params = "first, *rest, options?"

[quirky]
params = "text, style?, width?"
fill = { style = "plain" }

[reordered]
params = "date, format?"
order = ["format", "date"]

[shortened]
params = "field, window?"
short_name = "SHORT"
majors = [9]

[written]
params = "x, y"
raw = ["y"]
only_when_none = ["x"]
v8.params = "x"
v8.raw = []
v8.only_when_none = []
""",
    )
    nine = _compile("\n\n".join(generator.render_function(f) for f in generator.load(9, table)))
    assert nine["plain"](1) == "PLAIN(1)" and nine["plain"](1, "b") == "PLAIN(1, 'b')"
    assert nine["spread"](1, 2, 3, options=4) == "SPREAD(1, 2, 3, 4)"
    assert nine["quirky"]("t", width=5) == "QUIRKY('t', \"plain\", 5)"
    assert nine["quirky"]("t") == "QUIRKY('t')"
    assert nine["reordered"]("d", "f") == "REORDERED('f', 'd')" and nine["reordered"]("d") == "REORDERED('d')"
    assert nine["shortened"]("f") == "SHORT('f')" and nine["shortened"]("f", 2) == "SHORTENED('f', 2)"
    assert (
        nine["written"](None, "col") == "WRITTEN(null, col)" and nine["written"](1, "col") == "WRITTEN(col)"
    )
    eight = generator.load(8, table)
    assert [f.name for f in eight] == ["plain", "spread", "quirky", "reordered", "written"]
    assert _compile(generator.render_function(eight[-1]))["written"](3) == "WRITTEN(3)"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('params = "a?, b"', "required parameter 'b' after optional"),
        ('params = "a"\nraw = ["z"]', "raw names a parameter"),
        ('params = "a, b"\norder = ["a"]', "order must list every parameter"),
        ('params = "a"\ncolour = "red"', "unknown keys"),
        ('params = "a-b"', "bad parameter"),
    ],
)
def test_a_wrong_table_is_refused(tmp_path: Path, entry: str, message: str) -> None:
    table = _table(tmp_path, f"[f]\n{entry}\n")
    with pytest.raises(ValueError, match=message):
        [generator.render_function(f) for f in generator.load(9, table)]


def test_the_packages_have_every_function_of_their_major() -> None:
    counts = {major: len(generator.load(major)) for major in (9, 8)}
    assert counts == {9: 223, 8: 155}
    text = generator.render(profile("elasticsearch8"))["esql/functions.py"]
    assert "def sum_over_time(" not in text and "def avg_over_time(number: ExpressionType)" in text
