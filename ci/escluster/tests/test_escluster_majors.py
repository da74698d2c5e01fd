"""The registry of majors (majors.json): what the cluster tools take from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from escluster.majors import RegistryError, jdk_policy, load_majors, major_of, stack_aliases


def test_the_committed_registry() -> None:
    majors = load_majors()
    assert [m.package for m in majors] == ["elasticsearch", "elasticsearch8", "elasticsearch7"]
    assert stack_aliases(majors) == {"7.17": (7, 17), "8.19": (8, 19), "9": (9, None)}
    assert major_of("elasticsearch7", majors).compat_env == {"ELASTIC_CLIENT_APIVERSIONING": "true"}
    assert [m.package for m in majors if m.yaml_tests] == ["elasticsearch", "elasticsearch8"]


def test_jdk_policy_of_unknown_majors_is_the_nearest() -> None:
    majors = load_majors()
    assert jdk_policy(10, majors) == jdk_policy(9, majors)
    assert jdk_policy(6, majors) == jdk_policy(7, majors)
    assert jdk_policy(8, majors).preferred == 17


def test_compat_stack_must_be_a_majors_stack(tmp_path: Path) -> None:
    entry = {
        "major": 8,
        "package": "elasticsearch8",
        "spec": "8.19",
        "stack": "8.19",
        "compat_header": 8,
        "compat": {"stack": "10"},
        "jdk": {"min": 17, "max": 23, "preferred": 17},
    }
    path = tmp_path / "majors.json"
    path.write_text(json.dumps({"majors": [entry]}))
    with pytest.raises(RegistryError, match="no major's stack"):
        load_majors(path)
    path.write_text(json.dumps({"majors": [{**entry, "compat": None, "stack": "9"}]}))
    with pytest.raises(RegistryError, match=r"not an alias of 8\.x"):
        load_majors(path)
