"""The ES|QL query builder: ``ESQL`` starts a query with a source command and every processing
command is a method returning the next link of the chain, so a query reads as it will be sent.

Each link keeps its parent and renders its own command only; ``render()`` (or ``str()``) walks
the chain once and joins the commands with pipes. Identifiers are backquoted when ES|QL would
not read them as written, and Python values become ES|QL literals (JSON spelling). The majors
differ in which commands exist: the ones only the 9.x language has are defined when this
package's profile says so (``ESQL_9X_COMMANDS``).
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .._profile import ESQL_9X_COMMANDS
from ..dsl.document_base import DocumentBase, InstrumentedExpression, InstrumentedField
from ..dsl.document_base import _json_literal as _json

if TYPE_CHECKING:
    from collections.abc import Callable

FieldType = InstrumentedField | str
IndexType = type[DocumentBase] | str
ExpressionType = Any

_PLAIN_IDENTIFIER: Callable[[str], Any] = re.compile(r"[a-zA-Z_@][a-zA-Z0-9_.]*").fullmatch


# The builder's own expression classes, whose text is their ``_expr``: read directly, which
# spares a ``str()`` call per argument (subclasses made elsewhere still go through ``str()``).
_OWN_EXPRESSIONS = frozenset({InstrumentedExpression, InstrumentedField})


def _literal(value: Any) -> str:
    """A function argument: an expression as written, any other value as an ES|QL literal."""
    if type(value) in _OWN_EXPRESSIONS:
        return value._expr  # type: ignore[no-any-return]
    if isinstance(value, InstrumentedExpression):
        return str(value)
    return _json(value)


def _expression(value: Any) -> str:
    """A command's expression: text (a string or an ``E``) as written, other values as
    literals."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind in _OWN_EXPRESSIONS:
        return value._expr  # type: ignore[no-any-return]
    if isinstance(value, (str, InstrumentedExpression)):
        return str(value)
    return _json(value)


@lru_cache(maxsize=4096)
def _identifier(name: str) -> str:
    if _PLAIN_IDENTIFIER(name):
        return name
    return "`" + name.replace("`", "``") + "`"


def _column(name: FieldType, allow_patterns: bool = False) -> str:
    """A column name, backquoted unless plain; with ``allow_patterns`` a name with ``*`` is
    a pattern and goes as written (a quoted one would no longer match)."""
    text = name if type(name) is str else str(name)
    if allow_patterns and "*" in text:
        return text
    return _identifier(text)


def _patterns(columns: tuple[FieldType, ...]) -> str:
    """``KEEP``/``DROP`` columns: ``_column(..., allow_patterns=True)`` of each, joined."""
    return ", ".join([text if "*" in text else _identifier(text) for text in map(str, columns)])


def _index(index: IndexType) -> str:
    options = getattr(index, "_index", None)  # a Document class: the index it is bound to
    name: str = options._name if options is not None else str(index)
    if ESQL_9X_COMMANDS and "|" in name:
        raise ValueError(f"Invalid index name: {name}")
    return name


def _single_keyword(command: str, arguments: dict[str, Any]) -> tuple[str, Any]:
    if len(arguments) != 1:
        raise ValueError(f"{command} takes exactly one keyword argument (the output prefix = the input)")
    return next(iter(arguments.items()))


def _one_prompt(command: str, positional: tuple[Any, ...], named: dict[str, Any]) -> None:
    if len(positional) + len(named) != 1:
        raise ValueError(f"{command} takes one argument: positional, or one keyword naming the output column")


class ESQL:
    """The source commands, each the start of a query (``ESQL.from_("index").where(...)``)."""

    @staticmethod
    def from_(*indices: IndexType) -> From:
        """``FROM``: indices, data streams or aliases (names or ``Document`` classes)."""
        return From(*indices)

    @staticmethod
    def row(**params: ExpressionType) -> Row:
        """``ROW``: one row of the given columns and values."""
        return Row(**params)

    @staticmethod
    def show(item: str) -> Show:
        """``SHOW``: the deployment's information (``"INFO"``)."""
        return Show(item)

    if ESQL_9X_COMMANDS:

        @staticmethod
        def ts(*indices: IndexType) -> TS:
            """``TS``: ``FROM`` for time series indices."""
            return TS(*indices)

    @staticmethod
    def branch() -> Branch:
        """The start of one branch of ``fork()``."""
        return Branch()


