"""The official serializer modules' ``INTEGER_TYPES``, ``FLOAT_TYPES`` and ``TIME_TYPES``,
built when read: importing datetime and decimal with the client would slow every import
for names few programs use."""

from __future__ import annotations


def type_tuple(module: str, name: str) -> tuple[type, ...]:
    """The tuple ``module.name`` stands for; AttributeError for any other name."""
    if name == "INTEGER_TYPES":
        return ()
    if name == "FLOAT_TYPES":
        from decimal import Decimal

        return (Decimal,)
    if name == "TIME_TYPES":
        from datetime import date, datetime

        return (date, datetime)
    raise AttributeError(f"module {module!r} has no attribute {name!r}")
