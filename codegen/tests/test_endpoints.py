"""Concrete endpoints checked field by field against the spec data."""

from __future__ import annotations

import pytest

from codegen.model import Deprecation, Endpoint, Param

from .conftest import VERSIONS

Loaded = dict[str, dict[str, Endpoint]]


def by_name(params: tuple[Param, ...]) -> dict[str, Param]:
    return {p.name: p for p in params}


@pytest.mark.parametrize("version", VERSIONS)
def test_search(endpoints: Loaded, version: str) -> None:
    search = endpoints[version]["search"]
    assert (search.namespace, search.method_name) == ("", "search")
    templates = [p.template for p in search.paths]
    assert templates[:2] == ["/_search", "/{index}/_search"]
    assert search.http_methods == ("GET", "POST")
    index = by_name(search.path_parts)["index"]
    assert (index.required, index.is_list) == (False, True)
    assert index.type_hint == "t.Union[str, t.Sequence[str]]"

    query = by_name(search.query_params)
    assert {"from_", "size", "q", "pretty", "filter_path"} <= set(query)
    assert query["from_"].wire_name == "from"
    assert query["from_"].type_hint == "int"
    assert query["size"].type_hint == "int"
    assert query["q"].type_hint == "str"
    assert query["filter_path"].is_list

    assert search.body.kind == "fields"
    assert not search.body.required
    fields = by_name(search.body.fields)
    assert {"query", "aggregations", "from_", "size"} <= set(fields)
    assert fields["aggregations"].aliases == ("aggs",)
    assert fields["query"].type_hint == "t.Mapping[str, t.Any]"
    assert not any(f.is_list for f in search.body.fields)
    assert search.response_kind == "object"


def test_search_typed_path_only_in_7(endpoints: Loaded) -> None:
    typed = endpoints["7.17"]["search"].paths[2]
    assert typed.template == "/{index}/{type}/_search"
    assert typed.deprecated == Deprecation("7.0.0")
    assert "doc_type" in by_name(endpoints["7.17"]["search"].path_parts)
    assert len(endpoints["8.19"]["search"].paths) == 2


@pytest.mark.parametrize("version", VERSIONS)
def test_index(endpoints: Loaded, version: str) -> None:
    index = endpoints[version]["index"]
    with_id, without_id = index.paths[:2]
    assert (with_id.template, with_id.methods) == (
        "/{index}/_doc/{id}",
        ("PUT", "POST"),
    )
    assert (without_id.template, without_id.methods) == ("/{index}/_doc", ("POST",))
    assert index.http_methods == ("PUT", "POST")
    parts = by_name(index.path_parts)
    assert parts["index"].required
    assert not parts["id"].required
    assert index.body.kind == "value"
    assert index.body.value_param_name == "document"
    assert index.body.required
    assert index.request_media_types == ("application/json",)
    refresh = by_name(index.query_params)["refresh"]
    assert refresh.type_hint == 't.Union[bool, t.Literal["true", "false", "wait_for"], str]'


def test_index_doc_type_in_7(endpoints: Loaded) -> None:
    parts = by_name(endpoints["7.17"]["index"].path_parts)
    doc_type = parts["doc_type"]
    assert (doc_type.wire_name, doc_type.required) == ("type", False)
    # Only the rest-api-spec marks the part itself deprecated.
    assert doc_type.deprecated == Deprecation(None)
    assert "doc_type" not in by_name(endpoints["8.19"]["index"].path_parts)


@pytest.mark.parametrize("version", VERSIONS)
def test_bulk(endpoints: Loaded, version: str) -> None:
    bulk = endpoints[version]["bulk"]
    assert bulk.body.kind == "ndjson"
    assert bulk.body.value_param_name == "operations"
    assert bulk.body.required
    assert bulk.request_media_types == ("application/x-ndjson",)
    assert bulk.body.value_type_hint == "t.Sequence[t.Any]"


def test_bulk_keeps_type_query_beside_doc_type_in_7(endpoints: Loaded) -> None:
    bulk = endpoints["7.17"]["bulk"]
    assert by_name(bulk.path_parts)["doc_type"].wire_name == "type"
    assert by_name(bulk.query_params)["type"].wire_name == "type"


@pytest.mark.parametrize("version", VERSIONS)
def test_indices_exists(endpoints: Loaded, version: str) -> None:
    exists = endpoints[version]["indices.exists"]
    assert (exists.namespace, exists.method_name) == ("indices", "exists")
    assert exists.http_methods == ("HEAD",)
    assert exists.response_kind == "head-bool"
    assert exists.body.kind == "none"
    assert exists.request_media_types == ()
    assert by_name(exists.path_parts)["index"].required


