"""What differs between the three generated packages, in one place.

A profile is small data the generator reads: which spec branch, which API style
(the 8.x+ keyword style or the 7.x ``body=``/``params=`` style), which
hand-written common sources, and the few names and behaviours in which the
official client of that major departs from the plain rules.  Templates and
common code never test a version number; they read the profile (the generator
also renders it into ``<package>/_profile.py`` for the runtime).
"""

from __future__ import annotations

import functools
import json
import runpy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

ApiStyle = Literal["keyword", "legacy"]


def _frozen(mapping: Mapping[str, str] | None = None) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping or {}))


ROOT = Path(__file__).resolve().parents[1]
# Where the project lives. It has no public home yet: ``.invalid`` (RFC 2606) never resolves,
# so the placeholder cannot pass for anyone's real page. packages/transport/pyproject.toml
# spells the same base (a test compares them).
REPOSITORY_URL = "https://example.invalid/elasticsearch-py-monorepo"


@functools.cache
def transport_versions() -> dict[str, str]:
    """``__version__``, ``LOCAL_LABEL`` and ``DIST_VERSION`` of the monorepo's transport, read
    from its one version file (packages/transport/src/elastic_transport/_version.py)."""
    values = runpy.run_path(
        str(ROOT / "packages" / "transport" / "src" / "elastic_transport" / "_version.py")
    )
    return {name: str(values[name]) for name in ("__version__", "LOCAL_LABEL", "DIST_VERSION")}


@functools.cache
def _registry(major: int) -> dict[str, Any]:
    """The fields shared with the rest of the monorepo (spec, package, compat header, the
    official release mirrored), from the registry of majors (majors.json at the repository
    root), so they are spelled once; the distribution versions add the transport's local label."""
    for entry in json.loads((ROOT / "majors.json").read_text())["majors"]:
        if entry["major"] == major:
            transport = transport_versions()
            client_version = entry["official"]["elasticsearch"]
            return {
                "spec_version": entry["spec"],
                "package": entry["package"],
                "dist": entry["package"],
                "compat_header_version": entry["compat_header"],
                "client_version": client_version,
                "dist_version": f"{client_version}+{transport['LOCAL_LABEL']}",
                "transport_dist_version": transport["DIST_VERSION"],
            }
    raise KeyError(f"majors.json has no entry for major {major}")