class ESQLBase(ABC):
    """One command of a query, linked to the commands before it; the methods append the
    processing commands."""

    _directives: tuple[ESQLBase, ...] = ()

    def __init__(self, parent: ESQLBase | None = None) -> None:
        self._parent = parent

    def __repr__(self) -> str:
        return self.render()

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        """The query text: the commands from the source on, one a line, joined by pipes."""
        commands = [self._render_internal()]
        node = self
        while node._parent is not None:
            node = node._parent
            commands.append(node._render_internal())
        commands.reverse()
        text = "\n| ".join(commands)
        if node._directives:
            return "".join([d._render_internal() + ";\n" for d in node._directives]) + text
        return text

    @abstractmethod
    def _render_internal(self) -> str:
        """This command's text alone."""

    # The formatting rules, reachable from the class as well.
    _format_index = staticmethod(_index)
    _format_id = staticmethod(_column)
    _format_expr = staticmethod(_expression)

    def _is_forked(self) -> bool:
        node: ESQLBase | None = self
        while node is not None:
            if isinstance(node, Fork):
                return True
            node = node._parent
        return False

    def _root(self) -> ESQLBase:
        node = self
        while node._parent is not None:
            node = node._parent
        return node

    if ESQL_9X_COMMANDS:

        def _add_directive(self, directive: ESQLBase) -> None:
            root = self._root()
            root._directives = (*root._directives, directive)

        def set(self, **params: ExpressionType) -> ESQLBase:
            """``SET``: query settings, written before the query (the query is returned)."""
            self._add_directive(Set(**params))
            return self

    def change_point(self, value: FieldType) -> ChangePoint:
        """``CHANGE_POINT``: spikes, dips and change points of a metric column."""
        return ChangePoint(self, value)

    def completion(self, *prompt: ExpressionType, **named_prompt: ExpressionType) -> Completion:
        """``COMPLETION``: an LLM's answer to a prompt column (``column=prompt`` names the
        output); finish with ``with_(inference_id)``."""
        return Completion(self, *prompt, **named_prompt)

    def dissect(self, input: FieldType, pattern: str) -> Dissect:
        """``DISSECT``: columns split out of a string by a dissect pattern."""
        return Dissect(self, input, pattern)

    def drop(self, *columns: FieldType) -> Drop:
        """``DROP``: remove columns (patterns allowed)."""
        return Drop(self, *columns)

    def enrich(self, policy: str) -> Enrich:
        """``ENRICH``: columns from an enrich policy; ``on()`` and ``with_()`` follow."""
        return Enrich(self, policy)

    def eval(self, *columns: ExpressionType, **named_columns: ExpressionType) -> Eval:
        """``EVAL``: computed columns, named by the keywords."""
        return Eval(self, *columns, **named_columns)

    def fork(
        self,
        fork1: ESQLBase,
        fork2: ESQLBase | None = None,
        fork3: ESQLBase | None = None,
        fork4: ESQLBase | None = None,
        fork5: ESQLBase | None = None,
        fork6: ESQLBase | None = None,
        fork7: ESQLBase | None = None,
        fork8: ESQLBase | None = None,
    ) -> Fork:
        """``FORK``: up to eight branches (``ESQL.branch()...``) over the same input; once a
        query."""
        if self._is_forked():
            raise ValueError("a query can only have one fork")
        return Fork(self, fork1, fork2, fork3, fork4, fork5, fork6, fork7, fork8)

    if ESQL_9X_COMMANDS:

        def fuse(self, method: str | None = None) -> Fuse:
            """``FUSE``: merge forked results with new scores (``RRF`` or ``LINEAR``)."""
            return Fuse(self, method)

    def grok(self, input: FieldType, pattern: str) -> Grok:
        """``GROK``: columns extracted from a string by a grok pattern."""
        return Grok(self, input, pattern)

    if ESQL_9X_COMMANDS:

        def inline_stats(self, *expressions: ExpressionType, **named_expressions: ExpressionType) -> Stats:
            """``INLINE STATS``: ``stats()`` whose results are added to every row."""
            return InlineStats(self, *expressions, **named_expressions)

    def keep(self, *columns: FieldType) -> Keep:
        """``KEEP``: the columns to keep, in order (patterns allowed)."""
        return Keep(self, *columns)

    def limit(self, max_number_of_rows: int) -> Limit:
        """``LIMIT``: at most this many rows."""
        return Limit(self, max_number_of_rows)

    def lookup_join(self, lookup_index: IndexType) -> LookupJoin:
        """``LOOKUP JOIN``: columns from a lookup index; ``on(field)`` follows."""
        return LookupJoin(self, lookup_index)

    if ESQL_9X_COMMANDS:

        def metrics_info(self) -> MetricsInfo:
            """``METRICS_INFO``: the metrics of a time series source."""
            return MetricsInfo(self)

        def mmr(self, field: FieldType, query_vector: ExpressionType = None) -> Mmr:
            """``MMR``: diversify rows by maximal marginal relevance over a vector field."""
            return Mmr(self, field, query_vector)

    def mv_expand(self, column: FieldType) -> MvExpand:
        """``MV_EXPAND``: one row per value of a multivalued column."""
        return MvExpand(self, column)

    if ESQL_9X_COMMANDS:

        def registered_domain(self, **prefix: ExpressionType) -> RegisteredDomain:
            """``REGISTERED_DOMAIN``: ``prefix=expression`` splits a host name into domain
            columns under ``prefix``."""
            return RegisteredDomain(self, **prefix)

    def rename(self, **columns: FieldType) -> Rename:
        """``RENAME``: ``old=new`` pairs."""
        return Rename(self, **columns)

    if ESQL_9X_COMMANDS:

        def rerank(self, *query: ExpressionType, **named_query: ExpressionType) -> Rerank:
            """``RERANK``: rescore rows against a query text; ``on()`` and ``with_()`` follow."""
            return Rerank(self, *query, **named_query)

    def sample(self, probability: float) -> Sample:
        """``SAMPLE``: keep each row with this probability."""
        return Sample(self, probability)

    def sort(self, *columns: ExpressionType) -> Sort:
        """``SORT``: columns, each optionally followed by ``ASC``/``DESC`` and ``NULLS ...``."""
        return Sort(self, *columns)

    def stats(self, *expressions: ExpressionType, **named_expressions: ExpressionType) -> Stats:
        """``STATS``: aggregations, named by the keywords; ``by()`` groups them."""
        return Stats(self, *expressions, **named_expressions)

    if ESQL_9X_COMMANDS:

        def ts_info(self) -> TsInfo:
            """``TS_INFO``: the time series of a ``TS`` source."""
            return TsInfo(self)

        def uri_parts(self, **prefix: ExpressionType) -> UriParts:
            """``URI_PARTS``: ``prefix=expression`` splits a URI into columns under ``prefix``."""
            return UriParts(self, **prefix)

        def user_agent(self, **prefix: ExpressionType) -> UserAgent:
            """``USER_AGENT``: ``prefix=expression`` parses a user agent string into columns
            under ``prefix``."""
            return UserAgent(self, **prefix)

    def where(self, *expressions: ExpressionType) -> Where:
        """``WHERE``: the rows matching every condition."""
        return Where(self, *expressions)


