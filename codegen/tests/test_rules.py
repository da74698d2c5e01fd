"""Normalization rules on small hand-made inputs, for cases the specs lack."""

from __future__ import annotations

from typing import Any

import pytest

from codegen import rules
from codegen.spec_rest import _hint as _rest_hint
from codegen.spec_schema import TypeHints


def ref(namespace: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "instance_of",
        "type": {"namespace": namespace, "name": name},
        **extra,
    }


def alias(namespace: str, name: str, target: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "kind": "type_alias",
        "name": {"namespace": namespace, "name": name},
        "type": target,
        **extra,
    }


TYPES = {
    ("_types", "Stamp"): alias(
        "_types",
        "Stamp",
        {
            "kind": "union_of",
            "items": [
                ref("_builtins", "string"),
                ref("_types", "Epoch", generics=[ref("_types", "long")]),
            ],
        },
    ),
    ("_types", "Epoch"): alias(
        "_types",
        "Epoch",
        ref("_types.Epoch", "Unit"),
        generics=[{"namespace": "_types.Epoch", "name": "Unit"}],
    ),
    ("_types", "Loop"): alias("_types", "Loop", {"kind": "array_of", "value": ref("_types", "Loop")}),
    ("_types", "Switch"): {
        "kind": "enum",
        "name": {"namespace": "_types", "name": "Switch"},
        "members": [{"name": "true"}, {"name": "false"}, {"name": "auto"}],
        "isOpen": True,
    },
    ("_types", "Operator"): {
        "kind": "enum",
        "name": {"namespace": "_types", "name": "Operator"},
        "members": [{"name": "and"}, {"name": "or"}],
    },
    ("_types", "Query"): {
        "kind": "interface",
        "name": {"namespace": "_types", "name": "Query"},
    },
}


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (ref("_types", "Stamp"), "t.Union[str, int]"),  # generic alias bound
        (ref("_types", "Loop"), "t.Sequence[t.Any]"),  # recursion stops
        (
            ref("_types", "Switch"),
            't.Union[bool, t.Literal["true", "false", "auto"], str]',
        ),
        # closed enums take any string too, as the official clients' hints do
        (ref("_types", "Operator"), 't.Union[t.Literal["and", "or"], str]'),
        (ref("_types", "Query"), "t.Mapping[str, t.Any]"),
        (ref("_global.index.Request", "TDocument"), "t.Any"),  # unbound generic
        (
            {
                "kind": "union_of",
                "items": [
                    ref("_builtins", "string"),
                    {"kind": "literal_value", "value": -1},
                    {"kind": "literal_value", "value": 0},
                ],
            },
            "t.Union[str, t.Literal[-1, 0]]",
        ),
        (
            {
                "kind": "union_of",
                "items": [
                    {"kind": "literal_value", "value": True},
                    {"kind": "literal_value", "value": 1},
                ],
            },
            "t.Literal[True, 1]",
        ),
        (
            {
                "kind": "dictionary_of",
                "key": ref("_builtins", "string"),
                "value": {"kind": "user_defined_value"},
            },
            "t.Mapping[str, t.Any]",
        ),
        (
            {
                "kind": "union_of",
                "items": [ref("_builtins", "null"), {"kind": "user_defined_value"}],
            },
            "t.Any",
        ),
        (ref("_types", "double"), "float"),
    ],
)
def test_type_hints(node: dict[str, Any], expected: str) -> None:
    assert TypeHints(TYPES).hint(node) == expected


def test_rest_spec_enums_take_any_string() -> None:
    assert _rest_hint({"type": "enum", "options": ["a", "b"]}) == 't.Union[t.Literal["a", "b"], str]'
    assert _rest_hint({"type": "list", "options": ["a"]}) == (
        't.Union[t.Union[t.Literal["a"], str], t.Sequence[t.Union[t.Literal["a"], str]]]'
    )


def test_accepts_sequence_follows_aliases() -> None:
    hints = TypeHints(TYPES)
    assert hints.accepts_sequence(ref("_types", "Loop"))
    assert not hints.accepts_sequence(ref("_types", "Stamp"))


def test_unknown_kinds_fail_loudly() -> None:
    with pytest.raises(rules.SpecError):
        TypeHints({}).hint({"kind": "mystery"})
    with pytest.raises(rules.SpecError):
        TypeHints({}).hint(ref("_builtins", "mystery"))


@pytest.mark.parametrize(
    ("media", "kind"),
    [
        (("application/x-ndjson",), "ndjson"),
        (("application/json", "application/x-ndjson"), "ndjson"),
        (("application/json",), "value"),
        ((), "value"),
        (("application/octet-stream",), "binary"),
    ],
)
def test_body_kind_for_media(media: tuple[str, ...], kind: str) -> None:
    assert rules.body_kind_for_media(media) == kind


@pytest.mark.parametrize(
    ("methods", "media", "is_array", "kind"),
    [
        (("HEAD",), ("application/json",), False, "head-bool"),
        (("GET", "HEAD"), ("application/json",), False, "object"),
        (("GET",), ("text/plain", "application/json"), True, "list"),
        (("GET",), ("text/plain",), False, "text"),
        (("POST",), ("text/event-stream",), False, "binary"),
    ],
)
def test_response_kind(methods: tuple[str, ...], media: tuple[str, ...], is_array: bool, kind: str) -> None:
    assert rules.response_kind(methods, media, is_array) == kind


def test_names() -> None:
    assert rules.split_name("indices.create") == ("indices", "create")
    assert rules.split_name("search") == ("", "search")
    assert rules.python_name("from") == "from_"
    assert rules.python_name("id") == "id"  # builtins stay: they are public API
    assert rules.python_name("security-tokens") == "security_tokens"
    assert rules.param_name("policy", "name", legacy_names=False) == "name"
    assert rules.param_name("policy", "name", legacy_names=True) == "policy"
    assert rules.param_name("type", None, legacy_names=True, path_part=True) == "doc_type"
    assert rules.param_name("type", None, legacy_names=True) == "type"
    assert rules.param_name("_source", None, legacy_names=False) == "source"
    assert rules.param_name("_source", None, legacy_names=True) == "_source"


def test_doc_url_pins_floating_branches() -> None:
    url = "https://www.elastic.co/guide/en/elasticsearch/reference/{branch}/x.html"
    assert rules.doc_url(url, "8.19") == url.replace("{branch}", "8.19")
    other = "https://www.elastic.co/guide/en/observability/current/x.html"
    assert rules.doc_url(other, "8.19") == other
    assert rules.doc_url(None, "8.19") is None
