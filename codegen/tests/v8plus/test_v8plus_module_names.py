"""Module-level names of the official 8.x/9.x packages that programs read."""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys

import pytest


@pytest.mark.parametrize("name", ["elasticsearch", "elasticsearch8"])
def test_version_logger_and_aliases(name: str) -> None:
    package = importlib.import_module(name)
    assert package.VERSION == package.__version__ == tuple(int(x) for x in package.__versionstr__.split("."))
    assert package.VERSION[0] == (9 if name == "elasticsearch" else 8)
    assert package.logger is logging.getLogger("elasticsearch")
    assert package.ElasticsearchDeprecationWarning is package.ElasticsearchWarning
    assert package.compat is importlib.import_module(f"{name}.compat")
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018


@pytest.mark.parametrize("name", ["elasticsearch", "elasticsearch8"])
def test_serializer_type_tuples_load_datetime_only_when_read(name: str) -> None:
    code = (
        f"import sys, {name}.serializer as s; "
        "assert 'decimal' not in sys.modules; "
        "import datetime, decimal; "
        "assert s.TIME_TYPES == (datetime.date, datetime.datetime); "
        "assert s.FLOAT_TYPES == (decimal.Decimal,) and s.INTEGER_TYPES == ()"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