def _expressions(positional: tuple[Any, ...], named: dict[str, Any], separator: str) -> str:
    if named:
        # (keyword names are always strings: straight to the cached quoting)
        return separator.join(
            [
                f"{_identifier(name)} = {value if type(value) is str else _expression(value)}"
                for name, value in named.items()
            ]
        )
    return separator.join([value if type(value) is str else _expression(value) for value in positional])


def _exclusive(positional: tuple[Any, ...], named: dict[str, Any]) -> None:
    if positional and named:
        raise ValueError("this method supports positional or keyword arguments but not both")


def _assignments(params: dict[str, Any]) -> str:
    """``ROW``/``SET`` pairs: the values are literals (a string is quoted), expressions as
    written."""
    return ", ".join([f"{_identifier(name)} = {_literal(value)}" for name, value in params.items()])


class From(ESQLBase):
    """``FROM``, the start of a query; ``metadata()`` asks for metadata columns."""

    command_name = "FROM"

    def __init__(self, *indices: IndexType) -> None:
        self._parent = None
        self._indices = indices
        self._metadata_fields: tuple[FieldType, ...] = ()

    def metadata(self, *fields: FieldType) -> From:
        self._metadata_fields = fields
        return self

    def _render_internal(self) -> str:
        text = f"{self.command_name} {', '.join([_index(index) for index in self._indices])}"
        if self._metadata_fields:
            text += " METADATA " + ", ".join(
                [_identifier(field) for field in map(str, self._metadata_fields)]
            )
        return text


