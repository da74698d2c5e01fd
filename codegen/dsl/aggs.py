"""``dsl/aggs.py``: one class per aggregation of the spec's ``AggregationContainer``.

Built like the queries (``query.Builder``), as subclasses of ``Bucket`` (the spec's
``BucketAggregationBase`` descendants: they nest sub-aggregations), ``Pipeline`` (those that
read other aggregations' results: ``BucketPathAggregation`` descendants) or plain ``Agg``
(metrics). An aggregation typed by a union of variants is a base class carrying the key,
with one subclass per variant. ``A``, ``Agg``, ``AggBase``, ``Bucket`` and ``Pipeline`` are
hand-written in the template, as are the few ``to_dict``/``result`` hooks named below.
"""

from __future__ import annotations

from typing import Any

from ..profiles import Profile
from .query import Builder, DslClass
from .schema import Schema
from .types import TypeMap, class_name, render_module

AGGREGATIONS = ("_types.aggregations", "AggregationContainer")
BUCKET_BASE = "BucketAggregationBase"
PIPELINE_BASE = "BucketPathAggregation"
# Aggregations that nest sub-aggregations although their spec type does not say so.
BUCKETS = frozenset({"bucket_sort", "categorize_text", "filter", "variable_width_histogram"})
# The response class (response/aggs.py) of the aggregations whose results are not plain
# ``BucketData``/``AggResponse``: buckets keyed by a field's values, and hits.
RESULTS = {
    "auto_date_histogram": "FieldBucketData",
    "date_histogram": "FieldBucketData",
    "histogram": "FieldBucketData",
    "variable_width_histogram": "FieldBucketData",
    "terms": "FieldBucketData",
    "top_hits": "TopHitsData",
}
SUB_AGGREGATIONS = {"type": "agg", "hash": True}


class AggBuilder(Builder):
    def kind(self, spec: dict[str, Any]) -> str | None:
        """``Bucket`` or ``Pipeline`` from the spec type's ancestors, else None."""
        for level, _ in self.map.chain(spec):
            if level["name"]["name"] == PIPELINE_BASE:
                return "Pipeline"
            if level["name"]["name"] == BUCKET_BASE:
                return "Bucket"
        return None

    def aggregation(self, prop: dict[str, Any]) -> list[DslClass]:
        ref = prop["type"]
        spec = None
        if ref["kind"] == "instance_of":
            spec = self.schema.types.get((ref["type"]["namespace"], ref["type"]["name"]))
        if spec is not None and spec["kind"] == "type_alias" and spec["type"]["kind"] == "union_of":
            variants = [self.schema.type(**item["type"]) for item in spec["type"]["items"]]
            kinds = {self.kind(v) for v in variants}
            if len(kinds) != 1:
                raise ValueError(f"{prop['name']}: its variants are of different kinds: {kinds}")
            base = DslClass(class_name(prop["name"]), kinds.pop() or "Agg", prop["name"])
            subclasses = []
            for variant in variants:
                cls = DslClass(variant["name"]["name"], base.name, None)
                self.fill(cls, variant)
                subclasses.append(self.finish(cls))
            return [self.finish(base), *subclasses]
        cls = self.build(prop, "Agg")
        kind = self.kind(spec) if spec is not None and spec["kind"] == "interface" else None
        cls.parent = kind or ("Bucket" if prop["name"] in BUCKETS else "Agg")
        return [self.finish(cls)]

    def finish(self, cls: DslClass) -> DslClass:
        cls.positional = len(cls.args) == 1 and not cls.field_keyed
        if cls.parent == "Bucket" and cls.params:
            # a class's own ``_param_defs`` replaces ``AggBase``'s: keep sub-aggregations built
            cls.params["aggs"] = SUB_AGGREGATIONS
        return cls


def render(schema: Schema, prof: Profile) -> dict[str, str]:
    builder = AggBuilder(schema, TypeMap(schema, range_wrapper=prof.dsl_aggregation_range_wrapper))
    classes = [cls for prop in builder.container(AGGREGATIONS) for cls in builder.aggregation(prop)]
    own = ("Agg", "Query")  # defined, or imported at run time
    text = render_module("dsl/aggs.py.j2", "codegen/dsl/aggs.py", own, classes=classes, results=RESULTS)
    return {"dsl/aggs.py": text}