@dataclass(frozen=True)
class Profile:
    major: int
    spec_version: str  # folder under the spec dir, e.g. "8.19"
    package: str  # import name
    dist: str  # distribution name and folder under packages/
    # The official release this package mirrors (``__versionstr__``, ``__version__``, the
    # User-Agent): majors.json's ``official``.
    client_version: str
    # The distribution's version: ``client_version`` plus the monorepo's local label
    # (``9.5.1+mono.1``), which no package index holds.
    dist_version: str
    # The transport's distribution version, which the package requires exactly.
    transport_dist_version: str
    api_style: ApiStyle
    common_dirs: tuple[str, ...]  # under codegen/common, copied in order (later wins)
    compat_header_version: int  # the N in compatible-with=N
    description: str
    # Extras: name -> requirements, the user-facing extras of the official release (its
    # development extras, ``dev``/``develop`` and ``docs``, are left out).
    extras: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    user_agent_name: str = "elasticsearch-py"
    client_meta_service: str = "es"
    # Keyword style: deprecated URLs are dropped where a current one exists
    # (``/_search/scroll/{scroll_id}``: the id then travels in the body only).
    drop_deprecated_paths: bool = True
    # 9.x sends Content-Type on every endpoint that takes a body, sent or not;
    # 8.x only with a body.
    content_type_without_body: bool = False
    # Importing ``<package>.client`` warns in the majors whose official client warns.
    client_module_warns: bool = False
    # Spec endpoint name -> method name as the official client spells it.
    renames: Mapping[str, str] = field(default_factory=_frozen)
    # Namespace -> class name where it is not CamelCase + "Client".
    namespace_classes: Mapping[str, str] = field(default_factory=_frozen)
    # Endpoint -> stability the official client flags it with, where it
    # differs from the spec branch it was generated from.
    stability_overrides: Mapping[str, str] = field(default_factory=_frozen)
    # Legacy style: endpoint -> path part that 7.x accepted as optional, and
    # the request sent without it (it warned and listed instead).
    optional_parts: Mapping[str, str] = field(default_factory=_frozen)
    # Of those, the endpoints whose 7.x method left the part out without a warning.
    quiet_optional_parts: frozenset[str] = frozenset()
    # Legacy style: endpoints whose body fields 7.15+ also took as keywords
    # (the forward-compatible style), and the keyword standing for a whole body.
    body_keywords: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    body_names: Mapping[str, str] = field(default_factory=_frozen)
    # Legacy style: the endpoints whose type stubs (``.pyi``) give their path parts and query
    # parameters the spec's types, as the official client's stubs do; elsewhere those stubs
    # take anything (``t.Any``) but booleans, since the official stubs accept anything there.
    typed_stub_endpoints: frozenset[str] = frozenset()
    # Endpoint -> (path part, value) sent in its place when a later part of
    # the same URL is given without it (``/_cluster/state/_all/{index}``).
    part_defaults: Mapping[str, tuple[str, str]] = field(
        default_factory=lambda: MappingProxyType({"cluster.state": ("metric", "_all")})
    )
    # Helpers (codegen/common/helpers/all, with helpers/v7 or helpers/v8plus in ``common_dirs``
    # for each major's official signatures and client calls):
    # ``helpers.BULK_FLUSH`` (a marker among the actions) exists from 8.x on.
    helpers_bulk_flush: bool = True
    # ``expand_action`` of a pre-serialized document gives its action as a JSON line (7.x),
    # not as a dict, and the document as given, not as bytes.
    helpers_raw_action_line: bool = False
    # ``helpers.pack_dense_vector`` exists from 9.0 on.
    helpers_pack_dense_vector: bool = False
    # ``helpers.scan`` also passes ``opaque_id`` to the scroll and clear-scroll calls.
    helpers_scan_opaque_id: bool = False
    # Every request passes retry_backoff_base and retry_backoff_cap to the transport (DEFAULT
    # when not set), as the 9.x client does; the 8.x client passes them only once set.
    retry_backoff_always_sent: bool = False
    # Keyword style: the arguments of the common client constructor (which lists every major's,
    # in the official order) that this major's official client does not have; the generator
    # leaves them out.
    client_arguments_left_out: tuple[str, ...] = ()
    # DSL: ``Document.search()`` asks for the vectors in ``_source`` (``exclude_vectors: false``),
    # as the 9.x DSL does, so that documents come back whole; the 8.x DSL sends no ``_source``.
    dsl_search_exclude_vectors: bool = False
    # DSL generator: the aggregations' range arguments are the hand-written
    # ``wrappers.AggregationRange`` (9.x), not the spec's range types (8.x ``types.AggregationRange``).
    dsl_aggregation_range_wrapper: bool = False
    # DSL generator: the ``NumpyDenseVector`` field exists and ``DenseVector`` keeps its values as given
    # (9.x, where vectors may be numpy arrays); the 8.x ``DenseVector`` converts each element
    # to float or int by its ``element_type``.
    dsl_numpy_dense_vector: bool = False
    # ES|QL builder (``<package>.esql``): the commands only the 9.x language has (``TS``, ``SET``,
    # ``FUSE``, ``INLINE STATS``, ``MMR``, ``RERANK`` ...) exist, and index names with a pipe
    # are refused; the 8.x builder has the 8.19 commands only.
    esql_9x_commands: bool = False
    # Vector store: ``SparseVectorStrategy`` asks with a ``sparse_vector`` query, maps the tokens as
    # ``sparse_vector`` and feeds its pipeline by ``input_output`` (9.x); the 8.x one uses
    # ``text_expansion``, ``rank_features`` and a ``field_map``.
    vectorstore_sparse_vector_query: bool = False
    # Vector store: ``max_marginal_relevance_search`` takes ``filter`` (9.x).
    vectorstore_mmr_filter: bool = False

    @property
    def legacy(self) -> bool:
        """7.x clients were generated from the rest-api-spec: its names and parameters."""
        return self.api_style == "legacy"

    @property
    def dsl(self) -> bool:
        """The package carries the DSL (``<package>.dsl``): its common sources are listed."""
        return "dsl" in self.common_dirs

    def namespace_class(self, namespace: str) -> str:
        default = "".join(word.capitalize() for word in namespace.split("_")) + "Client"
        return self.namespace_classes.get(namespace, default)