class Row(ESQLBase):
    """``ROW``, the start of a query."""

    def __init__(self, **params: ExpressionType) -> None:
        self._parent = None
        self._params = _assignments(params)

    def _render_internal(self) -> str:
        return "ROW " + self._params


class Show(ESQLBase):
    """``SHOW``, the start of a query."""

    def __init__(self, item: str) -> None:
        self._parent = None
        self._item = item

    def _render_internal(self) -> str:
        return "SHOW " + _column(self._item)


class Branch(ESQLBase):
    """The empty start of a ``FORK`` branch."""

    def _render_internal(self) -> str:
        return ""


class ChangePoint(ESQLBase):
    """``CHANGE_POINT``; ``on(key)`` orders the metric, ``as_()`` names the output columns."""

    def __init__(self, parent: ESQLBase, value: FieldType) -> None:
        self._parent = parent
        self._value = value
        self._key: FieldType | None = None
        self._type_name: str | None = None
        self._pvalue_name: str | None = None

    def on(self, key: FieldType) -> ChangePoint:
        self._key = key
        return self

    def as_(self, type_name: str, pvalue_name: str) -> ChangePoint:
        self._type_name = type_name
        self._pvalue_name = pvalue_name
        return self

    def _render_internal(self) -> str:
        text = f"CHANGE_POINT {self._value}"
        if self._key:
            text += f" ON {_column(self._key)}"
        if self._type_name or self._pvalue_name:
            text += f" AS {_column(self._type_name or 'type')}, {_column(self._pvalue_name or 'pvalue')}"
        return text


class Completion(ESQLBase):
    """``COMPLETION``; ``with_(inference_id)`` is required."""

    def __init__(self, parent: ESQLBase, *prompt: ExpressionType, **named_prompt: ExpressionType) -> None:
        _one_prompt("COMPLETION", prompt, named_prompt)
        self._parent = parent
        self._prompt = prompt
        self._named_prompt = named_prompt
        self._inference_id: str | None = None

    def with_(self, inference_id: str) -> Completion:
        self._inference_id = inference_id
        return self

    def _render_internal(self) -> str:
        if self._inference_id is None:
            raise ValueError("The completion command requires an inference ID")
        if self._named_prompt:
            column, prompt = next(iter(self._named_prompt.items()))
            target = f"{_column(column)} = {_column(prompt)}"
        else:
            target = _column(self._prompt[0])
        return f"COMPLETION {target} WITH {json.dumps({'inference_id': self._inference_id})}"


class Dissect(ESQLBase):
    """``DISSECT``; ``append_separator()`` joins repeated keys."""

    def __init__(self, parent: ESQLBase, input: FieldType, pattern: str) -> None:
        self._parent = parent
        self._input = input
        self._pattern = pattern
        self._separator: str | None = None

    def append_separator(self, separator: str) -> Dissect:
        self._separator = separator
        return self

    def _render_internal(self) -> str:
        text = f"DISSECT {_column(self._input)} {_json(self._pattern)}"
        if self._separator is not None:
            text += f" APPEND_SEPARATOR={_json(self._separator)}"
        return text


class Drop(ESQLBase):
    """``DROP``."""

    def __init__(self, parent: ESQLBase, *columns: FieldType) -> None:
        self._parent = parent
        self._columns = columns

    def _render_internal(self) -> str:
        return "DROP " + _patterns(self._columns)


