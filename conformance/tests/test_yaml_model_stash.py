"""Loading test files and stashed values."""

from __future__ import annotations

import pytest

from conformance.yaml_model import TestFormatError, load_text
from conformance.yaml_stash import Stash, StashError

TEXT = """
---
requires:
  serverless: false
  stack: true
---
setup:
  - do:
      indices.create: { index: test }
---
teardown:
  - do:
      indices.delete: { index: test }
---
"first":
  - do:
      index: { index: test, body: { date: 2021-01-02, on: yes } }
  - match: { result: created }
---
"second":
  - skip:
      features: headers
  - is_true: ''
"""


def test_load_text_sections_and_steps() -> None:
    f = load_text(TEXT, "dir/file.yml")
    assert f.name == "dir/file.yml"
    assert f.requires == {"serverless": False, "stack": True}
    assert [s.kind for s in f.setup] == ["do"] and [s.kind for s in f.teardown] == ["do"]
    assert [t.name for t in f.tests] == ["first", "second"]
    first = f.tests[0].steps
    assert [(s.kind, s.index) for s in first] == [("do", 0), ("match", 1)]
    assert f.tests[1].steps[0].arg == {"features": "headers"}


def test_dates_stay_strings() -> None:
    """Unquoted dates are sent as written, not turned into date objects."""
    body = load_text(TEXT).tests[0].steps[0].arg["index"]["body"]
    assert body["date"] == "2021-01-02"
    assert body["on"] == "yes"  # only true/false are booleans
    assert load_text('"t":\n  - is_true: {a: true, b: False}\n').tests[0].steps[0].arg == {
        "a": True,
        "b": False,
    }


def test_malformed_step_is_refused() -> None:
    with pytest.raises(TestFormatError):
        load_text('"t":\n  - do: {}\n    match: {}\n')
    with pytest.raises(TestFormatError):
        load_text('"t": {not: a list}\n')


def test_stash_whole_inline_and_keys() -> None:
    stash = Stash()
    stash.set("id", 42)
    stash.set("name", "abc")
    assert stash.resolve("$id") == 42  # keeps the type
    assert stash.resolve("${id}") == 42
    assert stash.resolve("prefix-${name}-${id}") == "prefix-abc-42"
    assert stash.resolve({"a": ["$name", {"$name": "$id"}]}) == {"a": ["abc", {"abc": 42}]}
    assert stash.resolve("/regex$/") == "/regex$/"  # a $ not followed by a name stays
    assert stash.resolve("costs $ 5") == "costs $ 5"


def test_stash_body_and_missing() -> None:
    stash = Stash()
    stash.body = {"hits": {"total": 3}}
    assert stash.resolve("$body") == {"hits": {"total": 3}}
    assert stash.resolve("$body.hits.total") == 3
    with pytest.raises(StashError, match="nothing was stashed"):
        stash.resolve("$unknown")
    with pytest.raises(StashError):
        stash.resolve("$body.nope")
    stash.clear()
    assert stash.body is None and stash.values == {}
