"""Every endpoint of every generated package, called against a recording HTTP server.

The vectors come from the spec, not from the generator: each endpoint is
called with its required parts and body (and then with each optional path
part alone), and the request that reaches a real socket on 127.0.0.1 must
have an allowed HTTP method, the URL the spec gives for exactly those parts,
the query and the body that were passed.  The generated packages are imported
from ``packages/*/src``; they need the hand-written runtime in
``codegen/common`` to have been rendered with them.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from fakees import FakeServer, Reply, Request

from codegen.load import load_endpoints
from codegen.model import Endpoint, Param
from codegen.profiles import PROFILES, Profile

ROOT = Path(__file__).resolve().parents[2]
COUNTS = {
    "elasticsearch": 597,
    "elasticsearch8": 566,
    "elasticsearch7": 405,
}  # 7.x: 403 + deprecation.info, remote.info


class Recorder:
    """The fake Elasticsearch of these tests: answers the product check with ``version`` and
    acknowledges everything else (``fakees.FakeServer``, one per module)."""

    server: FakeServer
    version = "9.5.0"

    @classmethod
    def root(cls, request: Request) -> Reply:
        return Reply(
            body={
                "version": {"number": cls.version, "build_flavor": "default"},
                "tagline": "You Know, for Search",
            }
        )

    @classmethod
    def requests(cls) -> list[Request]:
        return cls.server.requests


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with FakeServer() as fake:
        fake.default = Reply(body={"acknowledged": True})
        fake.route("GET", "/", Recorder.root)
        Recorder.server = fake
        yield fake.url


def import_package(prof: Profile) -> Any:
    """The installed package (``pip install -e packages/<dist>``), imported as a user would."""
    try:
        return importlib.import_module(prof.package)
    except ImportError as error:  # the packages are always installed for the tests: a failure, never a skip
        pytest.fail(f"{prof.package} does not import: {error}")


# --- vectors, from the spec ---------------------------------------------------------


def sample(hint: str) -> Any:
    """A JSON value of a spec type hint (the first member of unions)."""
    if hint.startswith("t.Union["):
        return sample(_first_member(hint[len("t.Union[") : -1]))
    if hint.startswith("t.Literal["):
        return json.loads(_first_member(hint[len("t.Literal[") : -1]))
    if hint.startswith("t.Mapping") or hint == "t.Any":
        return {"k": 1}
    if hint.startswith("t.Sequence"):
        return ["a"]
    return {"str": "text", "int": 1, "float": 1.5, "bool": True}.get(hint, "text")


def _first_member(members: str) -> str:
    depth = 0
    for i, char in enumerate(members):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            return members[:i]
    return members


def usable_paths(endpoint: Endpoint, prof: Profile) -> list[Any]:
    current = [p for p in endpoint.paths if p.deprecated is None]
    return current if prof.api_style == "keyword" and current else list(endpoint.paths)


def vectors(endpoint: Endpoint, prof: Profile) -> Iterator[tuple[dict[str, Any], dict[str, str], Any]]:
    """(keyword arguments, path parts given by wire name, expected JSON body or ndjson lines)."""
    wires = {w for p in usable_paths(endpoint, prof) for w in p.parts}
    parts = [p for p in endpoint.path_parts if p.wire_name in wires]
    in_body = set(prof.body_keywords.get(endpoint.name, ()))
    kwargs: dict[str, Any] = {p.name: f"r-{p.wire_name}" for p in parts if p.required}
    given = {p.wire_name: f"r-{p.wire_name}" for p in parts if p.required}
    body: Any = None
    kind = endpoint.body.kind
    if kind == "fields" and prof.api_style == "keyword":
        names = {p.name for p in parts}
        fields = {f.name: f for f in endpoint.body.fields if f.required and f.name not in names}
        kwargs.update({name: sample(f.type_hint) for name, f in fields.items()})
        body = {f.wire_name: sample(f.type_hint) for f in fields.values()} or None
    elif kind == "ndjson" and endpoint.body.required:
        lines = [{"index": {}}, {"field": 1}]
        kwargs[endpoint.body.value_param_name or "body" if prof.api_style == "keyword" else "body"] = lines
        body = lines
    elif kind != "none" and endpoint.body.required:
        name = endpoint.body.value_param_name if prof.api_style == "keyword" else "body"
        kwargs[name or "body"] = body = {"doc": 1}
    if kind == "fields" and endpoint.body.required and prof.api_style == "legacy":
        kwargs["body"] = body = {"doc": 1}
    kwargs.update({p.name: sample(p.type_hint) for p in endpoint.query_params if p.required})
    if any(p.wire_name == "pretty" for p in endpoint.query_params) or prof.legacy:
        kwargs["pretty"] = True  # cat.help takes no parameter at all
    yield kwargs, given, body
    for part in parts:
        if not part.required and part.name not in in_body:
            yield (
                {**kwargs, part.name: f"o-{part.wire_name}"},
                {**given, part.wire_name: f"o-{part.wire_name}"},
                body,
            )


def expected_path(
    endpoint: Endpoint, prof: Profile, given: dict[str, str]
) -> tuple[str | None, tuple[str, ...]]:
    """The URL with the most parts, all given; a part default fills a gap before a given part.

    None when no URL can be built from the parts given (the method must refuse the call).
    """
    default = prof.part_defaults.get(endpoint.name)
    candidates = []
    for path in usable_paths(endpoint, prof):
        values = dict(given)
        if default and default[0] in path.parts and default[0] not in values and len(path.parts) > 1:
            values[default[0]] = default[1]
        if set(path.parts) <= set(values) and (set(path.parts) >= set(given) or not candidates):
            candidates.append((len(path.parts), path, values))
    if not candidates:
        optional = prof.optional_parts.get(endpoint.name)
        if optional is not None:  # 7.x: the first URL without the part (``PUT /_mapping``)
            first = usable_paths(endpoint, prof)[0]
            wire = next(p.wire_name for p in endpoint.path_parts if p.name == optional)
            if set(first.parts) - {wire} <= set(given):
                return first.template.replace("/{" + wire + "}", ""), first.methods
        return None, ()
    candidates.sort(key=lambda c: -c[0])
    _, path, values = candidates[0]
    url = path.template
    for wire in path.parts:
        url = url.replace("{" + wire + "}", quote(values[wire], safe=",*"))
    return url, path.methods


def all_vectors(prof: Profile) -> Iterator[tuple[Endpoint, dict[str, Any], str, tuple[str, ...], Any]]:
    spec = ROOT.parent / "shared" / "specs"
    if not spec.is_dir():
        pytest.skip(f"spec data not found at {spec}")
    for endpoint in load_endpoints(spec, prof.spec_version, legacy=prof.legacy):
        for kwargs, given, body in vectors(endpoint, prof):
            url, methods = expected_path(endpoint, prof, given)
            yield endpoint, kwargs, url, methods, body


def method_of(client: Any, endpoint: Endpoint, prof: Profile) -> Any:
    name = prof.renames.get(endpoint.name, endpoint.name)
    namespace, _, method = name.rpartition(".")
    return getattr(getattr(client, namespace) if namespace else client, method)


def call(method: Any, kwargs: dict[str, Any], url: str | None) -> Any:
    """Calls the API method; one that cannot build a URL must raise instead of sending."""
    if url is not None:
        return method(**kwargs)
    Recorder.requests().clear()
    with pytest.raises(ValueError):
        method(**kwargs)
    assert not Recorder.requests()
    return None


async def call_async(method: Any, kwargs: dict[str, Any], url: str | None) -> None:
    if url is not None:
        await method(**kwargs)
        return
    with pytest.raises(ValueError):
        await method(**kwargs)


def check(
    endpoint: Endpoint, kwargs: dict[str, Any], url: str | None, methods: tuple[str, ...], body: Any
) -> None:
    if url is None:
        return
    sent = Recorder.requests()[-1]
    where = f"{endpoint.name}({kwargs})"
    target = urlsplit(sent.target)
    assert target.path.rstrip("/") == url.rstrip("/"), where
    assert sent.method in methods, where
    if "pretty" in kwargs:
        assert ("pretty", "true") in parse_qsl(target.query), where
    if body is None:
        return
    raw = sent.body
    if endpoint.body.kind == "ndjson" and b"\n" in raw.strip():
        assert [json.loads(line) for line in raw.splitlines() if line] == body, where
    else:
        assert json.loads(raw) == body, where


@pytest.mark.parametrize("prof", PROFILES, ids=lambda p: p.package)
def test_every_endpoint_sync(server: str, prof: Profile) -> None:
    package = import_package(prof)
    Recorder.version = f"{prof.spec_version}.0"
    client = package.Elasticsearch(server)
    seen = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for endpoint, kwargs, url, methods, body in all_vectors(prof):
            seen.add(endpoint.name)
            call(method_of(client, endpoint, prof), kwargs, url)
            check(endpoint, kwargs, url, methods, body)
    assert len(seen) == COUNTS[prof.package]


@pytest.mark.parametrize("prof", PROFILES, ids=lambda p: p.package)
def test_every_endpoint_async(server: str, prof: Profile) -> None:
    package = import_package(prof)
    Recorder.version = f"{prof.spec_version}.0"
    vectors_ = list(all_vectors(prof))

    async def run() -> None:
        client = package.AsyncElasticsearch(server)
        try:
            for endpoint, kwargs, url, methods, body in vectors_:
                await call_async(method_of(client, endpoint, prof), kwargs, url)
                check(endpoint, kwargs, url, methods, body)
        finally:
            await client.close()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        asyncio.run(run())


@pytest.mark.parametrize("prof", PROFILES, ids=lambda p: p.package)
def test_required_parts_are_checked_before_sending(server: str, prof: Profile) -> None:
    client = import_package(prof).Elasticsearch(server)
    Recorder.requests().clear()
    with pytest.raises(ValueError, match="'index'"):
        client.get(index="", id="1")
    with pytest.raises(ValueError, match="'id'"):
        client.get(index="i", id=None)
    assert [r for r in Recorder.requests() if r.target != "/"] == []


@pytest.mark.parametrize("prof", PROFILES, ids=lambda p: p.package)
def test_path_parts_are_quoted_keeping_commas_and_stars(server: str, prof: Profile) -> None:
    client = import_package(prof).Elasticsearch(server)
    client.get(index="a b/c,d*é", id="x?#")
    assert Recorder.requests()[-1].target == "/a%20b%2Fc,d*%C3%A9/_doc/x%3F%23"
    client.search(index=["a", "b/c"])
    assert Recorder.requests()[-1].target.startswith("/a,b%2Fc/_search")


@pytest.mark.parametrize("prof", [p for p in PROFILES if p.api_style == "keyword"], ids=lambda p: p.package)
def test_keyword_style_bodies(server: str, prof: Profile) -> None:
    client = import_package(prof).Elasticsearch(server)
    client.search(index="i", query={"match_all": {}}, from_=2, source=False, size=0)
    sent = Recorder.requests()[-1]
    assert json.loads(sent.body) == {"from": 2, "query": {"match_all": {}}, "_source": False, "size": 0}
    with pytest.warns(DeprecationWarning):
        client.search(index="i", body={"query": {}}, size=3)
    assert json.loads(Recorder.requests()[-1].body) == {"query": {}, "size": 3}
    with pytest.raises(ValueError, match="size"):
        client.search(index="i", body={"size": 2}, size=3)
    with pytest.raises(TypeError):
        client.index(index="i", document={"a": 1}, body={"a": 1})
    with pytest.raises(ValueError, match="'document'"):
        client.index(index="i")
    client.bulk(operations=[{"index": {}}, '{"a": 1}'])
    sent = Recorder.requests()[-1]
    assert sent.body == b'{"index":{}}\n{"a": 1}\n'
    assert "x-ndjson" in sent.headers["content-type"]
    with pytest.warns(DeprecationWarning):
        client.indices.get(index="i", params={"flat_settings": True})
    assert "flat_settings=true" in Recorder.requests()[-1].target
    with pytest.raises(TypeError):
        client.search("i")  # positional arguments are refused


@pytest.mark.parametrize("prof", [p for p in PROFILES if p.api_style == "keyword"], ids=lambda p: p.package)
def test_stability_warnings(server: str, prof: Profile) -> None:
    package = import_package(prof)
    client = package.Elasticsearch(server)
    for endpoint, kwargs, url, *_ in all_vectors(prof):
        if url is None:
            continue
        stability = prof.stability_overrides.get(endpoint.name, endpoint.stability)
        if stability != "stable" or endpoint.visibility == "private":
            with pytest.warns(package.exceptions.GeneralAvailabilityWarning):
                method_of(client, endpoint, prof)(**kwargs)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("error", package.exceptions.GeneralAvailabilityWarning)
                method_of(client, endpoint, prof)(**kwargs)


def test_import_does_not_load_namespaces_aiohttp_the_dsl_or_esql() -> None:
    code = (
        "import sys\n"
        "import elasticsearch, elasticsearch8, elasticsearch7\n"
        "loaded = [m for m in sys.modules if m.endswith(('.indices', '.ml', '.security'))]\n"
        "assert not loaded, loaded\n"
        "assert 'aiohttp' not in sys.modules\n"
        "dsl = [m for m in sys.modules if '.dsl' in m]\n"
        "assert not dsl, dsl\n"
        "esql = [m for m in sys.modules if m.split('.')[1:2] == ['esql']]\n"
        "assert not esql, esql\n"
    )
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr  # an ImportError too: the packages are always installed


def test_param_names_are_identifiers() -> None:
    # Keyword-style names never keep a leading underscore (``_source`` -> ``source``).
    for prof in PROFILES:
        if prof.api_style == "keyword":
            spec = ROOT.parent / "shared" / "specs"
            if not spec.is_dir():
                pytest.skip("no spec data")
            for endpoint in load_endpoints(spec, prof.spec_version, legacy=False):
                params: tuple[Param, ...] = endpoint.path_parts + endpoint.query_params + endpoint.body.fields
                assert not [p.name for p in params if p.name.startswith("_")], endpoint.name


def test_legacy_client_module_keeps_the_official_names() -> None:
    """7.x programs import ``Transport`` and ``TransportError`` from ``elasticsearch.client``."""
    client = importlib.import_module("elasticsearch7.client")
    package = importlib.import_module("elasticsearch7")
    assert client.Transport is package.Transport
    assert client.TransportError is package.TransportError
    assert client.logger.name == "elasticsearch"


def test_legacy_serializer_and_transport_keep_the_official_names() -> None:
    import subprocess

    code = (
        "import sys, datetime, elasticsearch7.serializer as s, elasticsearch7.transport as t, elasticsearch7 as e; "
        "assert s.TIME_TYPES == (datetime.date, datetime.datetime) and s.INTEGER_TYPES == (); "
        "assert 'decimal' not in sys.modules; import decimal; assert s.FLOAT_TYPES == (decimal.Decimal,); "
        "assert s.string_types == (str, bytes); "
        "assert (t.ConnectionError, t.ConnectionTimeout, t.SerializationError) == "
        "(e.ConnectionError, e.ConnectionTimeout, e.SerializationError); "
        "assert (t.AuthenticationException, t.AuthorizationException) == "
        "(e.AuthenticationException, e.AuthorizationException)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_legacy_quiet_optional_part(server: str) -> None:
    """7.x ``data_frame.get_data_frame_transform_stats``: the id is optional (every transform),
    left out without a warning, as in the official 7.17."""
    import warnings

    es7 = importlib.import_module("elasticsearch7")
    es = es7.Elasticsearch(server)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        es.data_frame.get_data_frame_transform_stats()
    assert Recorder.requests()[-1].target == "/_data_frame/transforms/_stats"
    es.data_frame.get_data_frame_transform_stats(transform_id="t1", size=5)
    assert Recorder.requests()[-1].target == "/_data_frame/transforms/t1/_stats?size=5"