class Enrich(ESQLBase):
    """``ENRICH``; ``on(match_field)`` and ``with_(fields or new=field)`` follow."""

    def __init__(self, parent: ESQLBase, policy: str) -> None:
        self._parent = parent
        self._policy = policy
        self._match_field: FieldType | None = None
        self._fields: tuple[FieldType, ...] | None = None
        self._named_fields: dict[str, FieldType] | None = None

    def on(self, match_field: FieldType) -> Enrich:
        self._match_field = match_field
        return self

    def with_(self, *fields: FieldType, **named_fields: FieldType) -> Enrich:
        _exclusive(fields, named_fields)
        self._fields = fields
        self._named_fields = named_fields
        return self

    def _render_internal(self) -> str:
        text = f"ENRICH {self._policy}"
        if self._match_field is not None:
            text += f" ON {_column(self._match_field)}"
        if self._named_fields:
            pairs = [f"{_identifier(name)} = {_column(field)}" for name, field in self._named_fields.items()]
            text += " WITH " + ", ".join(pairs)
        elif self._fields is not None:
            text += " WITH " + ", ".join([_column(field) for field in self._fields])
        return text


class Eval(ESQLBase):
    """``EVAL``."""

    def __init__(self, parent: ESQLBase, *columns: ExpressionType, **named_columns: ExpressionType) -> None:
        _exclusive(columns, named_columns)
        self._parent = parent
        self._columns = columns
        self._named_columns = named_columns

    def _render_internal(self) -> str:
        return "EVAL " + _expressions(self._columns, self._named_columns, ", ")


class Fork(ESQLBase):
    """``FORK``: each branch on one line, its commands joined by pipes."""

    def __init__(
        self,
        parent: ESQLBase,
        fork1: ESQLBase,
        fork2: ESQLBase | None = None,
        fork3: ESQLBase | None = None,
        fork4: ESQLBase | None = None,
        fork5: ESQLBase | None = None,
        fork6: ESQLBase | None = None,
        fork7: ESQLBase | None = None,
        fork8: ESQLBase | None = None,
    ) -> None:
        self._parent = parent
        self._branches = [fork1, fork2, fork3, fork4, fork5, fork6, fork7, fork8]

    def _render_internal(self) -> str:
        # A branch renders as "\n| CMD\n| CMD" from its empty start: drop the first pipe and
        # keep the branch on one line.
        branches = [f"( {branch.render()[3:].replace(chr(10), ' ')} )" for branch in self._branches if branch]
        return "FORK " + "\n       ".join(branches)


class Grok(ESQLBase):
    """``GROK``."""

    def __init__(self, parent: ESQLBase, input: FieldType, pattern: str) -> None:
        self._parent = parent
        self._input = input
        self._pattern = pattern

    def _render_internal(self) -> str:
        return f"GROK {_column(self._input)} {_json(self._pattern)}"


class Keep(ESQLBase):
    """``KEEP``."""

    def __init__(self, parent: ESQLBase, *columns: FieldType) -> None:
        self._parent = parent
        self._columns = columns

    def _render_internal(self) -> str:
        return "KEEP " + _patterns(self._columns)


class Limit(ESQLBase):
    """``LIMIT``."""

    def __init__(self, parent: ESQLBase, max_number_of_rows: int) -> None:
        self._parent = parent
        self._max_number_of_rows = max_number_of_rows

    def _render_internal(self) -> str:
        return "LIMIT " + _json(self._max_number_of_rows)


class LookupJoin(ESQLBase):
    """``LOOKUP JOIN``; ``on(field)`` is required."""

    def __init__(self, parent: ESQLBase, lookup_index: IndexType) -> None:
        self._parent = parent
        self._lookup_index = lookup_index
        self._field: FieldType | None = None

    def on(self, field: FieldType) -> LookupJoin:
        self._field = field
        return self

    def _render_internal(self) -> str:
        if self._field is None:
            raise ValueError("Joins require a field to join on.")
        return f"LOOKUP JOIN {_index(self._lookup_index)} ON {_column(self._field)}"


class MvExpand(ESQLBase):
    """``MV_EXPAND``."""

    def __init__(self, parent: ESQLBase, column: FieldType) -> None:
        self._parent = parent
        self._column = column

    def _render_internal(self) -> str:
        return "MV_EXPAND " + _column(self._column)


