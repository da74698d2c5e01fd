"""Faceted navigation, both flavours, and the facets it is built from."""

from ._async.faceted_search import AsyncFacetedSearch
from ._sync.faceted_search import FacetedSearch
from .faceted_search_base import (
    DateHistogramFacet,
    Facet,
    FacetedResponse,
    HistogramFacet,
    NestedFacet,
    RangeFacet,
    TermsFacet,
)

__all__ = [
    "AsyncFacetedSearch",
    "DateHistogramFacet",
    "Facet",
    "FacetedResponse",
    "FacetedSearch",
    "HistogramFacet",
    "NestedFacet",
    "RangeFacet",
    "TermsFacet",
]
