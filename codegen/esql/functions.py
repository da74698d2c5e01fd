"""``esql/functions.py``: one Python function per ES|QL function of the major, from the table
``functions.toml`` (its header explains the keys).

A function writes ``NAME(arg, ...)``: each argument as an ES|QL literal unless it is an
expression (``_literal`` of the hand-written builder), optional arguments left out when None,
a ``*values`` parameter spread in place. The few functions that depart from that rule say how
in the table, and the code below turns each rule into straight-line Python, so that calling a
generated function costs one f-string or a short list join.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomllib

from ..generate import environment, header
from ..profiles import Profile

TABLE = Path(__file__).with_name("functions.toml")
_KEYS = {"params", "majors", "raw", "order", "fill", "only_when_none", "short_name"}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "required", "optional" or "many"
    keyword_only: bool = False


@dataclass(frozen=True)
class Function:
    name: str
    params: tuple[Param, ...]
    raw: frozenset[str] = frozenset()
    order: tuple[str, ...] = ()
    fill: Mapping[str, Any] | None = None
    only_when_none: frozenset[str] = frozenset()
    short_name: str | None = None

    @property
    def esql_name(self) -> str:
        return self.name.upper()

    def call_order(self) -> list[Param]:
        by_name = {param.name: param for param in self.params}
        if not self.order:
            return list(self.params)
        if sorted(self.order) != sorted(by_name):
            raise ValueError(f"functions.toml: {self.name}: order must list every parameter")
        return [by_name[name] for name in self.order]


def parse_params(function: str, text: str) -> tuple[Param, ...]:
    """``"query, *fields, options?"`` -> the parameters (after ``*name``, keyword-only)."""
    params: list[Param] = []
    keyword_only = False
    for item in (part.strip() for part in text.split(",") if part.strip()):
        if item.startswith("*"):
            params.append(Param(item[1:], "many"))
            keyword_only = True
        elif item.endswith("?"):
            params.append(Param(item[:-1], "optional", keyword_only))
        elif keyword_only or any(p.kind == "optional" for p in params):
            raise ValueError(f"functions.toml: {function}: required parameter {item!r} after optional ones")
        else:
            params.append(Param(item, "required"))
        if not params[-1].name.isidentifier():
            raise ValueError(f"functions.toml: {function}: bad parameter {item!r}")
    return tuple(params)


def load(major: int, table: Path = TABLE) -> list[Function]:
    """The functions of one major, in the table's (alphabetical) order."""
    with table.open("rb") as handle:
        data = tomllib.load(handle)
    functions = []
    for name, entry in data.items():
        if major not in entry.get("majors", (8, 9)):
            continue
        values = {key: value for key, value in entry.items() if key not in ("v8", "v9")}
        values.update(entry.get(f"v{major}", {}))
        unknown = set(values) - _KEYS
        if unknown:
            raise ValueError(f"functions.toml: {name}: unknown keys {sorted(unknown)}")
        params = parse_params(name, values["params"])
        known = {param.name for param in params}
        for key in ("raw", "order", "only_when_none"):
            if not set(values.get(key, ())) <= known:
                raise ValueError(f"functions.toml: {name}: {key} names a parameter it does not have")
        functions.append(
            Function(
                name=name,
                params=params,
                raw=frozenset(values.get("raw", ())),
                order=tuple(values.get("order", ())),
                fill=values.get("fill"),
                only_when_none=frozenset(values.get("only_when_none", ())),
                short_name=values.get("short_name"),
            )
        )
    return functions


def _value(function: Function, name: str) -> str:
    """The Python expression writing one argument."""
    return f'f"{{{name}}}"' if name in function.raw else f"_literal({name})"


def _signature(function: Function) -> str:
    parts = []
    for param in function.params:
        if param.kind == "many":
            parts.append(f"*{param.name}: ExpressionType")
        elif param.kind == "optional":
            parts.append(f"{param.name}: ExpressionType = None")
        else:
            parts.append(f"{param.name}: ExpressionType")
    line = f"def {function.name}({', '.join(parts)}) -> InstrumentedExpression:"
    if len(line) <= 110:
        return line
    inner = "".join(f"    {part},\n" for part in parts)
    return f"def {function.name}(\n{inner}) -> InstrumentedExpression:"


def _shape(function: Function) -> str:
    """The ES|QL call shape for the docstring: ``NAME(a, b[, c])``."""
    text = ""
    for index, param in enumerate(function.call_order()):
        comma = ", " if index else ""
        if param.kind == "many":
            text += f"{comma}{param.name}..."
        elif param.kind == "optional":
            text += f"[{comma}{param.name}]"
        else:
            text += f"{comma}{param.name}"
    return f"{function.esql_name}({text})"


def _body(function: Function) -> list[str]:
    order = function.call_order()
    name = function.esql_name
    simple = (
        all(param.kind == "required" for param in order)
        and not function.only_when_none
        and not function.short_name
    )

    def call(params: list[Param]) -> str:
        args = ", ".join(
            f"{{{param.name}}}" if param.name in function.raw else f"{{_literal({param.name})}}"
            for param in params
        )
        return f'return InstrumentedExpression(f"{name}({args})")'

    if simple:
        return [call(order)]
    *leading, last = order
    if (
        last.kind == "optional"
        and all(param.kind == "required" for param in leading)
        and not function.only_when_none
        and not function.short_name
    ):
        # one optional argument, last: two straight calls, no list
        return [f"if {last.name} is None:", f"    {call(leading)}", call(order)]
    start = 0
    while (
        start < len(order)
        and order[start].kind == "required"
        and order[start].name not in function.only_when_none
    ):
        start += 1
    if start:
        lines = [f"args = [{', '.join(_value(function, param.name) for param in order[:start])}]"]
    elif order and order[0].kind == "many":
        lines = [f"args = [_literal(value) for value in {order[0].name}]"]
        start = 1
    else:
        lines = ["args: list[str] = []"]
    optional = [param.name for param in order if param.kind == "optional"]
    for param in order[start:]:
        value = _value(function, param.name)
        if param.name in function.only_when_none:
            lines += [f"if {param.name} is None:", '    args.append("null")']
        elif param.kind == "required":
            lines.append(f"args.append({value})")
        elif param.kind == "many":
            lines.append(f"args += [_literal(value) for value in {param.name}]")
        else:
            lines += [f"if {param.name} is not None:", f"    args.append({value})"]
            if function.fill and param.name in function.fill:
                later = optional[optional.index(param.name) + 1 :]
                if later:
                    condition = " or ".join(f"{other} is not None" for other in later)
                    literal = json.dumps(function.fill[param.name])
                    lines += [f"elif {condition}:", f"    args.append({literal!r})"]
    if function.short_name:
        present = " or ".join(f"{other} is not None" for other in optional) or "False"
        lines.append(f'name = "{name}" if {present} else "{function.short_name}"')
        lines.append("return InstrumentedExpression(f\"{name}({', '.join(args)})\")")
    else:
        lines.append(f"return InstrumentedExpression(f\"{name}({{', '.join(args)}})\")")
    return lines


def render_function(function: Function) -> str:
    body = [f'"""``{_shape(function)}``"""', *_body(function)]
    return _signature(function) + "\n" + "".join(f"    {line}\n" for line in body).rstrip("\n")


def render(prof: Profile) -> dict[str, str]:
    functions = [render_function(function) for function in load(prof.major)]
    template = environment().get_template("esql/functions.py.j2")
    text = template.render(header=header("codegen/esql/functions.py"), major=prof.major, functions=functions)
    return {"esql/functions.py": text}