class Rename(ESQLBase):
    """``RENAME``."""

    def __init__(self, parent: ESQLBase, **columns: FieldType) -> None:
        self._parent = parent
        self._columns = columns

    def _render_internal(self) -> str:
        return "RENAME " + ", ".join(
            [f"{_identifier(old)} AS {_column(new)}" for old, new in self._columns.items()]
        )


class Sample(ESQLBase):
    """``SAMPLE``."""

    def __init__(self, parent: ESQLBase, probability: float) -> None:
        self._parent = parent
        self._probability = probability

    def _render_internal(self) -> str:
        return "SAMPLE " + _json(self._probability)


class Sort(ESQLBase):
    """``SORT``: each word of a sort key is a column name or a keyword, quoted as needed."""

    def __init__(self, parent: ESQLBase, *columns: ExpressionType) -> None:
        self._parent = parent
        self._columns = columns

    def _render_internal(self) -> str:
        keys = [" ".join([_identifier(word) for word in str(column).split(" ")]) for column in self._columns]
        return "SORT " + ", ".join(keys)


class Stats(ESQLBase):
    """``STATS``: one aggregation a line; ``by()`` adds the grouping."""

    command_name = "STATS"

    def __init__(
        self, parent: ESQLBase, *expressions: ExpressionType, **named_expressions: ExpressionType
    ) -> None:
        _exclusive(expressions, named_expressions)
        self._parent = parent
        self._expressions = expressions
        self._named_expressions = named_expressions
        self._grouping_expressions: tuple[ExpressionType, ...] | None = None

    def by(self, *grouping_expressions: ExpressionType) -> Stats:
        self._grouping_expressions = grouping_expressions
        return self

    def _render_internal(self) -> str:
        # continuation lines line up under the first aggregation
        indent = " " * (len(self.command_name) + 3)
        text = f"{self.command_name} " + _expressions(
            self._expressions, self._named_expressions, ",\n" + indent
        )
        if self._grouping_expressions is not None:
            text += f"\n{indent}BY " + ", ".join(
                [e if type(e) is str else _expression(e) for e in self._grouping_expressions]
            )
        return text


class Where(ESQLBase):
    """``WHERE``: several conditions are joined with ``AND``."""

    def __init__(self, parent: ESQLBase, *expressions: ExpressionType) -> None:
        self._parent = parent
        self._expressions = expressions

    def _render_internal(self) -> str:
        return "WHERE " + " AND ".join([e if type(e) is str else _expression(e) for e in self._expressions])


