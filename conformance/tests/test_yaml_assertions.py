"""Paths, matchers and set/transform steps."""

from __future__ import annotations

import base64

import pytest

from conformance.yaml_assertions import (
    MISSING,
    AssertionFailure,
    equal,
    lookup,
    run_check,
    split_path,
    truthy,
)
from conformance.yaml_stash import Stash

BODY = {
    "hits": {"total": {"value": 2}, "hits": [{"_id": "a", "_source": {"n": 1}}, {"_id": "b"}]},
    "nodes": {"node-x": {"name": "n1", "modules": [{"name": "x-pack-core", "v": 1}, {"name": "apm"}]}},
    "a.b": {"c": True},
    "count": 5,
    "ratio": 0.5,
    "text": "You Know, for Search",
    "empty": [],
    "zero": 0,
    "flag": False,
    "none": None,
    "(local)": {"version": {"number": "9.5.4"}},
}


def check(kind: str, arg: object, stash: Stash | None = None, body: object = BODY) -> None:
    run_check(kind, body, arg, stash or Stash())


def test_split_path_escapes_dots() -> None:
    assert split_path("a\\.b.c") == ["a.b", "c"]
    assert split_path("") == [] and split_path("$body") == []
    assert split_path("$body.x.0") == ["x", "0"]


def test_lookup() -> None:
    assert lookup(BODY, "hits.hits.1._id") == "b"
    assert lookup(BODY, "hits.hits.-1._id") == "b"
    assert lookup(BODY, "hits.hits.5") is MISSING
    assert lookup(BODY, "a\\.b.c") is True
    assert lookup(BODY, "count.deeper") is MISSING
    assert lookup(BODY, "") is BODY
    assert lookup(BODY, "nodes._arbitrary_key_") == "node-x"
    assert lookup(BODY, "nodes._arbitrary_key_.name") == "n1"
    stash = Stash()
    stash.set("node", "node-x")
    assert lookup(BODY, "nodes.$node.name", stash) == "n1"


def test_equal_numbers_and_types() -> None:
    assert equal(1, 1.0) and equal({"a": [1, 2.0]}, {"a": [1.0, 2]})
    assert not equal(True, 1) and not equal(1, True)
    assert not equal("1", 1)
    assert not equal({"a": 1, "b": 2}, {"a": 1})  # no subset matching in match
    assert not equal([1, 2], [1])


def test_match() -> None:
    check("match", {"count": 5, "hits.total.value": 2.0, "text": "You Know, for Search"})
    check("match", {"(local).version.number": "9.5.4"})
    check("match", {"text": "/for \\s Search/"})  # verbose regex: the blank is ignored
    check("match", {"count": "/^5$/"})  # numbers are matched as text
    check("match", {"$body": {"x": 1}}, body={"x": 1})
    with pytest.raises(AssertionFailure, match="expected 6, got 5"):
        check("match", {"count": 6})
    with pytest.raises(AssertionFailure, match="does not match"):
        check("match", {"text": "/^Search/"})
    with pytest.raises(AssertionFailure):
        check("match", {"missing.path": None})


def test_match_with_stash() -> None:
    stash = Stash()
    stash.set("value", 2)
    stash.set("id", "a")
    check("match", {"hits.total.value": "$value", "hits.hits.0._id": "${id}"}, stash)
    with pytest.raises(AssertionFailure):
        check("match", {"hits.hits.1._id": "$id"}, stash)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (MISSING, False),
        (None, False),
        (False, False),
        ("", False),
        ("false", False),
        ("FALSE", False),
        (0, False),
        ("0", False),
        (0.0, False),
        (True, True),
        (1, True),
        ("x", True),
        ([], True),
        ({}, True),
        ([0], True),
    ],
)
def test_truthy(value: object, expected: bool) -> None:
    assert truthy(value) is expected


def test_is_true_is_false_exists() -> None:
    check("is_true", "hits.hits.0._source")
    check("is_true", "empty")  # present, so true
    check("is_false", "zero")
    check("is_false", "flag")
    check("is_false", "no.such.path")
    check("is_true", "", body=True)  # HEAD answers: the body is the boolean
    check("is_false", "", body=False)
    check("exists", "(local).version.number")
    with pytest.raises(AssertionFailure, match="is_true 'none'"):
        check("is_true", "none")
    with pytest.raises(AssertionFailure):
        check("is_false", "count")
    with pytest.raises(AssertionFailure):
        check("exists", "none")


def test_length() -> None:
    check("length", {"hits.hits": 2, "nodes": 1, "text": 20, "empty": 0})
    with pytest.raises(AssertionFailure, match="expected 3, got 2"):
        check("length", {"hits.hits": 3})
    with pytest.raises(AssertionFailure, match="no length"):
        check("length", {"count": 1})


def test_comparisons() -> None:
    check("gt", {"count": 4})
    check("gte", {"count": 5, "ratio": 0.5})
    check("lt", {"ratio": 1})
    check("lte", {"count": "5"})
    for kind, arg in (
        ("gt", {"count": 5}),
        ("gte", {"count": 6}),
        ("lt", {"count": 5}),
        ("lte", {"count": 4}),
    ):
        with pytest.raises(AssertionFailure):
            check(kind, arg)
    with pytest.raises(AssertionFailure, match="not a number"):
        check("gt", {"text": 1})
    with pytest.raises(AssertionFailure, match="no value"):
        check("lt", {"nothing": 1})


def test_contains() -> None:
    stash = Stash()
    stash.set("master", "node-x")
    check("contains", {"nodes.$master.modules": {"name": "apm"}}, stash)
    check("contains", {"nodes.node-x.modules": {"name": "x-pack-core"}})
    check("contains", {"text": "for Search"})
    check("contains", {"l": 2}, body={"l": [1, 2, 3]})
    with pytest.raises(AssertionFailure, match="not found"):
        check("contains", {"nodes.node-x.modules": {"name": "x-pack-ml"}})
    with pytest.raises(AssertionFailure, match="not a list"):
        check("contains", {"count": 5})


def test_set_and_transform_and_set() -> None:
    stash = Stash()
    check("set", {"hits.hits.0._id": "first", "count": "n"}, stash)
    assert stash.values == {"first": "a", "n": 5}
    with pytest.raises(AssertionFailure, match="no value"):
        check("set", {"nope": "x"}, stash)
    body = {"id": "key-id", "api_key": "secret"}
    run_check("transform_and_set", body, {"login": "#base64EncodeCredentials(id,api_key)"}, stash)
    assert stash.values["login"] == base64.b64encode(b"key-id:secret").decode()
    with pytest.raises(AssertionFailure, match="unknown transformation"):
        run_check("transform_and_set", body, {"x": "#nope(id)"}, stash)
