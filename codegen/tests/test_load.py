"""Whole-spec properties of load_endpoints()."""

from __future__ import annotations

import gzip
import json
import keyword
import typing
from pathlib import Path

import pytest

from codegen.load import load_endpoints
from codegen.model import Endpoint
from codegen.rules import SpecMissingError

from .conftest import VERSIONS

EXPECTED_COUNTS = {
    "9.5": 597,
    "8.19": 566,
    "7.17": 405,
}  # 7.17: 403 in the specs + 2 in codegen/extra_endpoints


@pytest.mark.parametrize("version", VERSIONS)
def test_counts(endpoints: dict[str, dict[str, Endpoint]], version: str) -> None:
    assert len(endpoints[version]) == EXPECTED_COUNTS[version]


def test_codegen_exclude_is_skipped(endpoints: dict[str, dict[str, Endpoint]]) -> None:
    # Flagged on the endpoint in 9.5; 8.19 has the same endpoints unflagged.
    assert "_internal.get_desired_balance" not in endpoints["9.5"]
    assert "_internal.get_desired_balance" in endpoints["8.19"]


def test_sorted_by_namespace_then_name(spec_dir: Path) -> None:
    loaded = load_endpoints(spec_dir, "8.19")
    keys = [(e.namespace, e.name) for e in loaded]
    assert keys == sorted(keys)
    assert loaded[0].namespace == ""


@pytest.mark.parametrize("version", VERSIONS)
def test_names_and_type_hints_are_valid_python(
    endpoints: dict[str, dict[str, Endpoint]], version: str
) -> None:
    scope = {"t": typing}
    for endpoint in endpoints[version].values():
        assert endpoint.method_name.isidentifier()
        assert not keyword.iskeyword(endpoint.method_name)
        signature = endpoint.path_parts + endpoint.query_params
        assert len({p.name for p in signature}) == len(signature), endpoint.name
        for param in signature + endpoint.body.fields:
            assert param.name.isidentifier(), (endpoint.name, param)
            assert not keyword.iskeyword(param.name), (endpoint.name, param)
            eval(param.type_hint, scope)  # raises on a malformed hint
        if endpoint.body.value_type_hint is not None:
            eval(endpoint.body.value_type_hint, scope)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_placeholder_is_a_path_part(endpoints: dict[str, dict[str, Endpoint]], version: str) -> None:
    for endpoint in endpoints[version].values():
        wire_parts = {p.wire_name for p in endpoint.path_parts}
        for path in endpoint.paths:
            assert set(path.parts) <= wire_parts, (endpoint.name, path)


def test_missing_spec_dir_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(SpecMissingError) as info:
        load_endpoints(tmp_path / "nowhere", "9.5")
    assert str(tmp_path / "nowhere" / "9.5" / "schema.json.gz") in str(info.value)


def test_missing_version_names_the_file(spec_dir: Path) -> None:
    with pytest.raises(SpecMissingError, match=r"1\.0[/\\]schema\.json\.gz"):
        load_endpoints(spec_dir, "1.0")


def test_untyped_endpoint_without_rest_spec_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "7.0").mkdir()
    schema = {
        "endpoints": [
            {
                "name": "ping",
                "request": None,
                "response": None,
                "urls": [{"path": "/", "methods": ["HEAD"]}],
                "responseMediaType": ["application/json"],
                "stability": "stable",
                "visibility": "public",
            }
        ],
        "types": [],
    }
    with gzip.open(tmp_path / "7.0" / "schema.json.gz", "wt") as fh:
        json.dump(schema, fh)
    with pytest.raises(SpecMissingError, match=r"rest-api-spec\.json\.gz"):
        load_endpoints(tmp_path, "7.0")


def test_extra_7x_endpoints_come_from_codegen(endpoints: dict[str, dict[str, Endpoint]]) -> None:
    """The official 7.17 client's ``deprecation.info`` and ``remote.info``, in no spec of 7.17."""
    deprecation, remote = endpoints["7.17"]["deprecation.info"], endpoints["7.17"]["remote.info"]
    assert [p.template for p in deprecation.paths] == [
        "/_xpack/migration/deprecations",
        "/{index}/_xpack/migration/deprecations",
    ]
    assert [p.template for p in remote.paths] == ["/_remote/info"]
    assert "deprecation.info" not in endpoints["8.19"] and "remote.info" not in endpoints["8.19"]