@pytest.mark.parametrize("version", VERSIONS)
def test_cat_indices(endpoints: Loaded, version: str) -> None:
    cat = endpoints[version]["cat.indices"]
    assert cat.namespace == "cat"
    assert set(cat.response_media_types) == {"text/plain", "application/json"}
    assert cat.response_kind == "list"  # JSON form; text with format=text
    query = by_name(cat.query_params)
    # From the cat behavior, not the request type itself.
    assert {"format", "v", "help", "h", "s"} <= set(query)
    assert query["h"].is_list


def test_text_and_binary_responses(endpoints: Loaded) -> None:
    assert endpoints["9.5"]["nodes.hot_threads"].response_kind == "text"
    assert endpoints["9.5"]["search_mvt"].response_kind == "binary"
    assert endpoints["9.5"]["inference.stream_completion"].response_kind == "binary"


def test_endpoint_filled_from_rest_api_spec(endpoints: Loaded) -> None:
    # No request type in the 7.17 schema.json.
    status = endpoints["7.17"]["sql.get_async"]
    assert [p.template for p in status.paths] == ["/_sql/async/{id}"]
    assert by_name(status.path_parts)["id"].required
    query = by_name(status.query_params)
    assert set(query) == {
        "delimiter",
        "format",
        "keep_alive",
        "wait_for_completion_timeout",
    }
    assert query["keep_alive"].type_hint == "str"
    assert status.body.kind == "none"

    msearch = endpoints["7.17"]["fleet.msearch"]
    assert (msearch.body.kind, msearch.body.value_param_name) == ("ndjson", "body")
    assert msearch.stability == "experimental"


def test_schema_gaps_filled_from_rest_api_spec(endpoints: Loaded) -> None:
    # The 7.17 request type forgot these; 7.x clients accepted them.
    flush = by_name(endpoints["7.17"]["ml.flush_job"].query_params)
    assert {"start", "end", "calc_interim"} <= set(flush)
    put_node = endpoints["7.17"]["shutdown.put_node"]
    assert (put_node.body.kind, put_node.body.required) == ("value", True)


def test_code_names_follow_the_client_major(endpoints: Loaded) -> None:
    for version in ("9.5", "8.19"):
        name = by_name(endpoints[version]["ilm.put_lifecycle"].path_parts)["name"]
        assert name.wire_name == "policy"
    assert "policy" in by_name(endpoints["7.17"]["ilm.put_lifecycle"].path_parts)
    route = by_name(endpoints["9.5"]["index"].query_params)["route_slice"]
    assert route.wire_name == "_slice"


def test_non_identifier_and_keyword_names(endpoints: Loaded) -> None:
    watcher = by_name(endpoints["9.5"]["watcher.update_settings"].body.fields)
    assert watcher["index_auto_expand_replicas"].wire_name == "index.auto_expand_replicas"
    fields = [
        p
        for e in endpoints["9.5"].values()
        for p in e.query_params + e.body.fields
        if p.wire_name == "global"
    ]
    assert fields and all(p.name == "global_" for p in fields)


def test_query_param_repeating_a_path_part_is_dropped(endpoints: Loaded) -> None:
    scroll = endpoints["9.5"]["scroll"]
    assert "scroll_id" in by_name(scroll.path_parts)
    assert "scroll_id" not in by_name(scroll.query_params)


def test_deprecations(endpoints: Loaded) -> None:
    assert endpoints["9.5"]["knn_search"].deprecated == Deprecation("8.4.0")
    # 7.17 keeps the flag on the request type only.
    assert endpoints["7.17"]["indices.exists_type"].deprecated == Deprecation("7.0.0")
    assert endpoints["9.5"]["search"].deprecated is None


def test_stability_visibility_and_docs(endpoints: Loaded) -> None:
    assert endpoints["9.5"]["project.tags"].stability == "experimental"  # serverless only
    assert endpoints["8.19"]["esql.query"].stability == "stable"  # no stability given
    assert endpoints["9.5"]["search"].visibility == "public"
    assert endpoints["8.19"]["search"].doc_url == (
        "https://www.elastic.co/guide/en/elasticsearch/reference/8.19/search-search.html"
    )
    assert endpoints["7.17"]["search"].doc_url == (
        "https://www.elastic.co/guide/en/elasticsearch/reference/7.17/search-search.html"
    )
