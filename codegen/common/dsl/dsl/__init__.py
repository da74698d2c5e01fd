"""The Elasticsearch DSL: queries, aggregations, searches and documents as Python objects.

``from <package>.dsl import Search, Document, Q, A`` as with the official client's DSL; the
synchronous and the asynchronous (``Async...``) classes side by side. Nothing here is imported
by ``import <package>``: the DSL loads when this package is.
"""

from __future__ import annotations

from . import async_connections, connections
from .aggs import A, Agg
from .analysis import (
    analyzer,
    char_filter,
    normalizer,
    token_filter,
    tokenizer,
)
from .document import AsyncDocument, Document
from .document_base import (
    E,
    InnerDoc,
    M,
    MetaField,
    mapped_field,
)
from .exceptions import (
    ElasticsearchDslException,
    IllegalOperation,
    UnknownDslObject,
    ValidationException,
)
from .faceted_search import (
    AsyncFacetedSearch,
    DateHistogramFacet,
    Facet,
    FacetedResponse,
    FacetedSearch,
    HistogramFacet,
    NestedFacet,
    RangeFacet,
    TermsFacet,
)
from .field import (
    AggregateMetricDouble,
    Alias,
    Binary,
    Boolean,
    Byte,
    Completion,
    ConstantKeyword,
    CountedKeyword,
    CustomField,
    Date,
    DateNanos,
    DateRange,
    DenseVector,
    Double,
    DoubleRange,
    Field,
    Flattened,
    Float,
    FloatRange,
    GeoPoint,
    GeoShape,
    HalfFloat,
    Histogram,
    IcuCollationKeyword,
    Integer,
    IntegerRange,
    Ip,
    IpRange,
    Join,
    Keyword,
    Long,
    LongRange,
    MatchOnlyText,
    Murmur3,
    Nested,
    Object,
    Passthrough,
    Percolator,
    Point,
    RangeField,
    RankFeature,
    RankFeatures,
    RankVectors,
    ScaledFloat,
    SearchAsYouType,
    SemanticText,
    Shape,
    Short,
    SparseVector,
    Text,
    TokenCount,
    UnsignedLong,
    Version,
    Wildcard,
    construct_field,
)
from .function import SF
from .index import (
    AsyncComposableIndexTemplate,
    AsyncIndex,
    AsyncIndexTemplate,
    ComposableIndexTemplate,
    Index,
    IndexTemplate,
)
from .mapping import AsyncMapping, Mapping
from .query import Q, Query
from .response import AggResponse, Response, UpdateByQueryResponse
from .search import (
    AsyncEmptySearch,
    AsyncMultiSearch,
    AsyncSearch,
    EmptySearch,
    MultiSearch,
    Search,
)
from .update_by_query import AsyncUpdateByQuery, UpdateByQuery
from .utils import AttrDict, AttrList, DslBase
from .wrappers import Range

__all__ = [
    "A",
    "Agg",
    "AggResponse",
    "AggregateMetricDouble",
    "Alias",
    "AsyncComposableIndexTemplate",
    "AsyncDocument",
    "AsyncEmptySearch",
    "AsyncFacetedSearch",
    "AsyncIndex",
    "AsyncIndexTemplate",
    "AsyncMapping",
    "AsyncMultiSearch",
    "AsyncSearch",
    "AsyncUpdateByQuery",
    "AttrDict",
    "AttrList",
    "Binary",
    "Boolean",
    "Byte",
    "Completion",
    "ComposableIndexTemplate",
    "ConstantKeyword",
    "CountedKeyword",
    "CustomField",
    "Date",
    "DateHistogramFacet",
    "DateNanos",
    "DateRange",
    "DenseVector",
    "Document",
    "Double",
    "DoubleRange",
    "DslBase",
    "E",
    "ElasticsearchDslException",
    "EmptySearch",
    "Facet",
    "FacetedResponse",
    "FacetedSearch",
    "Field",
    "Flattened",
    "Float",
    "FloatRange",
    "GeoPoint",
    "GeoShape",
    "HalfFloat",
    "Histogram",
    "HistogramFacet",
    "IcuCollationKeyword",
    "IllegalOperation",
    "Index",
    "IndexTemplate",
    "InnerDoc",
    "Integer",
    "IntegerRange",
    "Ip",
    "IpRange",
    "Join",
    "Keyword",
    "Long",
    "LongRange",
    "M",
    "Mapping",
    "MatchOnlyText",
    "MetaField",
    "MultiSearch",
    "Murmur3",
    "Nested",
    "NestedFacet",
    "Object",
    "Passthrough",
    "Percolator",
    "Point",
    "Q",
    "Query",
    "Range",
    "RangeFacet",
    "RangeField",
    "RankFeature",
    "RankFeatures",
    "RankVectors",
    "Response",
    "SF",
    "ScaledFloat",
    "Search",
    "SearchAsYouType",
    "SemanticText",
    "Shape",
    "Short",
    "SparseVector",
    "TermsFacet",
    "Text",
    "TokenCount",
    "UnknownDslObject",
    "UnsignedLong",
    "UpdateByQuery",
    "UpdateByQueryResponse",
    "ValidationException",
    "Version",
    "Wildcard",
    "analyzer",
    "async_connections",
    "char_filter",
    "connections",
    "construct_field",
    "mapped_field",
    "normalizer",
    "token_filter",
    "tokenizer",
]

# Field types only some majors have (``exponential_histogram`` of the 9.x specification, the
# numpy-aware dense vector of the 9.x DSL): exported where this major's field module has them.
# (The ignores are for the majors without them, where type checkers see the import fail.)
try:
    from .field import ExponentialHistogram  # type: ignore[attr-defined, unused-ignore]
except ImportError:
    pass
else:
    __all__ += ["ExponentialHistogram"]
try:
    from .field import NumpyDenseVector  # type: ignore[attr-defined, unused-ignore]
except ImportError:
    pass
else:
    __all__ += ["NumpyDenseVector"]
__all__.sort()