# The user-facing extras of the official 8.x and 9.x releases, with requirements to match.
# ``vectorstore_mmr`` brings numpy and simsimd, which ``helpers.vectorstore`` loads for maximal
# marginal relevance only.
_EXTRAS_8PLUS = MappingProxyType(
    {
        "async": ("aiohttp>=3.9,<4",),
        "orjson": ("orjson>=3",),
        "pyarrow": ("pyarrow>=1",),
        "requests": ("requests>=2.26,!=2.32.2,<3",),
        "vectorstore_mmr": ("numpy>=1", "simsimd>=3"),
    }
)
_EXTRAS_7 = MappingProxyType({"async": ("aiohttp>=3.9,<4",), "requests": ("requests>=2.26,<3",)})


# 8.x-only constructor arguments (the 7.x spellings it still took, deprecated).
_CLIENT_ARGUMENTS_ONLY_8 = (
    "timeout",
    "randomize_hosts",
    "host_info_callback",
    "sniffer_timeout",
    "sniff_on_connection_fail",
    "maxsize",
)


PROFILES: tuple[Profile, ...] = (
    Profile(
        major=9,
        **_registry(9),
        api_style="keyword",
        common_dirs=("all", "v8plus", "helpers/all", "helpers/v8plus", "dsl", "dsl9", "esql"),
        description="Python client for Elasticsearch 9.x",
        extras=_EXTRAS_8PLUS,
        content_type_without_body=True,
        client_module_warns=True,
        helpers_pack_dense_vector=True,
        dsl_search_exclude_vectors=True,
        helpers_scan_opaque_id=True,
        retry_backoff_always_sent=True,
        dsl_aggregation_range_wrapper=True,
        dsl_numpy_dense_vector=True,
        esql_9x_commands=True,
        vectorstore_sparse_vector_query=True,
        vectorstore_mmr_filter=True,
        namespace_classes=_frozen({"xpack": "XPackClient"}),
        client_arguments_left_out=_CLIENT_ARGUMENTS_ONLY_8,
    ),
    Profile(
        major=8,
        **_registry(8),
        api_style="keyword",
        common_dirs=("all", "v8plus", "v8", "helpers/all", "helpers/v8plus", "dsl", "esql"),
        description="Python client for Elasticsearch 8.x",
        extras=_EXTRAS_8PLUS,
        namespace_classes=_frozen({"xpack": "XPackClient"}),
        stability_overrides=_frozen({"indices.downsample": "experimental"}),
        client_arguments_left_out=("server_mode",),
    ),
    Profile(
        major=7,
        **_registry(7),
        api_style="legacy",
        common_dirs=("all", "v7", "helpers/all", "helpers/v7"),
        description="Python client for Elasticsearch 7.x",
        extras=_EXTRAS_7,
        drop_deprecated_paths=False,
        helpers_bulk_flush=False,
        helpers_raw_action_line=True,
        namespace_classes=_frozen({"xpack": "XPackClient", "data_frame": "Data_FrameClient"}),
        # 7.x kept the pre-7.5 names of the deprecated data frame transform APIs.
        renames=_frozen(
            {
                f"data_frame_transform_deprecated.{old}": f"data_frame.{new}"
                for old, new in (
                    ("delete_transform", "delete_data_frame_transform"),
                    ("get_transform", "get_data_frame_transform"),
                    ("get_transform_stats", "get_data_frame_transform_stats"),
                    ("preview_transform", "preview_data_frame_transform"),
                    ("put_transform", "put_data_frame_transform"),
                    ("start_transform", "start_data_frame_transform"),
                    ("stop_transform", "stop_data_frame_transform"),
                    ("update_transform", "update_data_frame_transform"),
                )
            }
        ),
        # indices.put_mapping: a type without an index goes to ``/_all/{type}/_mapping``, and
        # neither to ``/_mapping``, as the 7.x client sent them.
        part_defaults=MappingProxyType(
            {"cluster.state": ("metric", "_all"), "indices.put_mapping": ("index", "_all")}
        ),
        optional_parts=_frozen(
            {
                "tasks.get": "task_id",
                "data_frame_transform_deprecated.get_transform_stats": "transform_id",
                "indices.put_mapping": "index",
            }
        ),
        quiet_optional_parts=frozenset(
            {"data_frame_transform_deprecated.get_transform_stats", "indices.put_mapping"}
        ),
        body_keywords=MappingProxyType(
            {
                "clear_scroll": ("scroll_id",),
                "indices.create": ("aliases", "mappings", "settings"),
                "scroll": ("scroll", "scroll_id"),
                "search": (
                    "_source",
                    "aggregations",
                    "aggs",
                    "collapse",
                    "docvalue_fields",
                    "explain",
                    "fields",
                    "from_",
                    "highlight",
                    "indices_boost",
                    "min_score",
                    "pit",
                    "post_filter",
                    "profile",
                    "query",
                    "rescore",
                    "runtime_mappings",
                    "script_fields",
                    "search_after",
                    "seq_no_primary_term",
                    "size",
                    "slice",
                    "sort",
                    "stats",
                    "stored_fields",
                    "suggest",
                    "terminate_after",
                    "timeout",
                    "track_scores",
                    "track_total_hits",
                    "version",
                ),
                "search_mvt": (
                    "aggs",
                    "exact_bounds",
                    "extent",
                    "fields",
                    "grid_precision",
                    "grid_type",
                    "query",
                    "runtime_mappings",
                    "size",
                    "sort",
                ),
                "update": (
                    "_source",
                    "detect_noop",
                    "doc",
                    "doc_as_upsert",
                    "script",
                    "scripted_upsert",
                    "upsert",
                ),
            }
        ),
        body_names=_frozen({"create": "document", "index": "document"}),
        typed_stub_endpoints=frozenset(
            {
                "clear_scroll",
                "create",
                "delete",
                "exists",
                "get",
                "index",
                "scroll",
                "search",
                "search_mvt",
                "update",
                "indices.close",
                "indices.create",
                "indices.create_data_stream",
                "indices.delete",
                "indices.delete_alias",
                "indices.delete_data_stream",
                "indices.delete_template",
                "indices.exists",
                "indices.exists_alias",
                "indices.exists_template",
                "indices.flush",
                "indices.get",
                "indices.get_alias",
                "indices.get_data_stream",
                "indices.get_field_mapping",
                "indices.get_mapping",
                "indices.get_settings",
                "indices.get_template",
                "indices.open",
                "indices.refresh",
                "indices.segments",
                "indices.shard_stores",
                "indices.stats",
            }
        ),
    ),
)


def profile(package: str) -> Profile:
    """The profile of one package, by import or distribution name."""
    for candidate in PROFILES:
        if package in (candidate.package, candidate.dist):
            return candidate
    known = ", ".join(p.package for p in PROFILES)
    raise KeyError(f"no profile for {package!r}; known packages: {known}")
