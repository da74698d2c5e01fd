"""Keyword mapping, distribution classification, results JSON and the cluster config."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from conformance.yaml_api import ApiCatalog, ApiInfo, build_kwargs
from conformance.yaml_cluster import config_files, pbkdf2_hash
from conformance.yaml_distribution import classify_error, module_of, probe_path, route_gap, template_regex
from conformance.yaml_results import FileResult, SuiteResult, TestResult, skip_category, skip_group

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs"


def _info(kind: str, **kw: object) -> ApiInfo:
    return ApiInfo(
        name="x",
        namespace="",
        method_name="x",
        http_paths=(("/x", ("POST",)),),
        body_kind=kind,
        value_name=kw.pop("value_name", None),
        **kw,
    )  # type: ignore[arg-type]


def test_build_kwargs_bodies() -> None:
    fields = _info("fields", field_names={"query": "query", "from": "from_"}, query_names={"size": "size"})
    assert build_kwargs(fields, {"size": 1, "body": {"query": {}, "from": 3}}) == {
        "size": 1,
        "query": {},
        "from_": 3,
    }
    assert build_kwargs(fields, {"body": '{"query": {}}'}) == {"query": {}}  # JSON text is parsed
    assert build_kwargs(fields, {"body": {"other": 1}}) == {"body": {"other": 1}}
    assert build_kwargs(fields, {"body": {}}) == {"body": {}}
    value = _info("value", value_name="document")
    assert build_kwargs(value, {"body": {"a": 1}}) == {"document": {"a": 1}}
    ndjson = _info("ndjson", value_name="operations")
    assert build_kwargs(ndjson, {"body": '{"index": {}}\n{"a": 1}\n'}) == {
        "operations": '{"index": {}}\n{"a": 1}\n'
    }
    assert build_kwargs(None, {"from": 1, "body": {"q": 1}}) == {"from_": 1, "body": {"q": 1}}


@pytest.mark.skipif(not (SPECS / "9.5" / "schema.json.gz").is_file(), reason="needs ../shared/specs")
def test_catalog_uses_generated_names() -> None:
    catalog = ApiCatalog.for_package("elasticsearch", SPECS)
    search = catalog.get("search")
    assert (
        search is not None
        and search.field_names["from"] == "from_"
        and search.field_names["_source"] == "source"
    )
    index = catalog.get("index")
    assert index is not None and index.value_name == "document" and index.path_names["index"] == "index"
    bulk = catalog.get("bulk")
    assert bulk is not None and bulk.body_kind == "ndjson" and bulk.value_name == "operations"
    create = catalog.get("indices.create")
    assert create is not None and create.namespace == "indices" and create.method_name == "create"


def test_classify_error() -> None:
    assert "processor 'set'" in classify_error(
        {"error": {"reason": "No processor type exists with name [set]"}}
    )
    assert "lang-painless" in classify_error("unable to put stored script with unsupported lang [painless]")
    assert "mapper-extras" in classify_error("No handler for type [rank_feature] declared on field [f]")
    assert "analysis-common" in classify_error("failed to find filter under [pattern_capture]")
    assert "module reindex" in classify_error(
        "failed to find action [indices:data/write/delete/byquery] to execute"
    )
    assert "x-pack-monitoring" in classify_error(
        "persistent setting [xpack.monitoring.collection.enabled], not recognized"
    )
    assert classify_error({"error": {"reason": "index [x] already exists"}}) is None


def test_route_gap_and_templates() -> None:
    api = ApiInfo("enrich.stats", "enrich", "stats", (("/_enrich/_stats", ("GET",)),), "none", None)
    assert template_regex("/{index}/_doc/{id}").match("/a/_doc/1")
    assert not template_regex("/{index}/_doc/{id}").match("/a/b/_doc/1")
    assert probe_path("/{index}/_doc/{id}") == "/yaml-probe/_doc/yaml-probe"
    fell = "Invalid index name [_enrich], must not start with '_'."
    assert "x-pack-enrich" in route_gap("enrich.stats", api, {"error": {"reason": fell}})
    assert route_gap(
        "enrich.stats", api, {"error": "no handler found for uri [/_enrich/_stats] and method [GET]"}
    )
    assert (
        route_gap(
            "enrich.stats", api, {"error": "no handler found for uri [/_enrich/_stat] and method [GET]"}
        )
        is None
    )
    assert route_gap("enrich.stats", None, "anything") is None
    assert module_of("ml.put_job") == "x-pack-ml" and module_of("reindex") == "reindex"
    assert module_of("indices.create_data_stream") == "data-streams" and module_of("indices.create") is None


def test_results_json_grouping() -> None:
    suite = SuiteResult({"client": "elasticsearch"}, "2024-01-01T00:00:00+00:00")
    suite.files = [
        FileResult(
            "a.yml",
            [
                TestResult("t1", "passed"),
                TestResult(
                    "t2", "skipped", reason="not available on this distribution: ml.a (module x-pack-ml); x"
                ),
            ],
        ),
        FileResult(
            "b.yml",
            [
                TestResult(
                    "t3", "skipped", reason="not available on this distribution: ml.b (module x-pack-ml); y"
                ),
                TestResult("t4", "failed", message="boom"),
                TestResult("t5", "skipped", reason="serverless-only test file (requires stack: false)"),
            ],
        ),
    ]
    doc = suite.to_json()
    assert doc["schema"] == "yaml-conformance/1"
    assert doc["totals"] == {"files": 2, "tests": 5, "passed": 1, "failed": 1, "skipped": 3}
    top = doc["skip_reasons"][0]
    assert top["reason"] == "not available on this distribution: module x-pack-ml" and top["count"] == 2
    assert len(top["details"]) == 2 and top["tests"] == ["a.yml::t2", "b.yml::t3"]
    assert doc["failures"] == [{"file": "b.yml", "test": "t4", "message": "boom"}]
    assert doc["files"][1]["tests"][2]["category"] == "serverless"
    assert skip_category("security is disabled on this test cluster") == "security"
    assert skip_category("test defect: x") == "test-defect"
    assert skip_group("serverless-only API: x") == "serverless-only API: x"


def test_pbkdf2_hash_format() -> None:
    salt = bytes(range(32))
    text = pbkdf2_hash("secret", iterations=1000, salt=salt)
    prefix, cost, salt_b64, key_b64 = text[:8], *text[8:].split("$")
    assert prefix == "{PBKDF2}" and cost == "1000"
    assert base64.b64decode(salt_b64) == salt
    assert base64.b64decode(key_b64) == hashlib.pbkdf2_hmac("sha512", b"secret", salt, 1000, dklen=32)
    files = config_files()
    assert files["users_roles"] == "superuser:x_pack_rest_user,admin_user\n"
    assert [line.split(":")[0] for line in files["users"].splitlines()] == ["x_pack_rest_user", "admin_user"]
