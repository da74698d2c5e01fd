"""The escluster-analysis module on real 8.19 and 9 clusters (marked ``cluster``; deselect with
-m 'not cluster'): it is loaded, and its tokenizers, filters, char filters and analyzers work in
_analyze, in index settings and in mappings, as the official DSL integration suite uses them."""

from __future__ import annotations

import json
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from escluster.pytest_plugin import EsCluster

pytestmark = [pytest.mark.cluster, pytest.mark.escluster(versions=["8.19", "9"], provider="local")]


def call(url: str, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except HTTPError as exc:
        return exc.code, json.load(exc)


def tokens(url: str, body: dict[str, Any]) -> list[str]:
    status, answer = call(f"{url}/_analyze", "POST", body)
    assert status == 200, f"{body}: {answer}"
    return [t["token"] for t in answer["tokens"]]


def test_module_is_loaded(elasticsearch_cluster: EsCluster) -> None:
    _, answer = call(f"{elasticsearch_cluster.url}/_nodes/_local/plugins")
    (node,) = answer["nodes"].values()
    modules = {m["name"]: m for m in node["modules"]}
    assert modules["escluster-analysis"]["version"] == elasticsearch_cluster.version
    assert modules["escluster-analysis"]["classname"] == "org.escluster.analysis.EsclusterAnalysisPlugin"


# (request body of _analyze, expected tokens)
ANALYZE: list[tuple[dict[str, Any], list[str]]] = [
    ({"tokenizer": "keyword", "text": "Hello World!"}, ["Hello World!"]),
    ({"tokenizer": "path_hierarchy", "text": "/a/b/c"}, ["/a", "/a/b", "/a/b/c"]),
    (
        {
            "tokenizer": {"type": "path_hierarchy", "delimiter": "-", "replacement": "/", "skip": 1},
            "text": "x-a-b",
        },
        ["/a", "/a/b"],
    ),
    ({"tokenizer": {"type": "path_hierarchy", "reverse": True}, "text": "/a/b"}, ["/a/b", "a/b", "b"]),
    ({"tokenizer": "pattern", "text": "foo_bar, baz"}, ["foo_bar", "baz"]),
    ({"tokenizer": {"type": "pattern", "pattern": ",", "group": -1}, "text": "a,b"}, ["a", "b"]),
    ({"tokenizer": {"type": "simple_pattern", "pattern": "[0-9]{3}"}, "text": "fd-786-335"}, ["786", "335"]),
    (
        {"tokenizer": {"type": "simple_pattern_split", "pattern": ":"}, "text": "if:this:works"},
        ["if", "this", "works"],
    ),
    ({"tokenizer": "whitespace", "text": "Quick  Brown-Fox"}, ["Quick", "Brown-Fox"]),
    ({"tokenizer": "letter", "text": "Brown-Fox 42"}, ["Brown", "Fox"]),
    ({"tokenizer": "lowercase", "text": "Brown-FOX"}, ["brown", "fox"]),
    ({"tokenizer": "ngram", "text": "abc"}, ["a", "ab", "b", "bc", "c"]),
    (
        {
            "tokenizer": {"type": "edge_ngram", "min_gram": 2, "max_gram": 4, "token_chars": ["letter"]},
            "text": "Fox 1 Quick",
        },
        ["Fo", "Fox", "Qu", "Qui", "Quic"],
    ),
    (
        {"tokenizer": {"type": "char_group", "tokenize_on_chars": ["whitespace", "-"]}, "text": "a-b c"},
        ["a", "b", "c"],
    ),
    ({"tokenizer": "uax_url_email", "text": "mail me@x.org"}, ["mail", "me@x.org"]),
    ({"tokenizer": "standard", "filter": ["uppercase"], "text": "ab"}, ["AB"]),
    ({"tokenizer": "keyword", "filter": ["lowercase", "asciifolding"], "text": "Ĉafé"}, ["cafe"]),
    ({"tokenizer": "keyword", "filter": ["trim"], "text": " x "}, ["x"]),
    ({"tokenizer": "standard", "filter": ["snowball"], "text": "running jumps"}, ["run", "jump"]),
    (
        {"tokenizer": "standard", "filter": [{"type": "snowball", "language": "German"}], "text": "Häuser"},
        ["Haus"],
    ),
    ({"tokenizer": "standard", "filter": ["stemmer"], "text": "fixes running"}, ["fix", "run"]),
    (
        {
            "tokenizer": "standard",
            "filter": [{"type": "stemmer", "language": "light_english"}],
            "text": "jumping",
        },
        ["jump"],
    ),
    (
        {"tokenizer": "standard", "filter": [{"type": "edge_ngram", "max_gram": 3}], "text": "quick"},
        ["q", "qu", "qui"],
    ),
    ({"tokenizer": "keyword", "filter": ["ngram"], "text": "abc"}, ["a", "ab", "b", "bc", "c"]),
    ({"tokenizer": "whitespace", "filter": ["unique"], "text": "a b a c b"}, ["a", "b", "c"]),
    (
        {"tokenizer": "whitespace", "filter": ["word_delimiter_graph"], "text": "Wi-Fi PowerShot500"},
        ["Wi", "Fi", "Power", "Shot", "500"],
    ),
    (
        {
            "tokenizer": "whitespace",
            "filter": [{"type": "word_delimiter_graph", "catenate_words": True}],
            "text": "wi-fi",
        },
        ["wifi", "wi", "fi"],
    ),
    ({"tokenizer": "standard", "filter": ["reverse"], "text": "abc"}, ["cba"]),
    ({"tokenizer": "standard", "filter": [{"type": "length", "min": 2}], "text": "a bb ccc"}, ["bb", "ccc"]),
    ({"tokenizer": "standard", "filter": [{"type": "truncate", "length": 2}], "text": "abcd"}, ["ab"]),
    (
        {"tokenizer": "standard", "filter": [{"type": "limit", "max_token_count": 2}], "text": "a b c"},
        ["a", "b"],
    ),
    (
        {
            "tokenizer": "standard",
            "filter": ["lowercase", {"type": "synonym_graph", "synonyms": ["ny, new york"]}],
            "text": "NY",
        },
        ["new", "ny", "york"],
    ),
    ({"tokenizer": "keyword", "char_filter": ["html_strip"], "text": "<b>so</b> happy"}, ["so happy"]),
    (
        {
            "tokenizer": "keyword",
            "char_filter": [{"type": "mapping", "mappings": [":) => happy"]}],
            "text": "I am :)",
        },
        ["I am happy"],
    ),
    (
        {
            "tokenizer": "keyword",
            "char_filter": [{"type": "pattern_replace", "pattern": "-", "replacement": "_"}],
            "text": "1-2",
        },
        ["1_2"],
    ),
    ({"analyzer": "english", "text": "fixes running"}, ["fix", "run"]),
    ({"analyzer": "snowball", "text": "The runners"}, ["runner"]),
    ({"analyzer": "pattern", "text": "Foo,Bar"}, ["foo", "bar"]),
    ({"analyzer": "simple", "text": "Foo-Bar 1"}, ["foo", "bar"]),
    ({"analyzer": "whitespace", "text": "Foo-Bar 1"}, ["Foo-Bar", "1"]),
    ({"analyzer": "stop", "text": "the fox"}, ["fox"]),
    ({"analyzer": "keyword", "text": "Foo Bar"}, ["Foo Bar"]),
    ({"analyzer": "fingerprint", "text": "b a b"}, ["a b"]),
    ({"analyzer": "french", "text": "les chevaux"}, ["cheval"]),
]


def test_analyze(elasticsearch_cluster: EsCluster) -> None:
    wrong = []
    for body, expected in ANALYZE:
        got = tokens(elasticsearch_cluster.url, body)
        if got != expected:
            wrong.append(f"{json.dumps(body)}: {got} != {expected}")
    assert not wrong, "\n".join(wrong)


def test_index_settings_and_mappings(elasticsearch_cluster: EsCluster) -> None:
    url = f"{elasticsearch_cluster.url}/escluster-analysis-test"
    call(url, "DELETE")
    settings = {
        "analysis": {
            "analyzer": {
                "file_path": {"type": "custom", "tokenizer": "path_hierarchy", "filter": ["lowercase"]},
                "my_analyzer": {
                    "type": "custom",
                    "tokenizer": "split_words",
                    "char_filter": ["html_strip", "smileys"],
                    "filter": ["lowercase", "my_snow", "unique"],
                },
                "no_stem": {"type": "english", "stem_exclusion": ["running"]},
                "csv": {"type": "pattern", "pattern": "\\s*,\\s*", "lowercase": False},
            },
            "tokenizer": {"split_words": {"type": "simple_pattern_split", "pattern": " "}},
            "char_filter": {"smileys": {"type": "mapping", "mappings": [":) => happy"]}},
            "filter": {"my_snow": {"type": "snowball", "language": "English"}},
            "normalizer": {"folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
        }
    }
    mappings = {
        "properties": {
            "path": {"type": "text", "analyzer": "file_path"},
            "title": {"type": "text", "analyzer": "snowball"},
            "body": {"type": "text", "analyzer": "my_analyzer", "search_analyzer": "english"},
            "tag": {"type": "keyword", "normalizer": "folded"},
            "csv": {"type": "text", "analyzer": "csv"},
            "plain": {"type": "text", "analyzer": "no_stem"},
        }
    }
    status, answer = call(url, "PUT", {"settings": settings, "mappings": mappings})
    assert status == 200, answer
    try:
        document = {
            "path": "/Users/Me/Docs",
            "title": "Running quickly",
            "body": "<b>The</b> runners :) were running",
            "tag": "Élan",
            "csv": "A, B,C",
            "plain": "running",
        }
        status, answer = call(f"{url}/_doc/1?refresh=true", "PUT", document)
        assert status in (200, 201), answer
        queries = [
            {"term": {"path": "/users/me"}},
            {"match": {"title": "runs"}},
            {"match": {"body": "happy"}},
            {"term": {"tag": "ELAN"}},
            {"term": {"csv": "B"}},
            {"term": {"plain": "running"}},
        ]
        for query in queries:
            _, answer = call(f"{url}/_search", "POST", {"query": query})
            assert answer["hits"]["total"]["value"] == 1, query
        assert tokens(url, {"analyzer": "my_analyzer", "text": "<i>Foxes</i> :) foxes"}) == ["fox", "happi"]
    finally:
        call(url, "DELETE")


def test_bad_settings_are_refused(elasticsearch_cluster: EsCluster) -> None:
    url = f"{elasticsearch_cluster.url}/escluster-analysis-bad"
    too_wide = {"analysis": {"tokenizer": {"t": {"type": "ngram", "min_gram": 1, "max_gram": 5}}}}
    status, answer = call(url, "PUT", {"settings": too_wide})
    assert status == 400 and "index.max_ngram_diff" in answer["error"]["reason"]
    no_stemmer = {"analysis": {"filter": {"f": {"type": "snowball", "language": "Klingon"}}}}
    status, answer = call(url, "PUT", {"settings": no_stemmer})
    assert status == 400 and "Klingon" in answer["error"]["reason"]
