"""The ES|QL query builder: ``ESQL.from_("index").where(...).limit(10)`` renders, with
``str()``, the query ``client.esql.query(query=...)`` sends; ``functions`` has the ES|QL
functions and ``E`` (from the DSL) makes expressions of column names. Not imported by
``import <package>``."""

from ..dsl import E
from .esql import ESQL, ESQLBase, and_, not_, or_

__all__ = ["E", "ESQL", "ESQLBase", "and_", "not_", "or_"]