if ESQL_9X_COMMANDS:

    class TS(From):
        """``TS``, the start of a time series query."""

        command_name = "TS"

    class Set(ESQLBase):
        """A ``SET`` directive (made by ``set()``), rendered before the query."""

        def __init__(self, **params: ExpressionType) -> None:
            self._parent = None
            self._params = _assignments(params)

        def _render_internal(self) -> str:
            return "SET " + self._params

    class Fuse(ESQLBase):
        """``FUSE``; ``by()`` adds grouping columns, ``with_()`` options."""

        def __init__(self, parent: ESQLBase, method: str | None = None) -> None:
            self._parent = parent
            self.method = method
            self.by_columns: list[FieldType] = []
            self.options: dict[str, Any] = {}

        def by(self, *columns: FieldType) -> Fuse:
            self.by_columns += columns
            return self

        def with_(self, **options: Any) -> Fuse:
            self.options = options
            return self

        def _render_internal(self) -> str:
            text = "FUSE"
            if self.method:
                text += " " + self.method.upper()
            if self.by_columns:
                text += " " + " ".join([f"BY {column}" for column in self.by_columns])
            if self.options:
                text += " WITH " + json.dumps(self.options)
            return text

    class InlineStats(Stats):
        """``INLINE STATS``."""

        command_name = "INLINE STATS"

    class MetricsInfo(ESQLBase):
        """``METRICS_INFO``."""

        def __init__(self, parent: ESQLBase) -> None:
            self._parent = parent

        def _render_internal(self) -> str:
            return "METRICS_INFO"

    class Mmr(ESQLBase):
        """``MMR``; ``mmr_limit()`` and ``with_(lambda_)`` follow."""

        def __init__(self, parent: ESQLBase, field: FieldType, query_vector: ExpressionType) -> None:
            self._parent = parent
            self._field = field
            self._query_vector = query_vector
            self._max_number_of_rows: int | None = None
            self._lambda: float | None = None

        def mmr_limit(self, max_number_of_rows: int) -> Mmr:
            self._max_number_of_rows = max_number_of_rows
            return self

        def with_(self, lambda_: float) -> Mmr:
            self._lambda = lambda_
            return self

        def _render_internal(self) -> str:
            text = "MMR "
            if self._query_vector is not None:
                text += _expression(self._query_vector) + " "
            text += "ON " + _column(self._field)
            if self._max_number_of_rows is not None:
                text += f" LIMIT {self._max_number_of_rows}"
            if self._lambda is not None:
                text += " WITH " + json.dumps({"lambda": self._lambda})
            return text

    class _PrefixCommand(ESQLBase):
        """A command writing its output columns under one prefix: ``CMD prefix = input``."""

        command_name = ""

        def __init__(self, parent: ESQLBase, **prefix: ExpressionType) -> None:
            self._parent = parent
            self._name, self._input = _single_keyword(self.command_name, prefix)

        def _render_internal(self) -> str:
            return f"{self.command_name} {_column(self._name)} = {_expression(self._input)}"

    class RegisteredDomain(_PrefixCommand):
        """``REGISTERED_DOMAIN``."""

        command_name = "REGISTERED_DOMAIN"

    class UriParts(_PrefixCommand):
        """``URI_PARTS``."""

        command_name = "URI_PARTS"

    class UserAgent(_PrefixCommand):
        """``USER_AGENT``; ``with_()`` passes parser options."""

        command_name = "USER_AGENT"
        _options: dict[str, str] | None = None

        def with_(self, **options: str) -> UserAgent:
            self._options = options
            return self

        def _render_internal(self) -> str:
            text = super()._render_internal()
            if self._options:
                text += " WITH " + _expression(self._options)
            return text

    class Rerank(ESQLBase):
        """``RERANK``; ``on(fields)`` and ``with_(inference_id)`` are required."""

        def __init__(self, parent: ESQLBase, *query: ExpressionType, **named_query: ExpressionType) -> None:
            _one_prompt("RERANK", query, named_query)
            self._parent = parent
            self._query = query
            self._named_query = named_query
            self._fields: tuple[str, ...] | None = None
            self._inference_id: str | None = None

        def on(self, *fields: str) -> Rerank:
            self._fields = fields
            return self

        def with_(self, inference_id: str) -> Rerank:
            self._inference_id = inference_id
            return self

        def _render_internal(self) -> str:
            if self._fields is None:
                raise ValueError("The rerank command requires one or more fields to rerank on")
            if self._inference_id is None:
                raise ValueError("The rerank command requires an inference ID")
            if self._named_query:
                column, text = next(iter(self._named_query.items()))
                query = f"{_column(column)} = {json.dumps(text)}"
            else:
                query = json.dumps(self._query[0])
            fields = ", ".join([_column(field) for field in self._fields])
            return f"RERANK {query} ON {fields} WITH {json.dumps({'inference_id': self._inference_id})}"

    class TsInfo(ESQLBase):
        """``TS_INFO``."""

        def __init__(self, parent: ESQLBase) -> None:
            self._parent = parent

        def _render_internal(self) -> str:
            return "TS_INFO"


def and_(*expressions: InstrumentedExpression) -> InstrumentedExpression:
    """Every expression holds (each parenthesized)."""
    return InstrumentedExpression(" AND ".join([f"({expr})" for expr in expressions]))


def or_(*expressions: InstrumentedExpression) -> InstrumentedExpression:
    """Any expression holds (each parenthesized)."""
    return InstrumentedExpression(" OR ".join([f"({expr})" for expr in expressions]))


def not_(expression: InstrumentedExpression) -> InstrumentedExpression:
    """The expression does not hold."""
    return InstrumentedExpression(f"NOT ({expression})")
